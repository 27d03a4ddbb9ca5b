package io.agentbus.message.impl;

import io.vertx.core.eventbus.MessageCodec;

/**
 * The part every agentbus codec shares: a name (the same on every node), immutable values handed
 * over as they are within a JVM ({@link #transform} returns the instance: no copy per local
 * delivery), and no system codec id. Decoding yields {@code Object}: the value, or a
 * {@link CorruptFrame} instead of throwing.
 *
 * @param <S> the type sent
 */
public abstract class ImmutableCodec<S> implements MessageCodec<S, Object> {

  private final String name;

  /** @param name the codec's name on the event bus */
  protected ImmutableCodec(String name) {
    this.name = name;
  }

  @Override
  public final Object transform(S value) {
    return value;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final byte systemCodecID() {
    return -1;
  }
}
