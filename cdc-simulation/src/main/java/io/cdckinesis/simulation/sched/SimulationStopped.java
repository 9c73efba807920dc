package io.cdckinesis.simulation.sched;

/**
 * Thrown into the actors still alive when a run ends (its budget spent, a violation, a stuck
 * actor), so that their threads unwind without touching the simulated world.
 */
final class SimulationStopped extends Error {

  SimulationStopped() {
    super("the simulation run has ended", null, false, false);
  }
}
