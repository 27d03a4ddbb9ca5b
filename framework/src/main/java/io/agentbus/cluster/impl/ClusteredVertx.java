package io.agentbus.cluster.impl;

import io.agentbus.cluster.NodeOptions;
import io.agentbus.cluster.PortInUseException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Starts the clustered Vert.x of a node: Hazelcast bound to loopback unless there is a cluster
 * secret or a named interface (open-source Hazelcast authenticates nobody, so the node says so),
 * the event bus on mutual TLS with the secret (certificates from files or derived from it), the
 * cluster's maps sealed with it, and a taken cluster port refused in one line before Hazelcast
 * starts ({@link PortInUseException}).
 */
final class ClusteredVertx {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ClusteredVertx.class);

  /** The clustered Vert.x, and the options as applied (the cluster host filled in). */
  record Started(Vertx vertx, NodeOptions options) {
  }

  private ClusteredVertx() {
  }

  static Future<Started> start(NodeOptions options, VertxOptions vertxOptions, VertxMetricsFactory metrics) {
    if (options.getClusterSecret() == null && options.getClusterHost() == null) {
      // no secret: never all interfaces (open-source Hazelcast authenticates nobody)
      options = new NodeOptions(options).setClusterHost("127.0.0.1");
    }
    if (options.getClusterSecret() == null) {
      LOG.warn("clustered WITHOUT a cluster secret, on {}: whoever reaches the Hazelcast port with namespace '{}' can join, "
          + "read the cluster's maps and talk to its agents; set --cluster-secret-file or AGENTBUS_CLUSTER_SECRET before "
          + "binding anything but loopback", options.getClusterHost(), options.getNamespace());
    }
    if (!options.isClusterPortAutoIncrement()) {
      // Hazelcast would log its own stack trace before failing; one clear failure instead
      String host = options.getClusterHost() != null ? options.getClusterHost() : "0.0.0.0";
      try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
        probe.bind(new java.net.InetSocketAddress(host, options.getClusterPort()));
      } catch (java.net.BindException e) {
        return Future.failedFuture(new PortInUseException("Hazelcast", host, options.getClusterPort()));
      } catch (java.io.IOException e) {
        // anything else (an unknown interface): Hazelcast's own check says what
      }
    }
    VertxOptions vo = new VertxOptions(vertxOptions);
    EventBusOptions eb = vo.getEventBusOptions();
    SecretKeys keys = options.getClusterSecret() == null ? null : new SecretKeys(options.getClusterSecret());
    if (keys != null && options.getEventBusTlsCert() != null) {
      EventBusTls.fromFiles(eb, options.getEventBusTlsCert(), options.getEventBusTlsKey(), options.getEventBusTlsCa());
    } else if (keys != null) {
      EventBusTls.derived(eb, keys);
    }
    String ebHost = options.getEventBusHost() != null ? options.getEventBusHost() : options.getClusterHost();
    if (ebHost != null) {
      eb.setHost(ebHost);
    }
    eb.setPort(options.getEventBusPort());
    if (options.getEventBusPublicHost() != null) {
      eb.setClusterPublicHost(options.getEventBusPublicHost());
    }
    HazelcastClusterManager cm = new HazelcastClusterManager(HazelcastConfigs.build(options));
    VertxBuilder b = Vertx.builder().with(vo).withClusterManager(cm);
    if (metrics != null) {
      b.withMetrics(metrics);
    }
    NodeOptions effective = options;
    return b.buildClustered().map(vertx -> {
      if (keys != null) {
        SharedMapsImpl.seal(vertx, keys);
      }
      return new Started(vertx, effective);
    });
  }

}
