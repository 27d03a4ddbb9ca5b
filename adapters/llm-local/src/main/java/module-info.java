/**
 * A local model with no API key: SmolLM2 (or any GGUF) run in-process by java-llama.cpp and served
 * as an OpenAI-compatible {@code POST /v1/chat/completions}.
 *
 * <p>{@code llama} is java-llama.cpp's automatic module name (its jar names none).
 */
module io.agentbus.llm.local {
  requires transitive io.agentbus.llm;
  requires transitive io.vertx.web;
  requires llama;
  requires org.slf4j;

  exports io.agentbus.llm.local;

  opens io.agentbus.llm.local to com.fasterxml.jackson.databind;
}
