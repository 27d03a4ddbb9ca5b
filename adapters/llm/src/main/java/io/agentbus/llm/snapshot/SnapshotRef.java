package io.agentbus.llm.snapshot;

import java.util.Objects;

/**
 * Where a snapshot is kept and which version of it: the {@code uri} is what a handoff offer
 * carries ({@code gs://bucket/object} for Cloud Storage, {@code shared:key} for shared data);
 * the generation changes at every write and is what a conditional write must name.
 *
 * @param uri the snapshot's address
 * @param generation its version (from 1)
 */
public record SnapshotRef(String uri, long generation) {

  /** Validates. */
  public SnapshotRef {
    Objects.requireNonNull(uri, "uri");
    if (generation < 1) {
      throw new IllegalArgumentException("a snapshot generation counts from 1, got " + generation);
    }
  }
}
