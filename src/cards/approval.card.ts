import { isOutOfHours } from "../domain/door";
import type { PrerequisiteGap } from "../domain/staff-prerequisites";
import { describeStatus } from "../domain/visit.decide";
import { approverRolesFor, holdsAny } from "../domain/roles";
import type { Visit } from "../domain/visit";
import { visitReference, visitorsOf } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import type { ActionData, AdaptiveCard, Banner, CardElement } from "./card-parts";
import { adaptiveCard, banner, bullets, capitalise, execute, facts, heading, personName, refreshFor, rolesInWords, sameId, staffName, text } from "./card-parts";
import { Verbs } from "./verbs";
import {
  announcedText,
  cancellationLine,
  decisionLine,
  entryText,
  lastCheckInText,
  noteLine,
  householdFacts,
  purposeText,
  staffingText,
  whenText,
} from "./visit-parts";

export interface ApprovalView {
  visit: Visit;
  policy: PolicyProfile;
  /**
   * Entra object id of the person the card is built for; undefined for the base card everyone in a chat or
   * channel sees. Details are shown only to the staff on the visit, approvers and the roles the policy informs.
   */
  viewerId: string | undefined;
  /** The server's answer to "may this viewer decide this visit now?" (decide() has the last word). */
  canDecide: boolean;
  /** Who gets the refreshed, user-specific view (Teams user MRIs); cut to 60. */
  refreshUserIds: readonly string[];
  /** A banner at the top: the result of the last action, or why it was refused. */
  message?: Banner;
  /**
   * R06: what is missing from the visitors' staff records under this policy (prerequisiteGaps for each person on
   * the visit, today). Shown with the details; blocking gaps make the domain refuse approval.
   */
  staffGaps?: readonly PrerequisiteGap[];
}

/** The approver's card (R01): the request, and either the decision buttons or the decision taken. */
export function approvalCard(view: ApprovalView): AdaptiveCard {
  const { visit, policy, viewerId, message } = view;
  const lone = visit.details.staffing.mode === "lone";
  const deciding = view.canDecide && visit.status === "requested";
  const showDetails = deciding || mayViewDetails(visit, policy, viewerId);

  const body: (CardElement | undefined)[] = [
    banner(message),
    heading(`${lone ? "Lone home visit" : "Home visit"} ${visitReference(visit.id)}`),
    showDetails
      ? facts([
          ["Asked for by", visit.requestedBy.name],
          ["Pupil", visit.details.pupilReference],
          ["Purpose", purposeText(visit, policy)],
          ["When", whenText(visit)],
          ["Address", visit.details.address],
          ["Going in?", entryText(visit)],
          ["Staff", staffingText(visit, policy, undefined)],
          ["Announced", announcedText(visit)],
          ...householdFacts(visit),
          ["Status", capitalise(describeStatus(visit))],
          ["Last check-in", lastCheckInText(visit)],
        ])
      : facts([
          ["When", whenText(visit)],
          ["Status", capitalise(describeStatus(visit))],
        ]),
  ];
  if (!showDetails) body.push(text("Details are shown to approvers and the staff on the visit.", { isSubtle: true, size: "small" }));
  if (showDetails) body.push(...policyNotes(visit, policy), ...staffGapLines(visit, policy, view.staffGaps ?? [], deciding));

  if (deciding) {
    body.push({
      type: "Input.Text",
      id: "decisionNote",
      label: "Note to the visitor (optional)",
      isMultiline: true,
      maxLength: 500,
    });
    const data: ActionData = { visitId: visit.id, version: visit.version };
    return adaptiveCard({
      body,
      actions: [
        execute("Approve", Verbs.approve, data, { style: "positive" }),
        execute("Decline", Verbs.decline, data, { style: "destructive" }),
        execute("Ask for changes", Verbs.requestChanges, data),
      ],
      refresh: refreshFor(visit.id, view.refreshUserIds),
    });
  }

  body.push(...outcome(visit, policy, showDetails));
  return adaptiveCard({ body, refresh: refreshFor(visit.id, view.refreshUserIds) });
}

