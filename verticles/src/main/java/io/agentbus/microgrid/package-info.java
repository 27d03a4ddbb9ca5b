/** The multi-microgrid market case study: models, HERON's P2P clearing, operator and microgrid agents, the environment. */
package io.agentbus.microgrid;
