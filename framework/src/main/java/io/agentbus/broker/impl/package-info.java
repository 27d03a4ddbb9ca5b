/** Implementations of the message broker: in memory and on the event bus, mailboxes. Not API. */
package io.agentbus.broker.impl;
