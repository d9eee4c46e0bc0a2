import type { PolicyProfile, PolicyProfileInput } from "../../src/policy/policy.schema";
import { parsePolicy } from "../../src/policy/policy.loader";

/** Fictional people. Entra object ids are made up and only need to be GUID-shaped. */
export const people = {
  visitor: { aadObjectId: "00000000-0000-4000-8000-000000000001", displayName: "Alex Rivers", roles: ["visitor"] },
  secondVisitor: { aadObjectId: "00000000-0000-4000-8000-000000000002", displayName: "Sam Moss", roles: ["visitor"] },
  head: { aadObjectId: "00000000-0000-4000-8000-000000000003", displayName: "Jo Fenwick", roles: ["headteacher", "slt"] },
  dsl: { aadObjectId: "00000000-0000-4000-8000-000000000004", displayName: "Priya Lane", roles: ["dsl", "slt"] },
  office: { aadObjectId: "00000000-0000-4000-8000-000000000005", displayName: "Chris Dale", roles: ["office"] },
  outsider: { aadObjectId: "00000000-0000-4000-8000-000000000099", displayName: "Pat Nobody", roles: ["visitor"] },
} as const;

/** The channel the test school chose for safeguarding alerts, in its own staff team. */
export const TEST_ALERT_CHANNEL = { teamId: "19:test-staff-team@thread.tacv2", channelId: "19:test-safeguarding@thread.tacv2", name: "Safeguarding" };

export const actor = (who: keyof typeof people) => ({ id: people[who].aadObjectId, name: people[who].displayName });

/** A complete, valid profile for tests: two-person visits approved by the head, every check-in on. */
export function testPolicyInput(): PolicyProfileInput {
  return {
    schemaVersion: 1,
    school: { id: "test-school", name: "Test Primary School", timeZone: "Europe/London", source: "test fixture" },
    people: [people.visitor, people.secondVisitor, people.head, people.dsl, people.office].map((p) => ({ ...p, roles: [...p.roles] })),
    authorisation: { approverRoles: ["headteacher"], informRoles: ["slt"] },
    purposes: [
      { id: "attendance", label: "Attendance support" },
      { id: "welfare", label: "Welfare check" },
    ],
    loneWorking: { defaultStaff: 2, loneVisitDecidedBy: ["headteacher"], riskAssessmentRequired: true, twoStaffWhenEntering: "required" },
    announcement: { unannouncedNeedsReason: true },
    outOfHours: { schoolDay: { start: "08:30", end: "16:00" }, responsibleContactRequired: true },
    staffPrerequisites: { required: ["mobile", "vehicle", "dbs", "training"], blocking: [] },
    briefing: { enabled: true, reminders: ["Park so you can leave easily."] },
    entry: { enteringNeedsAdultPresent: true, guidance: [] },
    checkIns: { leavingSchool: true, arrival: true, periodicEvery: "PT2H", leaving: true },
    parentAbsent: { mode: "wait", waitLimit: "PT15M" },
    parentLate: { lateLimit: "PT30M" },
    animals: { enabled: true, reportToHeadInWriting: true },
    feelingUnsafe: { reportTo: ["headteacher"], inWriting: true, recordOnCpoms: true },
    codeWord: { word: "bluebell" },
    alertChannel: TEST_ALERT_CHANNEL,
    help: { alert: ["office", "headteacher", "dsl-channel"], policeGuidance: "If anyone is in immediate danger, call 999." },
    childAlone: { enabled: true },
    escalation: {
      grace: "PT10M",
      steps: [
        { after: "PT0S", targets: ["visitor"] },
        { after: "PT5M", targets: ["office"] },
        { after: "PT15M", targets: ["headteacher", "dsl-channel"] },
      ],
      policeGuidance: "If you cannot reach the member of staff and are concerned, call the police.",
    },
    record: { system: "CPOMS", requiredFields: ["time", "location", "pupil", "outcome"] },
    agreements: { tracked: true, ladder: ["reminder-letter", "follow-up-visit"] },
    concerns: { alert: ["dsl-channel"], showPoliceGuidance: true },
    incidents: { shareWith: ["headteacher"] },
    changes: { notify: ["headteacher"] },
    review: { period: "annual", staffFeedback: true },
  };
}

export function testPolicy(change: (input: PolicyProfileInput) => void = () => {}): PolicyProfile {
  const input = testPolicyInput();
  change(input);
  return parsePolicy("test fixture", input);
}
