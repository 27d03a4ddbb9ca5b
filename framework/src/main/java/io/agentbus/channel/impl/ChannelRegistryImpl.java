package io.agentbus.channel.impl;

import io.agentbus.channel.ChannelKind;
import io.agentbus.channel.ChannelRegistry;
import io.agentbus.channel.Ids;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Thread-safe {@link ChannelRegistry}. */
public final class ChannelRegistryImpl implements ChannelRegistry {

  private final ConcurrentHashMap<String, String> kinds = new ConcurrentHashMap<>();

  @Override
  public ChannelRegistry register(String kind, String description) {
    Ids.check("channel kind", kind);
    if (ChannelKind.BUILT_IN.contains(kind)) {
      throw new IllegalArgumentException("channel kind '" + kind + "' is built in and cannot be registered");
    }
    kinds.put(kind, Objects.requireNonNullElse(description, ""));
    return this;
  }

  @Override
  public boolean isRegistered(String kind) {
    return kind != null && kinds.containsKey(kind);
  }

  @Override
  public Map<String, String> all() {
    return new TreeMap<>(kinds);
  }
}
