/**
 * Over real HTTP, the words people use in their 1:1 chat: "help" (what you can do, by role, except while out on a
 * visit, where it raises the alarm), "sos", words the bot does not understand while out, "All fine here", and "False
 * alarm" after a call for help (none after the code word).
 */
import { FALSE_ALARM_TITLE, SILENT_CAUTION } from "../../src/cards/alert-parts";
import { Verbs } from "../../src/cards/verbs";
import { visitReference } from "../../src/domain/visit";
import { useAzurite } from "../support/azurite";
import { button, buttonsOf, verbsOf } from "../support/card-inspect";
import { leaks, proactivePosts } from "../support/proactive-posts";
import { at, SafetyNetSchool, staffRecord, TEAM, visitForm } from "../support/safety-net-school";

const connectionString = useAzurite();

describe("Thorns Primary: help, sos and words the bot does not understand", () => {
  let school: SafetyNetSchool;
  let visitId: string;
  const [visitor, second, head, office] = ["Alex Rivers", "Sam Moss", "Jo Fenwick", "Lou Brennock"];
  const chat = (name: string) => school.person(name).conversationId;
  /** What came back into someone's chat since a mark: each card's words, or the text. */
  const said = (name: string, mark: number) => [...school.posts(chat(name), mark).map((p) => p.text), ...school.messages(chat(name), mark)];

  beforeAll(async () => {
    school = await SafetyNetSchool.open(connectionString(), "policies/thorns-primary.json", at("08:00"));
    await school.seedStaff(visitor, staffRecord("07700 900901", "EX31 JKL"));
    await school.seedStaff(second, staffRecord("07700 900902", "EX32 MNO"));
    await school.installPersonal(visitor, second, head, office);
    visitId = await school.request(visitor, visitForm(school.policy));
    await school.approve(head, visitId);
  });
  afterAll(() => school?.stop());

  it('answers "help" before the visit with what a home visitor can type, and raises nothing', async () => {
    school.setTime("09:00");
    const mark = school.mark();
    await school.person(visitor).say("help");
    const [reply, ...more] = said(visitor, mark);
    expect(more).toEqual([]);
    expect(reply).toMatch(/^What you can do here\nAs a home visitor\n/);
    for (const typed of ["new visit", "status", "arrived", "sos", "false alarm", "record"]) expect(reply).toContain(`**${typed}**`);
    expect((await school.visit(visitId)).alerts).toEqual([]);
    for (const name of [head, office]) expect(school.posts(chat(name), mark)).toEqual([]);
  });

  it('answers "help" by role: the head approves and oversees, the office watches the day', async () => {
    const mark = school.mark();
    await school.person(head).say("help");
    await school.person(office).say("help");
    expect(said(head, mark)).toEqual([expect.stringMatching(/As an approver\n- \*\*pending\*\*.*\nAs the headteacher\n- \*\*today\*\*/s)]);
    expect(said(office, mark)).toEqual([expect.stringMatching(/^What you can do here\nAs the office\n- \*\*today\*\*: today's visits, open alerts first\n/)]);
  });

  it('raises the alarm with "sos" even before anyone has left school', async () => {
    const sams = await school.request(second, visitForm(school.policy, { start: "13:00", end: "14:00" }));
    await school.approve(head, sams);
    const mark = school.mark();
    await school.person(second).say("SOS");
    expect((await school.visit(sams)).alerts).toEqual([expect.objectContaining({ id: "A1", kind: "help", raisedBy: expect.objectContaining({ id: school.id(second) }) })]);
    expect(said(second, mark)).toEqual([expect.stringMatching(/Help requested: the school has been alerted\./)]);
    for (const name of [head, office]) expect(school.posts(chat(name), mark).map((p) => p.text)).toEqual([expect.stringMatching(/^Help requested/)]);
  });

  it("tells a visitor out on a visit that words it does not understand are NOT recorded as a check-in, with the check-in buttons", async () => {
    school.setTime("09:45");
    await school.person(visitor).say("leaving");
    school.setTime("10:00");
    await school.person(visitor).say("arrived");
    const before = await school.visit(visitId);
    school.setTime("10:05");
    const mark = school.mark();
    await school.person(visitor).say("At the door now, the curtains are drawn");
    const [reply, ...more] = school.posts(chat(visitor), mark);
    expect(more).toEqual([]);
    expect(reply!.text).toMatch(/^I did not understand that, so it is NOT recorded as a check-in\./);
    expect(buttonsOf(reply!.card).map((b) => b.data?.step).filter(Boolean)).toEqual(expect.arrayContaining(["parent-present", "parent-absent", "safe", "left"]));
    expect((await school.visit(visitId)).version).toBe(before.version);
  });

  it('takes "All fine here" while out as the periodic "I\'m safe" check-in', async () => {
    school.setTime("10:06");
    const mark = school.mark();
    await school.person(visitor).say("All fine here.");
    expect(said(visitor, mark)).toEqual([expect.stringContaining("Safe at 10:06: recorded.")]);
    expect((await school.visit(visitId)).lastCheckIn).toMatchObject({ step: "safe", at: at("10:06").toISOString() });
  });

  it('raises the alarm when the visitor types "help" while out on the visit, as it always did there', async () => {
    school.setTime("10:08");
    const mark = school.mark();
    await school.person(visitor).say("help");
    const { alerts } = await school.visit(visitId);
    expect(alerts).toEqual([expect.objectContaining({ id: "A1", kind: "help" })]);
    expect(alerts[0]!.silent).toBeUndefined();
    const [reply] = school.posts(chat(visitor), mark);
    expect(reply!.text).toMatch(/Help requested: the school has been alerted\./);
    expect(button(reply!.card, /False alarm/).data).toEqual({ visitId, alertId: "A1" });
    for (const name of [head, office]) expect(school.posts(chat(name), mark).map((p) => p.text)).toEqual([expect.stringMatching(/^Help requested/)]);
  });
});

describe("St Mary of the Angels: a false alarm after a call for help (help goes to the office, the head and the channel)", () => {
  let school: SafetyNetSchool;
  let visitId: string;
  const [visitor, head, dsl, deputy, office] = ["Alex Rivers", "Jo Fenwick", "Priya Lane", "Femi Adebanjo", "Hal Pryderi"];
  const chat = (name: string) => school.person(name).conversationId;
  let afterHelp: number;
  /** The visitor's card as the "I need help" tap answered it. */
  let helpReply: Record<string, unknown>;

  beforeAll(async () => {
    school = await SafetyNetSchool.open(connectionString(), "policies/st-mary-of-the-angels.json", at("08:00"));
    await school.seedStaff(visitor, staffRecord("07700 900911", "EX33 PQR"));
    await school.installPersonal(visitor, head, dsl, office);
    visitId = await school.request(visitor, visitForm(school.policy));
    await school.approve(dsl, visitId);
    school.setTime("10:00");
    await school.person(visitor).say("arrived");
    school.setTime("10:05");
    helpReply = (await school.person(visitor).tap(Verbs.help, { visitId })).card;
    afterHelp = school.mark();
  });
  afterAll(() => school?.stop());

  it('offers "False alarm: I\'m safe" on the visitor\'s card, and records it on the alert, which stays open for its owner', async () => {
    const tapped = button(helpReply, /False alarm/);
    expect(tapped.title).toBe(FALSE_ALARM_TITLE);
    school.setTime("10:07");
    const { card: reply } = await school.person(visitor).tap(tapped.verb!, tapped.data!);
    expect(JSON.stringify(reply)).toContain("Everyone who was alerted is being told it was a false alarm.");
    expect(verbsOf(reply)).not.toContain(Verbs.falseAlarm);
    const [alert] = (await school.visit(visitId)).alerts;
    expect(alert).toMatchObject({ id: "A1", kind: "help", falseAlarm: { by: { id: school.id(visitor) }, at: at("10:07").toISOString() } });
    expect(alert!.resolved).toBeUndefined();
    expect((await school.app.store.events(visitId)).at(-1)).toMatchObject({ type: "alert.falseAlarmReported", alertId: "A1" });
  });

  it("updates every alert card in place to say so, mentioning nobody again", () => {
    const line = "Alex Rivers said at 10:07 that it was a false alarm.";
    for (const conversation of [TEAM.safeguarding, chat(office), chat(head)]) {
      const updates = school.updates(conversation, afterHelp);
      expect({ conversation, updates: updates.length }).toEqual({ conversation, updates: 1 });
      expect(updates[0]!.text).toContain(line);
      expect(updates[0]!.card.msteams).toBeUndefined();
    }
  });

  it("gives everyone alerted a short notice, the channel's @mentioning the people the alert was for", () => {
    const ref = visitReference(visitId);
    const notice = `False alarm on visit ${ref}: the visitor says they are safe. The call for help stays open until whoever deals with it has spoken to them and closes it.`;
    for (const name of [office, head]) expect(school.messages(chat(name), afterHelp)).toEqual([notice]);
    const posted = school.connector.calls.slice(afterHelp).filter((c) => c.method === "POST" && c.conversationId === TEAM.safeguarding);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.body).toMatchObject({ summary: `False alarm reported on visit ${ref}`, text: expect.stringMatching(/^For <at>Hal Pryderi<\/at>, <at>Jo Fenwick<\/at>, <at>Priya Lane<\/at> and <at>Femi Adebanjo<\/at>: False alarm on visit/) });
    const mentioned = (posted[0]!.body.entities as { mentioned: { id: string } }[]).map((e) => e.mentioned.id);
    expect(mentioned.sort()).toEqual([head, dsl, deputy, office].map((name) => school.person(name).teamsUserId).sort());
    expect(school.messages(chat(visitor), afterHelp)).toEqual([]);
  });

  it('refuses a second "false alarm", saying it is already known', async () => {
    const mark = school.mark();
    await school.person(visitor).say("false alarm");
    expect(school.posts(chat(visitor), mark).map((p) => p.text)).toEqual([expect.stringMatching(/^Alex Rivers already said this was a false alarm/)]);
    expect(school.callsSince(mark).filter((c) => !c.includes(chat(visitor)))).toEqual([]);
  });

  it("gives every proactive message of the scenario a summary of what happened, and no pupil, address or name outside a mention", () => {
    const posts = proactivePosts(school.connector.calls);
    expect(posts.map((call) => call.body.summary)).toEqual(posts.map(() => expect.stringMatching(new RegExp(visitReference(visitId)))));
    expect(leaks(posts, ["K.T.", "Larch Close", ...school.policy.people.map((p) => p.displayName)])).toEqual([]);
  });

  it("leaves the alert to its owner, who closes it after making contact", async () => {
    school.setTime("10:12");
    const { card } = await school.person(office).tap(Verbs.resolveAlert, { visitId, alertId: "A1", resolveNote: "Fictional: rang Alex, who pressed it by mistake." });
    expect(JSON.stringify(card)).toContain("Resolved.");
    expect((await school.visit(visitId)).alerts[0]).toMatchObject({ resolved: { how: "contacted-safe" }, falseAlarm: { by: { id: school.id(visitor) } } });
  });
});

describe("Thorns Primary: nothing of the kind after the code word", () => {
  let school: SafetyNetSchool;
  let visitId: string;
  const [visitor, head, office] = ["Alex Rivers", "Jo Fenwick", "Lou Brennock"];

  beforeAll(async () => {
    school = await SafetyNetSchool.open(connectionString(), "policies/thorns-primary.json", at("08:00"));
    await school.seedStaff(visitor, staffRecord("07700 900921", "EX34 STU"));
    await school.installPersonal(visitor, head, office);
    visitId = await school.request(visitor, visitForm(school.policy));
    await school.approve(head, visitId);
    school.setTime("10:00");
    await school.person(visitor).say(`Arrived, ${school.policy.codeWord!.word}`);
  });
  afterAll(() => school?.stop());

  it('offers no "False alarm" button, and "false alarm" typed is answered as if there were no alarm, changing nothing', async () => {
    expect((await school.visit(visitId)).alerts).toEqual([expect.objectContaining({ id: "A1", silent: true })]);
    expect(school.person(visitor).cards().flatMap(verbsOf)).not.toContain(Verbs.falseAlarm);
    school.setTime("10:05");
    const before = await school.visit(visitId);
    const mark = school.mark();
    await school.person(visitor).say("false alarm");
    const [reply, ...more] = school.posts(school.person(visitor).conversationId, mark);
    expect(more).toEqual([]);
    expect(reply!.text).toContain("You have no call for help open, so there is nothing to call off.");
    expect(reply!.text).not.toMatch(/silent|help requested/i);
    expect(await school.visit(visitId)).toEqual(before);
    expect(school.callsSince(mark)).toEqual([expect.stringContaining(school.person(visitor).conversationId)]);
    const toOffice = school.posts(school.person(office).conversationId).filter((p) => p.text.startsWith("Help requested"));
    expect(toOffice.map((p) => p.text)).toEqual([expect.stringContaining(SILENT_CAUTION)]);
  });
});
