package io.agentbus.node;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import io.agentbus.cluster.BearerToken;

import java.net.URI;

/**
 * Who may use the node's HTTP API. Without a token everything is open (and the node binds to
 * loopback unless told otherwise). With a token:
 * <ul>
 *   <li>{@code /health*} and {@code /metrics} stay open (probes and scrapers);</li>
 *   <li>every other path needs it: as {@code Authorization: Bearer <token>}, or, for reads and the
 *       dashboard's WebSocket, the {@code agentbus_token} cookie that {@code GET /?token=<token>}
 *       sets once (HttpOnly, SameSite=Strict), so a browser can open the dashboard;</li>
 *   <li>writes ({@code POST}, {@code PUT}, {@code DELETE}...) need the header: a cookie alone never
 *       authorizes a write, so another site cannot make a logged-in browser spend the budget.</li>
 * </ul>
 * Whatever the token, a WebSocket whose {@code Origin} is not this server is refused (403):
 * browsers send it on every WebSocket, and only our own page may read the stream.
 */
final class HttpAccess implements Handler<RoutingContext> {

  static final String COOKIE = "agentbus_token";

  private final BearerToken token;

  /** @param token the token, or null for open access */
  HttpAccess(String token) {
    this.token = token == null ? null : BearerToken.of(token);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path.equals("/ws") && !sameOrigin(ctx)) {
      HttpErrors.send(ctx, 403, "cross-origin WebSocket refused (Origin " + ctx.request().getHeader("origin") + ")");
      return;
    }
    if (token == null || path.equals("/metrics") || path.equals("/health") || path.startsWith("/health/")) {
      ctx.next();
      return;
    }
    if (token.authorizes(ctx.request().getHeader("authorization"))) {
      ctx.next();
      return;
    }
    boolean read = ctx.request().method() == HttpMethod.GET || ctx.request().method() == HttpMethod.HEAD;
    String query = ctx.request().getParam("token");
    if (read && token.matches(query) && (path.equals("/") || path.startsWith("/ui/"))) {
      ctx.response().addCookie(Cookie.cookie(COOKIE, query).setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setPath("/"))
          .setStatusCode(303).putHeader("location", path).end();
      return;
    }
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (read && cookie != null && token.matches(cookie.getValue())) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("www-authenticate", "Bearer realm=\"agentbus\"");
    HttpErrors.send(ctx, 401, read
        ? "this node requires its HTTP token: send 'Authorization: Bearer <token>', or open /?token=<token> once in a browser"
        : "writes require 'Authorization: Bearer <token>' (the token of --http-token-file or AGENTBUS_HTTP_TOKEN)");
  }

  /** No Origin (not a browser), or an Origin whose host and port are this request's Host. */
  private static boolean sameOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("origin");
    if (origin == null) {
      return true;
    }
    String host = ctx.request().getHeader("host");
    try {
      URI o = URI.create(origin);
      if (o.getHost() == null || host == null) {
        return false;
      }
      int port = o.getPort() != -1 ? o.getPort() : "https".equals(o.getScheme()) ? 443 : 80;
      String oh = o.getHost();
      String expected = (oh.startsWith("[") || !oh.contains(":") ? oh : "[" + oh + "]").toLowerCase(java.util.Locale.ROOT);
      String h = host.toLowerCase(java.util.Locale.ROOT);
      return h.equals(expected + ":" + port) || (h.equals(expected) && port == 80);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
