package io.agentbus.agent.impl;

/**
 * The event-bus addresses of the agent runtime in one namespace, all under
 * {@code {namespace}/_runtime/}: each node's inbox (envelopes for its agents), directory (registry
 * changes pushed to it) and release (requests to let an agent go), and the cluster-wide lifecycle
 * topic.
 */
final class RuntimeAddresses {

  private final String prefix;

  /** @param namespace the cluster namespace the runtime runs in */
  RuntimeAddresses(String namespace) {
    this.prefix = namespace + "/_runtime/";
  }

  /** @return where envelopes for agents hosted on {@code node} go */
  String inbox(String node) {
    return prefix + node + "/inbox";
  }

  /** @return where registry changes are pushed to {@code node} */
  String directory(String node) {
    return prefix + node + "/directory";
  }

  /** @return where {@code node} is asked to let one of its agents go */
  String release(String node) {
    return prefix + node + "/release";
  }

  /** @return where every node publishes its agents' lifecycle events */
  String lifecycle() {
    return prefix + "lifecycle";
  }
}
