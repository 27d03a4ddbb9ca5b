/** Micrometer meters of the framework (names, tags) and their bookkeeping. */
package io.agentbus.metrics;
