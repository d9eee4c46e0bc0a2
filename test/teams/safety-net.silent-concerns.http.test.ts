/**
 * Over real HTTP: the school's code word raising a silent alarm while the visitor's chat stays exactly as it would
 * have been (R17); a child found alone and a safeguarding concern going to the DSL channel at once, with the detail
 * only in the DSL's own view (R19, R23); and, until the school chooses its alert channel, such alerts going 1:1 to the
 * DSL and deputies.
 */
import { visitReference as referenceOf } from "../../src/domain/visit";
import { SILENT_CAUTION } from "../../src/cards/alert-parts";
import { Verbs } from "../../src/cards/verbs";
import { useAzurite } from "../support/azurite";
import { verbsOf } from "../support/card-inspect";
import { at, SAFEGUARDING_CHANNEL, SafetyNetSchool, staffRecord, TEAM, visitForm } from "../support/safety-net-school";

const connectionString = useAzurite();

describe("Thorns Primary's code word: a silent alarm, and the visitor's chat exactly as it would have been", () => {
  const [visitor, head, office, dsl] = ["Alex Rivers", "Jo Fenwick", "Lou Brennock", "Priya Lane"];
  /** The same visit, twice: `plain` checks in with "arrived", `coded` with the code word in the message. */
  let plain: { school: SafetyNetSchool; visitId: string };
  let coded: { school: SafetyNetSchool; visitId: string };
  let word: string;

  async function visitAt(school: SafetyNetSchool) {
    await school.seedStaff(visitor, staffRecord("07700 900501", "EX27 WXY"));
    await school.installPersonal(visitor, head, office, dsl);
    await school.installTeam(head, dsl, office, visitor);
    const visitId = await school.request(visitor, visitForm(school.policy));
    await school.approve(head, visitId);
    school.setTime("09:45");
    await school.person(visitor).say("leaving");
    return { school, visitId };
  }

  /** Everything sent into the visitor's chat (posts and updates), as they see it, with the visit's ids made neutral. */
  function visitorChat({ school, visitId }: { school: SafetyNetSchool; visitId: string }): string[] {
    const conversationId = school.person(visitor).conversationId;
    return school.connector.calls
      .filter((c) => c.conversationId === conversationId && c.path.includes("/activities"))
      .map((c) => JSON.stringify({ method: c.method, text: c.body.text, attachments: c.body.attachments }))
      .map((s) => s.split(visitId).join("<visit id>").split(referenceOf(visitId)).join("<reference>"));
  }

  beforeAll(async () => {
    [plain, coded] = await Promise.all([
      SafetyNetSchool.open(connectionString(), "policies/thorns-primary.json", at("08:00")).then(visitAt),
      SafetyNetSchool.open(connectionString(), "policies/thorns-primary.json", at("08:00")).then(visitAt),
    ]);
    word = coded.school.policy.codeWord!.word;
  });
  afterAll(async () => {
    await plain?.school.stop();
    await coded?.school.stop();
  });

  it("gives \"arrived\" and \"Arrived, <code word>!\" the same reply, but the second raises a silent help alert", async () => {
    for (const { school } of [plain, coded]) school.setTime("10:00");
    const marks = [plain.school.mark(), coded.school.mark()];
    await plain.school.person(visitor).say("arrived");
    await coded.school.person(visitor).say(`Arrived, ${word.charAt(0).toUpperCase()}${word.slice(1).toLowerCase()}!`);

    const replies = [plain, coded].map((s, i) => s.school.posts(s.school.person(visitor).conversationId, marks[i]));
    expect(replies.map((r) => r.length)).toEqual([1, 1]);
    expect(replies[0]![0]!.text).toContain("Arrived at 10:00: recorded.");
    expect(visitorChat(coded)).toEqual(visitorChat(plain));

    expect((await plain.school.visit(plain.visitId)).alerts).toEqual([]);
    const { alerts } = await coded.school.visit(coded.visitId);
    expect(alerts).toEqual([expect.objectContaining({ id: "A1", kind: "help", silent: true, raisedBy: { id: coded.school.id(visitor), name: visitor } })]);
    expect((await coded.school.visit(coded.visitId)).status).toBe("arrived");
  });

  it("alerts the people on the school's help list at once, each told it was raised silently", async () => {
    // This school's help list names the office and the head; its safeguarding channel is not on it.
    expect(coded.school.policy.help.alert).toEqual(["office", "headteacher"]);
    for (const name of [office, head]) {
      const alert = coded.school.posts(coded.school.person(name).conversationId).filter((p) => p.text.startsWith("Help requested"));
      expect(alert).toHaveLength(1);
      expect(alert[0]!.text).toContain(SILENT_CAUTION);
      expect(alert[0]!.text).toContain("14 Larch Close");
      expect(alert[0]!.text).toContain("07700 900501");
      expect(plain.school.posts(plain.school.person(name).conversationId).filter((p) => p.text.startsWith("Help requested"))).toEqual([]);
    }
    expect(coded.school.posts(TEAM.safeguarding)).toEqual([]);
    expect(coded.school.posts(coded.school.person(dsl).conversationId).filter((p) => p.text.startsWith("Help requested"))).toEqual([]);
  });

  it("keeps the visitor's chat identical later too, while the office deals with the alarm, and never says the word", async () => {
    coded.school.setTime("10:03");
    const mark = coded.school.mark();
    const { card } = await coded.school.person(office).tap(Verbs.resolveAlert, { visitId: coded.visitId, alertId: "A1", resolveNote: "Called the office line as agreed; Alex is fine." });
    expect(JSON.stringify(card)).toContain("Resolved.");
    expect(coded.school.callsSince(mark).every((call) => !call.includes(coded.school.person(visitor).conversationId))).toBe(true);
    expect(coded.school.updates(coded.school.person(office).conversationId, mark)).toHaveLength(1);
    expect(coded.school.updates(coded.school.person(head).conversationId, mark)).toHaveLength(1);

    for (const [time, said] of [["10:05", "parent present"], ["10:20", "false alarm"], ["10:40", "status"], ["10:50", "left"]] as const) {
      for (const { school } of [plain, coded]) {
        school.setTime(time);
        await school.person(visitor).say(said);
      }
    }
    for (const time of ["11:00", "12:30", "16:00"]) {
      for (const { school } of [plain, coded]) {
        school.setTime(time);
        await school.app.sweepOnce();
      }
    }
    expect(visitorChat(coded)).toEqual(visitorChat(plain));
    const chat = visitorChat(coded).join("\n");
    // The welcome card lists "sos" and "false alarm" for every visitor; nothing names this alarm.
    expect(chat).not.toMatch(/help requested|silent|code word/i);
    expect(chat.toLowerCase()).not.toContain(word.toLowerCase());
    // "false alarm" typed under duress neither showed the silent alarm nor touched it.
    expect((await coded.school.visit(coded.visitId)).alerts[0]!.falseAlarm).toBeUndefined();
  });

  it("never sends or logs the code word itself", () => {
    const sent = JSON.stringify(coded.school.connector.calls.map((c) => c.body)).toLowerCase();
    expect(sent).not.toContain(word.toLowerCase());
    expect(JSON.stringify(coded.school.log.lines).toLowerCase()).not.toContain(word.toLowerCase());
  });
});

