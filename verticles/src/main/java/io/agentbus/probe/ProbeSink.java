package io.agentbus.probe;

import io.agentbus.agent.Agent;
import io.agentbus.agent.Handlers;

import java.util.Map;

/** The receiving end of the probe on one node: records every probe message in its stream's stats. */
final class ProbeSink extends Agent {

  private final Map<String, StreamStats> streams;

  ProbeSink(Map<String, StreamStats> streams) {
    this.streams = streams;
  }

  @Override
  public Handlers handlers() {
    // sent (the reply acknowledges it) or published (the reply is dropped)
    return Handlers.builder()
        .onRequest(ProbeMessage.class, (m, ctx) -> {
          stats(m).record(m.seq());
          return m;
        })
        .build();
  }

  private StreamStats stats(ProbeMessage m) {
    if (streams.size() >= DeliveryProbe.MAX_STREAMS && !streams.containsKey(m.stream())) {
      throw new IllegalStateException("too many probe streams");
    }
    return streams.computeIfAbsent(m.stream(), s -> new StreamStats());
  }
}
