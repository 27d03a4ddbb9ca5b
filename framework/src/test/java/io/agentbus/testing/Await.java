package io.agentbus.testing;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Blocking helpers for tests running on the JUnit thread (never on an event loop). */
public final class Await {

  /** Default wait for one future. */
  public static final Duration TIMEOUT = Duration.ofSeconds(20);

  private Await() {
  }

  /** Waits for a future and returns its result, rethrowing its failure. */
  public static <T> T await(Future<T> future) {
    return await(future, TIMEOUT);
  }

  /** Waits up to {@code timeout} for a future and returns its result, rethrowing its failure. */
  public static <T> T await(Future<T> future, Duration timeout) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new AssertionError("future did not complete within " + timeout, e);
    }
  }

  /** Waits for a future to fail and returns the failure. */
  public static Throwable awaitFailure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("future did not complete within " + TIMEOUT, e);
    }
    throw new AssertionError("expected a failure, got success");
  }

  /** Polls until the condition holds. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      sleep(20);
    }
  }

  /** Polls a supplier until it returns a value matching the condition; returns that value. */
  public static <T> T until(String what, Duration timeout, Supplier<T> supplier, java.util.function.Predicate<T> ok) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = supplier.get();
    while (!ok.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last value: " + last);
      }
      sleep(20);
      last = supplier.get();
    }
    return last;
  }

  /** Sleeps, restoring the interrupt flag. */
  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
