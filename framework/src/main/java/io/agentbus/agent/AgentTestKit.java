package io.agentbus.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Runs one agent synchronously on the calling thread, without Vert.x or a cluster (the agent-level
 * counterpart of netty's {@code EmbeddedChannel}): deliver messages, read the replies, inspect what
 * the agent published and sent. The same agent class then runs unchanged on an
 * {@link AgentRuntime}.
 *
 * <pre>{@code
 * AgentTestKit kit = AgentTestKit.of(new AgentId("echo", "k"), new Echo());
 * Pong pong = kit.send(new Ping(1));
 * }</pre>
 */
public final class AgentTestKit {

  /** A message the agent published. */
  public record Published(Object message, TopicId topic) {
  }

  /** A message the agent sent. */
  public record Sent(Object message, AgentId recipient) {
  }

  private final AgentId id;
  private final Agent agent;
  private final Handlers handlers;
  private final PayloadTypes payloadTypes = new PayloadTypes();
  private final List<Published> published = Collections.synchronizedList(new ArrayList<>());
  private final List<Sent> sent = Collections.synchronizedList(new ArrayList<>());
  private BiFunction<Object, AgentId, Object> responder = (m, to) -> null;

  private AgentTestKit(AgentId id, Agent agent) {
    this.id = id;
    this.agent = agent;
    agent.init(new Context());
    this.handlers = agent.handlers();
    await(agent.onStart());
  }

  /**
   * @param id the agent's id
   * @param agent a fresh agent
   * @return a kit with the agent started
   */
  public static AgentTestKit of(AgentId id, Agent agent) {
    return new AgentTestKit(id, agent);
  }

  /** Sets what the agent's own sends reply (default: null). */
  public AgentTestKit replyWith(BiFunction<Object, AgentId, Object> responder) {
    this.responder = responder;
    return this;
  }

  /** Delivers a direct message with no sender and returns the reply. */
  public <R> R send(Object message) {
    return send(message, null);
  }

  /**
   * Delivers a direct message and returns the reply.
   *
   * @throws AgentRpcException if the handler failed or did not complete synchronously
   */
  @SuppressWarnings("unchecked")
  public <R> R send(Object message, AgentId sender) {
    return (R) deliver(message, new MessageContext(sender, null, true, "kit", Map.of()));
  }

  /** Delivers a published message. */
  public void publish(Object message, TopicId topic, AgentId sender) {
    deliver(message, new MessageContext(sender, topic, false, "kit", Map.of()));
  }

  /** @return what the agent published, in order */
  public List<Published> published() {
    return List.copyOf(published);
  }

  /** @return what the agent sent, in order */
  public List<Sent> sent() {
    return List.copyOf(sent);
  }

  /** @return the agent */
  public Agent agent() {
    return agent;
  }

  private Object deliver(Object message, MessageContext ctx) {
    String name = payloadTypes.nameOf(message);
    Handlers.Entry entry = handlers.lookup(name);
    if (entry == null) {
      throw new AgentRpcException("agent " + id + " does not handle message type '" + name + "'");
    }
    Object payload = payloadTypes.convert(name, message, null, entry.payloadClass());
    return await(entry.function().apply(payload, ctx));
  }

  private static <T> T await(Future<T> f) {
    if (!f.isComplete()) {
      throw new AgentRpcException("the handler did not complete synchronously; AgentTestKit runs synchronous logic only");
    }
    if (f.failed()) {
      throw f.cause() instanceof RuntimeException ? (RuntimeException) f.cause() : new AgentRpcException(f.cause().toString());
    }
    return f.result();
  }

  private final class Context implements AgentContext {
    @Override
    public AgentId id() {
      return id;
    }

    @Override
    public String nodeId() {
      return "test-kit";
    }

    @Override
    public Vertx vertx() {
      return null;
    }

    @Override
    public Future<Void> publish(Object message, TopicId topic) {
      published.add(new Published(message, topic));
      return Future.succeededFuture();
    }

    @Override
    public <R> Future<R> send(Object message, AgentId recipient, Class<R> replyType) {
      sent.add(new Sent(message, recipient));
      Object reply = responder.apply(message, recipient);
      return Future.succeededFuture(reply == null ? null : payloadTypes.convert(payloadTypes.nameOf(reply), reply, null, replyType));
    }
  }
}
