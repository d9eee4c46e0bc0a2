import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { CancelData, CheckInData, DecisionData, OpenFormData, RefreshData, SubmitRequestData } from "../../src/cards/action-data";
import { approvalCard } from "../../src/cards/approval.card";
import { noticeCard } from "../../src/cards/notice.card";
import { requestFormCard } from "../../src/cards/request-form.card";
import { REQUEST_FORM_INPUT_IDS, formValuesFromDetails } from "../../src/cards/request-form.data";
import { visitCard } from "../../src/cards/visit.card";
import { Verbs } from "../../src/cards/verbs";
import type { Verb } from "../../src/cards/verbs";
import { welcomeCard } from "../../src/cards/welcome.card";
import { VISIT_STATUSES } from "../../src/domain/visit";
import { nextCheckInSteps } from "../../src/domain/visit.decide";
import { loadPolicyFile } from "../../src/policy/policy.loader";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { people, testPolicy } from "../support/policy-fixture";
import { cardProblems, executeActions } from "./support/validate-card";
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

type Cases = Record<string, unknown>;
function cardsFor(policy: PolicyProfile): Record<"welcome and notice" | "request form" | "approval" | "visit", Cases> {
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
  };
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

describe("card data carries only the verb, the visit id, the version and the step", () => {
  const schemaFor: Record<Verb, z.ZodTypeAny> = {
    [Verbs.openForm]: OpenFormData,
    [Verbs.submitRequest]: SubmitRequestData,
    [Verbs.approve]: DecisionData,
    [Verbs.decline]: DecisionData,
    [Verbs.requestChanges]: DecisionData,
    [Verbs.checkIn]: CheckInData,
    [Verbs.cancel]: CancelData,
    [Verbs.refresh]: RefreshData,
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
      expect(Object.keys(data).filter((key) => !["visitId", "version", "step"].includes(key))).toEqual([]);
      const parsed = schemaFor[action.verb as Verb].safeParse(data);
      expect({ verb: action.verb, data, ok: parsed.success }).toEqual({ verb: action.verb, data, ok: true });
    }
  });

  test("no data value is a name, a role or a detail of the visit", () => {
    const values = actions.flatMap((a) => Object.values((a.data ?? {}) as Record<string, unknown>)).map(String);
    for (const value of values) expect(value).toMatch(/^([0-9a-f-]{36}|\d+|left-school|arrived|parent-present|parent-absent|parent-arrived|safe|left)$/);
  });
});
