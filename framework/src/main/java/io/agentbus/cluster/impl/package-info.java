/** Node bootstrap, Hazelcast configuration and membership. Not API. */
package io.agentbus.cluster.impl;
