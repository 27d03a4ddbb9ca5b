package io.agentbus.message.impl;

import io.agentbus.channel.Ids;
import io.agentbus.message.MessageTypeRegistry;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Thread-safe {@link MessageTypeRegistry}. */
public final class MessageTypeRegistryImpl implements MessageTypeRegistry {

  private final ConcurrentHashMap<String, String> types = new ConcurrentHashMap<>();

  @Override
  public MessageTypeRegistry register(String name, String description) {
    types.put(Ids.check("message type", name), Objects.requireNonNullElse(description, ""));
    return this;
  }

  @Override
  public boolean isRegistered(String name) {
    return name != null && types.containsKey(name);
  }

  @Override
  public Map<String, String> all() {
    return new TreeMap<>(types);
  }
}
