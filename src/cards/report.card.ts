import { SYSTEM } from "../domain/alert";
import { approverRolesFor } from "../domain/roles";
import type { Visit } from "../domain/visit";
import { visitReference } from "../domain/visit";
import { describeStatus } from "../domain/visit.decide";
import type { PolicyProfile } from "../policy/policy.schema";
import type { AdaptiveCard, CardElement } from "./card-parts";
import { adaptiveCard, capitalise, facts, heading, personName, rolesInWords, text } from "./card-parts";
import { CALL_OFF_WORDS, INCIDENT_WORDS, announcedText, entryText, householdFacts, momentText, purposeText, staffNamesText, whenText } from "./visit-parts";

export type ReportSubject = "called-off" | "incident" | "changed";

export interface ReportView {
  visit: Visit;
  policy: PolicyProfile;
  subject: ReportSubject;
  /** For an incident: which of the visit's incidents (from 0). The latest when left out. */
  index?: number;
}

/**
 * A written report for the head and the people the policy names: a visit called off at the door (R11–R14), an
 * incident or physical intervention (R24), or a change to an agreed visit (R25). It is sent only in those
 * people's 1:1 chats, so it carries the full detail, the note in the staff member's own words included. No
 * buttons: it is a record to read and keep.
 */
export function reportCard(view: ReportView): AdaptiveCard {
  switch (view.subject) {
    case "called-off":
      return calledOff(view);
    case "incident":
      return incident(view);
    case "changed":
      return changed(view);
  }
}

function calledOff({ visit, policy }: ReportView): AdaptiveCard {
  const c = visit.calledOff;
  if (!c) return adaptiveCard({ body: [heading(`Home visit ${visitReference(visit.id)}`), text("This visit has not been called off.")] });
  const automatic = c.by.id === SYSTEM.id;
  const body: (CardElement | undefined)[] = [
    text(`Written report: visit ${visitReference(visit.id)} called off`, { weight: "bolder", size: "medium", color: "attention" }),
    facts([
      ["Reason", capitalise(CALL_OFF_WORDS[c.reason])],
      ["What happened", c.note],
      ["Called off by", automatic ? "Automatically: the parent had not arrived by the time limit" : c.by.name],
      ["When", momentText(c.at)],
      ...visitFacts(visit, policy),
    ]),
    c.reason === "unsafe" && policy.feelingUnsafe.recordOnCpoms ? text("The policy asks for a safety cancellation to be recorded on CPOMS.", { weight: "bolder" }) : undefined,
    text(
      visit.status === "left" || visit.status === "recorded"
        ? "The staff have since checked out: left safely."
        : "The staff have not yet checked out with “Left safely”.",
      { isSubtle: true },
    ),
  ];
  return adaptiveCard({ body });
}

function incident({ visit, policy, index }: ReportView): AdaptiveCard {
  const which = index ?? visit.incidents.length - 1;
  const reported = visit.incidents[which];
  if (!reported) return adaptiveCard({ body: [heading(`Home visit ${visitReference(visit.id)}`), text("That incident is not on this visit.")] });
  const body: (CardElement | undefined)[] = [
    text(`${INCIDENT_WORDS[reported.kind]} report: home visit ${visitReference(visit.id)}`, { weight: "bolder", size: "medium", color: "attention" }),
    facts([
      ["Kind", INCIDENT_WORDS[reported.kind]],
      ["What happened", reported.note],
      ["Reported by", reported.by.name],
      ["Reported at", momentText(reported.at)],
      ...visitFacts(visit, policy),
    ]),
    text("Recorded on the visit's audit trail. Follow the school's incident procedure.", { isSubtle: true }),
  ];
  return adaptiveCard({ body });
}

function changed({ visit, policy }: ReportView): AdaptiveCard {
  const waiting = visit.status === "requested";
  const body: (CardElement | undefined)[] = [
    text(`Agreed visit changed: ${visitReference(visit.id)}`, { weight: "bolder", size: "medium", color: "warning" }),
    text(`${visit.requestedBy.name} changed a visit that was already approved. These are its details now.`, { spacing: "none" }),
    facts([
      ...visitFacts(visit, policy),
      ["Announced", announcedText(visit)],
      ...householdFacts(visit),
      ["Responsible contact", visit.details.responsibleContactId ? (personName(policy, visit.details.responsibleContactId) ?? "A member of staff") : undefined],
    ]),
    waiting
      ? text(`It needs approving again, by ${rolesInWords(approverRolesFor(policy, visit))}. Until then the visitors must not set off.`, { weight: "bolder" })
      : text(`Since then it is ${describeStatus(visit)}.`, { weight: "bolder" }),
  ];
  return adaptiveCard({ body });
}

/** Which visit: reference, pupil, where, when, why, who, and whether they go in. */
function visitFacts(visit: Visit, policy: PolicyProfile): [string, string | undefined][] {
  return [
    ["Visit", visitReference(visit.id)],
    ["Pupil", visit.details.pupilReference],
    ["Address", visit.details.address],
    ["Planned", whenText(visit)],
    ["Purpose", purposeText(visit, policy)],
    ["Staff", staffNamesText(visit, policy)],
    ["Going in?", entryText(visit)],
  ];
}