describe("St Mary of the Angels: a child found alone and a safeguarding concern go to the DSL channel at once", () => {
  let school: SafetyNetSchool;
  let visitId: string;
  const [visitor, head, dsl, office] = ["Alex Rivers", "Jo Fenwick", "Priya Lane", "Hal Pryderi"];
  const note = "The pupil said an older cousin shouts at him when his mum is at work.";
  const chat = (name: string) => school.person(name).conversationId;

  beforeAll(async () => {
    school = await SafetyNetSchool.open(connectionString(), "policies/st-mary-of-the-angels.json", at("08:00"));
    await school.seedStaff(visitor, staffRecord("07700 900601", "EX28 ZAB"));
    await school.installPersonal(visitor, head, dsl, office);
    await school.installTeam(head, dsl, office, visitor);
    visitId = await school.request(visitor, visitForm(school.policy));
    await school.approve(dsl, visitId);
    school.setTime("10:00");
    await school.person(visitor).say("arrived");
  });
  afterAll(() => school?.stop());

  /** The channel's base card, seen by everyone in it: who raised what, when, and nothing more (no pupil, not even initials). */
  function expectMinimum(text: string, heading: string, time: string) {
    expect(text).toMatch(new RegExp(`^${heading}`));
    for (const shown of [referenceOf(visitId), `Raised by\n${visitor}`, `Raised at\n${time}`]) expect(text).toContain(shown);
    for (const hidden of [note, "Pupil", "K.T.", "Y5", "Larch Close", "07700 900601", "EX28 ZAB"]) expect(text).not.toContain(hidden);
  }

  it("posts a child found alone to the channel at once, and to nobody's 1:1 chat", async () => {
    school.setTime("10:10");
    const mark = school.mark();
    const { card } = await school.person(visitor).tap(Verbs.concern, { visitId, kind: "child-alone" });
    expect(JSON.stringify(card)).toContain("Sent to the Designated Safeguarding Lead. They will follow it up.");
    const [post, ...more] = school.posts(TEAM.safeguarding, mark);
    expect(more).toEqual([]);
    expectMinimum(post!.text, "Child found alone", "10:10");
    for (const name of [head, dsl, office, visitor]) expect(school.posts(chat(name), mark)).toEqual([]);
    expect((await school.visit(visitId)).alerts).toEqual([expect.objectContaining({ id: "A1", kind: "child-alone" })]);
  });

  it("refuses a safeguarding concern without a note", async () => {
    const mark = school.mark();
    const { card } = await school.person(visitor).tap(Verbs.concern, { visitId, kind: "concern", concernNote: " " });
    expect(JSON.stringify(card)).toContain("Say briefly what the concern is.");
    expect(school.callsSince(mark)).toEqual([]);
    expect((await school.visit(visitId)).alerts).toHaveLength(1);
  });

  it("posts a safeguarding concern to the channel at once, its note left off the card everyone sees", async () => {
    school.setTime("10:12");
    const mark = school.mark();
    const { card } = await school.person(visitor).tap(Verbs.concern, { visitId, kind: "concern", concernNote: note });
    expect(JSON.stringify(card)).toContain("Sent to the Designated Safeguarding Lead.");
    const [post, ...more] = school.posts(TEAM.safeguarding, mark);
    expect(more).toEqual([]);
    expectMinimum(post!.text, "Safeguarding concern", "10:12");
    expect(verbsOf(post!.card)).toEqual([]);
    // Only the DSL and the deputy DSL refresh into their own view.
    expect((post!.card.refresh as { userIds: string[] }).userIds).toEqual([school.person(dsl).teamsUserId, school.person("Femi Adebanjo").teamsUserId]);
    for (const name of [head, dsl, office]) expect(school.posts(chat(name), mark)).toEqual([]);
    expect((await school.visit(visitId)).alerts[1]).toMatchObject({ id: "A2", kind: "concern", note, raisedBy: { id: school.id(visitor) } });
  });

  it("shows the note, the address and the police guidance to the DSL who refreshes the channel's card", async () => {
    const { card } = await school.person(dsl).tapInChannel(SAFEGUARDING_CHANNEL, Verbs.refreshAlert, { visitId, alertId: "A2" });
    const words = JSON.stringify(card);
    for (const shown of [note, "K.T. Y5", "14 Larch Close, Exampleton EX4 2QT", school.policy.help.policeGuidance]) expect(words).toContain(shown);
    expect(verbsOf(card)).toEqual([Verbs.acknowledgeAlert, Verbs.resolveAlert]);
  });

  it("shows the office and the head, who refresh it, the minimum only: a concern is for the DSL and deputies", async () => {
    for (const name of [office, head]) {
      const { card } = await school.person(name).tapInChannel(SAFEGUARDING_CHANNEL, Verbs.refreshAlert, { visitId, alertId: "A2" });
      const words = JSON.stringify(card);
      expect(words).toContain(referenceOf(visitId));
      for (const hidden of [note, "Larch Close", "07700 900601"]) expect(words).not.toContain(hidden);
      expect(verbsOf(card)).toEqual([]);
    }
  });
});

