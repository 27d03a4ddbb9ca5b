/**
 * agentbus's core: messages and their types, channels, brokers, the agent runtime, the HERON
 * layer and the node that hosts them.
 *
 * <p>Only API packages are exported. The {@code impl} packages are this module's own; other
 * modules, agentbus's included, reach them only through the static factories of the API types
 * ({@code AgentRuntime.create}, {@code MessageBroker.inMemory}, {@code Node.start}, ...).
 *
 * <p>Payload classes of your own travel through Jackson: open their package to
 * {@code com.fasterxml.jackson.databind} in your module's descriptor.
 */
module io.agentbus.framework {
  requires transitive io.vertx.core;
  requires transitive com.fasterxml.jackson.databind;
  requires transitive io.opentelemetry.api;
  requires transitive io.opentelemetry.context;
  requires transitive micrometer.core;
  requires io.vertx.clustermanager.hazelcast;
  requires io.netty.handler;
  requires com.hazelcast.core;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pkix;
  requires transitive org.slf4j;  // ThrottledWarning takes a Logger

  exports io.agentbus.agent;
  exports io.agentbus.broker;
  exports io.agentbus.channel;
  exports io.agentbus.cluster;
  exports io.agentbus.env;
  exports io.agentbus.error;
  exports io.agentbus.heron;
  exports io.agentbus.message;
  exports io.agentbus.metrics;

  // payload records travel as JSON through Jackson (PayloadTypes)
  opens io.agentbus.agent to com.fasterxml.jackson.databind;
  opens io.agentbus.env to com.fasterxml.jackson.databind;
  opens io.agentbus.heron to com.fasterxml.jackson.databind;
}
