package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.TopicId;
import io.vertx.core.buffer.Buffer;

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

  Envelope(Kind kind, String messageId, AgentId sender, AgentId recipient, TopicId topic, String payloadType,
           Object payload, Buffer payloadJson, Map<String, String> metadata, int hops) {
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
  }

  /** @return a copy carrying the payload's JSON (for a remote node) */
  Envelope withJson(Buffer json) {
    return new Envelope(kind, messageId, sender, recipient, topic, payloadType, null, json, metadata, hops);
  }

  /** @return a copy for another recipient */
  Envelope to(AgentId other) {
    return new Envelope(kind, messageId, sender, other, topic, payloadType, payload, payloadJson, metadata, hops);
  }

  /** @return a copy one hop further */
  Envelope forwarded() {
    return new Envelope(kind, messageId, sender, recipient, topic, payloadType, payload, payloadJson, metadata, hops + 1);
  }

  boolean fromWire() {
    return payload == null && payloadJson != null;
  }
}
