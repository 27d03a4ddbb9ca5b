/**
 * The gRPC bridge: AutoGen's worker protocol served on a node ({@code io.agentbus.grpc}), and a
 * Java worker client. The generated protocol classes are the bridge's own; they are exported only
 * to protobuf, which reads them reflectively.
 */
module io.agentbus.grpc {
  requires transitive io.agentbus.framework;
  requires transitive io.vertx.grpc.server;
  requires transitive io.vertx.grpc.client;
  requires io.vertx.grpc.common;
  requires com.google.protobuf;
  requires com.google.protobuf.util;
  requires org.slf4j;

  exports io.agentbus.grpc;
  exports io.agentbus.grpc.proto to com.google.protobuf;
  opens io.agentbus.grpc to com.fasterxml.jackson.databind;
  exports io.agentbus.grpc.proto.cloudevents to com.google.protobuf;
}
