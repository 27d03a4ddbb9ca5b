package io.agentbus.grpc.impl;

import io.agentbus.cluster.BearerToken;
import io.agentbus.grpc.Cidr;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;

/**
 * Who may call the bridge. A call is admitted when no credential is configured at all, or when it
 * carries the bearer token ({@code authorization: Bearer <token>} metadata), or when its peer
 * address lies in an allowed network. The allow-list is for unmodified AutoGen Python workers,
 * which can neither do TLS nor send a token (their runtime opens an insecure channel and sends only
 * a {@code client-id}): they can only be admitted by where they are.
 */
final class BridgeAccess {

  private final BearerToken token;
  private final List<Cidr> allowed;

  BridgeAccess(String token, List<String> allowedNetworks) {
    this.token = token == null ? null : BearerToken.of(token);
    this.allowed = allowedNetworks.stream().map(Cidr::parse).toList();
  }

  /** @return whether anything is checked */
  boolean guarded() {
    return token != null || !allowed.isEmpty();
  }

  /** @return null when the call is admitted, else why not (for the UNAUTHENTICATED status) */
  String refusal(HttpServerRequest req) {
    if (!guarded()) {
      return null;
    }
    String auth = req.getHeader("authorization");
    if (token != null && token.authorizes(auth)) {
      return null;
    }
    String peer = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
    if (peer != null && allowed.stream().anyMatch(c -> c.contains(peer))) {
      return null;
    }
    if (token != null && auth != null) {
      return "the bearer token is not this bridge's";
    }
    return token != null
        ? "this bridge requires 'authorization: Bearer <token>' metadata" + (allowed.isEmpty() ? "" : " or a peer address in " + allowed)
        : "peer address " + peer + " is not in the bridge's allowed networks " + allowed;
  }
}
