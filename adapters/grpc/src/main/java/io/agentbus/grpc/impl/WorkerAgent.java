package io.agentbus.grpc.impl;

import io.agentbus.agent.Agent;
import io.agentbus.agent.Handlers;

/** The runtime-side proxy of an agent that lives in a connected worker: forwards everything to it. */
final class WorkerAgent extends Agent {

  private final AgentRpcHostImpl host;
  private final String clientId;

  WorkerAgent(AgentRpcHostImpl host, String clientId) {
    this.host = host;
    this.clientId = clientId;
  }

  @Override
  public Handlers handlers() {
    return Handlers.builder().otherwise((payload, ctx) -> host.forward(clientId, id(), payload, ctx)).build();
  }
}
