/** Implementation of the agent runtime: directory, placement, envelopes and their codec, agent hosts. Not API. */
package io.agentbus.agent.impl;
