package io.agentbus.agent;

import io.agentbus.message.FrozenJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps payload classes (records, usually) to type names and JSON, per runtime. A payload crosses a
 * node or language boundary as {@code (type name, JSON)}; inside one JVM the object itself is
 * handed over, so payloads must be immutable.
 */
public final class PayloadTypes {

  /**
   * Jackson's reader and writer per class, made once (a mapper call finds them in its caches on
   * every message). They are taken from {@code DatabindCodec.mapper()} on first use: configure it
   * (modules, features) before the first message, as Jackson asks of every mapper.
   */
  private static final ClassValue<com.fasterxml.jackson.databind.ObjectReader> READERS = new ClassValue<>() {
    @Override
    protected com.fasterxml.jackson.databind.ObjectReader computeValue(Class<?> type) {
      return DatabindCodec.mapper().readerFor(type);
    }
  };
  private static final ClassValue<com.fasterxml.jackson.databind.ObjectWriter> WRITERS = new ClassValue<>() {
    @Override
    protected com.fasterxml.jackson.databind.ObjectWriter computeValue(Class<?> type) {
      return DatabindCodec.mapper().writerFor(type);
    }
  };

  private final ConcurrentHashMap<String, Class<?>> byName = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Class<?>, String> byClass = new ConcurrentHashMap<>();

  /**
   * Registers a class under its {@link PayloadName} or simple name.
   *
   * @return this
   * @throws IllegalStateException if another class has that name
   */
  public PayloadTypes register(Class<?> type) {
    PayloadName n = type.getAnnotation(PayloadName.class);
    return register(n != null ? n.value() : type.getSimpleName(), type);
  }

  /** Registers a class under a name. */
  public PayloadTypes register(String name, Class<?> type) {
    Class<?> prev = byName.putIfAbsent(name, type);
    if (prev != null && prev != type) {
      throw new IllegalStateException("payload type name '" + name + "' is taken by " + prev.getName()
          + "; annotate " + type.getName() + " with @PayloadName");
    }
    byClass.putIfAbsent(type, name);
    return this;
  }

  /**
   * Checks that an object can travel as a payload: a record or bean, a {@link JsonPayload}, a
   * {@link BytesPayload} or a {@code JsonObject}; not a bare string, number, boolean, collection or array.
   *
   * @return the object
   * @throws IllegalArgumentException otherwise
   */
  public Object check(Object payload) {
    if (payload == null) {
      throw new IllegalArgumentException("payload is null");
    }
    if (payload instanceof CharSequence || payload instanceof Number || payload instanceof Boolean
        || payload instanceof Character || payload instanceof java.util.Collection || payload instanceof java.util.Map
        || payload.getClass().isArray() || payload.getClass().isEnum()) {
      throw new IllegalArgumentException("a payload must be a record (or bean), JsonPayload or JsonObject, not "
          + payload.getClass().getName() + ": wrap the value in a record");
    }
    return payload;
  }

  /**
   * The first key of a {@link BytesPayload}'s JSON form between nodes: {@code {"agentbus.bytes":
   * base64, "agentbus.contentType": ...}} (so it is recognised without parsing).
   */
  static final String BYTES_KEY = "agentbus.bytes";
  private static final byte[] BYTES_PREFIX = ("{\"" + BYTES_KEY + "\":").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  private static final String CONTENT_TYPE_KEY = "agentbus.contentType";

  /** @return whether {@code json} is the wire form of a {@link BytesPayload} */
  public static boolean isBytes(Buffer json) {
    if (json == null || json.length() < BYTES_PREFIX.length) {
      return false;
    }
    for (int i = 0; i < BYTES_PREFIX.length; i++) {
      if (json.getByte(i) != BYTES_PREFIX[i]) {
        return false;
      }
    }
    return true;
  }

