package io.agentbus.channel;

import java.util.Set;

/** The built-in channel kinds, as named in addresses. */
public final class ChannelKind {

  /** Parent to child actions: details are {@code <upstream>/<node>}. */
  public static final String ACTION = "action";
  /** Child to parent information: details are {@code <node>/<upstream>}. */
  public static final String INFO = "info";
  /** An agent's broadcasts: detail is the agent. */
  public static final String BROADCAST = "broadcast";
  /** Messages between peers of one level (horizontal protocols): detail is the recipient. */
  public static final String PEER = "peer";
  /** Environment-wide state updates: no details. */
  public static final String STATE_UPDATES = "state_updates";
  /** Results for an agent: detail is the agent. */
  public static final String RESULTS = "results";

  /** Every built-in kind; custom kinds may not reuse these names. */
  public static final Set<String> BUILT_IN = Set.of(ACTION, INFO, BROADCAST, PEER, STATE_UPDATES, RESULTS);

  /** The kind used for metrics when a channel's kind is a custom one. */
  public static final String CUSTOM = "custom";

  private ChannelKind() {
  }

  /**
   * @param kind a channel kind
   * @return the kind itself when built in, otherwise {@link #CUSTOM} (keeps metric tags bounded)
   */
  public static String metricTag(String kind) {
    return BUILT_IN.contains(kind) ? kind : CUSTOM;
  }
}
