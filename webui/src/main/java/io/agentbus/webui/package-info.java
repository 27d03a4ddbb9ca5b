/** The live dashboard: a static page and a WebSocket stream of snapshots and deltas. */
package io.agentbus.webui;
