package io.agentbus.cluster.impl;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.agentbus.cluster.JoinMode;
import io.agentbus.cluster.NodeOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

/** Builds the Hazelcast configuration of a clustered node from its {@link NodeOptions}. */
public final class HazelcastConfigs {

  private HazelcastConfigs() {
  }

  /**
   * @param options the node options
   * @return Vert.x's Hazelcast configuration (its required maps) with our network, join and
   *     failure-detection settings; phone-home off
   */
  public static Config build(NodeOptions options) {
    Config cfg = ConfigUtil.loadConfig();
    cfg.setClusterName("agentbus-" + options.getNamespace());
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    cfg.setProperty("hazelcast.logging.type", "slf4j");
    cfg.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    cfg.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(options.getFailureDetectionSeconds()));
    cfg.setProperty("hazelcast.wait.seconds.before.join", "1");
    cfg.setProperty("hazelcast.shutdownhook.enabled", "false");
    // nodes started at the same moment (a StatefulSet, a test) can each form a cluster of their
    // own, and a partition or a pause splits a cluster: merge them within seconds rather than
    // Hazelcast's default of five minutes
    cfg.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    cfg.setProperty("hazelcast.merge.next.run.delay.seconds", "5");

    NetworkConfig net = cfg.getNetworkConfig();
    net.setPort(options.getClusterPort()).setPortAutoIncrement(options.isClusterPortAutoIncrement());
    if (options.getClusterHost() != null) {
      net.getInterfaces().setEnabled(true).addInterface(options.getClusterHost());
      cfg.setProperty("hazelcast.socket.bind.any", "false");
      cfg.setProperty("hazelcast.local.localAddress", options.getClusterHost());
    }
    if (options.getPublicHost() != null) {
      net.setPublicAddress(options.getPublicHost());
    }
    JoinConfig join = net.getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(options.getJoin() == JoinMode.MULTICAST);
    join.getTcpIpConfig().setEnabled(options.getJoin() == JoinMode.TCP);
    join.getKubernetesConfig().setEnabled(options.getJoin() == JoinMode.KUBERNETES);
    if (options.getJoin() == JoinMode.TCP) {
      join.getTcpIpConfig().setMembers(options.getMembers().isEmpty()
          ? java.util.List.of(options.getClusterHost() != null ? options.getClusterHost() : "127.0.0.1")
          : options.getMembers());
    }
    if (options.getJoin() == JoinMode.KUBERNETES) {
      join.getKubernetesConfig().setProperty("service-dns", options.getKubernetesServiceDns());
    }
    return cfg;
  }
}
