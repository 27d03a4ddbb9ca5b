/** The message model: the immutable {@link io.agentbus.message.Message} envelope, its types and the custom type registry. */
package io.agentbus.message;
