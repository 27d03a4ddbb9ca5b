/** Node bootstrap (embedded or Hazelcast-clustered), node info and membership. */
package io.agentbus.cluster;
