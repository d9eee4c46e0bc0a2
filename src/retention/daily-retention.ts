import type { Logger } from "../app/ports";
import type { RetentionService } from "../app/retention.service";
import { Repeating } from "../timers/repeating";

/** How often each instance asks whether today's run is done: the run itself happens once a day, on one instance. */
const RETENTION_CHECK_MS = 60 * 60_000;
/** The first ask after start: soon, but not in the way of an instance getting ready to serve. */
const FIRST_CHECK_MS = 60_000;

/**
 * Runs the retention job once a day. Every instance checks every hour; the first to claim the day's run (an
 * ETag-guarded write, as the sweeper claims a due visit) does it, and a run that fails is tried again at a later
 * check once its claim has run out.
 */
export function dailyRetention(service: RetentionService, log: Logger): Repeating {
  return new Repeating(
    async () => {
      try {
        await service.runIfDue();
      } catch (error) {
        log.error("retention run failed", { error: String(error) });
      }
    },
    RETENTION_CHECK_MS,
    FIRST_CHECK_MS,
  );
}
