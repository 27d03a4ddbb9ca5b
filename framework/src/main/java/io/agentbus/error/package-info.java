/**
 * One error model for agentbus: {@link io.agentbus.error.ErrorCode} (gRPC's codes, with the HTTP
 * status and the event-bus failure code of each) and {@link io.agentbus.error.AgentBusFailure},
 * which every agentbus exception implements. A failure keeps its code across nodes, the bridge and
 * the HTTP API. What comes from outside and is refused is counted, and logged at a bounded rate
 * ({@link io.agentbus.error.ThrottledWarning}), so that bad input cannot flood the log.
 */
package io.agentbus.error;
