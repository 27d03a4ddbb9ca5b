package io.agentbus.llm.loop;

import io.agentbus.llm.ToolSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Objects;
import java.util.function.Function;

/**
 * A tool an LLM agent may call. {@link #call} must not block: a tool around a blocking library is
 * made with {@link #blocking}, which runs it on a worker thread.
 */
public interface Tool {

  /** @return the tool's name, description, parameter schema and risk level */
  ToolSpec spec();

  /**
   * @param arguments the model's arguments (a JSON object)
   * @return the result the model will read; a failure is reported to the model as an error
   */
  Future<JsonObject> call(JsonObject arguments);

  /** @return a tool whose function runs on the calling context (it must be quick and non-blocking) */
  static Tool of(ToolSpec spec, Function<JsonObject, JsonObject> fn) {
    Objects.requireNonNull(fn, "fn");
    return async(spec, args -> {
      try {
        return Future.succeededFuture(fn.apply(args));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
  }

  /** @return a tool whose function may block: it runs on a Vert.x worker thread */
  static Tool blocking(Vertx vertx, ToolSpec spec, Function<JsonObject, JsonObject> fn) {
    Objects.requireNonNull(fn, "fn");
    return async(spec, args -> vertx.executeBlocking(() -> fn.apply(args), false));
  }

  /** @return a tool whose function returns a future (it must not block) */
  static Tool async(ToolSpec spec, Function<JsonObject, Future<JsonObject>> fn) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(fn, "fn");
    return new Tool() {
      @Override
      public ToolSpec spec() {
        return spec;
      }

      @Override
      public Future<JsonObject> call(JsonObject arguments) {
        return fn.apply(arguments);
      }
    };
  }
}
