/**
 * LLM agents on agentbus: the tool loop, cluster-wide budgets, guardrails, the handoff market,
 * and the event, snapshot and run-store SPIs that {@code agentbus-gcp} implements.
 *
 * <p>Its records travel as JSON, so the packages holding them are open to Jackson.
 */
module io.agentbus.llm {
  requires transitive io.agentbus.framework;
  requires transitive io.vertx.web.client;
  requires org.slf4j;

  exports io.agentbus.llm;
  exports io.agentbus.llm.agent;
  exports io.agentbus.llm.events;
  exports io.agentbus.llm.handoff;
  exports io.agentbus.llm.loop;
  exports io.agentbus.llm.snapshot;

  opens io.agentbus.llm to com.fasterxml.jackson.databind;
  opens io.agentbus.llm.agent to com.fasterxml.jackson.databind;
  opens io.agentbus.llm.handoff to com.fasterxml.jackson.databind;
  opens io.agentbus.llm.loop to com.fasterxml.jackson.databind;
  opens io.agentbus.llm.snapshot to com.fasterxml.jackson.databind;
}
