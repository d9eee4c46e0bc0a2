import type { Clock, Logger } from "../app/ports";
import { Repeating } from "../timers/repeating";
import type { SweepProgress } from "./sweeper";

/** What /healthz answers: ids, counts and times only, never a person or a visit. */
export interface HealthReport {
  /** False: the safety net is not running here, and the platform should restart this instance. */
  healthy: boolean;
  storage: { reachable: boolean };
  sweeper: { running: boolean; lastCompletedSecondsAgo: number | null; stalled: boolean };
  /** Notifications that keep failing, across every school (up to FAILING_COUNTED); null when storage did not answer. */
  failingNotifications: number | null;
}

export interface SafetyNetWatchOptions {
  /** The longest the sweeper sleeps between sweeps: a stall is several of these without a completed sweep. */
  sweepIntervalMs: number;
  /** How long the health check waits for storage: App Service gives up on a check after a few seconds. */
  storageTimeoutMs: number;
}

/**
 * Sweep intervals without a completed sweep before the sweeper counts as stalled, and never sooner than STALL_FLOOR_MS.
 * The interval is the longest the sweeper sleeps (it wakes sooner when something falls due), so a healthy one completes
 * a sweep at least that often, busy or idle.
 */
const STALL_INTERVALS = 3;
const STALL_FLOOR_MS = 30_000;
/** While a stall lasts, its line is logged again this often, so the alert that watches for it keeps firing. */
const STALL_REPEAT_MS = 15 * 60_000;
/** The health check counts failing notifications up to this many, to keep its query small. */
const FAILING_COUNTED = 1_000;

/**
 * Watches the escalation sweeper, which is the safety net: missed check-ins are noticed only by it. It logs "escalation
 * sweeper stalled" (the text the infrastructure's alert rule looks for) when no sweep has completed for several
 * intervals, and answers the health check that lets the platform restart an instance whose safety net is not running.
 */
export class SafetyNetWatch {
  private readonly stallAfterMs: number;
  private readonly repeating: Repeating;
  private stallLoggedAt: Date | undefined;

  constructor(
    private readonly sweeper: { progress(): SweepProgress },
    /** Counts failing notifications across schools, up to a limit; rejects when storage does not answer before the signal aborts. */
    private readonly countFailing: (limit: number, abortSignal: AbortSignal) => Promise<number>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly options: SafetyNetWatchOptions,
  ) {
    this.stallAfterMs = Math.max(STALL_INTERVALS * options.sweepIntervalMs, STALL_FLOOR_MS);
    this.repeating = new Repeating(async () => this.check(), options.sweepIntervalMs, options.sweepIntervalMs);
  }

  async health(): Promise<HealthReport> {
    let failingNotifications: number | null = null;
    try {
      failingNotifications = await this.countFailing(FAILING_COUNTED, AbortSignal.timeout(this.options.storageTimeoutMs));
    } catch (error) {
      this.log.warn("health check could not read storage", { error: String(error) });
    }
    const { running } = this.sweeper.progress();
    const sinceCompleted = this.sinceLastSweepMs();
    const stalled = this.isStalled();
    const reachable = failingNotifications !== null;
    return {
      healthy: reachable && running && !stalled,
      storage: { reachable },
      sweeper: { running, lastCompletedSecondsAgo: sinceCompleted === undefined ? null : Math.round(sinceCompleted / 1000), stalled },
      failingNotifications,
    };
  }

  start(): void {
    this.repeating.start();
  }

  stop(): Promise<void> {
    return this.repeating.stop();
  }

  /** Logs a stall when it starts and every so often while it lasts, and the recovery once. */
  private check(): void {
    const now = this.clock.now();
    if (this.isStalled()) {
      if (this.stallLoggedAt && now.getTime() - this.stallLoggedAt.getTime() < STALL_REPEAT_MS) return;
      this.stallLoggedAt = now;
      this.log.error("escalation sweeper stalled", { durationMs: this.sinceLastSweepMs() ?? this.sinceStartMs() });
    } else if (this.stallLoggedAt) {
      this.stallLoggedAt = undefined;
      this.log.info("escalation sweeper recovered");
    }
  }

  /** Running, and no sweep completed for too long (counted from the start until the first one completes). */
  private isStalled(): boolean {
    if (!this.sweeper.progress().running) return false;
    return (this.sinceLastSweepMs() ?? this.sinceStartMs()) > this.stallAfterMs;
  }

  private sinceLastSweepMs(): number | undefined {
    const { lastCompletedAt } = this.sweeper.progress();
    return lastCompletedAt && this.clock.now().getTime() - lastCompletedAt.getTime();
  }

  private sinceStartMs(): number {
    const { startedAt } = this.sweeper.progress();
    return startedAt ? this.clock.now().getTime() - startedAt.getTime() : 0;
  }
}
