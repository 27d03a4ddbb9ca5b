package io.agentbus.node;

import io.agentbus.testing.ChildJvm;
import io.agentbus.testing.FreePorts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A node that runs out of memory in a handler exits with status 3 instead of living on without its listeners. */
class OutOfMemoryExitIT {

  /** Starts a node (256 MB heap), then exhausts the heap inside a Vert.x handler. */
  public static final class Main {
    public static void main(String[] args) throws Exception {
      NodeMain.Running r = NodeMain.start(NodeConfig.load(new String[] {"--http-port", args[0]}, Map.of()))
          .toCompletionStage().toCompletableFuture().get();
      FatalErrors.install(r.node().vertx());
      System.out.println("READY");
      r.node().vertx().runOnContext(v -> {
        List<long[]> hog = new ArrayList<>();
        while (true) {
          hog.add(new long[1 << 20]);
        }
      });
      Thread.sleep(60_000);
      System.out.println("STILL ALIVE");
    }
  }

  @Test
  void theNodeExitsWithStatus3() throws Exception {
    try (ChildJvm child = ChildJvm.start("oom", Main.class, List.of(String.valueOf(FreePorts.pick(1).get(0))))) {
      child.awaitLine("READY", Duration.ofSeconds(60));
      assertThat(child.awaitExit(Duration.ofSeconds(60))).isEqualTo(FatalErrors.EXIT_STATUS);
    }
  }
}
