import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import {
  AgreementActionData,
  AgreementRefreshData,
  AlertActionData,
  AlertRefreshData,
  FalseAlarmData,
  CallOffData,
  CancelData,
  CheckInData,
  ConcernData,
  DecisionData,
  HelpData,
  ImportStaffData,
  EraseStaffData,
  IncidentData,
  OpenFormData,
  OpenRecordData,
  OpenStaffData,
  RecordData,
  RefreshData,
  SaveStaffData,
  SubmitRequestData,
  CreateSchoolData,
  SchoolData,
  SchoolRolesData,
  SaveRoleData,
  SaveAlertChannelData,
  ImportPolicyData,
  PolicySettingsData,
  SavePolicyData,
  RemoveSchoolData,
} from "../../src/cards/action-data";
import { policySettingsCard } from "../../src/cards/policy-settings.card";
import { SETTINGS_GROUPS } from "../../src/policy/policy-words";
import { alertChannelCard } from "../../src/cards/alert-channel.card";
import { chooseSchoolCard } from "../../src/cards/choose-school.card";
import { policyFileCard } from "../../src/cards/policy-file.card";
import { schoolRolesCard } from "../../src/cards/school-roles.card";
import { schoolSettingsCard } from "../../src/cards/school-settings.card";
import { schoolSetupCard } from "../../src/cards/school-setup.card";
import type { SchoolRecord } from "../../src/app/ports";
import { loadTemplates } from "../../src/policy/policy.templates";
import { agreementCard } from "../../src/cards/agreement.card";
import { briefingCard } from "../../src/cards/briefing.card";
import { RECORD_FORM_INPUT_IDS } from "../../src/cards/record-form.data";
import { recordCard } from "../../src/cards/record.card";
import { reportCard } from "../../src/cards/report.card";
import { reviewCard } from "../../src/cards/review.card";
import { STAFF_FORM_INPUT_IDS } from "../../src/cards/staff-record.data";
import { staffRecordCard } from "../../src/cards/staff-record.card";
import { reviewFigures } from "../../src/domain/review";
import { alertCard } from "../../src/cards/alert.card";
import { approvalCard } from "../../src/cards/approval.card";
import { areYouSafeCard } from "../../src/cards/are-you-safe.card";
import { noticeCard } from "../../src/cards/notice.card";
import { requestFormCard } from "../../src/cards/request-form.card";
import { REQUEST_FORM_INPUT_IDS, formValuesFromDetails } from "../../src/cards/request-form.data";
import { visitCard } from "../../src/cards/visit.card";
import { Verbs } from "../../src/cards/verbs";
import type { Verb } from "../../src/cards/verbs";
import { welcomeCard } from "../../src/cards/welcome.card";
import { helpCard } from "../../src/cards/help.card";
import type { Alert, AlertKind } from "../../src/domain/alert";
import type { Visit } from "../../src/domain/visit";
import { VISIT_STATUSES } from "../../src/domain/visit";
import { nextCheckInSteps } from "../../src/domain/visit.decide";
import { loadPolicyFile } from "../../src/policy/policy.loader";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { DATA_KEYS, cardProblems, executeActions } from "./support/validate-card";
import { VISIT_ID, events, loneDetails, pairDetails, parentLateVisit, visitIn, withEvents } from "./support/visit-fixture";

/** Every card in every state, for the test school and the example school profiles, parsed at 1.5. */
const policiesDir = join(__dirname, "../../policies");
const policies: [string, PolicyProfile][] = [
  ["test school", testPolicy()],
  ["test school, lone visits and no parent wait", testPolicy((p) => {
    p.parentAbsent = { mode: "off" };
    p.checkIns.periodicEvery = null;
    p.loneWorking.twoStaffWhenEntering = "recommended";
  })],
  ...readdirSync(policiesDir)
    .filter((f) => f.endsWith(".json"))
    .map((f): [string, PolicyProfile] => [f, loadPolicyFile(join(policiesDir, f))]),
];
const manyIds = Array.from({ length: 75 }, (_, i) => `29:fictional-user-${i}`);
const allErrors = Object.fromEntries(REQUEST_FORM_INPUT_IDS.map((id) => [id, `Fix ${id}.`]));

