package io.agentbus.cluster;

/** How a clustered node finds the others. */
public enum JoinMode {
  /** A fixed member list ({@code host[:port]}), e.g. on a LAN or in tests on 127.0.0.1. */
  TCP,
  /** IP multicast on the local network. */
  MULTICAST,
  /** Kubernetes DNS: the A records of a headless service. */
  KUBERNETES
}
