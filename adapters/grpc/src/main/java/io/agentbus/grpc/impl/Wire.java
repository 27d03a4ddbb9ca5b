package io.agentbus.grpc.impl;

import com.google.protobuf.ByteString;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.Subscription;
import io.agentbus.agent.TopicId;
import io.agentbus.agent.TypePrefixSubscription;
import io.agentbus.agent.TypeSubscription;
import io.agentbus.grpc.proto.Payload;
import io.agentbus.grpc.proto.cloudevents.CloudEvent;
import io.agentbus.message.impl.FrozenJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Conversions between AutoGen's wire messages and the runtime's types. */
final class Wire {

  static final String JSON = "application/json";
  static final String UNKNOWN = "unknown";

  private Wire() {
  }

  static AgentId agentId(io.agentbus.grpc.proto.AgentId p) {
    return new AgentId(p.getType(), p.getKey());
  }

  static io.agentbus.grpc.proto.AgentId proto(AgentId id) {
    return io.agentbus.grpc.proto.AgentId.newBuilder().setType(id.type()).setKey(id.key()).build();
  }

  static JsonPayload payload(Payload p) {
    if (!p.getDataContentType().isEmpty() && !p.getDataContentType().equals(JSON)) {
      throw new IllegalArgumentException("payload content type '" + p.getDataContentType()
          + "' is not supported by this host (use application/json)");
    }
    return json(p.getDataType(), p.getData().toByteArray());
  }

  /** A payload frozen around its wire bytes: forwarding it again re-uses them instead of re-encoding. */
  static JsonPayload json(String type, byte[] bytes) {
    Buffer b = Buffer.buffer(bytes);
    return new JsonPayload(type, FrozenJson.freezeOwned(new JsonObject(b), b));
  }

  static ByteString bytes(JsonPayload p) {
    return ByteString.copyFrom(FrozenJson.encode(p.data()).getBytes());
  }

  static Payload proto(JsonPayload p) {
    return Payload.newBuilder().setDataType(p.type()).setDataContentType(JSON).setData(bytes(p)).build();
  }

  static Subscription subscription(io.agentbus.grpc.proto.Subscription s) {
    switch (s.getSubscriptionCase()) {
      case TYPESUBSCRIPTION:
        return new TypeSubscription(s.getTypeSubscription().getTopicType(), s.getTypeSubscription().getAgentType(), s.getId());
      case TYPEPREFIXSUBSCRIPTION:
        return new TypePrefixSubscription(s.getTypePrefixSubscription().getTopicTypePrefix(),
            s.getTypePrefixSubscription().getAgentType(), s.getId());
      default:
        throw new IllegalArgumentException("subscription " + s.getId() + " has neither a type nor a prefix subscription");
    }
  }

  static io.agentbus.grpc.proto.Subscription proto(Subscription s) {
    io.agentbus.grpc.proto.Subscription.Builder b = io.agentbus.grpc.proto.Subscription.newBuilder().setId(s.id());
    if (s instanceof TypeSubscription) {
      b.setTypeSubscription(io.agentbus.grpc.proto.TypeSubscription.newBuilder()
          .setTopicType(((TypeSubscription) s).topicType()).setAgentType(s.agentType()));
    } else {
      b.setTypePrefixSubscription(io.agentbus.grpc.proto.TypePrefixSubscription.newBuilder()
          .setTopicTypePrefix(((TypePrefixSubscription) s).topicTypePrefix()).setAgentType(s.agentType()));
    }
    return b.build();
  }

  /** The attributes this bridge sets itself on every event (the rest are the publisher's extensions). */
  private static final java.util.Set<String> OWN_ATTRIBUTES = java.util.Set.of("datacontenttype", "dataschema",
      "agagentsendertype", "agagentsenderkey", "agmsgkind");
  /** Extension attributes carried at most (bounded: they become message metadata). */
  private static final int MAX_EXTENSIONS = 64;

  /** The CloudEvent of a published message, with the attributes a Python worker requires. */
  static CloudEvent event(String messageId, TopicId topic, AgentId sender, JsonPayload payload) {
    return event(messageId, topic, sender, payload, java.util.Map.of());
  }

  /**
   * The CloudEvent of a published message: the publisher's id, the attributes a Python worker
   * requires, and the publisher's extension attributes (from the message's metadata) unchanged.
   */
  static CloudEvent event(String messageId, TopicId topic, AgentId sender, JsonPayload payload,
                          java.util.Map<String, String> extensions) {
    CloudEvent.Builder b = CloudEvent.newBuilder().setId(messageId).setSource(topic.source()).setSpecVersion("1.0")
        .setType(topic.type());
    extensions.forEach((k, v) -> {
      if (!OWN_ATTRIBUTES.contains(k)) {
        b.putAttributes(k, attr(v));
      }
    });
    return b.putAttributes("datacontenttype", attr(JSON))
        .putAttributes("dataschema", attr(payload.type()))
        .putAttributes("agagentsendertype", attr(sender == null ? UNKNOWN : sender.type()))
        .putAttributes("agagentsenderkey", attr(sender == null ? UNKNOWN : sender.key()))
        .putAttributes("agmsgkind", attr("publish"))
        .setBinaryData(bytes(payload))
        .build();
  }

  /** @return the event's extension attributes (all but the ones this bridge sets), as strings */
  static java.util.Map<String, String> extensions(CloudEvent e) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    e.getAttributesMap().forEach((k, v) -> {
      if (!OWN_ATTRIBUTES.contains(k) && out.size() < MAX_EXTENSIONS) {
        out.put(k, switch (v.getAttrCase()) {
          case CE_STRING -> v.getCeString();
          case CE_URI -> v.getCeUri();
          case CE_URI_REF -> v.getCeUriRef();
          case CE_BOOLEAN -> String.valueOf(v.getCeBoolean());
          case CE_INTEGER -> String.valueOf(v.getCeInteger());
          default -> String.valueOf(v);
        });
      }
    });
    return out;
  }

  static String attribute(CloudEvent e, String name) {
    CloudEvent.CloudEventAttributeValue v = e.getAttributesMap().get(name);
    return v == null ? null : v.getCeString();
  }

  static JsonPayload eventPayload(CloudEvent e) {
    String schema = attribute(e, "dataschema");
    String contentType = attribute(e, "datacontenttype");
    if (schema == null) {
      throw new IllegalArgumentException("event " + e.getId() + " has no dataschema attribute");
    }
    if (contentType != null && !contentType.equals(JSON)) {
      throw new IllegalArgumentException("event " + e.getId() + " has content type '" + contentType
          + "'; this host carries application/json payloads");
    }
    return json(schema, e.hasTextData() ? e.getTextData().getBytes(java.nio.charset.StandardCharsets.UTF_8)
        : e.getBinaryData().toByteArray());
  }

  static AgentId eventSender(CloudEvent e) {
    String type = attribute(e, "agagentsendertype");
    String key = attribute(e, "agagentsenderkey");
    return type == null || key == null || UNKNOWN.equals(type) ? null : new AgentId(type, key);
  }

  private static CloudEvent.CloudEventAttributeValue attr(String s) {
    return CloudEvent.CloudEventAttributeValue.newBuilder().setCeString(s).build();
  }
}
