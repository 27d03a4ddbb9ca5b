/**
 * The agent runtime: AutoGen's model (agent ids, topics, type and prefix subscriptions, publish and
 * request/reply) on a Hazelcast-clustered Vert.x event bus, agents as verticles placed across nodes.
 */
package io.agentbus.agent;
