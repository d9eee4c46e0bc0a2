import { isOutOfHours } from "../domain/door";
import { describeDuration } from "../domain/duration";
import type { Visit } from "../domain/visit";
import { visitReference } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import type { AdaptiveCard, CardElement } from "./card-parts";
import { adaptiveCard, bullets, facts, heading, personName, section, text } from "./card-parts";
import { announcedText, entryText, householdFacts, purposeText, staffNamesText, whenText } from "./visit-parts";

export interface BriefingView {
  visit: Visit;
  policy: PolicyProfile;
}

/** Lines about parking and ways out: shown together, in the policy's words, wherever the policy put them. */
const PARKING_OR_EXIT = /\b(park|parking|parked|exit|exits)\b/i;

/**
 * R07: what the visitor should know before going, sent to each member of staff on the visit in their 1:1 chat
 * once it is approved: the itinerary, what is known about the household (risks, animals, medical needs, the
 * social worker), and the school's own reminders and entry guidance, word for word. No buttons: the visit card
 * does the check-ins.
 */
export function briefingCard(view: BriefingView): AdaptiveCard {
  const { visit, policy } = view;
  const { details } = visit;

  const reminders = policy.briefing.enabled ? policy.briefing.reminders : [];
  const guidance = policy.entry.guidance;
  const parkingAndExits = [...reminders, ...guidance].filter((line) => PARKING_OR_EXIT.test(line));
  const notParking = (line: string) => !PARKING_OR_EXIT.test(line);

  const contact = details.responsibleContactId ? personName(policy, details.responsibleContactId) : undefined;
  const body: (CardElement | undefined)[] = [
    heading(`Briefing: home visit ${visitReference(visit.id)}`),
    text(`${policy.school.name}. Read this before you set off.`, { isSubtle: true, spacing: "none" }),
    section("Itinerary"),
    facts([
      ["Pupil", details.pupilReference],
      ["Address", details.address],
      ["When", whenText(visit)],
      ["Purpose", purposeText(visit, policy)],
      ["Staff", staffNamesText(visit, policy)],
      ["Going in?", entryText(visit)],
      ["Announced", announcedText(visit)],
      ["Responsible contact", isOutOfHours(details, policy) || contact ? (contact ?? "None named") : undefined],
    ]),
    section("What is known"),
    facts(householdFacts(visit)),
  ];

  const before = reminders.filter(notParking);
  if (before.length > 0) body.push(section("Before you go"), bullets(before, { spacing: "none" }));

  const entering = entryLines(visit, policy).concat(guidance.filter(notParking));
  if (entering.length > 0) body.push(section(details.entry === "enter" ? "Going in" : "At the door"), bullets(entering, { spacing: "none" }));

  if (parkingAndExits.length > 0) body.push(section("Parking and ways out"), bullets(parkingAndExits, { spacing: "none" }));

  body.push(section("If things do not go to plan"), bullets(atTheDoor(policy), { spacing: "none" }));
  body.push(text(policy.help.policeGuidance, { isSubtle: true, size: "small" }));

  return adaptiveCard({ body });
}

/** R08, R03: the rules about going in that apply to this visit. */
function entryLines(visit: Visit, policy: PolicyProfile): string[] {
  const lines: string[] = [];
  if (visit.details.entry === "doorstep") lines.push("This is a doorstep visit: do not go in.");
  if (visit.details.entry === "enter" && policy.entry.enteringNeedsAdultPresent) lines.push("Only go in when a parent or carer is present.");
  if (visit.details.entry === "enter" && visit.details.staffing.mode === "lone" && policy.loneWorking.twoStaffWhenEntering === "recommended") {
    lines.push("Two staff are recommended when entering the home.");
  }
  return lines;
}

/** R11–R14: what the policy says to do at the door, in short. */
function atTheDoor(policy: PolicyProfile): string[] {
  const lines: string[] = [];
  const absent = policy.parentAbsent;
  if (absent.mode === "wait") lines.push(`Parent not in: wait no longer than ${describeDuration(absent.waitLimit)}, then call the visit off.`);
  if (absent.mode === "enquire-and-leave-card") lines.push(absent.guidance);
  if (policy.parentLate) lines.push(`Parent running late: do not go in until they arrive; the visit is called off after ${describeDuration(policy.parentLate.lateLimit)}.`);
  if (policy.animals.enabled) lines.push("Animals: ask for them to be shut away or put outside. If they are not, call the visit off.");
  lines.push("Feeling unsafe: do not go in, or leave at once, and call the visit off.");
  return lines;
}
