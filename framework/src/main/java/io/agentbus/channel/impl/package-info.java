/** The channel kind registry. Not API. */
package io.agentbus.channel.impl;
