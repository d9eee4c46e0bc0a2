import { welcomeCard } from "../../src/cards/welcome.card";
import { Verbs } from "../../src/cards/verbs";
import { testPolicy } from "../support/policy-fixture";
import { validateCard, visibleText } from "./support/validate-card";

describe("welcomeCard", () => {
  const policy = testPolicy();
  const card = welcomeCard(policy);

  test("is a valid 1.5 card", () => validateCard(card));

  test("greets in the school's name and says who approves and who is told", () => {
    const words = visibleText(card);
    expect(words).toContain("Home visits at Test Primary School");
    expect(words).toContain("the headteacher approves it before you go");
    expect(words).toContain("I tell the office, the headteacher and the safeguarding team");
  });

  test('offers a "New visit" button that opens the form for its school', () => {
    expect(card.actions).toEqual([expect.objectContaining({ type: "Action.Execute", title: "New visit", verb: Verbs.openForm, data: { schoolId: "test-school" } })]);
  });

  test('says typing "new visit" works, and that "arrived", "safe" and "left" are check-ins', () => {
    const words = visibleText(card);
    for (const typed of ["new visit", "arrived", "safe", "left"]) expect(words).toContain(`**${typed}**`);
  });

  test("follows the school's approvers", () => {
    const other = testPolicy((p) => {
      p.authorisation.approverRoles = ["headteacher", "attendance-lead"];
      p.people[2]!.roles.push("attendance-lead");
    });
    expect(visibleText(welcomeCard(other))).toContain("the headteacher or the attendance lead approves it");
  });
});