/**
 * The decision line, or who the visit is waiting for, or the cancellation. Notes and reasons are free text
 * that may name people or concerns, so they appear only with the details.
 */
function outcome(visit: Visit, policy: PolicyProfile, withNotes: boolean): CardElement[] {
  const lines: CardElement[] = [];
  const decision = visit.decision;
  if (decision) {
    const color = decision.outcome === "approved" ? "good" : "attention";
    lines.push(text(decisionLine(decision), { weight: "bolder", color }));
    const note = withNotes ? noteLine(decision.note) : undefined;
    if (note) lines.push(text(note, { spacing: "none" }));
  } else if (visit.status === "requested") {
    const roles = approverRolesFor(policy, visit);
    lines.push(text(`Waiting for a decision from ${rolesInWords(roles)}.`, { weight: "bolder" }));
  }
  const cancelled = withNotes ? cancellationLine(visit) : visit.cancellation && `Cancelled by ${visit.cancellation.by.name}.`;
  if (cancelled) lines.push(text(cancelled, { weight: "bolder", color: "attention" }));
  return lines;
}

/** R03, R05: what the policy says about this visit that the approver should weigh. */
function policyNotes(visit: Visit, policy: PolicyProfile): CardElement[] {
  const lines: CardElement[] = [];
  const { details } = visit;
  if (policy.loneWorking.twoStaffWhenEntering === "recommended" && details.staffing.mode === "lone" && details.entry === "enter") {
    lines.push(text("Two staff are recommended when entering the home.", { weight: "bolder", color: "warning" }));
  }
  if (isOutOfHours(details, policy)) {
    const contact = details.responsibleContactId ? (personName(policy, details.responsibleContactId) ?? "a member of staff") : undefined;
    lines.push(
      contact
        ? text(`Outside the school day: responsible contact ${contact}.`, { weight: "bolder" })
        : text("Outside the school day: no responsible contact named.", { weight: "bolder", color: "warning" }),
    );
  }
  return lines;
}

/** R06: each person's missing records; what blocks approval in the attention colour. */
function staffGapLines(visit: Visit, policy: PolicyProfile, gaps: readonly PrerequisiteGap[], deciding: boolean): (CardElement | undefined)[] {
  if (gaps.length === 0) return [];
  const people = [...new Set(gaps.map((g) => g.staffId.toLowerCase()))];
  const nameOf = (id: string) => staffName(policy, visit, id, "A member of staff");
  const lines: (CardElement | undefined)[] = [text("Staff records", { weight: "bolder" })];
  for (const id of people) {
    const theirs = gaps.filter((g) => sameId(g.staffId, id));
    const blocking = theirs.filter((g) => g.blocking).map((g) => `${capitalise(g.problem)}: blocks approval`);
    const other = theirs.filter((g) => !g.blocking).map((g) => capitalise(g.problem));
    lines.push(text(nameOf(id), { spacing: "small" }));
    lines.push(bullets(blocking, { color: "attention", spacing: "none" }), bullets(other, { isSubtle: true, spacing: "none" }));
  }
  if (deciding && gaps.some((g) => g.blocking)) {
    lines.push(text("Approval is refused until these are on file: ask the school admin to add them.", { color: "attention", weight: "bolder" }));
  }
  return lines;
}

function mayViewDetails(visit: Visit, policy: PolicyProfile, viewerId: string | undefined): boolean {
  if (viewerId === undefined) return false;
  if (visitorsOf(visit).some((id) => sameId(id, viewerId))) return true;
  const roles = [...policy.authorisation.approverRoles, ...policy.loneWorking.loneVisitDecidedBy, ...policy.authorisation.informRoles];
  return holdsAny(policy, viewerId, roles);
}
