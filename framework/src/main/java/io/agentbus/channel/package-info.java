/**
 * Channel addresses: the one scheme ({@code <namespace>/env/<envId>/<kind>/...}) every address is
 * built from, id validation, and the registry of custom channel kinds.
 */
package io.agentbus.channel;
