package io.agentbus.channel;

import io.agentbus.channel.impl.ChannelRegistryImpl;

import java.util.Map;

/**
 * The custom channel kinds known to one runtime (scoped to it, not JVM-global).
 *
 * <p>{@link Channels#custom(String, String, String)} refuses kinds that are not registered here.
 */
public interface ChannelRegistry {

  /** @return a new registry with no custom kinds */
  static ChannelRegistry create() {
    return new ChannelRegistryImpl();
  }

  /**
   * Registers a custom channel kind.
   *
   * @param kind the kind, a valid {@link Ids id} that is not a {@link ChannelKind#BUILT_IN built-in} name
   * @param description what it is for
   * @return this registry
   * @throws IllegalArgumentException if the kind is invalid or built in
   */
  ChannelRegistry register(String kind, String description);

  /** @return whether {@code kind} is a registered custom kind */
  boolean isRegistered(String kind);

  /** @return a snapshot of the custom kinds and their descriptions */
  Map<String, String> all();
}
