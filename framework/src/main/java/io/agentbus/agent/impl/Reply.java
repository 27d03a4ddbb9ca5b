package io.agentbus.agent.impl;

import io.agentbus.agent.BytesPayload;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.PayloadTypes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A reply on its way to the caller: the object itself (from an agent on this node), or its type
 * name and JSON (from another node); both null for a null reply.
 */
record Reply(Object payload, String type, Buffer json) {

  /** @return the reply as {@code target}, decoded or converted as needed */
  @SuppressWarnings("unchecked")
  <R> R as(Class<R> target, PayloadTypes types) {
    if (payload == null && json == null) {
      return null;
    }
    if (payload != null && target.isInstance(payload)) {
      return (R) payload;
    }
    if (payload != null) {
      return types.convert(type != null ? type : types.nameOf(payload), payload, null, target);
    }
    if (target == Object.class && PayloadTypes.isBytes(json)) {
      return (R) types.decode(type, json, BytesPayload.class);
    }
    if (target == Object.class) {
      Class<?> known = types.classOf(type);
      return (R) (known != null ? types.decode(type, json, known) : new JsonPayload(type, new JsonObject(json)));
    }
    return types.decode(type, json, target);
  }
}
