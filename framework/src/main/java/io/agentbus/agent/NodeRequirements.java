package io.agentbus.agent;

import io.agentbus.cluster.NodeInfo;
import io.vertx.core.json.JsonObject;

/**
 * What a node must offer to host an agent type, judged on the capabilities it announces in its
 * {@link NodeInfo} (detected at start, or declared with {@code NodeOptions.setCores/setGpus}, and
 * announced again when they change, {@link io.agentbus.cluster.Node#announceCapabilities}).
 * Placement considers only the nodes that registered the type, carry its labels and meet these;
 * when none does, sending to such an agent fails at once with an {@link AgentRpcException} saying
 * that no live node may host the type, rather than landing it somewhere unfit.
 *
 * <pre>{@code
 * runtime.register("vision", id -> new VisionAgent(),
 *     RegistrationOptions.defaults().withRequirements(NodeRequirements.none().withMinGpus(1)));
 * }</pre>
 *
 * @param minCores available processors at least (0: any)
 * @param minGpus GPUs at least (0: any)
 * @param minMemoryBytes maximum heap at least, in bytes (0: any)
 */
public record NodeRequirements(int minCores, int minGpus, long minMemoryBytes) {

  private static final NodeRequirements NONE = new NodeRequirements(0, 0, 0);

  /** Validates. */
  public NodeRequirements {
    if (minCores < 0 || minGpus < 0 || minMemoryBytes < 0) {
      throw new IllegalArgumentException("node requirements cannot be negative: cores " + minCores + ", gpus " + minGpus
          + ", memory " + minMemoryBytes);
    }
  }

  /** @return no requirement: every node qualifies */
  public static NodeRequirements none() {
    return NONE;
  }

  /** @return these requirements with at least {@code cores} processors */
  public NodeRequirements withMinCores(int cores) {
    return new NodeRequirements(cores, minGpus, minMemoryBytes);
  }

  /** @return these requirements with at least {@code gpus} GPUs */
  public NodeRequirements withMinGpus(int gpus) {
    return new NodeRequirements(minCores, gpus, minMemoryBytes);
  }

  /** @return these requirements with at least {@code bytes} of maximum heap */
  public NodeRequirements withMinMemoryBytes(long bytes) {
    return new NodeRequirements(minCores, minGpus, bytes);
  }

  /** @return whether nothing is required */
  public boolean isNone() {
    return minCores == 0 && minGpus == 0 && minMemoryBytes == 0;
  }

  /** @return whether {@code node} offers at least what is required */
  public boolean satisfiedBy(NodeInfo node) {
    return node.cores() >= minCores && node.gpus() >= minGpus && node.maxMemoryBytes() >= minMemoryBytes;
  }

  /** @return the JSON form (what registrations carry across the cluster) */
  public JsonObject toJson() {
    return new JsonObject().put("minCores", minCores).put("minGpus", minGpus).put("minMemoryBytes", minMemoryBytes);
  }

  /** @return the requirements from their JSON form; none when {@code json} is null */
  public static NodeRequirements fromJson(JsonObject json) {
    return json == null ? NONE : new NodeRequirements(json.getInteger("minCores", 0), json.getInteger("minGpus", 0),
        json.getLong("minMemoryBytes", 0L));
  }
}
