package io.agentbus.llm.local;

import io.agentbus.llm.ChatCompletion;
import io.agentbus.llm.ChatRequest;
import io.agentbus.llm.LlmClient;
import io.agentbus.llm.local.impl.LlamaLocalModel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A chat model running in this process (llama.cpp through java-llama.cpp), with no API key and no
 * network. One generation runs at a time (a model's context is not shared); up to
 * {@link LocalModelOptions#getMaxQueue()} more wait, beyond that a request fails at once with
 * {@link LocalModelBusyException}. Everything runs on one worker thread, never an event loop.
 *
 * <p>Tool calls: when the request offers tools and the conversation does not end with a tool's
 * answer, the model's output is constrained by a grammar built from the tools' JSON schemas to
 * either one valid tool call or a plain answer, so even a 135M model produces well-formed calls.
 * Usage counts are the model's own token counts.
 *
 * <p>It is an {@link LlmClient} for in-process use; {@link OpenAiEndpoint} serves it over HTTP as
 * OpenAI's {@code POST /v1/chat/completions} for any OpenAI-compatible client.
 */
public interface LocalModel extends LlmClient {

  /**
   * Loads the model (on a worker thread).
   *
   * @param vertx the Vert.x whose worker thread runs it
   * @param options the file, context, threads and queue
   * @return the model; failed with the loader's reason when the file is missing or not a model
   */
  static Future<LocalModel> load(Vertx vertx, LocalModelOptions options) {
    return LlamaLocalModel.load(vertx, options);
  }

  /**
   * @param request the conversation, tools and completion-token limit (capped by
   *     {@link LocalModelOptions#getMaxTokens()})
   * @return the answer; failed with {@link LocalModelBusyException} when the queue is full,
   *     {@link IllegalArgumentException} when the prompt cannot fit the context
   */
  @Override
  Future<ChatCompletion> complete(ChatRequest request);

  /** @return the model's name */
  String name();

  /** @return the options it was loaded with */
  LocalModelOptions options();

  /** @return what it has done so far */
  LocalModelStats stats();
}
