/**
 * Responders over real HTTP: the office closing a missed check-in before the ladder reaches the head (R20), and
 * "I need help", by button and by text, alerting the office, the head and the safeguarding channel at once (R18).
 */
import { visitReference as referenceOf } from "../../src/domain/visit";
import { Verbs } from "../../src/cards/verbs";
import { useAzurite } from "../support/azurite";
import { button, verbsOf } from "../support/card-inspect";
import { at, SafetyNetSchool, staffRecord, TEAM, visitForm } from "../support/safety-net-school";

const connectionString = useAzurite();

describe("Thorns Primary: the office's \"Contacted – safe\" stops the ladder before it reaches the head", () => {
  let school: SafetyNetSchool;
  let visitId: string;
  const [visitor, head, office, dsl] = ["Alex Rivers", "Jo Fenwick", "Lou Brennock", "Priya Lane"];
  const chat = (name: string) => school.person(name).conversationId;

  beforeAll(async () => {
    school = await SafetyNetSchool.open(connectionString(), "policies/thorns-primary.json", at("08:00"));
    await school.seedStaff(visitor, staffRecord("07700 900301", "EX24 KLM"));
    await school.installPersonal(visitor, head, office, dsl);
    await school.installTeam(head, dsl, office, visitor);
    visitId = await school.request(visitor, visitForm(school.policy));
    await school.approve(head, visitId);
    for (const [time, said] of [["09:45", "leaving"], ["10:00", "arrived"], ["10:02", "parent present"]] as const) {
      school.setTime(time);
      await school.person(visitor).say(said);
    }
    school.setTime("11:10");
    await school.app.sweepOnce();
  });
  afterAll(() => school?.stop());

  it("has alerted the visitor and the office at 11:10", async () => {
    expect(school.posts(chat(visitor)).filter((p) => p.text.startsWith("Are you safe?"))).toHaveLength(1);
    expect(school.posts(chat(office)).filter((p) => p.text.startsWith("Missed check-in"))).toHaveLength(1);
    expect((await school.visit(visitId)).alerts).toEqual([expect.objectContaining({ id: "A1", kind: "overdue", stepsSent: [0] })]);
  });

  it("refuses to close the alert without a note, and changes nothing", async () => {
    school.setTime("11:12");
    const before = await school.app.store.events(visitId);
    const mark = school.mark();
    const { card } = await school.person(office).tap(Verbs.resolveAlert, { visitId, alertId: "A1", resolveNote: "  " });
    expect(JSON.stringify(card)).toContain("Add a short note: who you spoke to and what was done.");
    expect(verbsOf(card)).toEqual([Verbs.acknowledgeAlert, Verbs.resolveAlert]);
    expect(await school.app.store.events(visitId)).toEqual(before);
    expect(school.callsSince(mark)).toEqual([]);
  });

  it("closes it with the note, updates the visitor's and the office's cards in place, and the head is never alerted", async () => {
    const mark = school.mark();
    const note = "Spoke to Alex at 11:12: safe, the parent arrived late.";
    const { card } = await school.person(office).tap(Verbs.resolveAlert, { visitId, alertId: "A1", resolveNote: note });
    expect(JSON.stringify(card)).toContain("Resolved. Everyone who saw this alert can see it is resolved.");

    const events = (await school.app.store.events(visitId)).slice(-2);
    expect(events.map((e) => [e.type, e.actor.id])).toEqual([
      ["alert.acknowledged", school.id(office)],
      ["alert.resolved", school.id(office)],
    ]);
    expect((await school.visit(visitId)).alerts[0]!.resolved).toMatchObject({ how: "contacted-safe", note, at: at("11:12").toISOString() });

    const posted = (name: string) => school.posts(chat(name)).filter((p) => /^(Are you safe|Missed check-in)/.test(p.text));
    for (const name of [visitor, office]) {
      expect(school.updates(chat(name), mark).map((u) => u.activityId)).toEqual(posted(name).map((p) => p.activityId));
    }
    expect(school.updates(chat(visitor), mark)[0]!.text).toContain("Lou Brennock confirmed you are safe at 11:12.");
    expect(school.updates(chat(office), mark)[0]!.text).toContain(note);
    expect(school.callsSince(mark)).toHaveLength(2);

    for (const time of ["11:20", "11:30", "12:00"]) {
      school.setTime(time);
      const since = school.mark();
      await school.app.sweepOnce();
      expect(school.callsSince(since)).toEqual([]);
    }
    expect(school.posts(chat(head)).filter((p) => p.text.startsWith("Missed check-in"))).toEqual([]);
    expect((await school.visit(visitId)).alerts[0]!.stepsSent).toEqual([0]);
  });
});

