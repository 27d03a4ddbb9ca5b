/** HERON's agent hierarchy (system, coordinator, field agents) over a message broker. */
package io.agentbus.heron;
