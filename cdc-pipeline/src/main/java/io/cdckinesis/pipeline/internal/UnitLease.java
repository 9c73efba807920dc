package io.cdckinesis.pipeline.internal;

import io.cdckinesis.core.StoreException;
import io.cdckinesis.core.spi.StateStore;
import io.cdckinesis.core.spi.WriteFence;
import io.cdckinesis.pipeline.LeaseLostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One run's claim on a unit, and the unit's state as this run last saved it. Every save is a
 * compare-and-set on the revision this holder wrote last and renews the claim, so a run that lost
 * the claim finds out at its next save and can neither record progress nor mark a file done. As a
 * {@link WriteFence} it keeps the claim alive for the sink: before every write call it makes sure
 * the claim outlives the call (renewing it when it gets short) and stops the sink otherwise.
 *
 * <p>Not thread-safe: one run, one thread (the sink calls the fence from the writing thread or its
 * call threads one at a time; see check()).
 */
public final class UnitLease implements WriteFence {

  private final StateStore store;
  private final Clock clock;
  private final Duration duration;
  private final Duration margin;
  private final String owner;
  private final Unit unit;
  private TableState state;
  private String revision;
  private boolean held;

  private UnitLease(
      StateStore store,
      Clock clock,
      Duration duration,
      Duration margin,
      String owner,
      Unit unit,
      TableState state,
      String revision) {
    this.store = store;
    this.clock = clock;
    this.duration = duration;
    this.margin = margin;
    this.owner = owner;
    this.unit = unit;
    this.state = state;
    this.revision = revision;
    this.held = true;
  }

  /** The unit's state as stored, without taking the lease; empty state when there is none. */
  public static Stored read(StateStore store, Unit unit) {
    Optional<StateStore.Stored> stored = store.load(unit.stateId());
    if (stored.isEmpty()) {
      return new Stored(TableState.empty(unit.uri()), null);
    }
    try {
      return new Stored(TableStateJson.decode(stored.get().document()), stored.get().revision());
    } catch (IllegalArgumentException e) {
      throw new StoreException(
          "the state of " + unit + " is unreadable: " + e.getMessage(), e, false);
    }
  }

  /** A state and its revision in the store (null: none stored). */
  public record Stored(TableState state, String revision) {}

  /**
   * Takes the unit's lease unless another run holds it.
   *
   * @param margin how long before the lease's expiry a writer must stop (covers the longest write
   *     call and clock differences between hosts)
   * @return the held lease, or empty when another run holds it (or took it first)
   */
  public static Optional<UnitLease> acquire(
      StateStore store, Clock clock, Duration duration, Duration margin, String owner, Unit unit) {
    Stored s = read(store, unit);
    Instant now = clock.instant();
    TableState.Lease current = s.state().lease();
    if (current != null && current.heldByOtherThan(owner, now)) {
      return Optional.empty();
    }
    UnitLease lease =
        new UnitLease(store, clock, duration, margin, owner, unit, s.state(), s.revision());
    long token = s.state().leaseToken() + 1;
    TableState claimed =
        s.state().withLease(new TableState.Lease(owner, token, now.plus(duration)));
    if (!lease.write(claimed)) {
      return Optional.empty();
    }
    return Optional.of(lease);
  }

  public Unit unit() {
    return unit;
  }

  public String owner() {
    return owner;
  }

  /** The state as this holder last saved it. */
  public synchronized TableState state() {
    return state;
  }

  /** The fencing token of this holder's claim. */
  public long token() {
    return state.lease() == null ? state.leaseToken() : state.lease().token();
  }

  /**
   * Saves a new state and renews the claim.
   *
   * @throws LeaseLostException when another run changed the state first
   */
  public synchronized void save(TableState next) {
    requireHeld();
    Instant now = clock.instant();
    TableState renewed = next.withLease(new TableState.Lease(owner, token(), now.plus(duration)));
    if (!write(renewed)) {
      held = false;
      throw lost("its state was changed by another run");
    }
  }

  /** Gives the claim up, keeping the state. Quiet: a failure only leaves the claim to expire. */
  public synchronized void release() {
    if (!held) {
      return;
    }
    held = false;
    try {
      write(state.withLease(null));
    } catch (RuntimeException e) {
      // The claim then expires on its own; nothing is lost.
    }
  }

  /** Whether this run still believes it holds the claim. */
  public boolean held() {
    return held;
  }

  /**
   * Makes sure the claim outlives a write call started now: renews it when less than half of it is
   * left, and stops the writer when it cannot be renewed.
   */
  @Override
  public synchronized void check() {
    requireHeld();
    Instant now = clock.instant();
    Instant until = state.lease().until();
    if (Duration.between(now, until).compareTo(duration.dividedBy(2)) < 0) {
      save(state);
      until = state.lease().until();
    }
    if (Duration.between(clock.instant(), until).compareTo(margin) <= 0) {
      held = false;
      throw lost("it could not be renewed in time");
    }
  }

  private void requireHeld() {
    if (!held) {
      throw lost("it was lost earlier");
    }
  }

  private LeaseLostException lost(String why) {
    return new LeaseLostException(
        "lost the claim on " + unit + " (" + why + "); another run sends its files");
  }

  private boolean write(TableState next) {
    TableState stamped = next.withSavedAt(clock.instant());
    Optional<String> saved = store.save(unit.stateId(), TableStateJson.encode(stamped), revision);
    if (saved.isEmpty()) {
      return false;
    }
    revision = saved.get();
    state = stamped;
    return true;
  }
}
