package io.agentbus.message;

import io.agentbus.message.impl.MessageTypeRegistryImpl;

import java.util.Map;

/**
 * The custom message types known to one runtime (not JVM-global: each broker or runtime owns
 * one, so tests and tenants stay isolated).
 *
 * <p>A {@link MessageType#CUSTOM} message whose {@link Message#customType()} is not registered is
 * refused when published.
 */
public interface MessageTypeRegistry {

  /** @return a new, empty registry */
  static MessageTypeRegistry create() {
    return new MessageTypeRegistryImpl();
  }

  /**
   * Registers a custom type. Registering the same name again replaces its description.
   *
   * @param name the type name, validated like every id ({@code [A-Za-z0-9_.-]}, 1..128 chars)
   * @param description what the type is for, for humans and the dashboard
   * @return this registry
   */
  MessageTypeRegistry register(String name, String description);

  /** @return whether {@code name} is registered */
  boolean isRegistered(String name);

  /** @return a snapshot of every registered name and its description */
  Map<String, String> all();

  /**
   * Checks that a message may be published under this registry.
   *
   * @param message the message
   * @throws UnknownMessageTypeException if it is a custom message with an unregistered type
   */
  default void check(Message message) {
    if (message.type() == MessageType.CUSTOM && !isRegistered(message.customType())) {
      throw new UnknownMessageTypeException(message.customType());
    }
  }
}
