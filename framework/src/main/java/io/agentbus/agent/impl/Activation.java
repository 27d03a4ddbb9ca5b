package io.agentbus.agent.impl;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;

/**
 * One agent's activation on this node as the runtime routes to it: it takes messages from the
 * moment it is created, in the order they are handed to it, from any thread, and passes them to
 * its {@link AgentHost} in that order once the host has started.
 *
 * <p>Why not a {@code Future<AgentHost>} that callers compose on: a message handed over while
 * the future completes would run its callback at once, ahead of earlier messages whose callbacks
 * the completing thread is still calling back, so an agent could see a caller's messages out of
 * order (the event-sink contract saw intentions 1, 2, 3, 5, 4).
 */
final class Activation<H extends Activation.Target> {

  /** What an activation hands its messages to once started ({@link AgentHost}; a fake in tests). */
  interface Target {
    /** @return the handler's reply to {@code e} */
    Future<Object> dispatch(Envelope e);

    /** Hands over a one-way envelope (no reply is made); {@code done} is told when its handler has completed. */
    default void deliver(Envelope e, OneWayDone done) {
      dispatch(e).onComplete(ar -> done.finished(e, ar.cause()));
    }
  }

  /** Told when the handler of a one-way envelope has completed. */
  @FunctionalInterface
  interface OneWayDone {
    /** @param failure why the handler failed, or null */
    void finished(Envelope e, Throwable failure);
  }

  private record Waiting(Envelope envelope, Promise<Object> reply) {
  }

  /** Set once, after every waiting message was passed on; read without the lock when set. */
  private volatile H host;
  private Throwable failure;
  private List<Waiting> waiting = new ArrayList<>();

  /** Hands one message to the agent; completes with its handler's reply. */
  Future<Object> dispatch(Envelope e) {
    H h = host;
    if (h != null) {
      return h.dispatch(e);
    }
    synchronized (this) {
      if (host != null) {
        return host.dispatch(e);
      }
      if (failure != null) {
        return Future.failedFuture(failure);
      }
      Promise<Object> reply = Promise.promise();
      waiting.add(new Waiting(e, reply));
      return reply.future();
    }
  }

  /** Hands one one-way message to the agent; {@code done} is told when its handler has completed. */
  void deliver(Envelope e, OneWayDone done) {
    H h = host;
    if (h != null) {
      h.deliver(e, done);
      return;
    }
    dispatch(e).onComplete(ar -> done.finished(e, ar.cause()));
  }

  /** The agent started: the messages handed over so far go to it first, in order. */
  synchronized void started(H started) {
    // a reply completing at once can run a callback on this thread that hands this activation a
    // new message (re-entering the lock): it joins the next round, after the ones before it
    while (!waiting.isEmpty()) {
      List<Waiting> round = waiting;
      waiting = new ArrayList<>();
      for (Waiting w : round) {
        started.dispatch(w.envelope()).onComplete(w.reply());
      }
    }
    waiting = null;
    host = started;
  }

  /** The agent could not start: every message handed over fails with {@code cause}, as do later ones. */
  synchronized void failed(Throwable cause) {
    failure = cause;
    for (Waiting w : waiting) {
      w.reply().fail(cause);
    }
    waiting = List.of();
  }

  /** @return the started host, or null while it starts (or when it failed to) */
  H startedHost() {
    return host;
  }
}