describe("St Mary of the Angels: \"I need help\" reaches the office, the head and the safeguarding channel at once", () => {
  let school: SafetyNetSchool;
  const [alex, ciara, head, dsl, office] = ["Alex Rivers", "Ciara Doolan", "Jo Fenwick", "Priya Lane", "Hal Pryderi"];
  const records = { [alex]: { mobile: "07700 900401", registration: "EX25 NPR" }, [ciara]: { mobile: "07700 900402", registration: "EX26 STV" } };
  const chat = (name: string) => school.person(name).conversationId;
  const visits: Record<string, string> = {};

  beforeAll(async () => {
    school = await SafetyNetSchool.open(connectionString(), "policies/st-mary-of-the-angels.json", at("08:00"));
    for (const name of [alex, ciara]) await school.seedStaff(name, staffRecord(records[name]!.mobile, records[name]!.registration));
    await school.installPersonal(alex, ciara, head, dsl, office);
    await school.installTeam(head, dsl, office, alex, ciara);
    visits[alex] = await school.request(alex, visitForm(school.policy));
    visits[ciara] = await school.request(ciara, visitForm(school.policy, { pupilReference: "M.B. Y2", address: "3 Rowan Court, Exampleton EX4 7LP", start: "10:30", end: "11:30" }));
    for (const id of Object.values(visits)) await school.approve(dsl, id);
  });
  afterAll(() => school?.stop());

  it("is the profile's help list: the office, the head and the safeguarding channel", () => {
    expect(school.policy.help.alert).toEqual(["office", "headteacher", "dsl-channel"]);
  });

  /** What every responder and the channel got since `mark` about `name`'s visit. */
  function expectAlerted(mark: number, name: string, address: string, pupil: string) {
    const { mobile, registration } = records[name]!;
    const ref = referenceOf(visits[name]!);
    for (const responder of [office, head]) {
      const [alert, ...more] = school.posts(chat(responder), mark);
      expect(more).toEqual([]);
      expect(alert!.text).toMatch(/^Help requested/);
      for (const detail of [ref, address, mobile, `Skoda Fabia, Silver, ${registration}`, school.policy.help.policeGuidance]) expect(alert!.text).toContain(detail);
      expect(alert!.text).toContain(`Raised by\n${name}`);
      expect(verbsOf(alert!.card)).toEqual([Verbs.acknowledgeAlert, Verbs.resolveAlert]);
    }
    const [post, ...more] = school.posts(TEAM.safeguarding, mark);
    expect(more).toEqual([]);
    expect(post!.text).toMatch(/^Help requested/);
    expect(post!.text).toContain(ref);
    expect(post!.text).toContain(`Raised by\n${name}`);
    for (const secret of [address, mobile, registration, pupil, "Pupil"]) expect(post!.text).not.toContain(secret);
    expect(school.posts(chat(dsl), mark)).toEqual([]);
  }

  it("by the button: the visitor's card says help was requested, and everyone is alerted before any sweep", async () => {
    school.setTime("10:00");
    await school.person(alex).say("arrived");
    const helpButton = button(school.posts(chat(alex)).at(-1)!.card, /I need help/);
    expect(helpButton).toMatchObject({ verb: Verbs.help, data: { visitId: visits[alex] } });

    school.setTime("10:05");
    const mark = school.mark();
    const { status, card } = await school.person(alex).tap(Verbs.help, helpButton.data!);
    expect(status).toBe(200);
    expect(JSON.stringify(card)).toContain(`Help requested: the school has been alerted. ${school.policy.help.policeGuidance}`);

    const { alerts } = await school.visit(visits[alex]!);
    expect(alerts).toEqual([expect.objectContaining({ id: "A1", kind: "help", raisedBy: { id: school.id(alex), name: alex }, raisedAt: at("10:05").toISOString() })]);
    expect(alerts[0]!.silent).toBeUndefined();
    const escalated = (await school.app.store.events(visits[alex]!)).filter((e) => e.type === "alert.escalated");
    expect(escalated).toEqual([expect.objectContaining({ alertId: "A1", step: 0, targets: ["office", "headteacher", "dsl-channel"] })]);

    expectAlerted(mark, alex, "14 Larch Close, Exampleton EX4 2QT", "K.T. Y5");
    expect(school.posts(chat(alex), mark)).toEqual([]);
    expect(school.callsSince(mark)).toHaveLength(3);
  });

  it("by text: \"I need help\" raises it on the visitor's visit today, before she has set off, and the reply says so", async () => {
    school.setTime("10:20");
    const mark = school.mark();
    await school.person(ciara).say("I need help");
    const [reply, ...more] = school.posts(chat(ciara), mark);
    expect(more).toEqual([]);
    expect(reply!.text).toContain("Help requested: the school has been alerted.");

    expect((await school.visit(visits[ciara]!)).alerts).toEqual([expect.objectContaining({ id: "A1", kind: "help", raisedBy: { id: school.id(ciara), name: ciara } })]);
    expectAlerted(mark, ciara, "3 Rowan Court, Exampleton EX4 7LP", "M.B. Y2");
    expect(school.callsSince(mark)).toHaveLength(4);
  });

  it("sends nothing again when the sweeper runs afterwards", async () => {
    const mark = school.mark();
    await school.app.sweepOnce();
    school.setTime("10:21");
    await school.app.sweepOnce();
    expect(school.callsSince(mark)).toEqual([]);
  });
});
