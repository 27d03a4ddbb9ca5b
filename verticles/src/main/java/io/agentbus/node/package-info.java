/** The agentbus node: configuration, the main class, the market driver and the HTTP endpoints. */
package io.agentbus.node;
