package io.agentbus.message.impl;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deeply read-only JSON: every nested object and array is wrapped unmodifiable. */
public final class FrozenJson {

  private FrozenJson() {
  }

  /**
   * @param json any JSON object
   * @return a deep, read-only copy
   * @throws IllegalArgumentException if a value is not JSON-representable
   */
  public static JsonObject copyOf(JsonObject json) {
    return new JsonObject(freezeMap(json.getMap(), true));
  }

  /**
   * Freezes an object that nobody else references (freshly decoded), without copying its maps.
   *
   * @param owned the object, which must not be used afterwards
   * @return the frozen object
   */
  public static JsonObject freezeOwned(JsonObject owned) {
    return new JsonObject(freezeMap(owned.getMap(), false));
  }

  private static Map<String, Object> freezeMap(Map<String, Object> map, boolean copy) {
    Map<String, Object> target = copy ? new LinkedHashMap<>(Math.max(4, map.size() * 2)) : map;
    for (Map.Entry<String, Object> e : map.entrySet()) {
      Object frozen = freeze(e.getValue(), copy);
      if (copy) {
        target.put(e.getKey(), frozen);
      } else if (frozen != e.getValue()) {
        e.setValue(frozen);
      }
    }
    return Collections.unmodifiableMap(target);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> freezeList(List<Object> list, boolean copy) {
    List<Object> target = copy ? new ArrayList<>(list.size()) : list;
    for (int i = 0; i < list.size(); i++) {
      Object frozen = freeze(list.get(i), copy);
      if (copy) {
        target.add(frozen);
      } else if (frozen != list.get(i)) {
        target.set(i, frozen);
      }
    }
    return Collections.unmodifiableList(target);
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
}
