/**
 * The escalation ladder (R20) over real HTTP, for two seed schools with different ladders: Thorns Primary (the
 * office is alerted 10 minutes after the expected return, the head 10 minutes later) and Hunsbury Park (the
 * visitor, then the office, then the head and the safeguarding channel). The clock is moved by hand and each
 * sweep is run by the test; the fake Bot Connector records every card sent and every card updated in place.
 */
import { visitReference } from "../../src/domain/visit";
import { Verbs } from "../../src/cards/verbs";
import { useAzurite } from "../support/azurite";
import { button, verbsOf } from "../support/card-inspect";
import { at, type Sent, SAFEGUARDING_CHANNEL, SafetyNetSchool, staffRecord, TEAM, visitForm } from "../support/safety-net-school";

const connectionString = useAzurite();

/** What a responder needs to find the visitor: the itinerary, and each visitor's mobile and vehicle. */
function expectFullAlert(sent: Sent, ref: string, staff: { mobile: string; registration: string }[]) {
  expect(sent.text).toContain(ref);
  expect(sent.text).toContain("K.T. Y5");
  expect(sent.text).toContain("14 Larch Close, Exampleton EX4 2QT");
  expect(sent.text).toContain("Tue 24 Nov 2026, 10:00 to 11:00");
  for (const { mobile, registration } of staff) {
    expect(sent.text).toContain(mobile);
    expect(sent.text).toContain(`Skoda Fabia, Silver, ${registration}`);
  }
}