/** Every kind of alert, silent or not, in every state it can be in; built directly so any profile can show them. */
const raised = (kind: AlertKind, silent = false): Alert => ({
  id: "A1",
  kind,
  raisedAt: "2026-11-23T10:41:00.000Z",
  stepsSent: [0],
  ...(kind === "overdue" ? { deadline: { kind: "leaving" as const, due: "2026-11-23T10:30:00.000Z" } } : { raisedBy: actor("visitor") }),
  ...(silent ? { silent: true } : {}),
  ...(kind === "concern" ? { note: "A fictional concern." } : {}),
});
const ALERTS: Record<string, Alert> = Object.fromEntries(
  (["overdue", "help", "child-alone", "concern"] as const)
    .flatMap((kind) => [[kind, raised(kind)] as const, ...(kind === "help" ? [["silent help", raised(kind, true)] as const] : [])])
    .flatMap(([name, alert]) => [
      [`${name} open`, alert],
      [`${name} acknowledged`, { ...alert, acknowledged: { by: actor("office"), at: "2026-11-23T10:47:00.000Z" } }],
      [
        `${name} resolved`,
        {
          ...alert,
          acknowledged: { by: actor("office"), at: "2026-11-23T10:47:00.000Z" },
          resolved: { by: actor("office"), at: "2026-11-23T10:52:00.000Z", how: "contacted-safe" as const, note: "Spoke to them." },
        },
      ],
    ]),
);
const staff = [
  {
    aadObjectId: people.visitor.aadObjectId,
    name: "Alex Rivers",
    teamsUserId: "29:alex",
    lastSeenAt: "2026-11-23T08:00:00.000Z",
    mobile: "07700 900000",
    vehicle: { make: "Ford", model: "Focus", colour: "Silver", registration: "AB12 CDE" },
  },
];
const withAlert = (visit: Visit, alert: Alert): Visit => ({ ...visit, alerts: [alert] });

type Cases = Record<string, unknown>;
type Group =
  | "welcome and notice"
  | "request form"
  | "approval"
  | "visit"
  | "alert"
  | "are you safe"
  | "visit at the door and after"
  | "briefing"
  | "report"
  | "agreement"
  | "record"
  | "staff record"
  | "review"
  | "school";

/** Fictional visits at the door and after (R11–R14, R21, R22, R24), whatever the policy allows: the cards must cope. */
function doorVisits(): Record<string, Visit> {
  const entering = pairDetails({ entry: "enter", pets: "Two cats", medicalNeeds: "Asthma (pupil)", socialWorker: "A. Social, Testbury CSC" });
  const evening = loneDetails({ start: "17:00", end: "18:00", responsibleContactId: people.head.aadObjectId, entry: "enter" });
  const waiting = visitIn("waiting-for-parent");
  const recorded = visitIn("recorded");
  const due = { ...recorded, record: { ...recorded.record!, agreements: recorded.record!.agreements.map((a, i) => (i === 0 ? { ...a, dueAt: "2026-11-30T08:30:00.000Z" } : a)) } };
  return {
    "parent late": parentLateVisit(),
    "parent late, entering": parentLateVisit(entering),
    "wait limit reached": withEvents(waiting, events.waitLimitReached("09:47")),
    "called off: parent absent": withEvents(waiting, events.waitLimitReached("09:47"), events.calledOff("parent-absent", "09:48")),
    "called off: parent late": withEvents(parentLateVisit(), events.calledOff("parent-late", "10:02")),
    "called off: animals": withEvents(visitIn("arrived"), events.calledOff("animals", "09:35", "Dog not shut away; fictional.")),
    "called off: unsafe, in visit": withEvents(visitIn("in-visit"), events.calledOff("unsafe", "09:50", "Raised voices; fictional.")),
    "left after a call-off": withEvents(visitIn("arrived"), events.calledOff("unsafe", "09:35", "Fictional."), events.checkIn("left", "09:40")),
    "left with an incident": withEvents(visitIn("left"), events.incident("physical-intervention", "10:40", "Fictional: guided a child away from a road.")),
    "recorded with an incident": withEvents(recorded, events.incident("incident", "11:00", "Fictional incident.")),
    "recorded, agreement due": due,
    "entering, in visit": visitIn("in-visit", entering),
    "out of hours, requested": visitIn("requested", evening),
    "out of hours, approved": visitIn("approved", evening),
  };
}

