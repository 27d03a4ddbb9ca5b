package io.agentbus.grpc.impl;

/**
 * HTTP/2 flow-control windows of both ends of a worker channel (the bridge and {@link WorkerClientImpl}).
 * HTTP/2's default of 64 KiB holds a sender after 64 KiB until the receiver's window update comes
 * back; gRPC's C core (AutoGen's Python workers) grows its windows by itself, the JVM does not. A
 * receiver reads what arrives at once, so larger windows cost no memory it would not spend anyway.
 */
final class Http2Windows {

  /** Initial window of one stream: 1 MiB. */
  static final int STREAM_BYTES = 1024 * 1024;
  /** Window of a whole connection (all the workers of one process): 16 MiB. */
  static final int CONNECTION_BYTES = 16 * 1024 * 1024;

  private Http2Windows() {
  }
}
