package io.agentbus.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The first example prints what it promises. */
class FirstAgentTest {

  @Test
  void theEchoAnswersAndThePrinterSeesTheGreeting() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FirstAgent.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines())
        .containsExactly("echo/alice answered Pong(42)", "printer/k saw: echo: hello");
  }
}
