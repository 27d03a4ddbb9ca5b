package io.agentbus.message.impl;

/**
 * What the wire codec yields instead of throwing when a frame does not decode.
 *
 * @param reason why the frame was rejected
 */
public record CorruptFrame(String reason) {
}
