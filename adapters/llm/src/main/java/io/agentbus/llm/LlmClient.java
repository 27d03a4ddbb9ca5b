package io.agentbus.llm;

import io.agentbus.llm.impl.OpenAiChatClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The SPI every model provider implements: one chat completion, non-blocking.
 *
 * <p>Implementations never block the calling event loop (a blocking SDK runs on a worker
 * thread), always complete the future (a timeout is a failure, never a hang), and fail with an
 * {@link LlmException} that says whether a retry may help.
 */
public interface LlmClient {

  /**
   * @param request the conversation, the tools and the completion-token limit
   * @return the model's answer with the tokens it used
   */
  Future<ChatCompletion> complete(ChatRequest request);

  /** Releases connections; further calls fail. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /**
   * An OpenAI-compatible chat-completions client (OpenAI, Azure-style gateways, vLLM, llama.cpp's
   * server, Ollama's {@code /v1}), over the Vert.x web client.
   *
   * @param vertx the Vert.x instance whose event loops carry the calls
   * @param options endpoint, key, timeouts and retries
   * @return the client
   */
  static LlmClient openAi(Vertx vertx, OpenAiOptions options) {
    return new OpenAiChatClient(vertx, options);
  }
}
