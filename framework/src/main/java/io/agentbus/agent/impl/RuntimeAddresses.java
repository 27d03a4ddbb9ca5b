package io.agentbus.agent.impl;

/**
 * The event-bus addresses of the agent runtime in one namespace, all under
 * {@code {namespace}/_runtime/}: each node's inbox (envelopes for its agents), answers (to the calls
 * it sent in batches), directory (registry changes pushed to it) and release (requests to let an
 * agent go), and the cluster-wide lifecycle topic.
 */
final class RuntimeAddresses {

  private final String prefix;
  /** Inbox addresses by node, built once each (every send names one); bounded: node ids come from the cluster. */
  private final java.util.Map<String, String> inboxes = new java.util.concurrent.ConcurrentHashMap<>();

  /** @param namespace the cluster namespace the runtime runs in */
  RuntimeAddresses(String namespace) {
    this.prefix = namespace + "/_runtime/";
  }

  /** @return where envelopes for agents hosted on {@code node} go */
  String inbox(String node) {
    String address = inboxes.get(node);
    if (address == null) {
      address = prefix + node + "/inbox";
      if (inboxes.size() < 1_024) {
        inboxes.put(node, address);
      }
    }
    return address;
  }

  /** @return where the answers to the calls {@code node} sent in batches go ({@link Calls}) */
  String answers(String node) {
    return prefix + node + "/answers";
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
