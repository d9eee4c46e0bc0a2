/**
 * The five seed schools for the conformance suite, as one deployment runs them: each set up through the Teams
 * setup flow in its own staff team, side by side (seed-schools.global-setup.ts), its policy read back from storage; the people
 * who play each part there; and small helpers to drive the pure domain with fixed instants. Nothing here sleeps:
 * every "now" is a Date handed to decide.
 *
 * Unless a test says otherwise a visit is requested at 08:00 and runs 10:00–11:00 on Monday 23 November 2026,
 * when London is on GMT, so the wall-clock times in the tests are also UTC.
 */
import path from "node:path";
import { notificationsFor, type Notification } from "../../src/app/notifications";
import type { Actor, Staffing, Visit, VisitDetails, VisitEvent } from "../../src/domain/visit";
import type { VisitCommand } from "../../src/domain/visit.decide";
import { decide } from "../../src/domain/visit.decide";
import { loadPolicyFile } from "../../src/policy/policy.loader";
import type { PolicyProfile, Role } from "../../src/policy/policy.schema";
import { apply, type Cast, castOf, type Command, pairDetails, run, T, VISIT_ID } from "../domain/visit.builders";
import { readFileSync } from "node:fs";
import { SEED_SCHOOLS_FILE } from "./seed-schools.global-setup";

export { iso, person, run, sweep, T } from "../domain/visit.builders";

export type SchoolKey = "oakfield" | "priory" | "thorns" | "hunsbury" | "stMarys";

export interface School {
  key: SchoolKey;
  /** How a test names the school: "Thorns Primary (002)". */
  label: string;
  /** The school's policy as set up and stored on the deployment. */
  policy: PolicyProfile;
  /** Two home visitors who answer for no alerts, and an approver who does not visit (see castOf). */
  cast: Cast;
}

const FILES: Record<SchoolKey, [file: string, label: string]> = {
  oakfield: ["oakfield-academy.json", "Oakfield Academy (000)"],
  priory: ["priory-junior.json", "Priory Junior (001)"],
  thorns: ["thorns-primary.json", "Thorns Primary (002)"],
  hunsbury: ["hunsbury-park-primary.json", "Hunsbury Park Primary (003)"],
  stMarys: ["st-mary-of-the-angels.json", "St Mary of the Angels (004)"],
};

const policiesDir = path.resolve(__dirname, "../../policies");

/**
 * The schools as the deployment set them up (seed-schools.global-setup.ts, before any test file loads, so that test
 * names and bodies alike see the stored policies).
 */
export const SCHOOLS: readonly School[] = (Object.keys(FILES) as SchoolKey[]).map((key) => {
  const policy = deployedPolicies()[key];
  return { key, label: FILES[key][1], policy, cast: castOf(policy) };
});

function deployedPolicies(): Record<SchoolKey, PolicyProfile> {
  const file = process.env[SEED_SCHOOLS_FILE];
  if (!file) throw new Error(`${SEED_SCHOOLS_FILE} is not set: the conformance suite needs jest's global setup (jest.config.js)`);
  return JSON.parse(readFileSync(file, "utf8")) as Record<SchoolKey, PolicyProfile>;
}

/** The profile file each school was set up from. */
export const fileProfile = (key: SchoolKey): PolicyProfile => loadPolicyFile(path.join(policiesDir, FILES[key][0]));

/** Display names of everyone holding one of these roles. */
export const namesWith = (policy: PolicyProfile, roles: readonly Role[]) =>
  policy.people.filter((p) => p.roles.some((role) => roles.includes(role))).map((p) => p.displayName);

/** A paired visit's details at this school (the cast's second visitor), 10:00–11:00 on 23 November, with changes. */
export function detailsFor(school: School, change: Partial<VisitDetails> = {}): VisitDetails {
  return pairDetails({ staffing: { mode: "pair", secondStaffId: school.cast.second.id }, ...change });
}

/** A lone visit, with the lone-working risk assessment every seed school asks for (R03). */
export const LONE: { staffing: Staffing } = { staffing: { mode: "lone", riskAssessment: "Lone-working risk assessment reviewed with the head on Friday." } };

/** A visit requested by the cast's visitor at `at` (default 08:00 on 23 November), with the request's events. */
export function request(school: School, change: Partial<VisitDetails> = {}, at = T("08:00"), visitId = VISIT_ID): { visit: Visit; events: VisitEvent[] } {
  return apply(undefined, school.policy, [[{ type: "request", visitId, details: detailsFor(school, change) }, school.cast.visitor]], at);
}
export const requested = (school: School, change: Partial<VisitDetails> = {}, at = T("08:00"), visitId = VISIT_ID): Visit => request(school, change, at, visitId).visit;


/** Like run, but a refusal fails the test with the domain's own words. */
export function must(visit: Visit, policy: PolicyProfile, command: Command, by: Actor, when: Date) {
  const result = run(visit, policy, command, by, when);
  if (!result.decided.ok) throw new Error(`${command.type} by ${by.name} was refused: ${result.decided.refusal.message}`);
  return result;
}


/** The refusal decide gives, or undefined when it accepts. */
export function refusalOf(visit: Visit | undefined, command: VisitCommand, by: Actor, policy: PolicyProfile, when: Date) {
  const decided = decide(visit, command, by, policy, when);
  return decided.ok ? undefined : decided.refusal;
}

/**
 * Notifications in words, "kind → recipient", so a table can say who is told what: a person by their display
 * name in the profile, the safeguarding channel as "#safeguarding", and a report with its subject.
 */
export function told(visit: Visit, events: readonly VisitEvent[], policy: PolicyProfile): string[] {
  return notificationsFor(visit, events, policy).map((n) => inWords(n, policy));
}

function inWords(n: Notification, policy: PolicyProfile): string {
  const kind = n.kind === "report" ? `report:${n.subject}` : n.kind;
  if (!("to" in n)) return kind;
  const to = "channel" in n.to ? "#safeguarding" : (policy.people.find((p) => p.aadObjectId === (n.to as { person: string }).person)?.displayName ?? (n.to as { person: string }).person);
  return `${kind} → ${to}`;
}
