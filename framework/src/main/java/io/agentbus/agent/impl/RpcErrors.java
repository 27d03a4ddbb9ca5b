package io.agentbus.agent.impl;

import io.agentbus.agent.AgentCapacityException;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRpcException;
import io.agentbus.agent.AgentTimeoutException;
import io.agentbus.agent.AgentUnavailableException;
import io.agentbus.cluster.impl.EventBusRegistrations;
import io.agentbus.error.ErrorCode;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.util.concurrent.TimeoutException;

/**
 * How a failed call reaches its caller: whatever ended it (a local timeout, an event-bus reply
 * failure, a recipient's failure with its wire code, an answer's failure from {@link Calls}) as
 * the API's exception of the same {@link ErrorCode}, so a caller sees the same error whether the
 * agent ran here, on another node, or was called alone or in a batch.
 */
final class RpcErrors {

  private RpcErrors() {
  }

  /**
   * @param recipient the agent called
   * @param timeout the call's timeout
   * @param err what ended the call
   * @return the exception the caller gets
   */
  static Throwable of(AgentId recipient, long timeout, Throwable err) {
    if (err instanceof AgentRpcException) {
      return err;
    }
    if (err instanceof TimeoutException || (err instanceof ReplyException
        && ((ReplyException) err).failureType() == ReplyFailure.TIMEOUT)) {
      return new AgentTimeoutException(recipient, timeout);
    }
    if (err instanceof ReplyException && ((ReplyException) err).failureType() == ReplyFailure.RECIPIENT_FAILURE
        && ((ReplyException) err).failureCode() == AgentCapacityException.FAILURE_CODE) {
      return new AgentCapacityException(err.getMessage());
    }
    if (err instanceof ReplyException && ((ReplyException) err).failureType() == ReplyFailure.RECIPIENT_FAILURE
        && ((ReplyException) err).failureCode() == AgentUnavailableException.FAILURE_CODE) {
      return new AgentUnavailableException(err.getMessage());
    }
    if (EventBusRegistrations.noHandlers(err)) {
      return new AgentRpcException("the node owning " + recipient + " has no running agent runtime (it is stopping or gone)",
          ErrorCode.UNAVAILABLE);
    }
    return new AgentRpcException(err.getMessage() != null ? err.getMessage() : err.toString(), ErrorCode.of(err));
  }
}