describe("a safeguarding concern before the school has chosen its alert channel", () => {
  let school: SafetyNetSchool;
  let visitId: string;
  let reply: string;
  const [visitor, head, dsl, deputy, office] = ["Alex Rivers", "Jo Fenwick", "Priya Lane", "Femi Adebanjo", "Hal Pryderi"];
  const note = "Front door left open, no adult answered; a toddler was heard crying inside.";

  beforeAll(async () => {
    school = await SafetyNetSchool.open(connectionString(), "policies/st-mary-of-the-angels.json", at("08:00"), { chooseAlertChannel: false });
    await school.seedStaff(visitor, staffRecord("07700 900701", "EX29 CDE"));
    await school.installPersonal(visitor, head, dsl, office);
    visitId = await school.request(visitor, visitForm(school.policy));
    await school.approve(dsl, visitId);
    school.setTime("10:00");
    await school.person(visitor).say("arrived");
    school.setTime("10:10");
    reply = JSON.stringify((await school.person(visitor).tap(Verbs.concern, { visitId, kind: "concern", concernNote: note })).card);
  });
  afterAll(() => school?.stop());

  const chat = (name: string) => school.person(name).conversationId;
  const channelCalls = () => school.posts(TEAM.safeguarding);

  it("goes 1:1 to the DSL and the deputy DSL at once, never to a channel the school did not choose", async () => {
    expect(channelCalls()).toEqual([]);
    expect(school.posts(chat(dsl)).filter((p) => /Safeguarding concern/.test(p.text)).map((p) => p.text)).toEqual([expect.stringMatching(/^Safeguarding concern/)]);
    // The deputy never opened the app: a 1:1 chat is made for them from the staff team's roster.
    const created = school.connector.calls.find((c) => c.path === "/v3/conversations");
    expect(created?.body).toMatchObject({ members: [{ id: school.person(deputy).teamsUserId }] });
    const deputyChat = String((created?.answer?.body as { id: string }).id);
    expect(school.posts(deputyChat).map((p) => p.text)).toEqual([expect.stringMatching(/^Safeguarding concern/)]);
    expect(school.posts(chat(dsl)).at(-1)!.text).toContain(note);
    for (const name of [head, office]) expect(school.posts(chat(name)).filter((p) => /Safeguarding concern/.test(p.text))).toEqual([]);
    expect(await school.outbox.pending(visitId)).toEqual([]);
    expect(reply).toMatch(/Sent to the Designated Safeguarding Lead/);
  });

  it("says plainly in the school's settings that no alert channel is set", async () => {
    const { card } = await school.person(head).tap(Verbs.schoolSettings, { schoolId: school.schoolId });
    expect(JSON.stringify(card)).toContain("no channel chosen: they go 1:1 to the DSL and deputies");
  });

  it("posts to the channel once the DSL chooses it, and only there", async () => {
    const chosen = await school.person(dsl).tap(Verbs.saveAlertChannel, { schoolId: school.schoolId, channelId: TEAM.safeguarding });
    expect(JSON.stringify(chosen.card)).toContain('Safeguarding alerts now go to \\"Safeguarding\\"');
    school.setTime("10:20");
    const mark = school.mark();
    await school.person(visitor).tap(Verbs.concern, { visitId, kind: "child-alone", concernNote: "Fictional: a child alone at the window." });
    const [post, ...more] = school.posts(TEAM.safeguarding, mark);
    expect(more).toEqual([]);
    expect(post!.text).toMatch(/^Child found alone/);
    expect(post!.text).toContain(referenceOf(visitId));
    expect(school.posts(chat(dsl), mark)).toEqual([]);
  });
});
