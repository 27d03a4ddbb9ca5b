package io.agentbus.microgrid;

/**
 * One microgrid's outcome of a step (MW, USD). Power balance: {@code load = pv + pGen + pEss + p2p + grid}.
 *
 * @param microgrid the id
 * @param step the step
 * @param pGen generator output
 * @param pEss storage power (positive = discharge)
 * @param load load
 * @param pv PV output
 * @param p2p net energy bought from peers (negative: sold)
 * @param grid net energy bought from the operator (negative: sold)
 * @param soc state of charge after the step
 * @param cost the step's cost
 * @param balanceError load minus supply (zero up to rounding)
 */
public record MicrogridResult(String microgrid, int step, double pGen, double pEss, double load, double pv, double p2p,
                              double grid, double soc, double cost, double balanceError) {
}
