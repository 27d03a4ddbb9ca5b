/**
 * One error model for agentbus: {@link io.agentbus.error.ErrorCode} (gRPC's codes, with the HTTP
 * status and the event-bus failure code of each) and {@link io.agentbus.error.AgentBusFailure},
 * which every agentbus exception implements. A failure keeps its code across nodes, the bridge and
 * the HTTP API.
 */
package io.agentbus.error;
