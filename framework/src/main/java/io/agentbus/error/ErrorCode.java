package io.agentbus.error;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.concurrent.TimeoutException;

/**
 * What went wrong, in the vocabulary every agentbus surface shares — the codes of gRPC, which the
 * bridge answers with, and from which the HTTP API's statuses and the event bus's failure codes
 * follow. Every agentbus exception says its code ({@link AgentBusFailure}); {@link #of(Throwable)}
 * classifies any throwable, so a caller can decide without knowing which component failed:
 *
 * <pre>{@code
 * runtime.send(request, agent, null).onFailure(err -> {
 *   if (ErrorCode.of(err).retryable()) {
 *     retryLater();
 *   }
 * });
 * }</pre>
 */
public enum ErrorCode {

  /** The request is wrong (an invalid id, an unknown message type, a malformed payload); do not retry it as is. */
  INVALID_ARGUMENT(400, 400),
  /** What the request names does not exist (an agent type no node registered). */
  NOT_FOUND(404, 404),
  /** The request conflicted with another one (a snapshot written meanwhile, a handoff claimed by another). */
  ABORTED(409, 409),
  /** The request cannot be served in the current state (a runtime closing, an offer already settled). */
  FAILED_PRECONDITION(412, 412),
  /** A limit was reached (capacity, a full mailbox, a budget, a size); retry later or with less. */
  RESOURCE_EXHAUSTED(429, 429),
  /** A handler failed with an error of its own. */
  UNKNOWN(500, 500),
  /** A shared value did not open with the cluster's secret (forged or tampered with). */
  DATA_LOSS(500, 521),
  /** A bug or an unexpected failure inside agentbus. */
  INTERNAL(500, 520),
  /** What serves the request is gone or not reachable (a node left, a backend is down); retry. */
  UNAVAILABLE(503, 503),
  /** No answer in time. */
  DEADLINE_EXCEEDED(504, 504);

  private final int httpStatus;
  private final int wireCode;

  ErrorCode(int httpStatus, int wireCode) {
    this.httpStatus = httpStatus;
    this.wireCode = wireCode;
  }

  /** @return the HTTP status the node's API answers with for this code */
  public int httpStatus() {
    return httpStatus;
  }

  /** @return the event-bus failure code a failure of this code travels with between nodes (unique per code) */
  public int wireCode() {
    return wireCode;
  }

  /** @return whether the same request may succeed later (unavailable, exhausted, timed out, aborted) */
  public boolean retryable() {
    return this == UNAVAILABLE || this == RESOURCE_EXHAUSTED || this == DEADLINE_EXCEEDED || this == ABORTED;
  }

  /** @return the code a failure code from the event bus stands for, or {@link #UNKNOWN} */
  public static ErrorCode fromWireCode(int code) {
    for (ErrorCode c : values()) {
      if (c.wireCode == code) {
        return c;
      }
    }
    return UNKNOWN;
  }

  /**
   * @return the code of any failure: an agentbus failure's own; for the JDK's and Vert.x's the
   *     nearest ({@code IllegalArgumentException}: invalid argument, {@code IllegalStateException}:
   *     failed precondition, timeouts: deadline exceeded, no handler on the event bus: unavailable);
   *     {@link #INTERNAL} otherwise
   */
  public static ErrorCode of(Throwable err) {
    if (err instanceof AgentBusFailure f) {
      return f.code();
    }
    if (err instanceof ReplyException r) {
      if (r.failureType() == ReplyFailure.TIMEOUT) {
        return DEADLINE_EXCEEDED;
      }
      if (r.failureType() == ReplyFailure.NO_HANDLERS) {
        return UNAVAILABLE;
      }
      return fromWireCode(r.failureCode());
    }
    if (err instanceof TimeoutException) {
      return DEADLINE_EXCEEDED;
    }
    if (err instanceof IllegalArgumentException) {
      return INVALID_ARGUMENT;
    }
    if (err instanceof IllegalStateException) {
      return FAILED_PRECONDITION;
    }
    return INTERNAL;
  }
}