function cardsFor(policy: PolicyProfile): Record<Group, Cases> {
  const visitor = policy.people.find((p) => p.roles.includes("visitor"))!.aadObjectId;
  const groups = {
    "welcome and notice": {
      ...Object.fromEntries(policy.people.map((person) => [`welcome for ${person.roles.join(", ")}`, welcomeCard(policy, person.aadObjectId)])),
      ...Object.fromEntries(policy.people.map((person) => [`help for ${person.roles.join(", ")}`, helpCard([policy], person.aadObjectId)])),
      "help for nobody": helpCard([policy], "00000000-0000-4000-8000-0000000000ff"),
      notice: noticeCard("That card is out of date", "Nothing was changed."),
    } as Cases,
    "request form": {
      empty: requestFormCard({ policy, viewerId: visitor }),
      "every error": requestFormCard({ policy, viewerId: visitor, values: formValuesFromDetails(pairDetails()), errors: { ...allErrors, form: "Refused." } }),
      amending: requestFormCard({ policy, viewerId: visitor, values: formValuesFromDetails(loneDetails()), visitId: VISIT_ID, version: 3, today: "2026-11-20" }),
    } as Cases,
    approval: {} as Cases,
    school: {} as Cases,
    visit: {} as Cases,
    alert: {} as Cases,
    "are you safe": {} as Cases,
    "visit at the door and after": {} as Cases,
    briefing: {} as Cases,
    report: {} as Cases,
    agreement: {} as Cases,
    record: {} as Cases,
    "staff record": {} as Cases,
    review: {} as Cases,
  };
  const head = people.head.aadObjectId;
  const staffGaps = [
    { staffId: people.visitor.aadObjectId, item: "dbs" as const, problem: "no enhanced DBS check on file", blocking: true },
    { staffId: people.secondVisitor.aadObjectId, item: "training" as const, problem: "no home-visit or lone-working training on file", blocking: false },
  ];
  const doors = doorVisits();
  for (const [name, visit] of Object.entries(doors)) {
    groups["visit at the door and after"][name] = visitCard({
      visit,
      policy,
      viewerId: people.visitor.aadObjectId,
      nextSteps: nextCheckInSteps(visit, policy),
      refreshUserIds: manyIds,
    });
    groups.briefing[name] = briefingCard({ visit, policy });
    for (const subject of ["called-off", "incident", "changed"] as const) groups.report[`${subject}, ${name}`] = reportCard({ visit, policy, subject });
    for (const canDecide of [true, false]) {
      groups.approval[`${name}, with staff gaps, canDecide ${canDecide}`] = approvalCard({ visit, policy, viewerId: head, canDecide, refreshUserIds: manyIds, staffGaps });
    }
    groups.record[name] = recordCard({ visit, policy, viewerId: people.visitor.aadObjectId });
    for (const index of [0, 1, 5]) {
      for (const canAct of [true, false]) {
        groups.agreement[`${name}, agreement ${index}, canAct ${canAct}`] = agreementCard({
          visit,
          index,
          policy,
          canAct,
          refreshUserIds: manyIds,
          message: { text: "Marked.", tone: "good" },
        });
      }
    }
  }
  const left = visitIn("left");
  const recorded = visitIn("recorded");
  const met = withEvents(recorded, {
    type: "agreement.actioned",
    at: "2026-12-01T09:00:00.000Z",
    actor: actor("head"),
    index: 0,
    action: "met",
    note: "Full attendance; fictional.",
  });
  groups.agreement["met, canAct"] = agreementCard({ visit: met, index: 0, policy, canAct: true, refreshUserIds: manyIds });
  const recordErrors = Object.fromEntries(RECORD_FORM_INPUT_IDS.map((id) => [id, `Fix ${id}.`]));
  groups.record["left, every error"] = recordCard({ visit: left, policy, viewerId: people.visitor.aadObjectId, values: { summary: "Fictional." }, errors: { ...recordErrors, form: "Refused." } });
  groups.record["recorded, not on the visit"] = recordCard({ visit: recorded, policy, viewerId: head });
  groups.record["cancelled"] = recordCard({ visit: visitIn("cancelled"), policy, viewerId: people.visitor.aadObjectId });
  const members = policy.people.slice(0, 2).map((p, i) => ({
    aadObjectId: p.aadObjectId,
    name: p.displayName,
    teamsUserId: `29:fictional-${i}`,
    lastSeenAt: "2026-11-20T08:00:00.000Z",
    mobile: "07700 900123",
    ...(i === 0 ? { vehicle: { make: "Ford", model: "Fiesta", registration: "AB12 CDE", colour: "Blue", insuranceExpiry: "2026-01-01" }, training: [{ name: "Lone working", completedOn: "2025-09-01" }] } : {}),
  }));
  const staffErrors = Object.fromEntries(STAFF_FORM_INPUT_IDS.map((id) => [id, `Fix ${id}.`]));
  const firstPerson = policy.people[0]!.aadObjectId;
  const lastPerson = policy.people[policy.people.length - 1]!.aadObjectId;
  groups["staff record"] = {
    "nobody chosen": staffRecordCard({ policy, members, today: "2026-11-20" }),
    "a member chosen": staffRecordCard({ policy, members, selectedId: firstPerson, today: "2026-11-20", message: { text: "Saved.", tone: "good" } }),
    "someone not seen in Teams": staffRecordCard({ policy, members, selectedId: lastPerson }),
    "every error and a failed import": staffRecordCard({
      policy,
      members,
      selectedId: firstPerson,
      errors: { ...staffErrors, form: "Refused." },
      importErrors: ["Line 2: fictional problem."],
      csv: "aad_object_id,mobile",
    }),
    "an unknown person": staffRecordCard({ policy, members, selectedId: "00000000-0000-4000-8000-0000000000ff" }),
    "someone with a record and no role, and a refused erasure": staffRecordCard({
      policy,
      members: [...members, { aadObjectId: "00000000-0000-4000-8000-0000000000fe", name: "Robin Former", teamsUserId: "", lastSeenAt: "2020-01-15T08:00:00.000Z", mobile: "07700 900999" }],
      selectedId: "00000000-0000-4000-8000-0000000000fe",
      eraseError: "They are on 1 visit(s) planned or under way.",
    }),
  };
  const all = [...Object.values(doors), ...VISIT_STATUSES.map((status) => visitIn(status))];
  groups.review = {
    figures: reviewCard({ figures: reviewFigures(all, "2026-09-01", "2027-08-31", policy), policy }),
    "no visits": reviewCard({ figures: reviewFigures([], "2026-09-01", "2027-08-31", policy), policy }),
  };
  for (const [name, alert] of Object.entries(ALERTS)) {
    for (const status of ["approved", "in-visit", "left"] as const) {
      const visit = withAlert(visitIn(status), alert);
      groups.visit[`${status} with ${name}`] = visitCard({
        visit,
        policy,
        viewerId: people.visitor.aadObjectId,
        nextSteps: nextCheckInSteps(visit, policy),
        refreshUserIds: manyIds,
      });
      for (const detail of ["full", "minimum"] as const) {
        for (const canAct of [true, false]) {
          groups.alert[`${name}, ${status}, ${detail}, canAct ${canAct}`] = alertCard({
            visit,
            alert,
            policy,
            viewer: detail === "full" ? { id: people.office.aadObjectId } : {},
            canAct,
            detail,
            staff,
            refreshUserIds: manyIds,
            message: { text: "Resolved.", tone: "good" },
            now: new Date("2026-11-23T11:00:00.000Z"),
            ...(detail === "minimum" ? { mentions: [{ teamsUserId: "29:jo", name: "Jo Fenwick" }, { teamsUserId: "29:priya", name: "Priya Lane" }] } : {}),
          });
        }
      }
      groups["are you safe"][`${name}, ${status}`] = areYouSafeCard({ visit, alert, policy, viewerId: people.visitor.aadObjectId, refreshUserIds: manyIds });
    }
  }
  for (const status of VISIT_STATUSES) {
    for (const details of [pairDetails(), loneDetails({ announced: false, unannouncedReason: "Welfare concern", entry: "enter" })]) {
      const visit = visitIn(status, details);
      const mode = details.staffing.mode;
      for (const canDecide of [true, false]) {
        for (const viewerId of [people.head.aadObjectId, undefined]) {
          const message = { text: "Already approved by Jo Fenwick.", tone: "attention" } as const;
          groups.approval[`${status}, ${mode}, canDecide ${canDecide}, ${viewerId ? "approver" : "base card"}`] = approvalCard({
            visit,
            policy,
            viewerId,
            canDecide,
            refreshUserIds: manyIds,
            message,
          });
        }
      }
      groups.visit[`${status}, ${mode}`] = visitCard({
        visit,
        policy,
        viewerId: people.visitor.aadObjectId,
        nextSteps: nextCheckInSteps(visit, policy),
        refreshUserIds: manyIds,
        message: "Recorded.",
      });
    }
  }
  const school: SchoolRecord = {
    id: policy.school.id,
    name: policy.school.name,
    teamId: "19:staff-team@thread.tacv2",
    state: "active",
    version: 3,
    policy,
    createdAt: "2026-09-01T08:00:00.000Z",
    createdBy: actor("head"),
    etag: "W/\"1\"",
  };
  const settingUp: SchoolRecord = { ...school, state: "setting-up", policy: { ...policy, people: [policy.people[0]!], alertChannel: null } };
  const checklist = { missingRoles: [{ role: "office" as const, for: ["is alerted when a visitor asks for help"] }], alertChannel: null, visitors: 1 };
  const roster = Array.from({ length: 40 }, (_, i) => ({ aadObjectId: `00000000-0000-4000-8000-0000000010${String(i).padStart(2, "0")}`, name: `Fictional Member ${i}`, teamsUserId: `29:m${i}`, lastSeenAt: "" }));
  const channels = [{ id: "19:general@thread.tacv2", name: "General" }, { id: "19:safeguarding@thread.tacv2", name: "Safeguarding" }];
  groups.school = {
    setup: schoolSetupCard({ templates: loadTemplates() }),
    "setup, refused": schoolSetupCard({ templates: loadTemplates(), values: { schoolName: "Fictional", templateId: "thorns-primary", creatorRole: "admin" }, message: { text: "Give the school's name.", tone: "attention" } }),
    "settings, running": schoolSettingsCard({ school, checklist: { missingRoles: [], alertChannel: policy.alertChannel, visitors: 2 }, canManage: true }),
    "settings, being set up": schoolSettingsCard({ school: settingUp, checklist, canManage: true, message: { text: "Set up.", tone: "good" } }),
    "settings, for the DSL": schoolSettingsCard({ school, checklist, canManage: false }),
    roles: schoolRolesCard({ school, staff: [] }),
    "roles, a role chosen": schoolRolesCard({ school, staff: roster, role: "visitor", message: { text: "Saved.", tone: "good" } }),
    "roles, no roster": schoolRolesCard({ school, staff: [], role: "office" }),
    "alert channel": alertChannelCard({ school, channels, canChoose: true }),
    "alert channel, none known": alertChannelCard({ school: settingUp, channels: [], canChoose: true }),
    "alert channel, read only": alertChannelCard({ school, channels, canChoose: false }),
    "policy file, exported": policyFileCard({ school, exported: JSON.stringify(policy, null, 2) }),
    "policy file, refused": policyFileCard({ school, pasted: "{", problems: ["This is not a profile file: it is not valid JSON."] }),
    "policy settings": policySettingsCard({ school }),
    ...Object.fromEntries(
      SETTINGS_GROUPS.flatMap((group) => [
        [`policy settings: ${group}`, policySettingsCard({ school, group, message: { text: "Saved as policy version 4.", tone: "good" } })],
        [`policy settings: ${group}, refused`, policySettingsCard({ school, group, errors: { form: "Not saved: someone must hold the office." }, values: {} })],
        [`policy settings: ${group}, in a channel`, policySettingsCard({ school, group, inChannel: true })],
      ]),
    ),
    "choose school": chooseSchoolCard([{ id: "thorns-primary", name: "Thorns Primary School" }, { id: "oakfield-academy", name: "Oakfield Academy" }]),
  };
  return groups;
}

