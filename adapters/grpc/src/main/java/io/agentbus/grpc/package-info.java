/** The gRPC bridge: AutoGen's worker protocol ({@code agents.AgentRpc}) on the agent runtime. */
package io.agentbus.grpc;
