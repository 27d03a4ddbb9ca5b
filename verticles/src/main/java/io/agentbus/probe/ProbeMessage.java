package io.agentbus.probe;

/**
 * One message of a probe stream.
 *
 * @param stream the sender's stream: its node id and how it was sent ({@code send} or {@code publish})
 * @param seq the message's number in its stream, from 1
 */
public record ProbeMessage(String stream, long seq) {
}
