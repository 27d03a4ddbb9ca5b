package io.agentbus.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The one place that shows which messages an agent handles and what it replies. Built once per
 * agent:
 *
 * <pre>{@code
 * Handlers.builder()
 *     .on(Greeting.class, (g, ctx) -> log(g))                       // event: no reply
 *     .onRequest(Question.class, (q, ctx) -> new Answer(q.text()))  // RPC: reply
 *     .onRequestAsync(Lookup.class, (l, ctx) -> store.get(l.key())) // RPC: reply later
 *     .build();
 * }</pre>
 *
 * Handlers are looked up by the payload's type name ({@link PayloadTypes}).
 */
public final class Handlers {

  /** One handler. */
  public record Entry(String typeName, Class<?> payloadClass, BiFunction<Object, MessageContext, Future<?>> function) {
  }

  private final Map<String, Entry> entries;
  private final BiFunction<JsonPayload, MessageContext, Future<?>> otherwise;
  private final BiFunction<Object, MessageContext, Future<?>> otherwiseForeign;

  private Handlers(Map<String, Entry> entries, BiFunction<JsonPayload, MessageContext, Future<?>> otherwise,
                   BiFunction<Object, MessageContext, Future<?>> otherwiseForeign) {
    this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    this.otherwise = otherwise;
    this.otherwiseForeign = otherwiseForeign;
  }

  /** @return the handler of every type without its own handler, or null */
  public BiFunction<JsonPayload, MessageContext, Future<?>> otherwise() {
    return otherwise;
  }

  /** @return the handler of every type without a handler of its own, JSON or bytes ({@link Builder#otherwiseForeign}), or null */
  public BiFunction<Object, MessageContext, Future<?>> otherwiseForeign() {
    return otherwiseForeign;
  }

  /** @return a builder */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the handler of a type name, or null */
  public Entry lookup(String typeName) {
    return entries.get(typeName);
  }

  /** @return every handled type name, in declaration order */
  public Map<String, Entry> entries() {
    return entries;
  }

  /** Builds {@link Handlers}. */
  public static final class Builder {
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private BiFunction<JsonPayload, MessageContext, Future<?>> otherwise;
    private BiFunction<Object, MessageContext, Future<?>> otherwiseForeign;

    private Builder() {
    }

    /**
     * Like {@link #otherwise}, for JSON and non-JSON payloads alike: the handler receives a
     * {@link JsonPayload} or a {@link BytesPayload} (a bridge forwarding foreign agents' messages
     * unchanged uses it).
     */
    public Builder otherwiseForeign(BiFunction<Object, MessageContext, Future<?>> handler) {
      this.otherwiseForeign = handler;
      return this;
    }

    /**
     * Handles a type name whose content is not JSON (a protobuf message from an AutoGen worker) as
     * a {@link BytesPayload}; a JSON payload of that name arrives as bytes of {@code application/json}.
     * The result (a record, {@link JsonPayload}, {@link BytesPayload} or null) is the reply.
     */
    public Builder onBytes(String typeName, BiFunction<BytesPayload, MessageContext, Object> handler) {
      return add(typeName, BytesPayload.class, (m, ctx) -> Future.succeededFuture(handler.apply((BytesPayload) m, ctx)));
    }

    /**
     * Handles every type that has no handler of its own, as type name and JSON (proxies of foreign
     * agents use it); the future's result is the reply.
     */
    public Builder otherwise(BiFunction<JsonPayload, MessageContext, Future<?>> handler) {
      this.otherwise = handler;
      return this;
    }

    /** Handles {@code type} without replying (the reply, if the sender awaits one, is null). */
    public <T> Builder on(Class<T> type, BiConsumer<T, MessageContext> handler) {
      return add(name(type), type, (m, ctx) -> {
        handler.accept(type.cast(m), ctx);
        return Future.succeededFuture();
      });
    }

    /** Handles {@code type} and replies with the function's result. */
    public <T, R> Builder onRequest(Class<T> type, BiFunction<T, MessageContext, R> handler) {
      return add(name(type), type, (m, ctx) -> Future.succeededFuture(handler.apply(type.cast(m), ctx)));
    }

    /** Handles {@code type} and replies with the future's result when it completes. */
    public <T, R> Builder onRequestAsync(Class<T> type, BiFunction<T, MessageContext, Future<R>> handler) {
      return add(name(type), type, (m, ctx) -> handler.apply(type.cast(m), ctx));
    }

    /**
     * Handles a type name with JSON content (for foreign payloads without a Java class); the
     * result (a record, {@link JsonPayload} or null) is the reply.
     */
    public Builder onJson(String typeName, BiFunction<JsonObject, MessageContext, Object> handler) {
      return add(typeName, JsonObject.class, (m, ctx) -> Future.succeededFuture(handler.apply((JsonObject) m, ctx)));
    }

    private Builder add(String name, Class<?> type, BiFunction<Object, MessageContext, Future<?>> fn) {
      if (entries.putIfAbsent(name, new Entry(name, type, fn)) != null) {
        throw new IllegalStateException("two handlers for message type '" + name + "'");
      }
      return this;
    }

    private static String name(Class<?> type) {
      PayloadName n = type.getAnnotation(PayloadName.class);
      return n != null ? n.value() : type.getSimpleName();
    }

    /** @return the handlers */
    public Handlers build() {
      return new Handlers(entries, otherwise, otherwiseForeign);
    }
  }
}
