package io.agentbus.heron;

import io.agentbus.agent.Agent;
import io.agentbus.agent.Handlers;
import io.agentbus.broker.MessageBroker;
import io.agentbus.channel.Channel;
import io.agentbus.channel.Channels;
import io.agentbus.channel.Ids;
import io.agentbus.message.Message;
import io.agentbus.message.MessageType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An agent of HERON's hierarchy, talking over a {@link MessageBroker}: actions go down on action
 * channels, information goes up on info channels, broadcasts go to every listener, and peers of
 * one level talk on each other's {@linkplain io.agentbus.channel.Channels#peer peer inbox}.
 *
 * <p>Subclasses are {@link FieldAgent} (a device, bottom), {@link CoordinatorAgent} (manages
 * subordinates) and {@link SystemAgent} (top, no upstream). The messaging methods work with any
 * broker: in-memory for centralized runs, event bus for distributed ones.
 *
 * <p><b>One agent model.</b> A HERON agent is an {@link Agent} of the runtime. Used on its own (as
 * HERON's examples do: construct it, {@link #setMessageBroker set a broker}, call its methods) it
 * handles no runtime messages. Registered as a type on an {@link io.agentbus.agent.AgentRuntime}
 * it is placed, activated, moved with its state and failed over like any other agent; its
 * {@link #handlers()} are then the clock its environment drives it by (for example "step now"),
 * while the data of a step travels on the broker's channels, as in HERON. The microgrid case study
 * works this way: its operator is a {@link SystemAgent}, each microgrid a {@link ProxyAgent}.
 *
 * <p>Threads: the methods return futures and may be called from any thread; a runtime-hosted
 * agent calls them from its own context, where their futures also complete.
 */
public abstract class HeronAgent extends Agent {

  private final String agentId;
  private final String envId;
  private final String upstreamId;
  private volatile List<String> subordinateIds;
  private MessageBroker broker;
  private double timestamp;

  /**
   * @param agentId this agent's id
   * @param envId the environment it lives in
   * @param upstreamId its parent, or null at the top
   * @param subordinateIds its children
   */
  protected HeronAgent(String agentId, String envId, String upstreamId, List<String> subordinateIds) {
    this.agentId = Ids.check("agent id", agentId);
    this.envId = Ids.check("env id", envId);
    this.upstreamId = upstreamId == null ? null : Ids.check("upstream id", upstreamId);
    subordinateIds.forEach(s -> Ids.check("subordinate id", s));
    this.subordinateIds = List.copyOf(subordinateIds);
  }

  /**
   * A standalone HERON agent handles no runtime messages; runtime-hosted subclasses override this
   * with the messages their environment drives them by.
   */
  @Override
  public Handlers handlers() {
    return Handlers.builder().build();
  }

  /** @return the agent id within its environment (its HERON id, part of its channels' names) */
  public String agentId() {
    return agentId;
  }

  /** @return the environment id */
  public String envId() {
    return envId;
  }

  /** @return the parent's id, or null */
  public String upstreamId() {
    return upstreamId;
  }

  /** @return the children's ids */
  public List<String> subordinateIds() {
    return subordinateIds;
  }

  /**
   * Connects the agent to a broker and creates the channels whose mailboxes belong with it: those
   * it alone reads (the actions from its upstream, its peer inbox) and those it alone writes (its
   * information for its upstream, its broadcasts). A coordinator reads its subordinates' info with
   * one pull per node that keeps some of it ({@link MessageBroker#consumeAll}), so an info mailbox
   * kept by its writer costs the writer nothing and the reader one round trip per node, not one
   * per subordinate.
   *
   * @param broker the broker
   * @return completion
   */
  public Future<Void> setMessageBroker(MessageBroker broker) {
    this.broker = Objects.requireNonNull(broker, "broker");
    Channels ch = broker.channels();
    List<Future<Void>> created = new ArrayList<>();
    if (upstreamId != null) {
      created.add(broker.createChannel(ch.action(upstreamId, agentId, envId)));
      created.add(broker.createChannel(ch.info(agentId, upstreamId, envId)));
    }
    created.add(broker.createChannel(ch.broadcast(agentId, envId)));
    created.add(broker.createChannel(ch.peer(agentId, envId)));
    return Future.all(created).mapEmpty();
  }

  /**
   * Replaces the subordinates (a coordinator whose children are known only when its environment
   * is reset). Their info channels are theirs to create (see {@link #setMessageBroker}).
   *
   * @param ids the new subordinates
   * @return completion; failed with an {@link io.agentbus.channel.InvalidIdException} if an id is
   *     invalid (nothing is changed then)
   */
  protected Future<Void> setSubordinates(List<String> ids) {
    try {
      ids.forEach(s -> Ids.check("subordinate id", s));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    subordinateIds = List.copyOf(ids);
    return Future.succeededFuture();
  }

  /** @return the broker, once set */
  public MessageBroker broker() {
    if (broker == null) {
      throw new IllegalStateException("agent " + agentId + " has no message broker; call setMessageBroker first");
    }
    return broker;
  }

  /** Sets the timestamp stamped on outgoing messages (simulation time, seconds). */
  public void setTimestamp(double timestamp) {
    this.timestamp = timestamp;
  }

  /** @return the current timestamp */
  public double timestamp() {
    return timestamp;
  }

  /**
   * Sends information to the parent: a message of type INFO on {@code info(this, upstream)}.
   *
   * @param info the information
   * @return completion
   */
  public Future<Void> sendInfoToUpstream(JsonObject info) {
    if (upstreamId == null) {
      return Future.failedFuture(new IllegalStateException("agent " + agentId + " has no upstream"));
    }
    Channel ch = broker().channels().info(agentId, upstreamId, envId);
    return broker().publish(ch, message(upstreamId, MessageType.INFO, info));
  }

  /**
   * Pulls the actions the parent sent to this agent, oldest first.
   *
   * @return the {@code action} values of the messages (objects, numbers, ...)
   */
  public Future<List<Object>> receiveActionMessages() {
    if (upstreamId == null) {
      return Future.succeededFuture(List.of());
    }
    Channel ch = broker().channels().action(upstreamId, agentId, envId);
    return broker().consume(ch, agentId, envId).map(HeronAgent::actions);
  }

  /**
   * Broadcasts to every listener of this agent's broadcast channel.
   *
   * @param payload the payload
   * @return completion
   */
  public Future<Void> broadcast(JsonObject payload) {
    Channel ch = broker().channels().broadcast(agentId, envId);
    return broker().publish(ch, message("all", MessageType.BROADCAST, payload));
  }

  /**
   * Sends a message to a peer (HERON's horizontal protocols, such as a P2P offer from one
   * microgrid to another): a message of type INFO on the peer's {@linkplain
   * io.agentbus.channel.Channels#peer inbox}, with this agent as its sender.
   *
   * @param peerId the peer (any agent of this environment)
   * @param payload what to tell it
   * @return completion, once the message is in the peer's inbox
   */
  public Future<Void> sendToPeer(String peerId, JsonObject payload) {
    try {
      Ids.check("peer id", peerId);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return broker().publish(broker().channels().peer(peerId, envId), message(peerId, MessageType.INFO, payload));
  }

  /**
   * Pulls what peers sent to this agent, oldest first (and removes it).
   *
   * @return the messages; {@link Message#senderId()} says which peer sent each
   */
  public Future<List<Message>> receivePeerMessages() {
    return broker().consume(broker().channels().peer(agentId, envId), agentId, envId);
  }

  /**
   * Removes this agent's earlier broadcasts from its broadcast channel, once every listener has
   * read them (listeners read broadcasts without removing them, so the sender retracts them; a
   * coordinator that broadcasts every step does this at the end of the step).
   *
   * @return how many were removed
   */
  public Future<Integer> retractBroadcasts() {
    return broker().consume(broker().channels().broadcast(agentId, envId), "all", envId).map(List::size);
  }

  /** Sends an action to a child (a message of type ACTION with payload {@code {"action": action}}). */
  protected Future<Void> sendAction(String subordinateId, Object action) {
    if (!subordinateIds.contains(subordinateId)) {
      return Future.failedFuture(new IllegalArgumentException("'" + subordinateId + "' is not a subordinate of "
          + agentId + " (subordinates: " + subordinateIds + ")"));
    }
    Channel ch = broker().channels().action(agentId, subordinateId, envId);
    return broker().publish(ch, message(subordinateId, MessageType.ACTION, new JsonObject().put("action", action)));
  }

  /** Pulls every child's information at once, keyed by child, children without news left out. */
  protected Future<Map<String, List<JsonObject>>> receiveInfo() {
    List<String> subs = subordinateIds;
    if (subs.isEmpty()) {
      return Future.succeededFuture(new LinkedHashMap<>());
    }
    List<Channel> channels = new ArrayList<>(subs.size());
    for (String sub : subs) {
      channels.add(broker().channels().info(sub, agentId, envId));
    }
    return broker().consumeAll(channels, agentId, envId, true).map(read -> {
      Map<String, List<JsonObject>> ordered = new LinkedHashMap<>();
      for (int i = 0; i < subs.size(); i++) {
        List<Message> msgs = read.get(channels.get(i));
        if (msgs != null && !msgs.isEmpty()) {
          List<JsonObject> payloads = new ArrayList<>(msgs.size());
          msgs.forEach(m -> payloads.add(m.payload()));
          ordered.put(subs.get(i), payloads);
        }
      }
      return ordered;
    });
  }

  private Message message(String recipient, MessageType type, JsonObject payload) {
    return Message.builder().envId(envId).senderId(agentId).recipientId(recipient).timestamp(timestamp)
        .type(type).payload(payload).build();
  }

  private static List<Object> actions(List<Message> messages) {
    List<Object> out = new ArrayList<>(messages.size());
    messages.forEach(m -> out.add(m.payload().getValue("action")));
    return out;
  }
}
