package io.agentbus.error;

import io.agentbus.agent.AgentCapacityException;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.AgentRpcException;
import io.agentbus.agent.AgentTimeoutException;
import io.agentbus.agent.AgentUnavailableException;
import io.agentbus.agent.UnknownAgentTypeException;
import io.agentbus.broker.MailboxFullException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** The error model: every agentbus failure says its code; any throwable is classified; codes survive the wire. */
class ErrorCodeTest {

  @Test
  void agentbusFailuresSayTheirCode() {
    assertThat(ErrorCode.of(new AgentCapacityException("full"))).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    assertThat(ErrorCode.of(new AgentTimeoutException(new AgentId("t", "k"), 10))).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
    assertThat(ErrorCode.of(new AgentUnavailableException("gone"))).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(ErrorCode.of(new UnknownAgentTypeException("t"))).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(ErrorCode.of(new AgentRpcException("handler failed"))).isEqualTo(ErrorCode.UNKNOWN);
    assertThat(ErrorCode.of(new AgentRpcException("bad", ErrorCode.INVALID_ARGUMENT))).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    Throwable[] ours = {new AgentCapacityException("x"), new UnknownAgentTypeException("t")};
    assertThat(ours).allSatisfy(t -> assertThat(t).isInstanceOf(AgentBusFailure.class));
  }

  @Test
  void anyThrowableIsClassified() {
    assertThat(ErrorCode.of(new IllegalArgumentException())).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(ErrorCode.of(new IllegalStateException())).isEqualTo(ErrorCode.FAILED_PRECONDITION);
    assertThat(ErrorCode.of(new TimeoutException())).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
    assertThat(ErrorCode.of(new ReplyException(ReplyFailure.TIMEOUT, "t"))).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
    assertThat(ErrorCode.of(new ReplyException(ReplyFailure.NO_HANDLERS, "n"))).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(ErrorCode.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 429, "f"))).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    assertThat(ErrorCode.of(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 12345, "f"))).isEqualTo(ErrorCode.UNKNOWN);
    assertThat(ErrorCode.of(new NullPointerException())).isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  void wireCodesAreUniqueAndRoundTripAndKeepTheDocumentedOnes() {
    assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::wireCode).distinct()).hasSize(ErrorCode.values().length);
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(ErrorCode.fromWireCode(c.wireCode())).isEqualTo(c);
    }
    assertThat(ErrorCode.RESOURCE_EXHAUSTED.wireCode()).isEqualTo(AgentCapacityException.FAILURE_CODE);
    assertThat(ErrorCode.UNAVAILABLE.wireCode()).isEqualTo(AgentUnavailableException.FAILURE_CODE);
    assertThat(ErrorCode.of(new MailboxFullException("m", 1))).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    assertThat(ErrorCode.UNAVAILABLE.retryable()).isTrue();
    assertThat(ErrorCode.INVALID_ARGUMENT.retryable()).isFalse();
  }
}