  private static BytesPayload bytesFrom(String name, Buffer json) {
    JsonObject j = new JsonObject(json);
    try {
      return new BytesPayload(name, j.getString(CONTENT_TYPE_KEY, "application/octet-stream"),
          java.util.Base64.getDecoder().decode(j.getString(BYTES_KEY, "")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("payload of type '" + name + "' is not a valid bytes payload: " + e.getMessage(), e);
    }
  }

  /** A JSON target given a bytes payload: its bytes parsed as JSON when they are JSON, refused otherwise. */
  private static Buffer jsonOf(BytesPayload b) {
    if (!b.contentType().equals(BytesPayload.JSON)) {
      throw new IllegalArgumentException("payload of type '" + b.type() + "' is " + b.contentType()
          + " (" + b.size() + " bytes), not JSON: handle it with onBytes");
    }
    return Buffer.buffer(b.unsafeData());
  }

  /** @return the type name of a payload object (registering its class if needed) */
  public String nameOf(Object payload) {
    if (payload instanceof JsonPayload) {
      return ((JsonPayload) payload).type();
    }
    if (payload instanceof BytesPayload) {
      return ((BytesPayload) payload).type();
    }
    if (payload instanceof JsonObject) {
      return "JsonObject";
    }
    String name = byClass.get(payload.getClass());
    if (name == null) {
      register(payload.getClass());
      name = byClass.get(payload.getClass());
    }
    return name;
  }

  /** @return the class registered under {@code name}, or null */
  public Class<?> classOf(String name) {
    return byName.get(name);
  }

  /** @return the JSON form of a payload */
  public JsonObject toJson(Object payload) {
    if (payload instanceof JsonPayload) {
      return ((JsonPayload) payload).data();
    }
    if (payload instanceof BytesPayload) {
      return new JsonObject(encode(payload));
    }
    if (payload instanceof JsonObject) {
      return (JsonObject) payload;
    }
    return JsonObject.mapFrom(payload);
  }

  /**
   * Encodes a payload to UTF-8 JSON in one pass (records are written by Jackson directly, without
   * an intermediate {@code JsonObject}).
   *
   * @throws IllegalArgumentException if it cannot be encoded
   */
  public Buffer encode(Object payload) {
    if (payload instanceof JsonPayload) {
      return FrozenJson.encode(((JsonPayload) payload).data());
    }
    if (payload instanceof BytesPayload) {
      BytesPayload b = (BytesPayload) payload;
      // written by hand so that the bytes key comes first (isBytes reads only the prefix)
      return Buffer.buffer().appendBytes(BYTES_PREFIX).appendString(io.vertx.core.json.Json.encode(b.base64()))
          .appendString(",\"" + CONTENT_TYPE_KEY + "\":").appendString(io.vertx.core.json.Json.encode(b.contentType()))
          .appendString("}");
    }
    if (payload instanceof JsonObject) {
      return ((JsonObject) payload).toBuffer();
    }
    try {
      return Buffer.buffer(WRITERS.get(payload.getClass()).writeValueAsBytes(payload));
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot encode " + payload.getClass().getName() + " as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes a payload's JSON into {@code target} in one pass ({@link JsonPayload} and
   * {@link JsonObject} targets keep the JSON).
   *
   * @throws IllegalArgumentException if the JSON does not fit the class
   */
  @SuppressWarnings("unchecked")
  public <T> T decode(String name, Buffer json, Class<T> target) {
    if (isBytes(json)) {
      BytesPayload b = bytesFrom(name, json);
      if (target == BytesPayload.class || target == Object.class) {
        return (T) b;
      }
      return decode(name, jsonOf(b), target);
    }
    if (target == BytesPayload.class) {
      return (T) new BytesPayload(name, BytesPayload.JSON, json.getBytes());
    }
    if (target == JsonPayload.class) {
      return (T) new JsonPayload(name, new JsonObject(json));
    }
    if (target == JsonObject.class || target == Object.class) {
      return (T) new JsonObject(json);
    }
    try {
      return READERS.get(target).readValue(json.getBytes());
    } catch (Exception e) {
      throw new IllegalArgumentException("payload of type '" + name + "' does not map to " + target.getName()
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * Converts a payload to {@code target}: returned as is when already of that class, mapped from
   * JSON otherwise; {@link JsonPayload} and {@link JsonObject} targets take the JSON.
   *
   * @throws IllegalArgumentException if the JSON does not fit the class
   */
  @SuppressWarnings("unchecked")
  public <T> T convert(String name, Object payload, JsonObject json, Class<T> target) {
    if (payload != null && target.isInstance(payload)) {
      return (T) payload;
    }
    if (payload instanceof BytesPayload) {
      return decode(name, jsonOf((BytesPayload) payload), target);
    }
    if (target == BytesPayload.class) {
      return (T) new BytesPayload(name, BytesPayload.JSON, (json != null ? json.toBuffer() : encode(payload)).getBytes());
    }
    JsonObject data = json != null ? json : toJson(payload);
    if (target == JsonPayload.class) {
      return (T) new JsonPayload(name, data);
    }
    if (target == JsonObject.class) {
      return (T) data;
    }
    try {
      return data.mapTo(target);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("payload of type '" + name + "' does not map to " + target.getName()
          + ": " + e.getMessage(), e);
    }
  }
}
