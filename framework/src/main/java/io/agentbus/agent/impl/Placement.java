package io.agentbus.agent.impl;

import io.agentbus.agent.AgentId;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/** Rendezvous (highest random weight) hashing: every node computes the same owner from the same candidates. */
final class Placement {

  private Placement() {
  }

  /** @return the owner of {@code id} among {@code nodes}, or null when there is none */
  static String owner(AgentId id, Collection<String> nodes) {
    String best = null;
    long bestScore = 0;
    for (String node : nodes) {
      long score = score(node, id);
      if (best == null || Long.compareUnsigned(score, bestScore) > 0
          || (score == bestScore && node.compareTo(best) < 0)) {
        best = node;
        bestScore = score;
      }
    }
    return best;
  }

  static long score(String node, AgentId id) {
    long h = 0xcbf29ce484222325L;
    h = fnv(h, node);
    h = fnv(h ^ 0x1f, id.type());
    h = fnv(h ^ 0x2f, id.key());
    // splitmix64 finaliser: spreads FNV's weak low bits
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  private static long fnv(long h, String s) {
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
