import { z } from "zod";
import { isRetentionPeriod, longerPeriod } from "../domain/retention-period";

/**
 * How long the school keeps each kind of data the bot holds, as ISO 8601 periods. The defaults follow UK guidance for
 * schools (sources in docs/DATA-PROTECTION.md, "How long"); a profile without a `retention` section gets them all.
 */
export const RETENTION_DEFAULTS = {
  /** A visit's record and its audit trail (the alerts on it included), from its last recorded activity. */
  visits: "P6Y",
  /** A visit with a safeguarding concern or a child found alone, from its last recorded activity: CPOMS holds the record of truth. */
  safeguardingVisits: "P25Y",
  /** The notifications about a visit (who was sent which card, where it was posted, delivery errors). */
  alerts: "P1Y",
  /** A member of staff's record (R06) and its history, once they hold no role, from when they were last seen or changed. */
  staffRecords: "P6Y",
  /** The Teams conversation references of people who hold no role, and of chats and channels no school uses. */
  conversationReferences: "P1Y",
  /** The log lines in the deployment's workspace (set there: the app checks the deployment keeps them no longer). */
  logs: "P30D",
} as const;

const Period = z.string().refine(isRetentionPeriod, { message: "must be an ISO 8601 period of years, months, weeks or days, such as P6Y or P30D" });

export const Retention = z
  .object({
    visits: Period.default(RETENTION_DEFAULTS.visits),
    safeguardingVisits: Period.default(RETENTION_DEFAULTS.safeguardingVisits),
    alerts: Period.default(RETENTION_DEFAULTS.alerts),
    staffRecords: Period.default(RETENTION_DEFAULTS.staffRecords),
    conversationReferences: Period.default(RETENTION_DEFAULTS.conversationReferences),
    logs: Period.default(RETENTION_DEFAULTS.logs),
  })
  .superRefine((retention, ctx) => {
    const { visits, safeguardingVisits } = retention;
    // A concern must never go before the ordinary visits it sits among.
    if (isRetentionPeriod(visits) && isRetentionPeriod(safeguardingVisits) && longerPeriod(safeguardingVisits, visits) !== safeguardingVisits) {
      ctx.addIssue({ code: "custom", path: ["safeguardingVisits"], message: `must be at least as long as visits (${visits})` });
    }
  })
  .default(RETENTION_DEFAULTS);
export type Retention = z.infer<typeof Retention>;
