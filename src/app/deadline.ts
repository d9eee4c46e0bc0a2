/** The deadline came before the work it bounds was done. */
export class DeadlinePassed extends Error {
  constructor(ms: number) {
    super(`Not done within ${ms} ms`);
    this.name = "DeadlinePassed";
  }
}

/**
 * A time by which someone needs an answer: a person's tap (Teams gives up on a card action after about ten seconds)
 * or a sweep. It runs on real time, not the injected clock: it measures how long a request has waited, not where the
 * school's day stands. `finish` it once the work is done, so no timer is left behind.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly endsAt: number;

  constructor(ms: number) {
    this.endsAt = performance.now() + ms;
    this.timer = setTimeout(() => this.controller.abort(new DeadlinePassed(ms)), ms);
    this.timer.unref();
  }

  /** Aborted at the deadline: a storage call given it sends no more tries after that. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get passed(): boolean {
    return this.controller.signal.aborted;
  }

  remainingMs(): number {
    return Math.max(0, this.endsAt - performance.now());
  }

  /**
   * What `work` resolves, or a DeadlinePassed rejection if the deadline comes first. The work itself is not
   * stopped (give it `signal` for that); whatever it settles with afterwards is ignored.
   */
  within<T>(work: Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    return new Promise<T>((resolve, reject) => {
      const giveUp = () => reject(signal.reason as Error);
      if (signal.aborted) giveUp();
      signal.addEventListener("abort", giveUp, { once: true });
      void work.then(resolve, reject).finally(() => signal.removeEventListener("abort", giveUp));
    });
  }

  finish(): void {
    clearTimeout(this.timer);
  }
}
