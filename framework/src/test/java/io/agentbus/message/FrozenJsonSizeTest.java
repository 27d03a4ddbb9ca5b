package io.agentbus.message;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The size estimate that bounds mailboxes agrees with the real encoding. */
class FrozenJsonSizeTest {

  private static final String ALPHABET = "ab\"\\\n\t\u0001/ é€\uD83D\uDE00z9 ";

  @Test
  void theEstimateIsExactWithoutFloatingPointNumbers() {
    SplittableRandom rng = new SplittableRandom(7);
    for (int i = 0; i < 500; i++) {
      JsonObject json = FrozenJson.copyOf(randomObject(rng, 3, false));
      assertThat(FrozenJson.sizeEstimate(json)).as(json.encode()).isEqualTo(json.toBuffer().length());
    }
  }

  @Test
  void withFloatingPointNumbersItIsAnUpperBound() {
    SplittableRandom rng = new SplittableRandom(11);
    for (int i = 0; i < 500; i++) {
      JsonObject json = FrozenJson.copyOf(randomObject(rng, 3, true));
      long real = json.toBuffer().length();
      assertThat(FrozenJson.sizeEstimate(json)).as(json.encode()).isGreaterThanOrEqualTo(real).isLessThanOrEqualTo(real * 24);
    }
    JsonObject extreme = FrozenJson.copyOf(new JsonObject().put("d", -Double.MIN_VALUE).put("e", -1.2345678901234567E-300)
        .put("f", Float.MIN_VALUE).put("l", Long.MIN_VALUE));
    assertThat(FrozenJson.sizeEstimate(extreme)).isGreaterThanOrEqualTo(extreme.toBuffer().length());
  }

  @Test
  void theEstimateOfAFrozenPayloadIsKeptAndNotChangedByEncoding() {
    JsonObject json = FrozenJson.copyOf(new JsonObject().put("x", 1.5).put("s", "text"));
    long before = FrozenJson.sizeEstimate(json);
    FrozenJson.encode(json);
    assertThat(FrozenJson.sizeEstimate(json)).isEqualTo(before);
  }

  private static JsonObject randomObject(SplittableRandom rng, int depth, boolean floats) {
    JsonObject o = new JsonObject();
    int n = rng.nextInt(6);
    for (int i = 0; i < n; i++) {
      o.put(randomString(rng), randomValue(rng, depth - 1, floats));
    }
    return o;
  }

  private static Object randomValue(SplittableRandom rng, int depth, boolean floats) {
    switch (rng.nextInt(depth > 0 ? 9 : 7)) {
      case 0:
        return null;
      case 1:
        return rng.nextBoolean();
      case 2:
        return rng.nextInt();
      case 3:
        return rng.nextLong();
      case 4:
        return floats ? rng.nextDouble() * Math.pow(10, rng.nextInt(-10, 10)) : (Object) (long) rng.nextInt(100);
      case 5:
      case 6:
        return randomString(rng);
      case 7:
        return randomObject(rng, depth, floats);
      default:
        JsonArray a = new JsonArray();
        int n = rng.nextInt(4);
        for (int i = 0; i < n; i++) {
          a.add(randomValue(rng, depth - 1, floats));
        }
        return a;
    }
  }

  private static String randomString(SplittableRandom rng) {
    StringBuilder b = new StringBuilder();
    int n = rng.nextInt(12);
    for (int i = 0; i < n; i++) {
      int k = rng.nextInt(ALPHABET.length());
      char c = ALPHABET.charAt(k);
      if (Character.isHighSurrogate(c)) {
        b.append(c).append(ALPHABET.charAt(k + 1));
      } else if (!Character.isLowSurrogate(c)) {
        b.append(c);
      }
    }
    return b.toString();
  }
}
