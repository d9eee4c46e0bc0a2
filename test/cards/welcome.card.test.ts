import { welcomeCard } from "../../src/cards/welcome.card";
import { Verbs } from "../../src/cards/verbs";
import { people, testPolicy } from "../support/policy-fixture";
import { validateCard, visibleText } from "./support/validate-card";

describe("welcomeCard", () => {
  const policy = testPolicy();
  const card = welcomeCard(policy, people.visitor.aadObjectId);

  test("is a valid 1.5 card", () => validateCard(card));

  test("greets in the school's name and says who approves and who is told", () => {
    const words = visibleText(card);
    expect(words).toContain("Home visits at Test Primary School");
    expect(words).toContain("the headteacher approves it before you go");
    expect(words).toContain("I tell the office, the headteacher and the safeguarding team");
  });

  test('offers a visitor a "New visit" button that opens the form for its school', () => {
    expect(card.actions).toEqual([expect.objectContaining({ type: "Action.Execute", title: "New visit", verb: Verbs.openForm, data: { schoolId: "test-school" } })]);
  });

  test("shows a visitor their commands: new visit, status, the check-ins, sos, false alarm, record", () => {
    const words = visibleText(card);
    for (const typed of ["new visit", "status", "arrived", "safe", "left", "sos", "false alarm", "record", "help"]) expect(words).toContain(`**${typed}**`);
    expect(words).not.toContain("**pending**");
  });

  test("shows the head the commands of approving and oversight, and no New visit button: the head does not visit here", () => {
    const head = welcomeCard(policy, people.head.aadObjectId);
    const words = visibleText(head);
    for (const typed of ["pending", "today", "review", "records", "settings"]) expect(words).toContain(`**${typed}**`);
    expect(words).not.toContain("**new visit**");
    expect(head.actions).toBeUndefined();
  });

  test("follows the school's approvers", () => {
    const other = testPolicy((p) => {
      p.authorisation.approverRoles = ["headteacher", "attendance-lead"];
      p.people[2]!.roles.push("attendance-lead");
    });
    expect(visibleText(welcomeCard(other, people.visitor.aadObjectId))).toContain("the headteacher or the attendance lead approves it");
  });
});
