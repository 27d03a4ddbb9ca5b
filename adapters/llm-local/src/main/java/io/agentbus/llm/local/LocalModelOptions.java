package io.agentbus.llm.local;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link LocalModel} is loaded and how much work it takes at once.
 *
 * <pre>{@code
 * LocalModel model = LocalModel.load(vertx, new LocalModelOptions(Path.of("SmolLM2-135M-Instruct.Q4_1.gguf"))).await();
 * }</pre>
 */
public final class LocalModelOptions {

  private final Path modelFile;
  private String name = "smollm2-135m-instruct";
  private int contextSize = 2048;
  private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
  private int maxQueue = 16;
  private int maxTokens = 512;

  /** The bundled model's file name in the cache. */
  public static final String BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf";

  /**
   * @param env the environment
   * @return where {@code scripts/fetch-model} puts the bundled SmolLM2-135M-Instruct:
   *     {@code $AGENTBUS_MODEL_CACHE}, or {@code ~/.cache/agentbus/models}
   */
  public static Path bundledModel(java.util.Map<String, String> env) {
    String cache = env.get("AGENTBUS_MODEL_CACHE");
    Path dir = cache != null && !cache.isBlank() ? Path.of(cache) : Path.of(System.getProperty("user.home"), ".cache", "agentbus", "models");
    return dir.resolve(BUNDLED_FILE);
  }

  /** @param modelFile the GGUF file */
  public LocalModelOptions(Path modelFile) {
    this.modelFile = Objects.requireNonNull(modelFile, "modelFile");
  }

  /** @return the GGUF file */
  public Path getModelFile() {
    return modelFile;
  }

  /** @return the model's name in requests and answers (default {@code smollm2-135m-instruct}) */
  public String getName() {
    return name;
  }

  /** @param name the model's name in requests and answers */
  public LocalModelOptions setName(String name) {
    this.name = Objects.requireNonNull(name, "name");
    return this;
  }

  /** @return the context window in tokens (prompt and answer; default 2048) */
  public int getContextSize() {
    return contextSize;
  }

  /** @param contextSize the context window in tokens, 256 or more */
  public LocalModelOptions setContextSize(int contextSize) {
    if (contextSize < 256) {
      throw new IllegalArgumentException("context size is 256 tokens or more, got " + contextSize);
    }
    this.contextSize = contextSize;
    return this;
  }

  /** @return inference threads (default: the cores) */
  public int getThreads() {
    return threads;
  }

  /** @param threads inference threads, 1 or more */
  public LocalModelOptions setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads is 1 or more, got " + threads);
    }
    this.threads = threads;
    return this;
  }

  /** @return requests that may wait behind the one generating (default 16); beyond it they are refused */
  public int getMaxQueue() {
    return maxQueue;
  }

  /** @param maxQueue requests that may wait, 0 or more */
  public LocalModelOptions setMaxQueue(int maxQueue) {
    if (maxQueue < 0) {
      throw new IllegalArgumentException("max queue is 0 or more, got " + maxQueue);
    }
    this.maxQueue = maxQueue;
    return this;
  }

  /** @return the most completion tokens one request may ask for (default 512) */
  public int getMaxTokens() {
    return maxTokens;
  }

  /** @param maxTokens the most completion tokens one request may ask for, 1 or more */
  public LocalModelOptions setMaxTokens(int maxTokens) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("max tokens is 1 or more, got " + maxTokens);
    }
    this.maxTokens = maxTokens;
    return this;
  }
}
