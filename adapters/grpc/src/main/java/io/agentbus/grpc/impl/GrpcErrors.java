package io.agentbus.grpc.impl;

import io.agentbus.agent.AgentCapacityException;
import io.agentbus.agent.AgentTimeoutException;
import io.agentbus.agent.AgentUnavailableException;
import io.agentbus.agent.UnknownAgentTypeException;
import io.agentbus.broker.BrokerClosedException;
import io.agentbus.broker.MailboxFullException;
import io.vertx.grpc.common.GrpcStatus;

/**
 * The gRPC status a worker gets for a failed call, one mapping for every call of the bridge: a bad
 * request is {@code INVALID_ARGUMENT} (as on AutoGen's host, whose Python workers raise on any
 * status), a limit reached {@code RESOURCE_EXHAUSTED} (retry later), an unknown agent type
 * {@code NOT_FOUND}, a timeout {@code DEADLINE_EXCEEDED}, an agent or node gone {@code UNAVAILABLE}
 * (retry), a call the runtime cannot serve in its state (closing) {@code FAILED_PRECONDITION}, and
 * anything else {@code INTERNAL}. The message is always the failure's own.
 */
final class GrpcErrors {

  private GrpcErrors() {
  }

  static GrpcStatus statusOf(Throwable err) {
    if (err instanceof AgentCapacityException || err instanceof MailboxFullException) {
      return GrpcStatus.RESOURCE_EXHAUSTED;
    }
    if (err instanceof AgentTimeoutException) {
      return GrpcStatus.DEADLINE_EXCEEDED;
    }
    if (err instanceof UnknownAgentTypeException) {
      return GrpcStatus.NOT_FOUND;
    }
    if (err instanceof AgentUnavailableException || err instanceof BrokerClosedException) {
      return GrpcStatus.UNAVAILABLE;
    }
    if (err instanceof IllegalArgumentException) {
      return GrpcStatus.INVALID_ARGUMENT;
    }
    if (err instanceof IllegalStateException) {
      return GrpcStatus.FAILED_PRECONDITION;
    }
    return GrpcStatus.INTERNAL;
  }

  /** @return the failure's message, or its type when it has none */
  static String messageOf(Throwable err) {
    return err.getMessage() != null ? err.getMessage() : err.getClass().getSimpleName();
  }
}
