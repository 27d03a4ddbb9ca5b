package io.agentbus.grpc.impl;

import com.google.protobuf.ByteString;
import io.agentbus.agent.AgentId;
import io.agentbus.agent.BytesPayload;
import io.agentbus.agent.JsonPayload;
import io.agentbus.agent.Subscription;
import io.agentbus.agent.TopicId;
import io.agentbus.agent.TypePrefixSubscription;
import io.agentbus.agent.TypeSubscription;
import io.agentbus.grpc.proto.Payload;
import io.agentbus.grpc.proto.cloudevents.CloudEvent;
import io.agentbus.message.FrozenJson;
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

  /**
   * @return a {@link JsonPayload} for JSON content, a {@link BytesPayload} (type, content type and
   *     bytes unchanged: protobuf and anything else) otherwise
   */
  static Object payload(Payload p) {
    String contentType = p.getDataContentType();
    if (contentType.isEmpty() || contentType.equals(JSON)) {
      return json(p.getDataType(), p.getData().toByteArray());
    }
    return new BytesPayload(p.getDataType(), contentType, p.getData().toByteArray());
  }

  /** @return the payload as JSON, for JSON-only callers; a bytes payload of JSON content is parsed */
  static JsonPayload jsonOnly(Object payload) {
    if (payload instanceof JsonPayload) {
      return (JsonPayload) payload;
    }
    BytesPayload b = (BytesPayload) payload;
    if (!b.contentType().equals(JSON)) {
      throw new IllegalArgumentException("payload of type '" + b.type() + "' is " + b.contentType() + ", not JSON");
    }
    return json(b.type(), b.data());
  }

  /** A payload frozen around its wire bytes: forwarding it again re-uses them instead of re-encoding. */
  static JsonPayload json(String type, byte[] bytes) {
    Buffer b = Buffer.buffer(bytes);
    return new JsonPayload(type, FrozenJson.freezeOwned(new JsonObject(b), b));
  }

  static ByteString bytes(JsonPayload p) {
    return ByteString.copyFrom(FrozenJson.encode(p.data()).getBytes());
  }

  static Payload proto(Object payload) {
    if (payload instanceof BytesPayload) {
      BytesPayload b = (BytesPayload) payload;
      return Payload.newBuilder().setDataType(b.type()).setDataContentType(b.contentType())
          .setData(ByteString.copyFrom(b.data())).build();
    }
    JsonPayload p = (JsonPayload) payload;
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
  static CloudEvent event(String messageId, TopicId topic, AgentId sender, Object payload) {
    return event(messageId, topic, sender, payload, java.util.Map.of());
  }

  /**
   * The CloudEvent of a published message: the publisher's id, the attributes a Python worker
   * requires, and the publisher's extension attributes (from the message's metadata) unchanged.
   */
  static CloudEvent event(String messageId, TopicId topic, AgentId sender, Object payload,
                          java.util.Map<String, String> extensions) {
    CloudEvent.Builder b = CloudEvent.newBuilder().setId(messageId).setSource(topic.source()).setSpecVersion("1.0")
        .setType(topic.type());
    extensions.forEach((k, v) -> {
      if (!OWN_ATTRIBUTES.contains(k)) {
        b.putAttributes(k, attr(v));
      }
    });
    String type;
    String contentType;
    if (payload instanceof BytesPayload) {
      BytesPayload bytes = (BytesPayload) payload;
      type = bytes.type();
      contentType = bytes.contentType();
      setData(b, bytes);
    } else {
      type = ((JsonPayload) payload).type();
      contentType = JSON;
      b.setBinaryData(bytes((JsonPayload) payload));
    }
    return b.putAttributes("datacontenttype", attr(contentType))
        .putAttributes("dataschema", attr(type))
        .putAttributes("agagentsendertype", attr(sender == null ? UNKNOWN : sender.type()))
        .putAttributes("agagentsenderkey", attr(sender == null ? UNKNOWN : sender.key()))
        .putAttributes("agmsgkind", attr("publish"))
        .build();
  }

  /** Protobuf goes in {@code proto_data} as the {@code Any} AutoGen's serializer wrote, anything else in {@code binary_data}. */
  private static void setData(CloudEvent.Builder b, BytesPayload bytes) {
    if (bytes.contentType().equals(BytesPayload.PROTOBUF)) {
      try {
        b.setProtoData(com.google.protobuf.Any.parseFrom(bytes.data()));
        return;
      } catch (com.google.protobuf.InvalidProtocolBufferException notAnAny) {
        // not AutoGen's form: carried as it is
      }
    }
    b.setBinaryData(ByteString.copyFrom(bytes.data()));
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

  /**
   * @return the event's payload: JSON as a {@link JsonPayload}, anything else (protobuf from
   *     {@code proto_data}, as the bytes of its {@code Any}) as a {@link BytesPayload}
   */
  static Object eventPayload(CloudEvent e) {
    String schema = attribute(e, "dataschema");
    String contentType = attribute(e, "datacontenttype");
    if (schema == null || schema.isEmpty()) {
      throw new IllegalArgumentException("event " + e.getId() + " has no dataschema attribute");
    }
    if (contentType == null || contentType.isEmpty() || contentType.equals(JSON)) {
      if (e.hasProtoData()) {
        throw new IllegalArgumentException("event " + e.getId() + " says application/json but carries proto_data");
      }
      return json(schema, e.hasTextData() ? e.getTextData().getBytes(java.nio.charset.StandardCharsets.UTF_8)
          : e.getBinaryData().toByteArray());
    }
    byte[] data = e.hasProtoData() ? e.getProtoData().toByteArray()
        : e.hasTextData() ? e.getTextData().getBytes(java.nio.charset.StandardCharsets.UTF_8) : e.getBinaryData().toByteArray();
    return new BytesPayload(schema, contentType, data);
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
