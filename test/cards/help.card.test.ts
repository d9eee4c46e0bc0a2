import { helpCard } from "../../src/cards/help.card";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { people, testPolicy } from "../support/policy-fixture";
import { validateCard, visibleText } from "./support/validate-card";

/** The test school, with an admin and a deputy DSL, so every role has someone. */
const policy = testPolicy((p) => {
  p.people.push(
    { aadObjectId: "00000000-0000-4000-8000-000000000008", displayName: "Ash Penrose", roles: ["admin"] },
    { aadObjectId: "00000000-0000-4000-8000-000000000009", displayName: "Femi Adebanjo", roles: ["deputy-dsl", "visitor"] },
  );
});
const ADMIN = "00000000-0000-4000-8000-000000000008";
const DEPUTY = "00000000-0000-4000-8000-000000000009";

/** Each section's title and the first words typed in each of its lines. */
function sections(policies: PolicyProfile[], personId: string): Record<string, string[]> {
  const card = helpCard(policies, personId);
  validateCard(card);
  const found: Record<string, string[]> = {};
  let title = "";
  for (const line of visibleText(card).split("\n")) {
    if (line.startsWith("As ")) title = line;
    else if (title && line.startsWith("- ")) found[title] = line.split("\r").map((item) => /\*\*([^*]+)\*\*/.exec(item)?.[1] ?? item);
  }
  return found;
}

describe("helpCard: what each person can type, by role", () => {
  test("a home visitor: visits, check-ins, the alarm, false alarm and the record", () => {
    expect(sections([policy], people.visitor.aadObjectId)).toEqual({ "As a home visitor": ["new visit", "status", "arrived", "sos", "false alarm", "record"] });
  });

  test("the head: approvals, then today, review, records and settings as the headteacher", () => {
    expect(sections([policy], people.head.aadObjectId)).toEqual({
      "As an approver": ["pending"],
      "As the headteacher": ["today", "review", "records", "settings"],
    });
  });

  test("the office: today", () => {
    expect(sections([policy], people.office.aadObjectId)).toEqual({ "As the office": ["today"] });
  });

  test("the DSL (also SLT here): today, review, records and settings, each once", () => {
    expect(sections([policy], people.dsl.aadObjectId)).toEqual({ "As the senior leadership team": ["today", "review", "records"], "As the DSL": ["settings"] });
  });

  test("a deputy DSL who visits: the visitor's commands and today", () => {
    expect(sections([policy], DEPUTY)).toEqual({ "As a home visitor": expect.any(Array), "As the deputy DSL": ["today"] });
  });

  test("the admin: today, review, records, staff and settings", () => {
    expect(sections([policy], ADMIN)).toEqual({ "As the admin": ["today", "review", "records", "staff", "settings"] });
  });

  test("someone on the staff of two schools gets what either gives them", () => {
    const approvesElsewhere = testPolicy((p) => {
      p.school.id = "other-school";
      p.authorisation.approverRoles = ["office"];
    });
    expect(Object.keys(sections([policy, approvesElsewhere], people.office.aadObjectId))).toEqual(["As an approver", "As the office"]);
  });

  test("says that help raises the alarm while out on a visit, as sos always does", () => {
    expect(visibleText(helpCard([policy], people.visitor.aadObjectId))).toContain("While you are out on a visit, **help** raises the alarm instead, as **sos** always does.");
  });
});
