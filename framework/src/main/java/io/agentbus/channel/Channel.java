package io.agentbus.channel;

import java.util.ArrayList;
import java.util.List;

/**
 * A validated channel address: cluster namespace, environment, kind, details.
 *
 * <p>Its string form is {@code <namespace>/env/<envId>/<kind>[/<detail>...]}, for example
 * {@code default/env/env_0/action/coordinator_1/field_1}. Every part is an {@link Ids id}, so the
 * separator cannot occur inside a part and an address is unambiguous. Build channels with
 * {@link Channels}; parse received addresses with {@link #parse(String)}.
 */
public final class Channel {

  /** Separates the parts of an address. */
  public static final char SEPARATOR = '/';

  private static final String ENV = "env";

  private final String namespace;
  private final String envId;
  private final String kind;
  private final List<String> details;
  private final String address;

  Channel(String namespace, String envId, String kind, List<String> details) {
    this.namespace = Ids.check("namespace", namespace);
    this.envId = Ids.check("env id", envId);
    this.kind = Ids.check("channel kind", kind);
    for (String d : details) {
      Ids.check("agent id", d);
    }
    this.details = List.copyOf(details);
    StringBuilder sb = new StringBuilder(namespace).append(SEPARATOR).append(ENV).append(SEPARATOR)
        .append(envId).append(SEPARATOR).append(kind);
    for (String d : details) {
      sb.append(SEPARATOR).append(d);
    }
    this.address = sb.toString();
  }

  /**
   * Parses an address produced by {@link #address()}.
   *
   * @param address the address
   * @return the channel
   * @throws InvalidIdException if the address is malformed or a part is not a valid id
   */
  public static Channel parse(String address) {
    if (address == null || address.isEmpty()) {
      throw new InvalidIdException("channel address", address, "it is empty");
    }
    String[] parts = address.split(String.valueOf(SEPARATOR), -1);
    if (parts.length < 4 || !ENV.equals(parts[1])) {
      throw new InvalidIdException("channel address", address,
          "expected <namespace>/env/<envId>/<kind>[/<detail>...]");
    }
    List<String> details = new ArrayList<>(List.of(parts).subList(4, parts.length));
    return new Channel(parts[0], parts[2], parts[3], details);
  }

  /** @return the cluster namespace */
  public String namespace() {
    return namespace;
  }

  /** @return the environment id */
  public String envId() {
    return envId;
  }

  /** @return the kind ({@code action}, {@code info}, ... or a registered custom kind) */
  public String kind() {
    return kind;
  }

  /** @return the details after the kind (agent ids), possibly empty */
  public List<String> details() {
    return details;
  }

  /** @return the event-bus address of this channel */
  public String address() {
    return address;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Channel && ((Channel) o).address.equals(address);
  }

  @Override
  public int hashCode() {
    return address.hashCode();
  }

  @Override
  public String toString() {
    return address;
  }

  static Channel of(String namespace, String envId, String kind, String... details) {
    return new Channel(namespace, envId, kind, List.of(details));
  }
}
