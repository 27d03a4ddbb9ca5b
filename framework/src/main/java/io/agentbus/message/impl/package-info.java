/** The message codec, frozen JSON and id generation. Not API. */
package io.agentbus.message.impl;
