package io.agentbus.agent.impl;

import io.agentbus.agent.Agent;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.BytesPayload;
import io.agentbus.agent.Handlers;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.LoadStateRequest;
import io.agentbus.agent.MessageContext;
import io.agentbus.agent.PayloadTypes;
import io.agentbus.agent.SaveStateRequest;
import io.agentbus.agent.SaveStateResponse;
import io.vertx.core.Future;

/**
 * Finds an agent's handler for an envelope, converts the payload and calls it; never throws. State
 * requests ({@link SaveStateRequest}, {@link LoadStateRequest}) an agent has no handler for are
 * answered from {@link Agent#saveState()} and {@link Agent#loadState}.
 */
final class HandlerInvoker {

  private HandlerInvoker() {
  }

  static Future<Object> invoke(AgentId id, Agent agent, Handlers handlers, Envelope e, PayloadTypes types) {
    MessageContext ctx = new MessageContext(e.sender, e.topic, e.kind == Envelope.Kind.SEND, e.messageId, e.metadata);
    Handlers.Entry entry = handlers.lookup(e.payloadType);
    try {
      if (entry == null && SaveStateRequest.TYPE.equals(e.payloadType)) {
        return Future.succeededFuture(new SaveStateResponse(agent.saveState()));
      }
      if (entry == null && LoadStateRequest.TYPE.equals(e.payloadType)) {
        LoadStateRequest load = as(e, LoadStateRequest.class, types);
        agent.loadState(load.state());
        return Future.succeededFuture();
      }
      if (entry == null && handlers.otherwiseForeign() != null) {
        Object p = e.payload instanceof BytesPayload || e.payload instanceof JsonPayload ? e.payload
            : e.payloadJson != null && PayloadTypes.isBytes(e.payloadJson) ? as(e, BytesPayload.class, types)
            : as(e, JsonPayload.class, types);
        return widen(handlers.otherwiseForeign().apply(p, ctx));
      }
      if (entry == null && handlers.otherwise() != null) {
        JsonPayload p = as(e, JsonPayload.class, types);
        return widen(handlers.otherwise().apply(p, ctx));
      }
      if (entry == null) {
        return Future.failedFuture(new IllegalArgumentException("agent " + id + " does not handle message type '"
            + e.payloadType + "' (it handles " + handlers.entries().keySet() + ")"));
      }
      return widen(entry.function().apply(as(e, entry.payloadClass(), types), ctx));
    } catch (Throwable t) {
      return Future.failedFuture(t);
    }
  }

  /** @return the handler's future as a future of its reply object (a cast: futures are read-only) */
  @SuppressWarnings("unchecked")
  private static Future<Object> widen(Future<?> handled) {
    return (Future<Object>) java.util.Objects.requireNonNull(handled, "the handler returned null instead of a future");
  }

  /**
   * @return the payload as {@code target}: the object itself when it is one, else decoded from the
   *     JSON when it came from another node, else converted
   */
  @SuppressWarnings("unchecked")
  private static <T> T as(Envelope e, Class<T> target, PayloadTypes types) {
    if (e.payload != null && target.isInstance(e.payload)) {
      return (T) e.payload;
    }
    return e.payloadJson != null ? types.decode(e.payloadType, e.payloadJson, target)
        : types.convert(e.payloadType, e.payload, null, target);
  }
}
