package io.agentbus.llm.local.impl;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import de.kherud.llama.args.LogFormat;
import io.agentbus.llm.ChatCompletion;
import io.agentbus.llm.ChatRequest;
import io.agentbus.llm.ToolCall;
import io.agentbus.llm.Usage;
import io.agentbus.llm.local.LocalModel;
import io.agentbus.llm.local.LocalModelBusyException;
import io.agentbus.llm.local.LocalModelOptions;
import io.agentbus.llm.local.LocalModelStats;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link LocalModel} on java-llama.cpp: the model lives on a one-thread Vert.x worker executor, so
 * generations run one at a time and never on an event loop; a counter bounds how many wait.
 */
public final class LlamaLocalModel implements LocalModel {

  private static final Logger LOG = LoggerFactory.getLogger(LlamaLocalModel.class);
  private static final long MAX_GENERATION_MINUTES = 10;

  private final LocalModelOptions options;
  private final WorkerExecutor worker;
  private final LlamaModel model;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong completions = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong promptTokens = new AtomicLong();
  private final AtomicLong completionTokens = new AtomicLong();
  private final AtomicLong generationNanos = new AtomicLong();
  private final AtomicLong lastFirstToken = new AtomicLong();
  private final AtomicLong callIds = new AtomicLong();
  private final Map<String, String> grammars = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private LlamaLocalModel(LocalModelOptions options, WorkerExecutor worker, LlamaModel model) {
    this.options = options;
    this.worker = worker;
    this.model = model;
  }

  /** @see LocalModel#load */
  public static Future<LocalModel> load(Vertx vertx, LocalModelOptions options) {
    if (!Files.isRegularFile(options.getModelFile())) {
      return Future.failedFuture(new IllegalArgumentException("no model file at " + options.getModelFile()));
    }
    WorkerExecutor worker = vertx.createSharedWorkerExecutor("agentbus-llm-local-" + options.getName(), 1,
        MAX_GENERATION_MINUTES, TimeUnit.MINUTES);
    return worker.<LocalModel>executeBlocking(() -> {
      LlamaModel.setLogger(LogFormat.TEXT, (level, text) -> LOG.debug("llama.cpp {}: {}", level, text.strip()));
      LlamaModel m = new LlamaModel(new ModelParameters().setModel(options.getModelFile().toString())
          .setCtxSize(options.getContextSize()).setThreads(options.getThreads()).setThreadsBatch(options.getThreads())
          .disableLog());  // llama.cpp's server prints every slot's timings to stdout otherwise
      LOG.info("local model {} loaded from {} (context {} tokens, {} threads)", options.getName(), options.getModelFile(),
          options.getContextSize(), options.getThreads());
      return new LlamaLocalModel(options, worker, m);
    }).onFailure(err -> worker.close());
  }

  @Override
  public String name() {
    return options.getName();
  }

  @Override
  public LocalModelOptions options() {
    return options;
  }

  @Override
  public LocalModelStats stats() {
    return new LocalModelStats(completions.get(), refused.get(), inFlight.get(), promptTokens.get(), completionTokens.get(),
        generationNanos.get(), lastFirstToken.get());
  }

  @Override
  public Future<ChatCompletion> complete(ChatRequest request) {
    return complete(request, false);
  }

  /**
   * @param request the request
   * @param toolRequired whether the answer must be a tool call (OpenAI's {@code tool_choice: "required"})
   * @return the answer
   */
  public Future<ChatCompletion> complete(ChatRequest request, boolean toolRequired) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the local model " + name() + " is closed"));
    }
    if (inFlight.incrementAndGet() > options.getMaxQueue() + 1) {
      inFlight.decrementAndGet();
      refused.incrementAndGet();
      return Future.failedFuture(new LocalModelBusyException("the local model " + name() + " has " + options.getMaxQueue()
          + " requests waiting (its queue is full)", retryAfterSeconds()));
    }
    return worker.executeBlocking(() -> generate(request, toolRequired), true).onComplete(ar -> inFlight.decrementAndGet());
  }

  private int retryAfterSeconds() {
    long done = completions.get();
    double average = done == 0 ? 2e9 : (double) generationNanos.get() / done;
    return (int) Math.max(1, Math.min(60, Math.ceil(average * options.getMaxQueue() / 1e9)));
  }

  /** Runs on the model's worker thread only. */
  private ChatCompletion generate(ChatRequest request, boolean toolRequired) {
    boolean choosing = ToolChoice.applies(request.messages(), request.tools());
    Prompt prompt = Prompt.of(request.messages());
    if (choosing) {
      prompt = prompt.withSystemSuffix(ToolChoice.instruction(request.tools()));
    }
    int maxTokens = Math.min(request.maxTokens(), options.getMaxTokens());
    String text = template(prompt);
    int promptCount = model.encode(text).length;
    while (promptCount + maxTokens > options.getContextSize() && prompt.turns().size() > 1) {
      prompt = prompt.dropOldest();
      text = template(prompt);
      promptCount = model.encode(text).length;
    }
    if (promptCount + maxTokens > options.getContextSize()) {
      throw new IllegalArgumentException("the prompt (" + promptCount + " tokens) and max_tokens (" + maxTokens
          + ") do not fit the context of " + options.getContextSize() + " tokens");
    }
    InferenceParameters p = new InferenceParameters(text).setTemperature(0f).setNPredict(maxTokens).setCachePrompt(true);
    if (choosing) {
      String schema = ToolChoice.schema(request.tools(), toolRequired).encode();
      p.setGrammar(grammars.computeIfAbsent(schema, LlamaModel::jsonSchemaToGrammar));
    }
    long t0 = System.nanoTime();
    long first = 0;
    int generated = 0;
    StringBuilder out = new StringBuilder();
    for (LlamaOutput o : model.generate(p)) {
      if (generated++ == 0) {
        first = System.nanoTime() - t0;
      }
      out.append(o.text);
    }
    long took = System.nanoTime() - t0;
    completions.incrementAndGet();
    promptTokens.addAndGet(promptCount);
    completionTokens.addAndGet(generated);
    generationNanos.addAndGet(took);
    lastFirstToken.set(first);
    String finish = generated >= maxTokens ? "length" : "stop";
    Usage usage = new Usage(promptCount, generated);
    if (!choosing) {
      return new ChatCompletion(name(), out.toString().strip(), List.of(), usage, finish);
    }
    ToolChoice.Choice choice = ToolChoice.read(out.toString(), "call_" + callIds.incrementAndGet());
    List<ToolCall> calls = choice.call() == null ? List.of() : List.of(choice.call());
    return new ChatCompletion(name(), choice.content(), calls, usage, calls.isEmpty() ? finish : "tool_calls");
  }

  private String template(Prompt prompt) {
    List<Pair<String, String>> turns = new ArrayList<>();
    for (String[] t : prompt.turns()) {
      turns.add(new Pair<>(t[0], t[1]));
    }
    return model.applyTemplate(new InferenceParameters("").setMessages(prompt.system().isEmpty() ? null : prompt.system(), turns));
  }

  @Override
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    return worker.<Void>executeBlocking(() -> {
      model.close();
      return null;
    }, true).eventually(worker::close);
  }
}
