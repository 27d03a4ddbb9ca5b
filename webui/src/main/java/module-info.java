/**
 * The web console: the dashboard page, its REST endpoints and the WebSocket that streams live
 * cluster state, mounted on a node's HTTP router.
 */
module io.agentbus.webui {
  requires transitive io.agentbus.framework;
  requires transitive io.vertx.web;

  exports io.agentbus.webui;
}
