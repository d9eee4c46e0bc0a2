import { purposeLabel, type Visit, visitReference } from "../../domain/visit";
import { describeStatus } from "../../domain/visit.decide";
import type { PolicyProfile } from "../../policy/policy.schema";
import { staffNames } from "./board-view";
import type { RecordRow } from "./contract";

/** A visit as the records view lists it: what was planned, and what was recorded after it (R21). */
export function recordRowOf(policy: PolicyProfile, visit: Visit): RecordRow {
  return {
    id: visit.id,
    reference: visitReference(visit.id),
    date: visit.details.date,
    start: visit.details.start,
    end: visit.details.end,
    pupil: visit.details.pupilReference,
    purpose: purposeLabel(policy, visit),
    staff: staffNames(policy, visit),
    statusText: describeStatus(visit),
    ...(visit.record ? { outcome: visit.record.outcome, recordedBy: visit.record.recordedBy.name } : {}),
  };
}
