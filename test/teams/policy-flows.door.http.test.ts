/**
 * At the door, over real HTTP with two seed profiles and a clock moved by hand (no sleeping for policy durations):
 * going in only with a parent present and "Parent at the door" on a doorstep visit (R08); Thorns Primary's
 * 15-minute wait for an absent parent, then the call to call it off, with the visit tracked until "Left safely"
 * (R11); Hunsbury Park's 30-minute allowance for a late parent, after which the visit is called off for the
 * visitor (R12); and calling off for animals or feeling unsafe, with the note going as a written report only to
 * the roles each profile names (R13, R14).
 */
import { visitReference as referenceOf } from "../../src/domain/visit";
import { Verbs } from "../../src/cards/verbs";
import { useAzurite } from "../support/azurite";
import { button, buttonsOf, textOf } from "../support/card-inspect";
import { at, SafetyNetSchool, staffRecord, visitForm } from "../support/safety-net-school";

const connectionString = useAzurite();
const titlesOf = (card: Record<string, unknown>) => buttonsOf(card).map((b) => b.title);
const REFUSED_WITHOUT_NOTE = "Write a line on what happened";

describe("Thorns Primary at the door: R08, R11 (15 minutes), R13 and R14", () => {
  let school: SafetyNetSchool;
  const [alex, sam, ifeoma, head, dsl, office, admin] = ["Alex Rivers", "Sam Moss", "Ifeoma Garside", "Jo Fenwick", "Priya Lane", "Lou Brennock", "Ash Penrose"];
  const colleagues = [head, dsl, office, admin];
  /** Alex and Sam go in together; Ifeoma stays on the doorstep; Alex goes alone to a doorstep visit after lunch. */
  let entering: string;
  let doorstep: string;
  let afternoon: string;
  const chat = (name: string) => school.person(name).conversationId;
  const events = async (visitId: string) => school.app.store.events(visitId);

  beforeAll(async () => {
    school = await SafetyNetSchool.open(connectionString(), "policies/thorns-primary.json", at("08:00"));
    await school.seedStaff(alex, staffRecord("07700 900201", "EX31 AAA"));
    await school.seedStaff(sam, staffRecord("07700 900202", "EX32 BBB"));
    await school.seedStaff(ifeoma, staffRecord("07700 900203", "EX33 CCC"));
    await school.installPersonal(alex, sam, ifeoma, ...colleagues);
    entering = await school.request(alex, visitForm(school.policy, { entry: "enter", staffing: "pair", secondStaffId: school.id(sam) }));
    doorstep = await school.request(ifeoma, visitForm(school.policy, { address: "3 Rowan Court, Exampleton EX4 7LB" }));
    afternoon = await school.request(alex, visitForm(school.policy, { start: "13:00", end: "14:00", address: "9 Hazel Row, Exampleton EX4 1AB" }));
    for (const visitId of [entering, doorstep, afternoon]) await school.approve(head, visitId);
  });
  afterAll(() => school?.stop());

  it("R08: on a visit that enters the home, \"Parent or carer present: going in\" records that an adult was there", async () => {
    school.setTime("10:00");
    const arrived = await school.person(alex).tap(Verbs.checkIn, { visitId: entering, step: "arrived" });
    expect(textOf(arrived.card)).toContain("Only go in when a parent or carer is present.");
    expect(titlesOf(arrived.card)).toEqual(expect.arrayContaining(["Parent or carer present: going in", "Parent not here", "Left safely"]));
    expect(titlesOf(arrived.card)).not.toContain("Parent running late"); // Thorns' policy is silent on late parents

    school.setTime("10:02");
    const goingIn = button(arrived.card, /going in/);
    const { card } = await school.person(alex).tap(goingIn.verb!, goingIn.data!);
    expect(textOf(card)).toContain("Parent present at 10:02: recorded.");
    expect(textOf(card)).toContain("Stay inside only while a parent or carer is present.");
    const stored = await school.visit(entering);
    expect(stored).toMatchObject({ status: "in-visit", adultPresentAt: at("10:02").toISOString() });
    expect((await events(entering)).at(-1)).toMatchObject({ type: "visit.checkedIn", step: "parent-present", actor: { id: school.id(alex) } });
  });

  it("R08: on a doorstep visit the same step says \"Parent at the door\" and records no one going in", async () => {
    school.setTime("10:00");
    const mark = school.mark();
    await school.person(ifeoma).say("arrived");
    const [card] = school.posts(chat(ifeoma), mark);
    expect(titlesOf(card!.card)).toEqual(expect.arrayContaining(["Parent at the door", "Parent not here"]));
    expect(titlesOf(card!.card)).not.toContain("Parent or carer present: going in");
    expect(card!.text).toContain("Is a parent or carer here? Tap **Parent at the door** or **Parent not here**.");
    expect(button(card!.card, /parent at the door/i).data).toEqual({ visitId: doorstep, step: "parent-present" });
  });

  it("R11: \"Parent not here\" starts the profile's 15-minute wait; calling it off sooner is refused", async () => {
    school.setTime("10:05");
    const mark = school.mark();
    await school.person(ifeoma).say("Parent not here");
    const [card] = school.posts(chat(ifeoma), mark);
    expect(card!.text).toContain("Waiting for the parent");
    expect(card!.text).toContain("Wait no longer than 15 minutes (until 10:20).");
    expect(titlesOf(card!.card)).not.toContain("Call off: parent not in");
    expect(await school.visit(doorstep)).toMatchObject({ status: "waiting-for-parent", parentAbsentSince: at("10:05").toISOString() });

    school.setTime("10:12");
    const early = await school.person(ifeoma).tap(Verbs.callOff, { visitId: doorstep, reason: "parent-absent" });
    expect(textOf(early.card)).toContain("Wait 15 minutes for the parent before calling the visit off.");
    expect((await school.visit(doorstep)).calledOff).toBeUndefined();
  });

  it("R11: the sweep at the wait limit, not before, gives the visitor their card with the call-off prompt", async () => {
    const quiet = await school.sweepAt("10:19:59");
    expect(school.posts(chat(ifeoma), quiet)).toEqual([]);
    expect((await events(doorstep)).map((e) => e.type)).not.toContain("visit.waitLimitReached");

    const mark = await school.sweepAt("10:20");
    const [card, ...more] = school.posts(chat(ifeoma), mark);
    expect(more).toEqual([]);
    expect(card!.text).toContain("You have waited 15 minutes: the policy says call the visit off.");
    expect(button(card!.card, /call off: parent not in/i)).toMatchObject({ verb: Verbs.callOff, data: { visitId: doorstep, reason: "parent-absent" } });
    expect((await events(doorstep)).at(-1)).toMatchObject({ type: "visit.waitLimitReached", at: at("10:20").toISOString(), actor: { id: "system" } });
    for (const name of colleagues) expect(school.posts(chat(name), mark)).toEqual([]);
  });

  it("R11: \"Call off: parent not in\" records the reason, tells nobody else, and leaves only getting away safely", async () => {
    school.setTime("10:21");
    const mark = school.mark();
    const callOff = button(school.person(ifeoma).lastCardWithButton(/call off: parent not in/i), /call off: parent not in/i);
    const { card } = await school.person(ifeoma).tap(callOff.verb!, callOff.data!);
    expect(textOf(card)).toContain("Visit called off and the reason recorded. Leave now, then tap Left safely.");
    expect(textOf(card)).toContain("Visit called off (parent not in). Leave now and tap **Left safely**.");
    expect(buttonsOf(card).filter((b) => b.verb === Verbs.checkIn).map((b) => b.data?.step)).toEqual(["safe", "left"]);
    expect((await events(doorstep)).at(-1)).toMatchObject({ type: "visit.calledOff", reason: "parent-absent", actor: { id: school.id(ifeoma) }, at: at("10:21").toISOString() });
    for (const name of colleagues) expect(school.posts(chat(name), mark)).toEqual([]);
    // Still out at the address: the visit is tracked until "Left safely".
    expect((await school.visit(doorstep)).status).toBe("waiting-for-parent");
  });

  it("R14: feeling unsafe needs a note; with one, the visit is called off and the head alone gets the written report", async () => {
    school.setTime("10:30");
    const unsafe = { visitId: entering, reason: "unsafe" };
    const without = await school.person(alex).tap(Verbs.callOff, { ...unsafe, callOffNote: "  " });
    expect(textOf(without.card)).toContain(REFUSED_WITHOUT_NOTE);
    expect((await school.visit(entering)).calledOff).toBeUndefined();

    const note = "The older brother came home and shouted at us to get out; we left at once.";
    const mark = school.mark();
    const { card } = await school.person(alex).tap(Verbs.callOff, { ...unsafe, callOffNote: note });
    expect(textOf(card)).toContain("Visit called off (staff felt unsafe).");
    expect(textOf(card)).toContain("Your note has gone to the headteacher.");
    expect((await events(entering)).at(-1)).toMatchObject({ type: "visit.calledOff", reason: "unsafe", note, actor: { id: school.id(alex) } });

    const [report, ...more] = school.posts(chat(head), mark);
    expect(more).toEqual([]);
    expect(report!.text).toMatch(/^Written report: visit HV-\w{6} called off/);
    for (const fact of [referenceOf(entering), "Reason\nStaff felt unsafe", `What happened\n${note}`, "Called off by\nAlex Rivers", "When\n10:30 on Tue 24 Nov 2026"]) {
      expect(report!.text).toContain(fact);
    }
    // Thorns records a safety cancellation on CPOMS (R14, seed 002).
    expect(report!.text).toContain("The policy asks for a safety cancellation to be recorded on CPOMS.");
    expect(report!.text).toContain("The staff have not yet checked out with “Left safely”.");
    for (const name of [dsl, office, admin, sam]) expect(school.posts(chat(name), mark)).toEqual([]);

    school.setTime("10:35");
    await school.person(alex).tap(Verbs.checkIn, { visitId: entering, step: "left" });
    expect((await school.visit(entering)).status).toBe("left");
  });

  it("R21: \"record\" after leaving opens the visit just left, though another visit is still ahead today", async () => {
    // Alex left the entering visit at 10:35 and has the doorstep visit at 13:00 still to do. Fails today:
    // HomeVisitsBot.lastVisitToRecord takes the approved afternoon visit and says to tap Left safely first.
    school.setTime("10:40");
    const mark = school.mark();
    await school.person(alex).say("record");
    expect(school.messages(chat(alex), mark)).toEqual([]);
    const [form] = school.posts(chat(alex), mark);
    expect(form?.text).toContain(`Record visit ${referenceOf(entering)}`);
    expect(form && button(form.card, /save the record/i).data).toEqual({ visitId: entering });
  });

  it("R11: a called-off visit not checked out still goes overdue after its end; \"Left safely\" then ends it", async () => {
    const mark = await school.sweepAt("11:10");
    const [areYouSafe] = school.posts(chat(ifeoma), mark);
    expect(areYouSafe!.text).toMatch(/^Are you safe\?/);
    expect(school.posts(chat(office), mark).map((p) => p.text)).toEqual([expect.stringMatching(/^Missed check-in/)]);
    expect(school.posts(chat(alex), mark)).toEqual([]); // Alex left the entering visit at 10:35

    school.setTime("11:12");
    await school.person(ifeoma).say("Left safely");
    const stored = await school.visit(doorstep);
    expect(stored).toMatchObject({ status: "left", leftAt: at("11:12").toISOString(), calledOff: { reason: "parent-absent" } });
    expect(stored.alerts).toEqual([expect.objectContaining({ kind: "overdue", resolved: expect.objectContaining({ how: "checked-in" }) })]);
  });

  it("R13: at the address, animals not shut away need a note too", async () => {
    school.setTime("13:00");
    const arrived = await school.person(alex).tap(Verbs.checkIn, { visitId: afternoon, step: "arrived" });
    const callOffWords = JSON.stringify(arrived.card);
    expect(callOffWords).toContain("Call off: animals or unsafe");
    expect(callOffWords).toContain("Your note goes to the headteacher."); // for feeling unsafe only
    expect(callOffWords).not.toMatch(/Animals not shut away\*\*[^"]*Your note goes/);

    const { card } = await school.person(alex).tap(Verbs.callOff, { visitId: afternoon, reason: "animals" });
    expect(textOf(card)).toContain(REFUSED_WITHOUT_NOTE);
    expect((await school.visit(afternoon)).calledOff).toBeUndefined();
  });

  it("R13: that refusal does not promise the visitor a written report to the head that Thorns never sends", async () => {
    // Thorns' profile: animals.reportToHeadInWriting is false, so nobody is sent the note (see the next test).
    // Fails today: decide() words every note-less animals or unsafe call-off as going to the head.
    const { card } = await school.person(alex).tap(Verbs.callOff, { visitId: afternoon, reason: "animals", callOffNote: "" });
    expect(textOf(card)).toContain(REFUSED_WITHOUT_NOTE);
    expect(textOf(card)).not.toMatch(/head receives it/i);
  });

  it("R13: with a note the visit is called off; Thorns asks for no written report, so nobody gets one", async () => {
    school.setTime("13:02");
    const animals = { visitId: afternoon, reason: "animals" };
    const mark = school.mark();
    const { card } = await school.person(alex).tap(Verbs.callOff, { ...animals, callOffNote: "Two dogs loose in the front garden; the parent would not shut them in." });
    expect(textOf(card)).toContain("Visit called off (animals not shut away).");
    expect(textOf(card)).not.toContain("Your note has gone to");
    expect((await school.visit(afternoon)).calledOff).toMatchObject({ reason: "animals" });
    for (const name of colleagues) expect(school.posts(chat(name), mark)).toEqual([]);
  });
});

describe("Hunsbury Park at the door: a late parent (R12, 30 minutes) and animals reported in writing (R13)", () => {
  let school: SafetyNetSchool;
  const [alex, bea, head, dsl, deputy, office, admin] = ["Alex Rivers", "Bea Lindqvist", "Jo Fenwick", "Priya Lane", "Tomasz Reyburn", "Gail Whitcombe", "Ollie Granger"];
  const colleagues = [head, dsl, deputy, office, admin];
  let late: string;
  let dogs: string;
  const chat = (name: string) => school.person(name).conversationId;

  beforeAll(async () => {
    school = await SafetyNetSchool.open(connectionString(), "policies/hunsbury-park-primary.json", at("08:00"));
    await school.seedStaff(alex, staffRecord("07700 900301", "EX41 DDD"));
    await school.seedStaff(bea, staffRecord("07700 900302", "EX42 EEE"));
    await school.installPersonal(alex, bea, ...colleagues);
    late = await school.request(alex, visitForm(school.policy));
    dogs = await school.request(bea, visitForm(school.policy, { address: "27 Oak Terrace, Exampleton EX5 3RT" }));
    for (const visitId of [late, dogs]) await school.approve(head, visitId);
  });
  afterAll(() => school?.stop());

  it("R12: \"Parent running late\" says not to go in and when the visit will be called off", async () => {
    school.setTime("10:00");
    const arrived = await school.person(alex).tap(Verbs.checkIn, { visitId: late, step: "arrived" });
    expect(textOf(arrived.card)).toContain("Parent said they are running late? Tap **Parent running late**. Do not go in until they arrive.");

    school.setTime("10:02");
    const { card } = await school.person(alex).tap(button(arrived.card, /parent running late/i).verb!, button(arrived.card, /parent running late/i).data!);
    const words = textOf(card);
    expect(words).toContain("Parent running late at 10:02: recorded.");
    expect(words).toContain("Do not go in until they arrive.");
    expect(words).toContain("The visit is called off at 10:32 if they have not arrived.");
    expect(titlesOf(card)).toEqual(expect.arrayContaining(["Parent arrived", "Left safely"]));
    expect(await school.visit(late)).toMatchObject({ status: "waiting-for-parent", parentLateSince: at("10:02").toISOString() });
  });

  it("R12: past the late limit a sweep calls the visit off for them and tells the visitor; nobody else", async () => {
    const quiet = await school.sweepAt("10:31:59");
    expect(school.posts(chat(alex), quiet)).toEqual([]);
    expect((await school.visit(late)).calledOff).toBeUndefined();

    const mark = await school.sweepAt("10:32");
    expect((await school.visit(late)).calledOff).toMatchObject({ reason: "parent-late", by: { id: "system" }, at: at("10:32").toISOString() });
    const [card, ...more] = school.posts(chat(alex), mark);
    expect(more).toEqual([]);
    expect(card!.text).toContain("Visit called off (parent did not arrive in time). Leave now and tap **Left safely**.");
    expect(buttonsOf(card!.card).filter((b) => b.verb === Verbs.checkIn).map((b) => b.data?.step)).toEqual(["safe", "left"]);
    for (const name of colleagues) expect(school.posts(chat(name), mark)).toEqual([]);
  });

  it("R12: a parent who turns up after that does not reopen the visit; \"Left safely\" ends it", async () => {
    school.setTime("10:34");
    const { card } = await school.person(alex).tap(Verbs.checkIn, { visitId: late, step: "parent-arrived" });
    expect(textOf(card)).toContain("That check-in does not fit now");
    expect((await school.visit(late)).status).toBe("waiting-for-parent");
    await school.person(alex).tap(Verbs.checkIn, { visitId: late, step: "left" });
    expect(await school.visit(late)).toMatchObject({ status: "left", calledOff: { reason: "parent-late" } });
  });

  it("R13: animals not shut away, with a note, go to the head as a written report, and to nobody else", async () => {
    school.setTime("10:00");
    const arrived = await school.person(bea).tap(Verbs.checkIn, { visitId: dogs, step: "arrived" });
    expect(JSON.stringify(arrived.card)).toContain("Your note goes to the headteacher as a written report.");

    school.setTime("10:04");
    const note = "A large dog was loose in the hallway and the parent refused to put it outside.";
    const mark = school.mark();
    const { card } = await school.person(bea).tap(Verbs.callOff, { visitId: dogs, reason: "animals", callOffNote: note });
    expect(textOf(card)).toContain("Visit called off (animals not shut away).");
    expect(textOf(card)).toContain("Your note has gone to the headteacher.");

    const [report, ...more] = school.posts(chat(head), mark);
    expect(more).toEqual([]);
    for (const fact of [`Written report: visit ${referenceOf(dogs)} called off`, "Reason\nAnimals not shut away", `What happened\n${note}`, "Called off by\nBea Lindqvist", "Address\n27 Oak Terrace, Exampleton EX5 3RT"]) {
      expect(report!.text).toContain(fact);
    }
    expect(report!.text).not.toContain("CPOMS"); // Hunsbury does not record on CPOMS
    for (const name of [dsl, deputy, office, admin, alex]) expect(school.posts(chat(name), mark)).toEqual([]);
  });
});
