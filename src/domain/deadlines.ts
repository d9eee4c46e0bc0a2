import type { PolicyProfile } from "../policy/policy.schema";
import { durationMs } from "./duration";
import type { Visit } from "./visit";
import { OUT_STATUSES } from "./visit";

export type DeadlineKind = "arrival" | "periodic" | "leaving";

export interface Deadline {
  kind: DeadlineKind;
  /** When the check-in is due (ISO instant). The escalation ladder adds the policy's grace to it. */
  due: string;
}

/**
 * The check-ins the policy expects next for a visit, derived from its state and the profile alone:
 * nothing here lives in a timer, so a restart loses nothing. A parent's wait limit is not one: it prompts the
 * visitor rather than raising an alarm (door.ts, waitLimitAt).
 */
export function deadlinesFor(visit: Visit, policy: PolicyProfile): Deadline[] {
  const deadlines: Deadline[] = [];
  const checkIns = policy.checkIns;
  if (checkIns.arrival && (visit.status === "approved" || visit.status === "on-the-way")) {
    deadlines.push({ kind: "arrival", due: visit.startsAt });
  }
  if (checkIns.leaving && ["arrived", "waiting-for-parent", "in-visit"].includes(visit.status)) {
    deadlines.push({ kind: "leaving", due: visit.endsAt });
  }
  if (checkIns.periodicEvery && OUT_STATUSES.includes(visit.status) && visit.lastContactAt) {
    const due = Date.parse(visit.lastContactAt) + durationMs(checkIns.periodicEvery);
    deadlines.push({ kind: "periodic", due: new Date(due).toISOString() });
  }
  return deadlines.sort((a, b) => a.due.localeCompare(b.due));
}
