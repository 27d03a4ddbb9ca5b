package io.agentbus.llm.contract;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentRuntime;
import io.agentbus.agent.AgentRuntimeOptions;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.TypeSubscription;
import io.agentbus.cluster.Node;
import io.agentbus.cluster.NodeOptions;
import io.agentbus.llm.agent.BudgetWarning;
import io.agentbus.llm.agent.Intention;
import io.agentbus.llm.agent.LlmAgent;
import io.agentbus.llm.agent.ToolAudit;
import io.agentbus.llm.events.EventSink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.agentbus.testing.Await.await;

/** The default sink (agent topics of the runtime) against the event-sink contract. */
class BusEventSinkTest extends EventSinkContract {

  private Node node;
  private AgentRuntime runtime;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    node = await(Node.start(new NodeOptions()));
    runtime = await(AgentRuntime.create(node, new AgentRuntimeOptions()));
    for (Class<?> c : new Class<?>[] {Intention.class, ToolAudit.class, BudgetWarning.class}) {
      runtime.payloadTypes().register(c);
    }
    await(runtime.register("watcher", id -> new Agent() {
      @Override
      public Handlers handlers() {
        return Handlers.builder()
            .on(Intention.class, (i, ctx) -> seen.add(new Seen("intention", i.toJson())))
            .on(ToolAudit.class, (a, ctx) -> seen.add(new Seen("tool_audit", new JsonObject().put("run_id", a.runId())
                .put("tool", a.tool()).put("detail", a.detail()))))
            .on(BudgetWarning.class, (w, ctx) -> seen.add(new Seen("budget_warning", new JsonObject().put("run_id", w.runId())
                .put("scope", w.scope()))))
            .build();
      }
    }));
    for (String topic : List.of(LlmAgent.INTENTION_TOPIC, LlmAgent.TOOL_AUDIT_TOPIC, LlmAgent.BUDGET_WARNING_TOPIC)) {
      await(runtime.addSubscription(new TypeSubscription(topic, "watcher")));
    }
  }

  @AfterEach
  void stop() {
    await(runtime.close().eventually(node::close));
  }

  @Override
  protected EventSink sink() {
    return EventSink.bus(runtime);
  }

  @Override
  protected List<Seen> seen() {
    return seen;
  }
}
