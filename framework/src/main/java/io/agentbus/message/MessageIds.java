package io.agentbus.message;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Message ids: random (version 4) UUIDs without the contention of {@link UUID#randomUUID()}'s
 * SecureRandom (ids are unique, not secret). What {@link Message} uses when the sender gives none.
 */
public final class MessageIds {

  private MessageIds() {
  }

  /** @return a new random id in UUID text form */
  public static String next() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
