package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;
import io.agentbus.agent.PayloadTypes;
import io.vertx.core.Future;

/**
 * What a hosted agent ({@link AgentHost}) needs from the node hosting it: where its state is kept,
 * how to take it over from the node that hosted it before, and where to report that it started,
 * stopped, went idle or turned out to be a duplicate. Implemented by {@link Activations}; the
 * host calls it from its own context.
 */
interface HostServices {

  /** @return this node's id */
  String nodeId();

  /** @return the payload types agents' handlers are registered under */
  PayloadTypes payloadTypes();

  /** @return where agents' state is kept */
  StateStore stateStore();

  /** @return the runtime's tracing (spans around handlers) */
  RuntimeTracing tracing();

  /** @return the default send timeout: a handler still running after it has no caller left waiting */
  long sendTimeoutMillis();

  /** Asks {@code previousNode}, which hosted {@code id} last, to let it go (state saved) first. */
  Future<Void> requestRelease(String previousNode, AgentId id);

  /** The agent started here; {@code previousNode} hosted it before (null: nobody). */
  void activated(AgentId id, String previousNode);

  /** The agent stopped here. */
  void deactivated(AgentId id);

  /** The agent has been idle for its idle timeout: let it go. */
  void idle(AgentId id);

  /** The agent's record names {@code claimedBy}: this activation is a duplicate. */
  void duplicateFound(AgentId id, String claimedBy, boolean stillRunning);
}
