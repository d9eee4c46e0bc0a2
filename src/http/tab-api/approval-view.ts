import type { PrerequisiteGap } from "../../domain/staff-prerequisites";
import { purposeLabel, type Visit, visitReference } from "../../domain/visit";
import type { PolicyProfile } from "../../policy/policy.schema";
import { nameOf, staffNames } from "./board-view";
import type { Approval } from "./contract";

/** A request as its approver needs to weigh it, with what the visitors' staff records lack (R06). */
export function approvalOf(policy: PolicyProfile, visit: Visit, gaps: readonly PrerequisiteGap[]): Approval {
  const d = visit.details;
  return {
    id: visit.id,
    reference: visitReference(visit.id),
    version: visit.version,
    date: d.date,
    start: d.start,
    end: d.end,
    requestedBy: visit.requestedBy.name,
    staff: staffNames(policy, visit),
    staffing: d.staffing.mode,
    ...(d.staffing.mode === "lone" ? { riskAssessment: d.staffing.riskAssessment } : {}),
    purpose: purposeLabel(policy, visit),
    pupil: d.pupilReference,
    address: d.address,
    entry: d.entry,
    announced: d.announced,
    ...(d.unannouncedReason ? { unannouncedReason: d.unannouncedReason } : {}),
    knownRisks: d.knownRisks,
    ...(d.pets ? { pets: d.pets } : {}),
    ...(d.medicalNeeds ? { medicalNeeds: d.medicalNeeds } : {}),
    ...(d.socialWorker ? { socialWorker: d.socialWorker } : {}),
    staffGaps: gaps.map((gap) => ({ name: nameOf(policy, visit, gap.staffId), problem: gap.problem, blocking: gap.blocking })),
  };
}
