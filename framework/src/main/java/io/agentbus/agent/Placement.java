package io.agentbus.agent;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Where an agent lives: rendezvous (highest random weight) hashing of an {@link AgentId} over the
 * candidates that may host it. Every node computes the same owner from the same candidates, with
 * no coordination, and when a candidate leaves only the agents it owned move (to the next best
 * candidate of each); when one joins, it takes over only the agents it now scores best for.
 *
 * <p>The runtime places agents on the nodes that registered their type, carry its required labels
 * and meet its {@link NodeRequirements} (weighted by their cores when the type asks for it); the
 * gRPC bridge places a worker-hosted agent on one of the workers of its type, with this same
 * function. Pure and thread-safe.
 */
public final class Placement {

  private Placement() {
  }

  /**
   * @param id the agent
   * @param nodes the candidates (node ids, worker ids): any order, duplicates ignored
   * @return the owner of {@code id} among {@code nodes}, or null when there is none
   */
  public static String owner(AgentId id, Collection<String> nodes) {
    return owner(id, nodes, n -> true);
  }

  /**
   * @param id the agent
   * @param nodes the candidates, of which only those {@code eligible} accepts count
   * @param eligible which candidates may own it now (for example, the connected ones)
   * @return the owner of {@code id} among the eligible {@code nodes}, or null when there is none
   */
  public static String owner(AgentId id, Collection<String> nodes, java.util.function.Predicate<String> eligible) {
    String best = null;
    long bestScore = 0;
    int seen = 0;
    for (String node : nodes) {
      if (!eligible.test(node)) {
        continue;
      }
      if (seen++ == 0) {
        best = node;  // scored only if another candidate competes
        continue;
      }
      if (seen == 2) {
        bestScore = score(best, id);
      }
      long score = score(node, id);
      if (Long.compareUnsigned(score, bestScore) > 0 || (score == bestScore && node.compareTo(best) < 0)) {
        best = node;
        bestScore = score;
      }
    }
    return best;
  }

  /**
   * Weighted rendezvous hashing: each candidate takes a share of the agents in proportion to its
   * weight (a node's cores, say), and a change of one candidate's weight or presence moves only
   * agents to or from it. With equal weights it picks what {@link #owner(AgentId, Collection,
   * java.util.function.Predicate)} picks only by chance: use one or the other for a type.
   *
   * @param id the agent
   * @param nodes the candidates, of which only those {@code eligible} accepts and with a positive weight count
   * @param eligible which candidates may own it now
   * @param weight each candidate's weight
   * @return the owner of {@code id}, or null when there is none
   */
  public static String owner(AgentId id, Collection<String> nodes, java.util.function.Predicate<String> eligible,
                             java.util.function.ToDoubleFunction<String> weight) {
    String best = null;
    double bestScore = 0;
    for (String node : nodes) {
      double w = eligible.test(node) ? weight.applyAsDouble(node) : 0;
      if (!(w > 0)) {
        continue;
      }
      // a uniform draw in (0, 1) from the hash; -w / ln(u) is larger for heavier candidates, in proportion
      double u = ((score(node, id) >>> 11) + 0.5) / (double) (1L << 53);
      double s = -w / Math.log(u);
      if (best == null || s > bestScore || (s == bestScore && node.compareTo(best) < 0)) {
        best = node;
        bestScore = s;
      }
    }
    return best;
  }

  private static long score(String node, AgentId id) {
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
