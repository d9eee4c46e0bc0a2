/**
 * A task run again and again in the background: the next run is scheduled only once the last one has finished, so
 * runs never overlap however long one takes, and stop() waits for the one under way. The timer never keeps the
 * process alive on its own.
 */
export class Repeating {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    /** One run; it must not throw (each caller logs its own failures). */
    private readonly task: () => Promise<void>,
    private readonly intervalMs: number,
    /** How long after start() the first run comes. */
    private readonly firstDelayMs = 0,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.firstDelayMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.task().finally(() => this.schedule(this.intervalMs));
    }, delay);
    this.timer.unref();
  }
}
