package io.agentbus.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * An agent: addressed by an {@link AgentId}, activated lazily on the node that owns it, and run
 * single-threaded on its own Vert.x context (it is hosted by a verticle). Subclasses say what they
 * handle in {@link #handlers()}.
 *
 * <pre>{@code
 * class Echo extends Agent {
 *   public Handlers handlers() {
 *     return Handlers.builder().onRequest(Ping.class, (p, ctx) -> new Pong(p.n())).build();
 *   }
 * }
 * }</pre>
 */
public abstract class Agent {

  private AgentContext context;

  /** @return the messages this agent handles and what it replies; called once at activation */
  public abstract Handlers handlers();

  /** Called after activation and state restore, before the first message. */
  public Future<Void> onStart() {
    return Future.succeededFuture();
  }

  /** Called on deactivation, before the state is saved. */
  public Future<Void> onStop() {
    return Future.succeededFuture();
  }

  /**
   * @return the state to keep across a move to another node, or null when the agent is stateless
   *     (the default)
   */
  public JsonObject saveState() {
    return null;
  }

  /** Restores what {@link #saveState()} returned on a previous activation. */
  public void loadState(JsonObject state) {
  }

  /** Binds the agent to its context (done by the runtime). */
  public final void init(AgentContext context) {
    if (this.context != null) {
      throw new IllegalStateException("agent " + context.id() + " is already initialised");
    }
    this.context = context;
  }

  /** @return the agent's context, once activated */
  protected final AgentContext context() {
    if (context == null) {
      throw new IllegalStateException("agent is not activated yet");
    }
    return context;
  }

  /** @return this agent's id */
  public final AgentId id() {
    return context().id();
  }

  /** Publishes a message to a topic, as this agent. */
  protected final Future<Void> publish(Object message, TopicId topic) {
    return context().publish(message, topic);
  }

  /** Sends a message to an agent, as this agent, and returns its reply. */
  protected final <R> Future<R> send(Object message, AgentId recipient, Class<R> replyType) {
    return context().send(message, recipient, replyType);
  }
}
