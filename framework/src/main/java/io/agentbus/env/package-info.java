/** HERON's multi-agent environment API with centralized and distributed modes. */
package io.agentbus.env;
