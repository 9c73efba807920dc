package io.cdckinesis.simulation.sched;

/**
 * Thrown into an actor's code where the simulation crashed it (a killed container, a Lambda
 * timeout), and again at every later call it makes to a simulated service, so that nothing it does
 * after the crash has an effect. An {@link Error}, so that the code under test's {@code catch
 * (RuntimeException)} and {@code catch (Exception)} blocks let it through; a {@code catch
 * (Throwable)} may swallow it, but the actor's next call throws again.
 */
public final class ActorCrashed extends Error {

  ActorCrashed(String message) {
    super(message, null, false, false);
  }
}