describe("Thorns Primary: the office 10 minutes after the expected end, then the head", () => {
  let school: SafetyNetSchool;
  let visitId: string;
  let ref: string;
  const [visitor, second, head, office, dsl, admin] = ["Alex Rivers", "Ifeoma Garside", "Jo Fenwick", "Lou Brennock", "Priya Lane", "Ash Penrose"];
  const alex = { mobile: "07700 900101", registration: "EX21 ABC" };
  const ifeoma = { mobile: "07700 900102", registration: "EX22 DEF" };
  const chat = (name: string) => school.person(name).conversationId;

  beforeAll(async () => {
    school = await SafetyNetSchool.open(connectionString(), "policies/thorns-primary.json", at("08:00"));
    await school.seedStaff(visitor, staffRecord(alex.mobile, alex.registration));
    await school.seedStaff(second, staffRecord(ifeoma.mobile, ifeoma.registration));
    await school.installPersonal(visitor, second, head, office, dsl);
    await school.installTeam(head, dsl, office, visitor, second);
    visitId = await school.request(visitor, visitForm(school.policy, { staffing: "pair", secondStaffId: school.id(second) }));
    ref = visitReference(visitId);
    await school.approve(head, visitId);
    school.setTime("09:45");
    await school.person(visitor).say("leaving");
    school.setTime("10:00");
    await school.person(visitor).say("arrived");
    school.setTime("10:02");
    await school.person(visitor).say("parent present");
  });
  afterAll(() => school?.stop());

  it("is the profile's ladder: 10 minutes' grace after the expected end, the office at once, the head 10 minutes later", () => {
    const { grace, steps } = school.policy.escalation;
    expect(grace).toBe("PT10M");
    expect(steps.map((s) => [s.after, s.targets.filter((t) => t !== "responsible-contact")])).toEqual([
      ["PT0S", ["visitor", "office"]],
      ["PT10M", ["headteacher"]],
    ]);
  });

  it("sends nothing and raises nothing until the expected end plus the grace has passed", async () => {
    const mark = await school.sweepAt("11:09:59");
    expect(school.callsSince(mark)).toEqual([]);
    expect((await school.visit(visitId)).alerts).toEqual([]);
  });

  it("at 11:10 asks both visitors \"Are you safe?\" and gives the office the full alert; nobody else hears yet", async () => {
    const mark = await school.sweepAt("11:10");
    for (const name of [visitor, second]) {
      const [card, ...more] = school.posts(chat(name), mark);
      expect(more).toEqual([]);
      expect(card!.text).toMatch(/^Are you safe\?/);
      expect(card!.text).toContain(ref);
      expect(card!.text).toContain("Your check-in on leaving was due at 11:00 and we have not heard from you.");
      expect(card!.text).toContain("If we do not hear from you by 11:20, the headteacher will be told.");
      expect(button(card!.card, /I'm safe/).data).toEqual({ visitId, step: "safe" });
      expect(button(card!.card, /I need help/).verb).toBe(Verbs.help);
      expect(card!.text).not.toContain(school.policy.escalation.policeGuidance);
    }
    const [toOffice, ...moreToOffice] = school.posts(chat(office), mark);
    expect(moreToOffice).toEqual([]);
    expect(toOffice!.text).toMatch(/^Missed check-in/);
    expectFullAlert(toOffice!, ref, [alex, ifeoma]);
    expect(toOffice!.text).toContain("Check-in on leaving, due 11:00");
    expect(toOffice!.text).toContain(school.policy.escalation.policeGuidance);
    expect(verbsOf(toOffice!.card)).toEqual([Verbs.acknowledgeAlert, Verbs.resolveAlert]);
    for (const quiet of [chat(head), chat(dsl), TEAM.safeguarding, TEAM.general]) expect(school.posts(quiet, mark)).toEqual([]);

    const { alerts } = await school.visit(visitId);
    expect(alerts).toEqual([expect.objectContaining({ id: "A1", kind: "overdue", deadline: { kind: "leaving", due: at("11:00").toISOString() }, stepsSent: [0] })]);
    const escalated = (await school.app.store.events(visitId)).filter((e) => e.type === "alert.escalated");
    expect(escalated).toEqual([expect.objectContaining({ alertId: "A1", step: 0, at: at("11:10").toISOString() })]);
  });

  it("says on the office's card who has been told so far: only the people actually alerted", () => {
    // No responsible contact is named on this visit (it is within the school day), so none was told.
    const toOffice = school.posts(chat(office)).find((p) => p.text.startsWith("Missed check-in"));
    expect(/Told so far\n(.*)/.exec(toOffice!.text)?.[1]).toBe("the office");
  });

  it("sends nothing twice when swept again at the same moment", async () => {
    const mark = await school.sweepAt("11:10");
    expect(school.callsSince(mark)).toEqual([]);
    expect((await school.app.store.events(visitId)).filter((e) => e.type === "alert.escalated")).toHaveLength(1);
  });

  it("at 11:20 gives the head the full alert with the police guidance, and nobody else anything new", async () => {
    expect(school.callsSince(await school.sweepAt("11:19:59"))).toEqual([]);
    const mark = await school.sweepAt("11:20");
    const [toHead, ...more] = school.posts(chat(head), mark);
    expect(more).toEqual([]);
    expect(toHead!.text).toMatch(/^Missed check-in/);
    expectFullAlert(toHead!, ref, [alex, ifeoma]);
    expect(toHead!.text).toContain(school.policy.escalation.policeGuidance);
    expect(school.callsSince(mark)).toEqual([expect.stringContaining(`/v3/conversations/${chat(head)}/activities`)]);
    expect((await school.visit(visitId)).alerts[0]!.stepsSent).toEqual([0, 1]);

    expect(school.callsSince(await school.sweepAt("11:20"))).toEqual([]);
    expect(school.callsSince(await school.sweepAt("11:21"))).toEqual([]);
  });

  it("lets the first responder own it: the office's \"I'm on it\" updates every card in place", async () => {
    school.setTime("11:22");
    const mark = school.mark();
    const { status, card } = await school.person(office).tap(Verbs.acknowledgeAlert, { visitId, alertId: "A1" });
    expect(status).toBe(200);
    expect(card).toBeDefined();
    const words = JSON.stringify(card);
    expect(words).toContain("You are dealing with this: everyone else can see that.");
    expect(words).toContain("You are dealing with this (since 11:22).");
    expect(verbsOf(card)).toEqual([Verbs.resolveAlert]);
    expect((await school.visit(visitId)).alerts[0]!.acknowledged).toEqual({ by: { id: school.id(office), name: office }, at: at("11:22").toISOString() });

    for (const name of [visitor, second, office, head]) {
      const posted = school.posts(chat(name)).filter((p) => /^(Are you safe|Missed check-in)/.test(p.text));
      const updated = school.updates(chat(name), mark);
      expect(updated.map((u) => u.activityId)).toEqual(posted.map((p) => p.activityId));
    }
    expect(school.updates(chat(visitor), mark)[0]!.text).toContain("Lou Brennock at school knows and is trying to reach you.");
    expect(school.updates(chat(head), mark)[0]!.text).toContain("Lou Brennock is dealing with this (since 11:22).");
    expect(school.updates(chat(office), mark)[0]!.text).toContain("You are dealing with this (since 11:22).");
  });

  it("tells the head, who taps second, that the office is already dealing with it, and changes nothing", async () => {
    const mark = school.mark();
    const { card } = await school.person(head).tap(Verbs.acknowledgeAlert, { visitId, alertId: "A1" });
    expect(JSON.stringify(card)).toContain("Lou Brennock is already dealing with this.");
    expect(verbsOf(card)).not.toContain(Verbs.acknowledgeAlert);
    expect(school.callsSince(mark)).toEqual([]);
    expect((await school.app.store.events(visitId)).filter((e) => e.type === "alert.acknowledged")).toHaveLength(1);
  });

  it("refuses, on the server, anyone without a responder role and the staff on the visit themselves", async () => {
    const before = await school.app.store.events(visitId);
    const mark = school.mark();

    const byAdmin = await school.person(admin).tap(Verbs.resolveAlert, { visitId, alertId: "A1", resolveNote: "Closing it" });
    expect(JSON.stringify(byAdmin.card)).toContain("Only the office, the headteacher, the senior leadership team, the DSL or the deputy DSL can act on this alert.");
    expect(verbsOf(byAdmin.card)).toEqual([]);
    expect(JSON.stringify(byAdmin.card)).not.toContain(alex.mobile);

    // The visitor, and a deputy DSL who is out on the visit: neither may clear an alarm about themselves.
    for (const name of [visitor, second]) {
      for (const [verb, extra] of [[Verbs.acknowledgeAlert, {}], [Verbs.resolveAlert, { resolveNote: "I am fine" }]] as const) {
        const { status, card } = await school.person(name).tap(verb, { visitId, alertId: "A1", ...extra });
        expect(status).toBe(200);
        // They get their own "Are you safe?" card back, never a responder's buttons.
        expect(JSON.stringify(card)).toContain("Are you safe?");
        expect(verbsOf(card)).not.toContain(Verbs.acknowledgeAlert);
        expect(verbsOf(card)).not.toContain(Verbs.resolveAlert);
      }
    }
    expect(await school.app.store.events(visitId)).toEqual(before);
    expect((await school.visit(visitId)).alerts[0]!.resolved).toBeUndefined();
    expect(school.callsSince(mark)).toEqual([]);
  });

  it("closes the alert on the office's \"Contacted – safe\" with a note, updates every card, and the ladder stays quiet", async () => {
    school.setTime("11:25");
    const mark = school.mark();
    const note = "Rang Alex at 11:24: both safe, the meeting ran over.";
    const { card } = await school.person(office).tap(Verbs.resolveAlert, { visitId, alertId: "A1", resolveNote: note });
    expect(JSON.stringify(card)).toContain("Resolved. Everyone who saw this alert can see it is resolved.");
    expect(verbsOf(card)).toEqual([]);
    const resolved = (await school.visit(visitId)).alerts[0]!.resolved;
    expect(resolved).toEqual({ by: { id: school.id(office), name: office }, at: at("11:25").toISOString(), how: "contacted-safe", note });

    for (const name of [visitor, second]) {
      const [update, ...more] = school.updates(chat(name), mark);
      expect(more).toEqual([]);
      expect(update!.text).toContain("Lou Brennock confirmed you are safe at 11:25.");
      expect(verbsOf(update!.card)).toEqual([]);
    }
    for (const name of [office, head]) {
      const [update, ...more] = school.updates(chat(name), mark);
      expect(more).toEqual([]);
      expect(update!.text).toContain("Resolved by Lou Brennock at 11:25");
      expect(update!.text).toContain(note);
      expect(verbsOf(update!.card)).toEqual([]);
    }
    expect(school.posts(TEAM.safeguarding)).toEqual([]);
    // Hearing from them restarts the two-hourly check-in: nothing falls due before 13:35.
    for (const time of ["11:30", "12:00", "13:30"]) expect(school.callsSince(await school.sweepAt(time))).toEqual([]);
  });
});

describe("Hunsbury Park: the visitor, then the office, then the head and the safeguarding channel", () => {
  let school: SafetyNetSchool;
  let visitId: string;
  let ref: string;
  const [visitor, head, office, dsl] = ["Alex Rivers", "Jo Fenwick", "Gail Whitcombe", "Priya Lane"];
  const alex = { mobile: "07700 900201", registration: "EX23 GHJ" };
  const chat = (name: string) => school.person(name).conversationId;

  beforeAll(async () => {
    school = await SafetyNetSchool.open(connectionString(), "policies/hunsbury-park-primary.json", at("08:00"));
    await school.seedStaff(visitor, staffRecord(alex.mobile, alex.registration));
    await school.installPersonal(visitor, head, office, dsl);
    await school.installTeam(head, dsl, office, visitor);
    visitId = await school.request(visitor, visitForm(school.policy));
    ref = visitReference(visitId);
    await school.approve(head, visitId);
  });
  afterAll(() => school?.stop());

  it("is the profile's ladder: the visitor at once, the office after 5 minutes, the head and the channel after 15", () => {
    const { grace, steps } = school.policy.escalation;
    expect([grace, steps.map((s) => [s.after, s.targets])]).toEqual([
      "PT10M",
      [
        ["PT0S", ["visitor"]],
        ["PT5M", ["office"]],
        ["PT15M", ["headteacher", "dsl-channel"]],
      ],
    ]);
  });

  it("asks the visitor \"Are you safe?\" at 10:10 when the arrival check-in never came, and tells nobody else", async () => {
    expect(school.callsSince(await school.sweepAt("10:09:59"))).toEqual([]);
    const mark = await school.sweepAt("10:10");
    const [card, ...more] = school.posts(chat(visitor), mark);
    expect(more).toEqual([]);
    expect(card!.text).toMatch(/^Are you safe\?/);
    expect(card!.text).toContain("Your arrival check-in was due at 10:00 and we have not heard from you.");
    expect(card!.text).toContain("If we do not hear from you by 10:15, the office will be told.");
    expect(school.callsSince(mark)).toHaveLength(1);
    expect(school.callsSince(await school.sweepAt("10:10"))).toEqual([]);
  });

  it("gives the office the full alert at 10:15, and nothing else", async () => {
    expect(school.callsSince(await school.sweepAt("10:14:59"))).toEqual([]);
    const mark = await school.sweepAt("10:15");
    const [toOffice, ...more] = school.posts(chat(office), mark);
    expect(more).toEqual([]);
    expectFullAlert(toOffice!, ref, [alex]);
    expect(toOffice!.text).toContain("Arrival check-in, due 10:00");
    expect(toOffice!.text).toContain(school.policy.escalation.policeGuidance);
    expect(school.callsSince(mark)).toHaveLength(1);
    expect(school.callsSince(await school.sweepAt("10:15"))).toEqual([]);
  });

  it("gives the head the full alert at 10:25 and the safeguarding channel only the minimum", async () => {
    expect(school.callsSince(await school.sweepAt("10:24:59"))).toEqual([]);
    const mark = await school.sweepAt("10:25");
    const [toHead, ...moreToHead] = school.posts(chat(head), mark);
    expect(moreToHead).toEqual([]);
    expectFullAlert(toHead!, ref, [alex]);
    expect(toHead!.text).toContain(school.policy.escalation.policeGuidance);

    const [toChannel, ...moreToChannel] = school.posts(TEAM.safeguarding, mark);
    expect(moreToChannel).toEqual([]);
    expect(toChannel!.text).toMatch(/^Missed check-in/);
    expect(toChannel!.text).toContain(ref);
    for (const secret of ["Pupil", "K.T.", "Y5", "Larch Close", alex.mobile, alex.registration, "Skoda", "Large dog", school.policy.escalation.policeGuidance]) {
      expect(toChannel!.text).not.toContain(secret);
    }
    expect(verbsOf(toChannel!.card)).toEqual([]);
    // Every responder in the staff team (the deputy DSL too) refreshes the channel's card into their own view.
    const refresh = toChannel!.card.refresh as { action: { verb: string; data: unknown }; userIds: string[] };
    expect(refresh.action).toMatchObject({ verb: Verbs.refreshAlert, data: { visitId, alertId: "A1" } });
    expect([...refresh.userIds].sort()).toEqual([head, dsl, office, "Tomasz Reyburn"].map((name) => school.person(name).teamsUserId).sort());

    expect(school.posts(chat(dsl), mark)).toEqual([]);
    expect(school.posts(TEAM.general, mark)).toEqual([]);
    expect(school.callsSince(mark)).toHaveLength(2);
    expect(school.callsSince(await school.sweepAt("10:25"))).toEqual([]);
  });

  it("shows the DSL who refreshes the channel's card the full view", async () => {
    const { card } = await school.person(dsl).tapInChannel(SAFEGUARDING_CHANNEL, Verbs.refreshAlert, { visitId, alertId: "A1" });
    const words = JSON.stringify(card);
    for (const detail of [alex.mobile, alex.registration, "14 Larch Close", school.policy.escalation.policeGuidance]) expect(words).toContain(detail);
    expect(verbsOf(card)).toEqual([Verbs.acknowledgeAlert, Verbs.resolveAlert]);
  });

  it("resolves on a late \"safe\" by text, updates every card posted about it in place, and stops the ladder", async () => {
    school.setTime("10:31");
    const mark = school.mark();
    await school.person(visitor).say("safe");
    const [reply, ...more] = school.posts(chat(visitor), mark);
    expect(more).toEqual([]);
    expect(reply!.text).toContain("Safe at 10:31: recorded.");

    const { alerts } = await school.visit(visitId);
    expect(alerts[0]!.resolved).toEqual({ by: { id: school.id(visitor), name: visitor }, at: at("10:31").toISOString(), how: "checked-in" });
    const types = (await school.app.store.events(visitId)).slice(-2).map((e) => e.type);
    expect(types).toEqual(["visit.checkedIn", "alert.resolved"]);

    const posted = (conversationId: string) => school.posts(conversationId, 0).filter((p) => /^(Are you safe|Missed check-in)/.test(p.text));
    for (const conversationId of [chat(visitor), chat(office), chat(head), TEAM.safeguarding]) {
      const updated = school.updates(conversationId, mark);
      expect(updated.map((u) => u.activityId)).toEqual(posted(conversationId).map((p) => p.activityId));
      expect(verbsOf(updated[0]!.card)).toEqual([]);
    }
    expect(school.updates(chat(visitor), mark)[0]!.text).toContain("You checked in at 10:31. Nobody needs to look for you now.");
    for (const conversationId of [chat(office), chat(head), TEAM.safeguarding]) {
      expect(school.updates(conversationId, mark)[0]!.text).toContain("Resolved by Alex Rivers at 10:31");
    }
    expect(school.updates(TEAM.safeguarding, mark)[0]!.text).not.toContain(alex.mobile);

    for (const time of ["10:35", "10:45", "11:30", "15:00"]) expect(school.callsSince(await school.sweepAt(time))).toEqual([]);
    expect((await school.app.store.events(visitId)).filter((e) => e.type === "alert.escalated")).toHaveLength(3);
  });
});
