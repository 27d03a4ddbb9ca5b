package io.agentbus.agent;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A payload that is not JSON, carried unchanged: a type name, a content type and the bytes. What
 * an AutoGen worker publishing protobuf messages sends ({@code application/x-protobuf}, the bytes
 * of a {@code google.protobuf.Any} as AutoGen's serializer writes them), and what a JVM agent
 * receives for it with {@link Handlers.Builder#onBytes}; a JVM agent sends one the same way.
 *
 * <pre>{@code
 * .onBytes("agents.Greeting", (b, ctx) -> {
 *   Greeting g = Any.parseFrom(b.data()).unpack(Greeting.class);
 *   return new BytesPayload("agents.Reply", BytesPayload.PROTOBUF, Any.pack(reply(g)).toByteArray());
 * })
 * }</pre>
 *
 * @param type the type name (a protobuf message's full name, for protobuf)
 * @param contentType the content type ({@link #PROTOBUF}, or any other than JSON)
 * @param data the bytes (copied: the payload is immutable)
 */
public record BytesPayload(String type, String contentType, byte[] data) {

  /** AutoGen's content type for protobuf payloads. */
  public static final String PROTOBUF = "application/x-protobuf";
  /** The content type of JSON payloads. */
  public static final String JSON = "application/json";

  /** Validates and copies. */
  public BytesPayload {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(contentType, "contentType");
    if (type.isEmpty()) {
      throw new IllegalArgumentException("payload type name is empty");
    }
    if (contentType.isEmpty() || contentType.length() > 255) {
      throw new IllegalArgumentException("a content type has 1..255 characters");
    }
    data = data == null ? new byte[0] : data.clone();
  }

  /** @return a copy of the bytes */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /** @return the number of bytes */
  public int size() {
    return data.length;
  }

  byte[] unsafeData() {
    return data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BytesPayload && ((BytesPayload) o).type.equals(type)
        && ((BytesPayload) o).contentType.equals(contentType) && Arrays.equals(((BytesPayload) o).data, data);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, contentType, Arrays.hashCode(data));
  }

  @Override
  public String toString() {
    return "BytesPayload[" + type + ", " + contentType + ", " + data.length + " bytes]";
  }

  String base64() {
    return Base64.getEncoder().encodeToString(data);
  }
}
