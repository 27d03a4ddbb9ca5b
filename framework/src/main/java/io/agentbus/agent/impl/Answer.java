package io.agentbus.agent.impl;

import io.vertx.core.buffer.Buffer;

/**
 * The answer to a call that reached its node in a batch ({@link Calls}): sent back on its own to
 * the caller's answers address as soon as the handler completes, correlated by the call id the
 * caller gave it. Either the reply (its payload type and JSON, both null for a null reply) or a
 * failure (its {@link io.agentbus.error.ErrorCode} wire code and message).
 *
 * @param callId the caller's id of the call
 * @param payloadType the reply's type name, or null
 * @param payloadJson the reply's JSON, or null
 * @param failureCode the failure's wire code (when {@code failure} is set)
 * @param failure the failure's message, or null when the call succeeded
 */
record Answer(long callId, String payloadType, Buffer payloadJson, int failureCode, String failure) {

  static Answer replied(long callId, String payloadType, Buffer payloadJson) {
    return new Answer(callId, payloadType, payloadJson, 0, null);
  }

  static Answer failed(long callId, int failureCode, String message) {
    return new Answer(callId, null, null, failureCode, message == null ? "" : message);
  }

  /** @return about how many bytes its frame takes */
  long bytes() {
    return 32 + (payloadJson == null ? 0 : payloadJson.length()) + (failure == null ? 0 : failure.length());
  }
}
