package io.agentbus.cluster.impl;

import io.agentbus.cluster.NodeInfo;
import io.agentbus.cluster.NodeOptions;

import java.io.File;
import java.net.InetAddress;

/**
 * What a node tells the others about itself at start: its name and the address they reach it on,
 * and the capabilities placement weighs — cores and GPUs as declared in the options, else as
 * detected (the JVM's processors; NVIDIA's driver files), the maximum heap, its labels.
 */
final class NodeDescription {

  /** Resolved once, on the thread that first starts a node, never on an event loop. */
  private static final String HOST = hostName();

  private NodeDescription() {
  }

  /** @return the info of the node with cluster id {@code id} */
  static NodeInfo of(String id, NodeOptions options) {
    String host = HOST;
    String advertised = options.getEventBusPublicHost() != null ? options.getEventBusPublicHost()
        : options.getClusterHost() != null ? options.getClusterHost() : host;
    return new NodeInfo(id, options.getNodeName() != null ? options.getNodeName() : host, advertised,
        options.getCores() > 0 ? options.getCores() : Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory(),
        options.getGpus() >= 0 ? options.getGpus() : gpus(),
        options.getLabels(), System.currentTimeMillis());
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }

  private static int gpus() {
    File[] nvidia = new File("/proc/driver/nvidia/gpus").listFiles();
    return nvidia == null ? 0 : nvidia.length;
  }
}
