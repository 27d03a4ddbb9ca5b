/**
 * The delivery probe: a canary that measures, on the running cluster, what the runtime's delivery
 * contract promises (see the README's "Delivery contract"): every node sends and publishes a
 * sequenced stream to every node, and each receiver counts what arrived, twice, or out of order.
 */
package io.agentbus.probe;
