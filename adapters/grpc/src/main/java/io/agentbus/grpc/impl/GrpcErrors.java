package io.agentbus.grpc.impl;

import io.agentbus.error.ErrorCode;
import io.vertx.grpc.common.GrpcStatus;

/**
 * The gRPC status a worker gets for a failed call, one mapping for every call of the bridge: the
 * failure's {@link ErrorCode} — a bad request {@code INVALID_ARGUMENT} (as on AutoGen's host, whose
 * Python workers raise on any status), a limit reached {@code RESOURCE_EXHAUSTED} (retry later), an
 * unknown agent type {@code NOT_FOUND}, a timeout {@code DEADLINE_EXCEEDED}, an agent or node gone
 * {@code UNAVAILABLE} (retry), a call the runtime cannot serve in its state (closing)
 * {@code FAILED_PRECONDITION}. The message is always the failure's own.
 */
final class GrpcErrors {

  private GrpcErrors() {
  }

  static GrpcStatus statusOf(Throwable err) {
    // the error model's codes are gRPC's
    return GrpcStatus.valueOf(ErrorCode.of(err).name());
  }

  /** @return the failure's message, or its type when it has none */
  static String messageOf(Throwable err) {
    return err.getMessage() != null ? err.getMessage() : err.getClass().getSimpleName();
  }
}