describe("every card in every state parses cleanly with adaptivecards 1.5 and meets our own checks", () => {
  describe.each(policies)("%s", (_name, policy) => {
    test.each(Object.entries(cardsFor(policy)))("%s cards", (_group, cards) => {
      const problems = Object.fromEntries(
        Object.entries(cards)
          .map(([name, card]) => [name, cardProblems(card)] as const)
          .filter(([, found]) => found.length > 0),
      );
      expect(Object.keys(cards).length).toBeGreaterThan(0);
      expect(problems).toEqual({});
    });
  });
});

describe("card data carries only ids: the visit id, the version, the step, the kind, the alert id, the reason, the index, the action, the staff id", () => {
  const schemaFor: Record<Verb, z.ZodTypeAny> = {
    [Verbs.openForm]: OpenFormData,
    [Verbs.submitRequest]: SubmitRequestData,
    [Verbs.approve]: DecisionData,
    [Verbs.decline]: DecisionData,
    [Verbs.requestChanges]: DecisionData,
    [Verbs.checkIn]: CheckInData,
    [Verbs.cancel]: CancelData,
    [Verbs.falseAlarm]: FalseAlarmData,
    [Verbs.refresh]: RefreshData,
    [Verbs.help]: HelpData,
    [Verbs.concern]: ConcernData,
    [Verbs.acknowledgeAlert]: AlertActionData,
    [Verbs.resolveAlert]: AlertActionData,
    [Verbs.refreshAlert]: AlertRefreshData,
    [Verbs.callOff]: CallOffData,
    [Verbs.openRecord]: OpenRecordData,
    [Verbs.record]: RecordData,
    [Verbs.incident]: IncidentData,
    [Verbs.agreementAction]: AgreementActionData,
    [Verbs.refreshAgreement]: AgreementRefreshData,
    [Verbs.openStaff]: OpenStaffData,
    [Verbs.saveStaff]: SaveStaffData,
    [Verbs.importStaff]: ImportStaffData,
    [Verbs.eraseStaff]: EraseStaffData,
    [Verbs.createSchool]: CreateSchoolData,
    [Verbs.schoolSettings]: SchoolData,
    [Verbs.schoolRoles]: SchoolRolesData,
    [Verbs.saveRole]: SaveRoleData,
    [Verbs.alertChannel]: SchoolData,
    [Verbs.saveAlertChannel]: SaveAlertChannelData,
    [Verbs.exportPolicy]: SchoolData,
    [Verbs.importPolicy]: ImportPolicyData,
    [Verbs.policySettings]: PolicySettingsData,
    [Verbs.savePolicy]: SavePolicyData,
    [Verbs.removeSchool]: RemoveSchoolData,
  };
  const actions = policies.flatMap(([, policy]) =>
    Object.values(cardsFor(policy)).flatMap((group) => Object.values(group).flatMap((card) => executeActions(card))),
  );

  test("every verb the bot routes is used by some card", () => {
    expect(new Set(actions.map((a) => a.verb))).toEqual(new Set(Object.values(Verbs)));
  });

  test("every action's data has no other keys and parses with the bot's schema for its verb", () => {
    for (const action of actions) {
      const data = (action.data ?? {}) as Record<string, unknown>;
      expect(Object.keys(data).filter((key) => !DATA_KEYS.includes(key))).toEqual([]);
      const parsed = schemaFor[action.verb as Verb].safeParse(data);
      expect({ verb: action.verb, data, ok: parsed.success }).toEqual({ verb: action.verb, data, ok: true });
    }
  });

  test("no data value is a name, a role or a detail of the visit", () => {
    const values = actions.flatMap((a) => Object.values((a.data ?? {}) as Record<string, unknown>)).map(String);
    for (const value of values) {
      expect(value).toMatch(
        // A school's id is its slug (lower-case letters, digits and dashes), never its name; a role is its id.
        /^([0-9a-f-]{36}|\d+|A\d+|left-school|arrived|parent-present|parent-absent|parent-late|parent-arrived|safe|left|child-alone|concern|incident|physical-intervention|animals|unsafe|met|reminder-letter|follow-up-visit|penalty-notice-threshold|welfare-referral|[a-z0-9]+(-[a-z0-9]+)*)$/,
      );
    }
  });

  test("check-ins, help, concerns and alert actions carry no version", () => {
    const unversioned: string[] = [
      Verbs.checkIn,
      Verbs.cancel,
      Verbs.help,
      Verbs.concern,
      Verbs.acknowledgeAlert,
      Verbs.resolveAlert,
      Verbs.refreshAlert,
      Verbs.callOff,
      Verbs.openRecord,
      Verbs.record,
      Verbs.incident,
      Verbs.agreementAction,
      Verbs.refreshAgreement,
      Verbs.openStaff,
      Verbs.saveStaff,
      Verbs.importStaff,
    ];
    for (const action of actions.filter((a) => unversioned.includes(a.verb as string))) expect(action.data).not.toHaveProperty("version");
  });

  test("check-in and cancel data from cards sent before the version was dropped still parse", () => {
    expect(CheckInData.parse({ visitId: VISIT_ID, version: "4", step: "safe" })).toEqual({ visitId: VISIT_ID, version: 4, step: "safe" });
    expect(CheckInData.parse({ visitId: VISIT_ID, step: "safe" })).toEqual({ visitId: VISIT_ID, step: "safe" });
    expect(CancelData.parse({ visitId: VISIT_ID, version: 2, cancelReason: "Moved." })).toEqual({ visitId: VISIT_ID, version: 2, cancelReason: "Moved." });
  });

  test("the new schemas refuse what they should", () => {
    expect(ConcernData.safeParse({ visitId: VISIT_ID, kind: "help" }).success).toBe(false);
    expect(ConcernData.safeParse({ visitId: VISIT_ID, kind: "concern", concernNote: "x".repeat(1001) }).success).toBe(false);
    expect(ConcernData.parse({ visitId: VISIT_ID, kind: "child-alone" })).toEqual({ visitId: VISIT_ID, kind: "child-alone" });
    expect(AlertActionData.safeParse({ visitId: VISIT_ID, alertId: "1" }).success).toBe(false);
    expect(AlertActionData.safeParse({ visitId: VISIT_ID, alertId: "A1", resolveNote: "x".repeat(1001) }).success).toBe(false);
    expect(AlertActionData.parse({ visitId: VISIT_ID, alertId: "A12", resolveNote: "Rang them." })).toEqual({ visitId: VISIT_ID, alertId: "A12", resolveNote: "Rang them." });
    expect(AlertRefreshData.safeParse({ visitId: "not-a-uuid", alertId: "A1" }).success).toBe(false);
    expect(HelpData.safeParse({}).success).toBe(false);
  });

  test("the schemas for the door, the record, agreements and staff records refuse what they should", () => {
    expect(CallOffData.parse({ visitId: VISIT_ID, reason: "animals", callOffNote: "Dog loose." })).toEqual({ visitId: VISIT_ID, reason: "animals", callOffNote: "Dog loose." });
    expect(CallOffData.safeParse({ visitId: VISIT_ID, reason: "bored" }).success).toBe(false);
    expect(CallOffData.safeParse({ visitId: VISIT_ID, reason: "unsafe", callOffNote: "x".repeat(1001) }).success).toBe(false);
    expect(IncidentData.parse({ visitId: VISIT_ID, kind: "physical-intervention", incidentNote: "Fictional." })).toMatchObject({ kind: "physical-intervention" });
    expect(IncidentData.safeParse({ visitId: VISIT_ID, kind: "concern" }).success).toBe(false);
    expect(AgreementActionData.parse({ visitId: VISIT_ID, index: "2", action: "reminder-letter" })).toEqual({ visitId: VISIT_ID, index: 2, action: "reminder-letter" });
    expect(AgreementActionData.safeParse({ visitId: VISIT_ID, index: -1, action: "met" }).success).toBe(false);
    expect(AgreementActionData.safeParse({ visitId: VISIT_ID, index: 1.5, action: "met" }).success).toBe(false);
    expect(AgreementActionData.safeParse({ visitId: VISIT_ID, index: 0, action: "shout" }).success).toBe(false);
    expect(AgreementRefreshData.parse({ visitId: VISIT_ID, index: 0 })).toEqual({ visitId: VISIT_ID, index: 0 });
    expect(OpenRecordData.safeParse({}).success).toBe(false);
    expect(RecordData.parse({ visitId: VISIT_ID, summary: "typed" })).toEqual({ visitId: VISIT_ID });
    const id = people.visitor.aadObjectId;
    const schoolId = "test-school";
    expect(OpenStaffData.parse({ schoolId })).toEqual({ schoolId });
    expect(OpenStaffData.parse({ schoolId, openStaffId: "" })).toEqual({ schoolId });
    expect(OpenStaffData.parse({ schoolId, openStaffId: id.toUpperCase() })).toEqual({ schoolId, staffId: id });
    expect(OpenStaffData.parse({ schoolId, staffId: id, openStaffId: people.head.aadObjectId })).toEqual({ schoolId, staffId: id });
    expect(OpenStaffData.safeParse({ schoolId, openStaffId: "Alex Rivers" }).success).toBe(false);
    expect(OpenStaffData.safeParse({}).success).toBe(false);
    expect(SaveStaffData.parse({ schoolId, staffId: id.toUpperCase(), mobile: "07700 900123" })).toEqual({ schoolId, staffId: id });
    expect(SaveStaffData.safeParse({ schoolId }).success).toBe(false);
    expect(ImportStaffData.parse({ schoolId, staffCsv: "aad_object_id" })).toEqual({ schoolId, staffCsv: "aad_object_id" });
    expect(ImportStaffData.safeParse({ schoolId, staffCsv: "x".repeat(20001) }).success).toBe(false);
    expect(SchoolData.safeParse({ schoolId: "Thorns Primary" }).success).toBe(false);
    expect(SaveRoleData.parse({ schoolId, role: "visitor", holders: `${id.toUpperCase()},${people.head.aadObjectId}` })).toEqual({
      schoolId,
      role: "visitor",
      holders: [id.toUpperCase(), people.head.aadObjectId],
    });
    expect(SaveRoleData.safeParse({ schoolId, role: "governor", holders: "" }).success).toBe(false);
    expect(SaveRoleData.safeParse({ schoolId, role: "visitor", holders: "Alex Rivers" }).success).toBe(false);
  });
});
