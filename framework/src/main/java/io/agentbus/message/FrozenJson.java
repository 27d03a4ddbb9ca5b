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
   * An upper bound of the UTF-8 JSON size of a frozen payload, computed without encoding: strings
   * count six bytes a character (the longest escape), numbers 24 bytes.
   *
   * @param json a frozen payload
   * @return the bound, in bytes
   */
  public static long sizeBound(JsonObject json) {
    return bound(json.getMap());
  }

  private static long bound(Object v) {
    if (v == null || v instanceof Boolean) {
      return 5;
    }
    if (v instanceof Number) {
      return 24;
    }
    if (v instanceof String) {
      return 2 + 6L * ((String) v).length();
    }
    if (v instanceof Map) {
      long n = 2;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        n += 2 + bound(String.valueOf(e.getKey())) + bound(e.getValue());
      }
      return n;
    }
    long n = 2;
    for (Object o : (List<?>) v) {
      n += 1 + bound(o);
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
