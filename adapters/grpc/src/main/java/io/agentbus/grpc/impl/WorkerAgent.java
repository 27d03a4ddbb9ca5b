package io.agentbus.grpc.impl;

import io.agentbus.agent.Agent;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.LoadStateRequest;
import io.agentbus.agent.SaveStateRequest;

/**
 * The runtime-side proxy of an agent that lives in a connected worker: forwards everything to it,
 * state requests over the worker's control channel.
 */
final class WorkerAgent extends Agent {

  private final WorkerRouting routing;

  WorkerAgent(WorkerRouting routing) {
    this.routing = routing;
  }

  @Override
  public Handlers handlers() {
    // the worker is chosen per message: a key sticks to its worker while the workers of its type stay
    return Handlers.builder()
        .onRequestAsync(SaveStateRequest.class, (r, ctx) -> routing.saveWorkerState(id()))
        .onRequestAsync(LoadStateRequest.class, (r, ctx) -> routing.loadWorkerState(id(), r.state()))
        .otherwiseForeign((payload, ctx) -> routing.forward(id(), payload, ctx)).build();
  }
}
