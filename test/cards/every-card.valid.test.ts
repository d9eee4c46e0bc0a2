import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import {
  AlertActionData,
  AlertRefreshData,
  CancelData,
  CheckInData,
  ConcernData,
  DecisionData,
  HelpData,
  OpenFormData,
  RefreshData,
  SubmitRequestData,
} from "../../src/cards/action-data";
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
import type { Alert, AlertKind } from "../../src/domain/alert";
import type { Visit } from "../../src/domain/visit";
import { VISIT_STATUSES } from "../../src/domain/visit";
import { nextCheckInSteps } from "../../src/domain/visit.decide";
import { loadPolicyFile } from "../../src/policy/policy.loader";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { DATA_KEYS, cardProblems, executeActions } from "./support/validate-card";
import { VISIT_ID, loneDetails, pairDetails, visitIn } from "./support/visit-fixture";

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
function cardsFor(policy: PolicyProfile): Record<"welcome and notice" | "request form" | "approval" | "visit" | "alert" | "are you safe", Cases> {
  const visitor = policy.people.find((p) => p.roles.includes("visitor"))!.aadObjectId;
  const groups = {
    "welcome and notice": {
      welcome: welcomeCard(policy),
      notice: noticeCard("That card is out of date", "Nothing was changed."),
    } as Cases,
    "request form": {
      empty: requestFormCard({ policy, viewerId: visitor }),
      "every error": requestFormCard({ policy, viewerId: visitor, values: formValuesFromDetails(pairDetails()), errors: { ...allErrors, form: "Refused." } }),
      amending: requestFormCard({ policy, viewerId: visitor, values: formValuesFromDetails(loneDetails()), visitId: VISIT_ID, version: 3, today: "2026-11-20" }),
    } as Cases,
    approval: {} as Cases,
    visit: {} as Cases,
    alert: {} as Cases,
    "are you safe": {} as Cases,
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

describe("card data carries only ids: the visit id, the version, the step, the kind of concern, the alert id", () => {
  const schemaFor: Record<Verb, z.ZodTypeAny> = {
    [Verbs.openForm]: OpenFormData,
    [Verbs.submitRequest]: SubmitRequestData,
    [Verbs.approve]: DecisionData,
    [Verbs.decline]: DecisionData,
    [Verbs.requestChanges]: DecisionData,
    [Verbs.checkIn]: CheckInData,
    [Verbs.cancel]: CancelData,
    [Verbs.refresh]: RefreshData,
    [Verbs.help]: HelpData,
    [Verbs.concern]: ConcernData,
    [Verbs.acknowledgeAlert]: AlertActionData,
    [Verbs.resolveAlert]: AlertActionData,
    [Verbs.refreshAlert]: AlertRefreshData,
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
      expect(value).toMatch(/^([0-9a-f-]{36}|\d+|A\d+|left-school|arrived|parent-present|parent-absent|parent-arrived|safe|left|child-alone|concern)$/);
    }
  });

  test("check-ins, help, concerns and alert actions carry no version", () => {
    const unversioned: string[] = [Verbs.checkIn, Verbs.cancel, Verbs.help, Verbs.concern, Verbs.acknowledgeAlert, Verbs.resolveAlert, Verbs.refreshAlert];
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
});
