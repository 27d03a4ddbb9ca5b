/** The AutoGen host: worker connections, proxy agents, wire conversions. Not API. */
package io.agentbus.grpc.impl;
