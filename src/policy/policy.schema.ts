import { z } from "zod";
import { parseDuration } from "../domain/duration";
import { PupilReferenceFormat } from "./pupil-reference";
import { Retention } from "./retention";
import { GUID } from "../domain/guid";

/**
 * A school's home-visit policy as data. Every rule in shared/RULES.md (R01…R31) has a field here;
 * the comments name the rule. Timers are ISO 8601 durations so any rule can be exercised in seconds.
 */

export const ROLES = ["headteacher", "slt", "dsl", "deputy-dsl", "office", "attendance-lead", "visitor", "admin"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const Duration = z
  .string()
  .refine((text) => parseDuration(text) !== undefined, { message: "must be an ISO 8601 duration such as PT10M or PT2H" });

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a 24-hour time such as 08:30");

const EntraObjectId = z
  .string()
  .regex(GUID, "must be an Entra object id (a GUID)")
  .transform((id) => id.toLowerCase());

export const Person = z.object({
  aadObjectId: EntraObjectId,
  displayName: z.string().min(1),
  roles: z.array(Role).min(1),
});
export type Person = z.infer<typeof Person>;

export const Purpose = z.object({ id: z.string().regex(/^[a-z0-9-]+$/), label: z.string().min(1) });

const EscalationTarget = z.enum(["visitor", "responsible-contact", "office", "headteacher", "dsl-channel"]);
export type EscalationTarget = z.infer<typeof EscalationTarget>;

const StaffPrerequisite = z.enum(["mobile", "vehicle", "insurance", "dbs", "training"]);

/** A team channel by its ids: a channel's name can change, or be shared by a channel of another team. */
export const AlertChannel = z.object({ teamId: z.string().min(1), channelId: z.string().min(1), name: z.string() });
export type AlertChannel = z.infer<typeof AlertChannel>;

/**
 * Every field of a profile, each valid on its own. A school being set up is a draft: its roles may not all be held
 * yet. The profile a school runs on is the draft with every role it names held by someone (PolicyProfile).
 */
export const PolicyDraft = z
  .object({
    schemaVersion: z.literal(1),
    school: z.object({
      id: z.string().regex(/^[a-z0-9-]+$/, "must be lower-case letters, digits and dashes"),
      name: z.string().min(1),
      timeZone: z.literal("Europe/London").default("Europe/London"),
      source: z.string().describe("the written policy this profile follows"),
    }),
    /** Who holds which role. People here are fictional in the examples. */
    people: z.array(Person),

    /** R01: authorisation before every visit. */
    authorisation: z.object({
      approverRoles: z.array(Role).min(1),
      informRoles: z.array(Role).default([]),
      note: z.string().optional(),
    }),
    /** R02: the legitimate purposes a visit may state. */
    purposes: z.array(Purpose).min(1),
    /** R03: lone working. */
    loneWorking: z.object({
      defaultStaff: z.union([z.literal(1), z.literal(2)]),
      loneVisitDecidedBy: z.array(Role).min(1),
      riskAssessmentRequired: z.boolean(),
      twoStaffWhenEntering: z.enum(["required", "recommended", "no"]),
    }),
    /** R04: announced visits by default. */
    announcement: z.object({ unannouncedNeedsReason: z.boolean() }),
    /** R05: out-of-hours visits. */
    outOfHours: z.object({
      schoolDay: z.object({ start: ClockTime, end: ClockTime }),
      responsibleContactRequired: z.boolean(),
    }),
    /** R06: what must be on file for a visitor before approval, and which gaps block it. */
    staffPrerequisites: z.object({
      required: z.array(StaffPrerequisite),
      blocking: z.array(StaffPrerequisite),
    }),
    /** R07: the visitor's briefing, in the policy's own words. */
    briefing: z.object({ enabled: z.boolean(), reminders: z.array(z.string()) }),
    /** R08: entering the home. Every request says whether it is doorstep only or entering. */
    entry: z.object({
      enteringNeedsAdultPresent: z.boolean(),
      guidance: z.array(z.string()).default([]),
    }),
    /**
     * R10, R15, R16: which check-ins the policy expects. Arrival is due at the visit's start and leaving at
     * its expected end; a periodic check-in is due this long after the last one while out.
     */
    checkIns: z.object({
      leavingSchool: z.boolean(),
      arrival: z.boolean(),
      periodicEvery: Duration.nullable(),
      leaving: z.boolean(),
    }),
    /** R11: parent not there at the arranged time. */
    parentAbsent: z.discriminatedUnion("mode", [
      z.object({ mode: z.literal("wait"), waitLimit: Duration }),
      z.object({ mode: z.literal("enquire-and-leave-card"), guidance: z.string() }),
      z.object({ mode: z.literal("off") }),
    ]),
    /** R12: parent gave notice of lateness. */
    parentLate: z.object({ lateLimit: Duration }).nullable(),
    /** R13: dangerous animals. */
    animals: z.object({ enabled: z.boolean(), reportToHeadInWriting: z.boolean() }),
    /** R14: feeling unsafe. */
    feelingUnsafe: z.object({ reportTo: z.array(Role), inWriting: z.boolean(), recordOnCpoms: z.boolean() }),
    /** R17: a discreet code word. Configuration, never logged. */
    codeWord: z.object({ word: z.string().min(3) }).nullable(),
    /**
     * The team channel where safeguarding alerts are posted (R18–R20, R23), pinned by ids and chosen in Teams by the
     * head, DSL or admin; `name` is only what it was called when chosen. Null until chosen: alerts meant for the
     * channel then go 1:1 to the DSL and deputies.
     */
    alertChannel: z
      .union([AlertChannel, z.null()], {
        error: "is chosen in Teams (type \"alert channel\" in the channel): give null, or the object { teamId, channelId, name } an export wrote",
      })
      .default(null),
    /** R18: immediate danger. */
    help: z.object({ alert: z.array(EscalationTarget).min(1), policeGuidance: z.string() }),
    /** R19: child found alone. */
    childAlone: z.object({ enabled: z.boolean(), guidance: z.string().optional() }),
    /** R20: the escalation ladder when a check-in is missed. */
    escalation: z.object({
      grace: Duration,
      steps: z.array(z.object({ after: Duration, targets: z.array(EscalationTarget).min(1) })).min(1),
      policeGuidance: z.string(),
    }),
    /** R21: the visit record, and where it goes. */
    record: z.object({
      system: z.enum(["CPOMS", "attendance-record", "none"]),
      requiredFields: z.array(z.enum(["time", "location", "pupil", "outcome", "agreements", "parent-confirmation", "officer-confirmation"])),
    }),
    /** R22: agreements with parents, and what happens when one is broken. */
    agreements: z.object({ tracked: z.boolean(), ladder: z.array(z.enum(["reminder-letter", "follow-up-visit", "penalty-notice-threshold", "welfare-referral"])) }),
    /** R23: safeguarding concerns. */
    concerns: z.object({ alert: z.array(EscalationTarget).min(1), showPoliceGuidance: z.boolean() }),
    /** R24: incidents and physical intervention. */
    incidents: z.object({ shareWith: z.array(Role) }),
    /** R25: changes to an agreed visit. */
    changes: z.object({ notify: z.array(Role) }),
    /** R31: review figures. */
    review: z.object({ period: z.enum(["annual", "termly", "on-incident"]), staffFeedback: z.boolean() }),
    /** The form a pupil reference takes on a request (R02, R21): one that cannot carry a name. */
    pupilReference: PupilReferenceFormat,
    /** How long each kind of data is kept (docs/DATA-PROTECTION.md). */
    retention: Retention,
  })
  .superRefine((profile, ctx) => {
    const ids = new Set<string>();
    profile.people.forEach((person, i) => {
      if (ids.has(person.aadObjectId)) ctx.addIssue({ code: "custom", path: ["people", i, "aadObjectId"], message: "appears twice" });
      ids.add(person.aadObjectId);
    });
  });
export type PolicyDraft = z.infer<typeof PolicyDraft>;

/** A role the profile relies on that nobody in `people` holds, and where the profile relies on it. */
export interface RoleGap {
  path: (string | number)[];
  role: Role;
}

/**
 * Every place the profile names a role (or an `office` / `headteacher` alert target) that nobody holds: each would
 * silently send approvals or alerts to no one. Empty when the school can run.
 */
export function roleGaps(profile: PolicyDraft): RoleGap[] {
  const held = new Set(profile.people.flatMap((p) => p.roles));
  const gaps: RoleGap[] = [];
  const roles = (list: readonly Role[], path: (string | number)[]) =>
    list.forEach((role, i) => {
      if (!held.has(role)) gaps.push({ path: [...path, i], role });
    });
  roles(profile.authorisation.approverRoles, ["authorisation", "approverRoles"]);
  roles(profile.authorisation.informRoles, ["authorisation", "informRoles"]);
  roles(profile.loneWorking.loneVisitDecidedBy, ["loneWorking", "loneVisitDecidedBy"]);
  roles(profile.feelingUnsafe.reportTo, ["feelingUnsafe", "reportTo"]);
  roles(profile.incidents.shareWith, ["incidents", "shareWith"]);
  roles(profile.changes.notify, ["changes", "notify"]);
  const targetRole: Partial<Record<EscalationTarget, Role>> = { office: "office", headteacher: "headteacher" };
  const targets = (list: readonly EscalationTarget[], path: (string | number)[]) =>
    list.forEach((target, i) => {
      const role = targetRole[target];
      if (role && !held.has(role)) gaps.push({ path: [...path, i], role });
    });
  targets(profile.help.alert, ["help", "alert"]);
  targets(profile.concerns.alert, ["concerns", "alert"]);
  profile.escalation.steps.forEach((step, i) => targets(step.targets, ["escalation", "steps", i, "targets"]));
  return gaps;
}

/** The profile a school runs on: a draft in which every role it names is held by someone. */
export const PolicyProfile = PolicyDraft.superRefine((profile, ctx) => {
  for (const gap of roleGaps(profile)) ctx.addIssue({ code: "custom", path: gap.path, message: `nobody in people holds the role "${gap.role}"` });
});

export type PolicyProfile = z.infer<typeof PolicyProfile>;
export type PolicyProfileInput = z.input<typeof PolicyProfile>;
export type PolicyDraftInput = z.input<typeof PolicyDraft>;
