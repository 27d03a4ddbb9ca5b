package io.agentbus.message;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deeply read-only JSON, what every {@link Message} payload and {@code JsonPayload} carries: every
 * nested object and array is wrapped in a read-only view of our own type, so a payload that is
 * already frozen is recognised and shared instead of copied (a message fanned out to many agents
 * in one JVM is one object), and no receiver can change what another sees. Writes throw
 * {@link UnsupportedOperationException}.
 *
 * <pre>{@code
 * JsonObject frozen = FrozenJson.copyOf(new JsonObject().put("kw", 3.5));
 * FrozenJson.copyOf(frozen) == frozen;  // true: shared, not copied
 * }</pre>
 *
 * <p>Adapters that read JSON off a wire use {@link #freezeOwned} to wrap what they parsed without a
 * second copy, and {@link #encode} to write a frozen object with its encoding cached.
 */
public final class FrozenJson {

  private FrozenJson() {
  }

  /**
   * @param json any JSON object
   * @return {@code json} itself when already frozen, otherwise a deep, read-only copy
   * @throws IllegalArgumentException if a value is not JSON-representable
   */
  public static JsonObject copyOf(JsonObject json) {
    if (isFrozen(json)) {
      return json;
    }
    return new JsonObject(freezeMap(json.getMap(), true));
  }

  /** @return whether {@code json} is deeply frozen by this class */
  public static boolean isFrozen(JsonObject json) {
    return json.getMap() instanceof FrozenMap;
  }

  /**
   * Freezes an object that nobody else references (freshly decoded), without copying its maps.
   *
   * @param owned the object, which must not be used afterwards
   * @param encoded its UTF-8 JSON form, kept so that it is never encoded again (may be null)
   * @return the frozen object
   */
  public static JsonObject freezeOwned(JsonObject owned, Buffer encoded) {
    Map<String, Object> map = freezeMap(owned.getMap(), false);
    ((FrozenMap) map).encoded = encoded;
    return new JsonObject(map);
  }

  /**
   * The UTF-8 JSON form of a payload. A frozen payload is encoded once and the result kept with
   * it, so every message sharing it (or forwarding a received one) reuses the bytes.
   *
   * @param json a payload
   * @return its encoding; do not modify it
   */
  public static Buffer encode(JsonObject json) {
    Map<String, Object> map = json.getMap();
    if (!(map instanceof FrozenMap)) {
      return json.toBuffer();
    }
    FrozenMap frozen = (FrozenMap) map;
    Buffer b = frozen.encoded;
    if (b == null) {
      b = json.toBuffer();
      frozen.encoded = b;
    }
    return b;
  }

  /**
   * The UTF-8 JSON size of a frozen payload as the Vert.x codec writes it, computed without
   * encoding and kept with the payload: exact for strings (escapes and multi-byte characters
   * counted), integers, booleans, null and the structure, and an upper bound for floating-point
   * numbers, which count 24 bytes (their longest form), so the result is never below the real
   * size. What bounds a mailbox in bytes: cheap for payloads that never leave this JVM.
   *
   * @param json a payload (frozen: the result is cached; otherwise computed each time)
   * @return the size, in bytes
   */
  public static long sizeEstimate(JsonObject json) {
    Map<String, Object> map = json.getMap();
    if (!(map instanceof FrozenMap)) {
      return estimate(map);
    }
    FrozenMap frozen = (FrozenMap) map;
    long n = frozen.sizeEstimate;
    if (n < 0) {
      n = estimate(frozen);
      frozen.sizeEstimate = n;
    }
    return n;
  }

  private static long estimate(Object v) {
    if (v == null) {
      return 4;
    }
    if (v instanceof String) {
      return 2 + utf8Escaped((String) v);
    }
    if (v instanceof Boolean) {
      return (Boolean) v ? 4 : 5;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      long x = ((Number) v).longValue();
      return x == Long.MIN_VALUE ? 20 : (x < 0 ? 1 : 0) + digits(Math.abs(x));
    }
    if (v instanceof Double || v instanceof Float) {
      return 24;
    }
    if (v instanceof Number) {
      return v.toString().length();
    }
    if (v instanceof Map) {
      Map<?, ?> m = (Map<?, ?>) v;
      long n = 2 + Math.max(0, m.size() - 1);
      for (Map.Entry<?, ?> e : m.entrySet()) {
        n += 3 + utf8Escaped(String.valueOf(e.getKey())) + estimate(e.getValue());
      }
      return n;
    }
    if (v instanceof JsonObject) {
      return estimate(((JsonObject) v).getMap());
    }
    if (v instanceof JsonArray) {
      return estimate(((JsonArray) v).getList());
    }
    if (v instanceof List) {
      List<?> l = (List<?>) v;
      long n = 2 + Math.max(0, l.size() - 1);
      for (Object o : l) {
        n += estimate(o);
      }
      return n;
    }
    // anything else (an enum is frozen as its name): the bound of its string form
    return 2 + 6L * String.valueOf(v).length();
  }

  private static int digits(long x) {
    int d = 1;
    while (x >= 10) {
      x /= 10;
      d++;
    }
    return d;
  }

  /**
   * UTF-8 bytes of a JSON string's content as Jackson writes it: short escapes for the usual
   * control characters, {@code \\uXXXX} for the others and for each surrogate, raw UTF-8 for the
   * rest of the BMP.
   */
  private static long utf8Escaped(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20) {
        n += c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f' ? 2 : 6;
      } else if (c == '"' || c == '\\') {
        n += 2;
      } else if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isSurrogate(c)) {
        n += 6; // Jackson writes each half of a pair as a \\uXXXX escape
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static Map<String, Object> freezeMap(Map<String, Object> map, boolean copy) {
    if (map instanceof FrozenMap) {
      return map;
    }
    Map<String, Object> target = copy ? new LinkedHashMap<>(Math.max(4, map.size() * 2)) : map;
    for (Map.Entry<String, Object> e : map.entrySet()) {
      Object frozen = freeze(e.getValue(), copy);
      if (copy) {
        target.put(e.getKey(), frozen);
      } else if (frozen != e.getValue()) {
        e.setValue(frozen);
      }
    }
    return new FrozenMap(target);
  }

  private static List<Object> freezeList(List<Object> list, boolean copy) {
    if (list instanceof FrozenList) {
      return list;
    }
    List<Object> target = copy ? new ArrayList<>(list.size()) : list;
    for (int i = 0; i < list.size(); i++) {
      Object frozen = freeze(list.get(i), copy);
      if (copy) {
        target.add(frozen);
      } else if (frozen != list.get(i)) {
        target.set(i, frozen);
      }
    }
    return new FrozenList(target);
  }

  @SuppressWarnings("unchecked")
  private static Object freeze(Object v, boolean copy) {
    if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
      return v;
    }
    if (v instanceof JsonObject) {
      return freezeMap(((JsonObject) v).getMap(), copy);
    }
    if (v instanceof JsonArray) {
      return freezeList(((JsonArray) v).getList(), copy);
    }
    if (v instanceof Map) {
      return freezeMap((Map<String, Object>) v, copy);
    }
    if (v instanceof List) {
      return freezeList((List<Object>) v, copy);
    }
    if (v instanceof Enum) {
      return ((Enum<?>) v).name();
    }
    throw new IllegalArgumentException("payload value of type " + v.getClass().getName()
        + " cannot be carried as JSON (use strings, numbers, booleans, null, objects and arrays)");
  }

  /** A read-only map view; its presence marks a frozen object. */
  private static final class FrozenMap extends AbstractMap<String, Object> {
    private final Map<String, Object> delegate;
    /** Immutable content, so its encoding can be kept; racy but idempotent. */
    private volatile Buffer encoded;
    /** {@link #sizeEstimate}, once computed (-1 before); racy but idempotent. */
    private volatile long sizeEstimate = -1;

    FrozenMap(Map<String, Object> map) {
      this.delegate = Collections.unmodifiableMap(map);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return delegate.entrySet();
    }

    @Override
    public Object get(Object key) {
      return delegate.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
      return delegate.containsKey(key);
    }

    @Override
    public int size() {
      return delegate.size();
    }
  }

  /** A read-only list view; its presence marks a frozen array. */
  private static final class FrozenList extends AbstractList<Object> {
    private final List<Object> delegate;

    FrozenList(List<Object> list) {
      this.delegate = list;
    }

    @Override
    public Object get(int index) {
      return delegate.get(index);
    }

    @Override
    public int size() {
      return delegate.size();
    }
  }
}
