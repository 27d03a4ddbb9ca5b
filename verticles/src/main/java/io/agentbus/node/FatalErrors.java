package io.agentbus.node;

import io.vertx.core.Vertx;

/**
 * A node that has run out of memory is alive and useless (listeners gone, half its state
 * missing), so it exits with status {@value #EXIT_STATUS} at the first {@link OutOfMemoryError}
 * anywhere: in a Vert.x handler (which Vert.x would otherwise log and swallow) or on any other
 * thread. A supervisor (systemd, Kubernetes) then restarts it. The image and the manifests also run
 * the JVM with {@code -XX:+ExitOnOutOfMemoryError}, which catches the allocations no handler sees.
 */
final class FatalErrors {

  /** The exit status after an {@link OutOfMemoryError}. */
  static final int EXIT_STATUS = 3;

  private FatalErrors() {
  }

  static void install(Vertx vertx) {
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
      haltIfFatal(e);
      if (previous != null) {
        previous.uncaughtException(t, e);
      } else {
        System.err.println("agentbus: uncaught on " + t.getName() + ": " + e);
      }
    });
    vertx.exceptionHandler(e -> {
      haltIfFatal(e);
      org.slf4j.LoggerFactory.getLogger(FatalErrors.class).error("unhandled in a Vert.x handler: {}", e.toString());
    });
  }

  private static void haltIfFatal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        // halt, not exit: shutdown hooks need memory and may hang
        System.err.println("agentbus: out of memory (" + t.getMessage() + "): exiting with status " + EXIT_STATUS);
        Runtime.getRuntime().halt(EXIT_STATUS);
      }
    }
  }
}
