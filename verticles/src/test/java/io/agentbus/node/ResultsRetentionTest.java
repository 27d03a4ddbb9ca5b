package io.agentbus.node;

import io.agentbus.message.Message;
import io.agentbus.testing.FreePorts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.agentbus.testing.Await.await;
import static io.agentbus.testing.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo does not raise its own alarm: the market's results channel, which nothing else reads in
 * the node, does not keep a message per step (its mailbox would fill and count drops after hours,
 * at once with a short step interval).
 */
class ResultsRetentionTest {

  @Test
  void theResultsChannelHoldsNoBacklogWhileTheMarketSteps() {
    int port = FreePorts.pick(1).get(0);
    NodeMain.Running node = await(NodeMain.start(NodeConfig.load(new String[] {"--http-port", String.valueOf(port),
        "--step-interval-ms", "10"}, Map.of())));
    try {
      var channel = node.broker().channels().results(MarketVerticle.ENV_ID, io.agentbus.microgrid.OperatorAgent.TYPE);
      until("30 market steps", Duration.ofSeconds(20), () -> stepOf(node) >= 30);
      List<Message> backlog = await(node.broker().consume(channel, "results", MarketVerticle.ENV_ID, false));
      assertThat(backlog).as("results waiting in the channel after 30 steps").hasSizeLessThanOrEqualTo(2);
    } finally {
      await(node.stop());
    }
  }

  private static long stepOf(NodeMain.Running node) {
    try {
      var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + node.httpPort() + "/api/market")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? new io.vertx.core.json.JsonObject(r.body()).getLong("step", 0L) : 0;
    } catch (Exception e) {
      return 0;
    }
  }
}
