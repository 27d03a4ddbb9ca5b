/**
 * The {@link io.agentbus.broker.MessageBroker} contract (HERON's, with futures) and its options;
 * implementations in {@code impl}: in-memory and on the (clustered) Vert.x event bus.
 */
package io.agentbus.broker;
