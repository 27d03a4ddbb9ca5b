package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.TopicId;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Map;

/**
 * What travels between runtimes: a direct message, a published message or a reply. Within a JVM
 * the payload object itself is handed over; across nodes its JSON ({@link #payloadJson}).
 */
final class Envelope {

  enum Kind { SEND, PUBLISH, REPLY }

  final Kind kind;
  final String messageId;
  final AgentId sender;
  final AgentId recipient;
  final TopicId topic;
  final String payloadType;
  final Object payload;
  final Buffer payloadJson;
  final Map<String, String> metadata;
  final int hops;
  /** For a publish sent once to a node hosting several recipients: all of them (else empty). */
  final List<AgentId> recipients;
  /**
   * For a send: how long its caller waits for the reply (0: the runtime's default). A node that
   * forwards the send (its view of the owner differs from the caller's) waits as long, not its own
   * default.
   */
  final long timeoutMillis;
  /**
   * For a send that may travel in a batch ({@link Calls}): the caller's id of the call (0: none),
   * and the node its answer goes back to.
   */
  final long callId;
  final String replyTo;

  Envelope(Kind kind, String messageId, AgentId sender, AgentId recipient, TopicId topic, String payloadType,
           Object payload, Buffer payloadJson, Map<String, String> metadata, int hops) {
    this(kind, messageId, sender, recipient, topic, payloadType, payload, payloadJson, metadata, hops, List.of());
  }

  Envelope(Kind kind, String messageId, AgentId sender, AgentId recipient, TopicId topic, String payloadType,
           Object payload, Buffer payloadJson, Map<String, String> metadata, int hops, List<AgentId> recipients) {
    this(kind, messageId, sender, recipient, topic, payloadType, payload, payloadJson, metadata, hops, recipients, 0);
  }

  Envelope(Kind kind, String messageId, AgentId sender, AgentId recipient, TopicId topic, String payloadType,
           Object payload, Buffer payloadJson, Map<String, String> metadata, int hops, List<AgentId> recipients,
           long timeoutMillis) {
    this(kind, messageId, sender, recipient, topic, payloadType, payload, payloadJson, metadata, hops, recipients, timeoutMillis,
        0, null);
  }

  Envelope(Kind kind, String messageId, AgentId sender, AgentId recipient, TopicId topic, String payloadType,
           Object payload, Buffer payloadJson, Map<String, String> metadata, int hops, List<AgentId> recipients,
           long timeoutMillis, long callId, String replyTo) {
    this.kind = kind;
    this.messageId = messageId;
    this.sender = sender;
    this.recipient = recipient;
    this.topic = topic;
    this.payloadType = payloadType;
    this.payload = payload;
    this.payloadJson = payloadJson;
    this.metadata = metadata;
    this.hops = hops;
    this.recipients = recipients;
    this.timeoutMillis = timeoutMillis;
    this.callId = callId;
    this.replyTo = replyTo;
  }

  /** @return a copy that is call {@code id} of node {@code caller}, answered there on its own when it came in a batch */
  Envelope asCall(long id, String caller) {
    return new Envelope(kind, messageId, sender, recipient, topic, payloadType, payload, payloadJson, metadata, hops, recipients,
        timeoutMillis, id, caller);
  }

  /** @return whether it is a call whose answer goes back on its own (it came in a batch) */
  boolean isCall() {
    return kind == Kind.SEND && callId != 0 && replyTo != null;
  }

  /** @return a copy whose caller waits {@code millis} for the reply */
  Envelope withTimeout(long millis) {
    return new Envelope(kind, messageId, sender, recipient, topic, payloadType, payload, payloadJson, metadata, hops, recipients, millis,
        callId, replyTo);
  }

  /** @return a copy addressed to several recipients on one node */
  Envelope toAll(List<AgentId> all) {
    return new Envelope(kind, messageId, sender, null, topic, payloadType, payload, payloadJson, metadata, hops, List.copyOf(all),
        timeoutMillis, callId, replyTo);
  }

  /** @return a copy carrying the payload's JSON (for a remote node) */
  Envelope withJson(Buffer json) {
    return new Envelope(kind, messageId, sender, recipient, topic, payloadType, null, json, metadata, hops, recipients, timeoutMillis,
        callId, replyTo);
  }

  /**
   * @return a copy that also carries its JSON payload decoded (an immutable record, shared by the
   *     recipients on this node as a local publish shares it); handlers taking another form still
   *     get it from the JSON
   */
  Envelope withDecoded(Object decoded) {
    return new Envelope(kind, messageId, sender, recipient, topic, payloadType, decoded, payloadJson, metadata, hops, recipients,
        timeoutMillis, callId, replyTo);
  }

  /** @return a copy for another recipient */
  Envelope to(AgentId other) {
    return new Envelope(kind, messageId, sender, other, topic, payloadType, payload, payloadJson, metadata, hops, List.of(),
        timeoutMillis, callId, replyTo);
  }

  /** @return a copy one hop further */
  Envelope forwarded() {
    return new Envelope(kind, messageId, sender, recipient, topic, payloadType, payload, payloadJson, metadata, hops + 1,
        recipients, timeoutMillis, callId, replyTo);
  }

  /** @return whether it came from another node (its reply goes back as JSON) */
  boolean fromWire() {
    return payloadJson != null;
  }
}
