import { type OutboxItem, outboxFor } from "../../src/app/notifications";
import { OutboxDispatcher, SENDING_LEASE_MS, type SendResult } from "../../src/app/outbox.dispatcher";
import { type Outcome, PERSON_DEADLINE_MS, VisitService } from "../../src/app/visit.service";
import { SYSTEM } from "../../src/domain/alert";
import type { StaffRecord } from "../../src/domain/staff-prerequisites";
import type { CheckInStep, Visit } from "../../src/domain/visit";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { quietLog } from "../support/quiet-log";
import { pairDetails } from "../domain/visit.builders";
import { Schools } from "../../src/app/schools";
import { schoolsWith } from "./support/memory-schools";
import { FixedClock, MemoryDueIndex, MemoryOutbox, MemoryVisitStore, recipientOf, ScriptedSender, MemoryStaffDirectory } from "./support/memory-ports";

/** The test policy's school (policy-fixture.ts). */
const SCHOOL = "test-school";

const VISIT_ID = "7c1e0b2a-0000-4000-8000-000000000123";
/** A Monday in November (London = UTC), two hours before the visit: 10:00–11:00. */
const T = "2026-11-23T08:00:00.000Z";
/** The arrival check-in is due at 10:00; with the fixture's 10 minutes' grace the ladder starts at 10:10. */
const ARRIVAL_LADDER = "2026-11-23T10:10:00.000Z";
const at = (time: string) => `2026-11-23T${time}.000Z`;
/** What a change queues, as saved: held for sending by the instance that saved it (the save is its claim). */
const held = (items: OutboxItem[], now: string) =>
  items.map((item) => ({ ...item, attempts: 1, nextAttemptAt: new Date(Date.parse(now) + SENDING_LEASE_MS).toISOString() }));

const id = (who: keyof typeof people) => people[who].aadObjectId;
const ids = (...who: (keyof typeof people)[]) => who.map(id);

const environments: { due: MemoryDueIndex }[] = [];

/** Nobody kept informed (R01), so each test counts only the notifications it is about. */
const uninformed = () => testPolicy((p) => void (p.authorisation.informRoles = []));

function setUp(policy: PolicyProfile = uninformed()) {
  const clock = new FixedClock(T);
  const outbox = new MemoryOutbox();
  const store = new MemoryVisitStore(outbox);
  const due = new MemoryDueIndex(clock);
  const sender = new ScriptedSender();
  const log = quietLog();
  const staff = new MemoryStaffDirectory();
  const { store: schoolStore } = schoolsWith(clock, policy);
  /** Another app instance on the same storage: its own caches, the same tables. */
  const instance = () =>
    new VisitService({ schools: new Schools(schoolStore, clock), store, due, staff, dispatcher: new OutboxDispatcher(outbox, sender, clock, log), clock, newId: () => VISIT_ID, log });
  const env = {
    policy,
    clock,
    outbox,
    store,
    due,
    sender,
    staff,
    log,
    service: instance(),
    anotherInstance: instance,
    /** Forgets what was counted and logged so far. */
    reset() {
      store.resetCounts();
      due.scheduled.length = 0;
      sender.reset();
      log.lines.length = 0;
    },
  };
  environments.push(env);
  return env;
}
type Env = ReturnType<typeof setUp>;

afterEach(() => {
  // Whatever a test did, nothing was ever scheduled before the clock's now: the index's cursor only moves forward.
  for (const env of environments.splice(0)) expect(env.due.inThePast()).toEqual([]);
  jest.restoreAllMocks();
});

function done(outcome: Awaited<ReturnType<VisitService["act"]>>): Visit {
  if (!outcome.ok) throw new Error(outcome.refusal.message);
  return outcome.visit;
}

async function requested(env: Env): Promise<Visit> {
  const visit = done(await env.service.request(actor("visitor"), SCHOOL, pairDetails()));
  env.reset();
  return visit;
}

async function approved(env: Env): Promise<Visit> {
  await requested(env);
  const visit = done(await env.service.act(VISIT_ID, actor("head"), { type: "approve" }));
  env.reset();
  return visit;
}

/** Approved at 08:00, and the sweeper has been by to move the wake-up from the notifications' recovery to the arrival ladder. */
async function approvedAndSwept(env: Env): Promise<Visit> {
  await approved(env);
  env.clock.set(at("08:00:30"));
  const visit = done(await env.service.wake(VISIT_ID));
  expect(visit.wakeAt).toBe(ARRIVAL_LADDER);
  env.reset();
  return visit;
}

const checkIn = (env: Env, who: "visitor" | "secondVisitor", step: CheckInStep, service = env.service) =>
  service.act(VISIT_ID, actor(who), { type: "checkIn", step });

describe("VisitService: load → decide → save with its outbox → deliver", () => {
  it("a request is saved with its audit event stamped by the injected clock, and the approver is told at once", async () => {
    const env = setUp();
    const outcome = await env.service.request(actor("visitor"), SCHOOL, pairDetails());
    expect(outcome).toMatchObject({ ok: true, visit: { id: VISIT_ID, version: 1, status: "requested", requestedAt: T }, unreachable: [] });
    expect(await env.store.events(VISIT_ID)).toEqual([expect.objectContaining({ type: "visit.requested", at: T, actor: actor("visitor") })]);
    const saved = env.store.lastSave();
    expect(saved.outbox).toEqual(held(outboxFor(saved.after, saved.events, env.policy, new Date(T)), T));
    expect(saved.outbox.map((item) => item.notification)).toEqual([{ kind: "approval-requested", to: { person: id("head") } }]);
    expect(env.sender.calls.map((call) => call.notification)).toEqual([{ kind: "approval-requested", to: { person: id("head") } }]);
    expect(env.outbox.items(VISIT_ID)).toEqual([
      expect.objectContaining({ id: "000001-000", status: "delivered", deliveredAt: T, posts: [expect.objectContaining({ conversation: { kind: "personal", key: id("head") } })] }),
    ]);
  });

  it("an approval is saved with a decision and a briefing for each visitor; the event carries the clock's time, not the machine's", async () => {
    const env = setUp();
    await requested(env);
    env.clock.set(at("08:45:00"));
    const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" }, 1);
    expect(outcome).toMatchObject({ ok: true, visit: { status: "approved", version: 2 }, events: [{ type: "visit.approved", at: at("08:45:00") }] });
    expect(env.store.snapshot(VISIT_ID)).toMatchObject({ status: "approved", version: 2, decision: { by: actor("head") } });
    const saved = env.store.lastSave();
    expect(saved.outbox).toEqual(held(outboxFor(saved.after, saved.events, env.policy, new Date(at("08:45:00"))), at("08:45:00")));
    expect(saved.outbox.map((item) => [item.id, item.notification])).toEqual([
      ["000002-000", { kind: "decision-made", to: { person: id("visitor") } }],
      ["000002-001", { kind: "decision-made", to: { person: id("secondVisitor") } }],
      ["000002-002", { kind: "briefing", to: { person: id("visitor") } }],
      ["000002-003", { kind: "briefing", to: { person: id("secondVisitor") } }],
    ]);
    expect(env.sender.calls.map((call) => [call.notification.kind, recipientOf(call.notification)])).toEqual([
      ["decision-made", id("visitor")],
      ["decision-made", id("secondVisitor")],
      ["briefing", id("visitor")],
      ["briefing", id("secondVisitor")],
    ]);
  });

  it("with briefings switched off, an approval queues the decisions only", async () => {
    const env = setUp(testPolicy((p) => {
      p.briefing.enabled = false;
      p.authorisation.informRoles = [];
    }));
    await requested(env);
    await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
    expect(env.store.lastSave().outbox.map((item) => item.notification)).toEqual([
      { kind: "decision-made", to: { person: id("visitor") } },
      { kind: "decision-made", to: { person: id("secondVisitor") } },
    ]);
  });

  it("R01: an approval also sends the itinerary to the informed roles (SLT), leaving out the approver, and delivers it", async () => {
    const env = setUp(testPolicy()); // informRoles: slt, held by the head (who approves) and the DSL
    await requested(env);
    await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
    expect(env.store.lastSave().outbox.map((item) => [item.id, item.notification])).toEqual([
      ["000002-000", { kind: "decision-made", to: { person: id("visitor") } }],
      ["000002-001", { kind: "decision-made", to: { person: id("secondVisitor") } }],
      ["000002-002", { kind: "briefing", to: { person: id("visitor") } }],
      ["000002-003", { kind: "briefing", to: { person: id("secondVisitor") } }],
      ["000002-004", { kind: "briefing", to: { person: id("dsl") } }],
    ]);
    expect(env.sender.calls.filter((call) => call.notification.kind === "briefing").map((call) => recipientOf(call.notification))).toEqual(ids("visitor", "secondVisitor", "dsl"));
    expect(env.outbox.items(VISIT_ID).every((item) => item.status === "delivered")).toBe(true);
  });

  it("the approval request goes to every approver except anyone on the visit", async () => {
    const dslVisits = testPolicy((p) => {
      p.authorisation.approverRoles = ["headteacher", "dsl"];
      p.people = p.people.map((person) => (person.aadObjectId === id("dsl") ? { ...person, roles: [...person.roles, "visitor"] } : person));
    });
    const env = setUp(dslVisits);
    await env.service.request(actor("visitor"), SCHOOL, pairDetails({ staffing: { mode: "pair", secondStaffId: id("dsl") } }));
    expect(env.store.lastSave().outbox.map((item) => item.notification)).toEqual([{ kind: "approval-requested", to: { person: id("head") } }]);
  });

  it("a call for help is saved with an alert for each of the policy's targets, and they are sent at once", async () => {
    const env = setUp();
    await approved(env);
    const outcome = await env.service.act(VISIT_ID, actor("secondVisitor"), { type: "requestHelp", silent: false });
    expect(outcome).toMatchObject({ ok: true, events: [{ type: "alert.raised" }, { type: "alert.escalated", targets: ["office", "headteacher", "dsl-channel"] }] });
    const saved = env.store.lastSave();
    expect(saved.outbox).toEqual(held(outboxFor(saved.after, saved.events, env.policy, new Date(T)), T));
    expect(saved.outbox.map((item) => item.notification)).toEqual([
      { kind: "alert", to: { person: id("office") }, alertId: "A1" },
      { kind: "alert", to: { person: id("head") }, alertId: "A1" },
      { kind: "alert", to: { channel: "safeguarding" }, alertId: "A1", mention: [id("office"), id("head"), id("dsl")] },
    ]);
    expect(env.sender.calls.map((call) => recipientOf(call.notification))).toEqual([id("office"), id("head"), "#safeguarding"]);
  });

  it("resolving an alert nobody acknowledged records both steps but queues one update of the alert's cards, with where they were posted", async () => {
    const env = setUp();
    await approved(env);
    await env.service.act(VISIT_ID, actor("visitor"), { type: "requestHelp", silent: false });
    const alertPosts = env.outbox
      .items(VISIT_ID)
      .filter((item) => item.notification.kind === "alert")
      .flatMap((item) => item.posts ?? []);
    expect(alertPosts).toHaveLength(3);
    env.reset();

    const outcome = await env.service.act(VISIT_ID, actor("office"), { type: "resolveAlert", alertId: "A1", note: "Spoke to Alex; all fine." });

    expect(outcome).toMatchObject({ ok: true, events: [{ type: "alert.acknowledged" }, { type: "alert.resolved", how: "contacted-safe" }] });
    expect(env.store.lastSave().outbox.map((item) => item.notification)).toEqual([{ kind: "alert-changed", alertId: "A1" }]);
    expect(env.sender.calls).toEqual([expect.objectContaining({ notification: { kind: "alert-changed", alertId: "A1" }, earlierPosts: alertPosts })]);
  });

  it("a check-in queues nothing and sends nothing", async () => {
    const env = setUp();
    await approved(env);
    const outcome = await checkIn(env, "visitor", "left-school");
    expect(outcome).toMatchObject({ ok: true, visit: { status: "on-the-way" }, unreachable: [] });
    expect(env.store.lastSave().outbox).toEqual([]);
    expect(env.sender.calls).toEqual([]);
  });

  it("a domain refusal saves nothing, tells nobody, and returns the visit as stored", async () => {
    const env = setUp();
    const visit = await requested(env);
    const outcome = await env.service.act(VISIT_ID, actor("office"), { type: "approve" });
    expect(outcome).toEqual({ ok: false, refusal: { code: "not-allowed", message: "Only the headteacher can decide this visit." }, visit });
    expect(env.store.saves).toEqual([]);
    expect(env.sender.calls).toEqual([]);
  });

  it("a command on a visit that does not exist is refused without a visit", async () => {
    const env = setUp();
    expect(await env.service.act("no-such-visit", actor("head"), { type: "approve" })).toEqual({
      ok: false,
      refusal: { code: "invalid-request", message: "That visit does not exist." },
    });
  });

  describe("the due index: the sweeper is woken by the next deadline, and no sooner than it must", () => {
    it("a request that queues notifications gets a recovery wake-up 30 s ahead, in case delivering them now fails", async () => {
      const env = setUp();
      const visit = done(await env.service.request(actor("visitor"), SCHOOL, pairDetails()));
      expect(env.due.scheduled).toEqual([{ visitId: VISIT_ID, at: at("08:00:30"), now: T }]);
      expect(visit.wakeAt).toBe(at("08:00:30"));
      expect(env.store.snapshot(VISIT_ID)?.wakeAt).toBe(at("08:00:30"));
    });

    it("queued notifications bring the wake-up forward to 30 s ahead of a later deadline", async () => {
      const env = setUp();
      await approvedAndSwept(env);
      env.clock.set(at("09:00:00"));
      await env.service.act(VISIT_ID, actor("visitor"), { type: "requestHelp", silent: true });
      expect(env.due.scheduled.map((s) => s.at)).toEqual([at("09:00:30")]);
      expect(env.store.snapshot(VISIT_ID)?.wakeAt).toBe(at("09:00:30"));
    });

    it("an ordinary check-in whose next deadline is no earlier than the wake-up costs one load and one save, and no index write", async () => {
      const env = setUp();
      await approvedAndSwept(env);
      env.clock.set(at("09:00:00"));
      const outcome = await checkIn(env, "visitor", "left-school", env.anotherInstance());
      expect(outcome).toMatchObject({ ok: true, visit: { status: "on-the-way", wakeAt: ARRIVAL_LADDER } });
      expect(env.store.loads).toBe(1);
      expect(env.store.saves).toHaveLength(1);
      expect(env.due.scheduled).toEqual([]);
    });

    it("a check-in whose next deadline falls before the wake-up writes an entry for it", async () => {
      const env = setUp(testPolicy((p) => void (p.checkIns.periodicEvery = "PT15M")));
      await approvedAndSwept(env);
      env.clock.set(at("09:30:00"));
      // Periodic check-in due 09:45, so its ladder starts at 09:55, before the arrival ladder at 10:10.
      const outcome = await checkIn(env, "visitor", "left-school");
      expect(env.due.scheduled.map((s) => s.at)).toEqual([at("09:55:00")]);
      expect(outcome).toMatchObject({ ok: true, visit: { wakeAt: at("09:55:00") } });
    });

    it("once the visit's wake-up has passed, a change writes the next one", async () => {
      const env = setUp();
      await approved(env); // wake-up 08:00:30, and no sweep since
      env.clock.set(at("09:00:00"));
      const outcome = await checkIn(env, "visitor", "left-school");
      expect(env.due.scheduled.map((s) => s.at)).toEqual([ARRIVAL_LADDER]);
      expect(outcome).toMatchObject({ ok: true, visit: { wakeAt: ARRIVAL_LADDER } });
    });

    it("nothing is scheduled in the past: a visit approved after its arrival deadline passed is woken now", async () => {
      const env = setUp();
      await requested(env);
      env.clock.set(at("10:30:00"));
      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      expect(env.due.scheduled).toEqual([{ visitId: VISIT_ID, at: at("10:30:00"), now: at("10:30:00") }]);
      expect(outcome).toMatchObject({ ok: true, visit: { wakeAt: at("10:30:00") } });
    });
  });

  describe("the snapshot cache", () => {
    it("a second change on the same instance waits for no read: the snapshot it saved last is used", async () => {
      const env = setUp();
      await env.service.request(actor("visitor"), SCHOOL, pairDetails());
      let answerReads = () => {};
      env.store.holdLoads = new Promise((resolve) => (answerReads = resolve));
      await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      await checkIn(env, "visitor", "left-school");
      expect(env.store.snapshot(VISIT_ID)).toMatchObject({ status: "on-the-way", version: 3 });
      answerReads();
    });

    it("the stored visit is read beside a save decided on a cached snapshot, so a stale one costs no read after the refusal", async () => {
      const env = setUp();
      await approved(env);
      await checkIn(env, "secondVisitor", "left-school", env.anotherInstance());
      env.reset();

      // This instance's copy says "approved", where "arrived" fits too: only the ETag tells it is stale.
      const outcome = await checkIn(env, "visitor", "arrived");

      expect(outcome).toMatchObject({ ok: true, visit: { status: "arrived", version: 4 } });
      expect(env.store.calls).toEqual(["load", "save", "save"]);
    });

    it("a save conflict on a cached snapshot re-reads the visit and decides again on what the other instance saved", async () => {
      const env = setUp();
      await approved(env);
      await checkIn(env, "visitor", "arrived");
      await checkIn(env, "secondVisitor", "parent-present", env.anotherInstance());
      env.reset();

      const outcome = await checkIn(env, "visitor", "safe"); // decided first on the cached "arrived" snapshot

      expect(outcome).toMatchObject({ ok: true, visit: { status: "in-visit", version: 5, lastCheckIn: { step: "safe" } } });
      expect(env.store.loads).toBe(1);
      expect(env.store.saves.map((s) => s.before?.visit.version)).toEqual([3, 4]);
      expect((await env.store.events(VISIT_ID)).map((e) => e.type === "visit.checkedIn" && e.step)).toEqual([false, false, "arrived", "parent-present", "safe"]);
    });

    it("a refusal decided on a cached snapshot is checked again against storage, where another instance moved the visit on", async () => {
      const env = setUp();
      await approved(env);
      await checkIn(env, "secondVisitor", "arrived", env.anotherInstance());
      env.reset();

      // The cached copy still says "approved", where "parent-present" does not fit; the stored visit says "arrived".
      const outcome = await checkIn(env, "visitor", "parent-present");

      expect(outcome).toMatchObject({ ok: true, visit: { status: "in-visit", version: 4 } });
      expect(env.store.loads).toBe(1);
      expect(env.store.saves).toHaveLength(1);
    });

    it("a refusal that still holds against storage is reported with the stored visit, not the cached one", async () => {
      const env = setUp();
      await requested(env);
      await env.anotherInstance().act(VISIT_ID, actor("visitor"), { type: "cancel", reason: "Family came into school." });
      env.reset();
      // The cached copy says "requested", where a check-in is refused as too early; the stored visit is cancelled.
      const outcome = await checkIn(env, "visitor", "left-school");
      expect(outcome).toMatchObject({
        ok: false,
        refusal: { code: "finished", message: "This visit is cancelled; no more check-ins are needed." },
        visit: { status: "cancelled", version: 2 },
      });
      expect(env.store.loads).toBe(1);
      expect(env.store.saves).toEqual([]);
    });

    it("a card's version is checked against storage, not against a cached copy that is behind it", async () => {
      const env = setUp();
      await requested(env);
      await env.anotherInstance().act(VISIT_ID, actor("visitor"), { type: "amend", details: pairDetails({ address: "2 Other Road" }) });
      // The head's card was refreshed after the amendment, so it shows version 2; this instance's cache holds version 1.
      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" }, 2);
      expect(outcome).toMatchObject({ ok: true, visit: { status: "approved", version: 3, details: { address: "2 Other Road" } } });
    });

    it("the sweeper reads the stored visit, so a cached copy that is behind cannot make it skip a deadline", async () => {
      const env = setUp();
      const instanceA = env.service;
      await instanceA.request(actor("visitor"), SCHOOL, pairDetails());
      env.clock.set(at("08:00:30"));
      await instanceA.wake(VISIT_ID); // A's cache: requested, nothing to wake for
      env.clock.set(at("08:05:00"));
      await env.anotherInstance().act(VISIT_ID, actor("head"), { type: "approve" }); // wake-up 08:05:30 for its notifications
      env.clock.set(at("08:05:30"));
      env.reset();

      const outcome = await instanceA.wake(VISIT_ID);

      expect(outcome).toMatchObject({ ok: true, visit: { status: "approved", wakeAt: ARRIVAL_LADDER } });
      expect(env.due.entries(VISIT_ID).map((e) => e.at)).toContain(ARRIVAL_LADDER);
      expect(env.store.snapshot(VISIT_ID)?.wakeAt).toBe(ARRIVAL_LADDER);
    });
  });

  describe("concurrent writers (two approvers, a double tap)", () => {
    const twoApprovers = testPolicy((p) => {
      p.authorisation.approverRoles = ["headteacher", "dsl"];
    });

    it("on a save conflict it reloads, decides again on what the other writer saved, and reports already-decided", async () => {
      const env = setUp(twoApprovers);
      await requested(env);
      const headsInstance = env.anotherInstance();
      env.store.beforeNextSave(async () => {
        done(await headsInstance.act(VISIT_ID, actor("head"), { type: "decline", note: "Phone instead." }));
      });

      const dsl = await env.service.act(VISIT_ID, actor("dsl"), { type: "approve" });

      expect(dsl).toMatchObject({
        ok: false,
        refusal: { code: "already-decided", message: "Already declined by Jo Fenwick." },
        visit: { status: "declined", version: 2 },
      });
      // The head's load, the DSL's read beside its save on the cached snapshot (answered before the head's decline
      // landed, so it too was behind) and the DSL's reload.
      expect(env.store.loads).toBe(3);
      expect((await env.store.events(VISIT_ID)).map((e) => e.type)).toEqual(["visit.requested", "visit.declined"]);
      expect(env.store.snapshot(VISIT_ID)).toMatchObject({ status: "declined", decision: { by: actor("head") } });
      // Only the winner's decision was queued and announced; the loser's outbox items were never written.
      expect(env.outbox.items(VISIT_ID).map((item) => item.notification.kind)).toEqual(["approval-requested", "approval-requested", "decision-made", "decision-made"]);
      expect(env.sender.calls.map((call) => call.visit.status)).toEqual(["declined", "declined"]);
    });

    it("a check-in that conflicts with another check-in is decided again and saved on top of it", async () => {
      const env = setUp(twoApprovers);
      await approved(env);
      await checkIn(env, "visitor", "arrived");
      env.store.beforeNextSave(async () => {
        await checkIn(env, "secondVisitor", "parent-present", env.anotherInstance());
      });
      const outcome = await checkIn(env, "visitor", "safe");
      expect(outcome).toMatchObject({ ok: true, visit: { status: "in-visit", version: 5, lastCheckIn: { step: "safe" } } });
      expect((await env.store.events(VISIT_ID)).map((e) => e.type === "visit.checkedIn" && e.step)).toEqual([false, false, "arrived", "parent-present", "safe"]);
    });

    it("gives up after repeated conflicts, says so, and reports nothing as done", async () => {
      const env = setUp();
      await requested(env);
      env.store.alwaysConflict = true;
      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      expect(outcome).toEqual({
        ok: false,
        refusal: { code: "storage-unavailable", message: "Several people changed this visit at once. Please try again." },
      });
      expect(env.store.saves).toHaveLength(4);
      expect(env.store.snapshot(VISIT_ID)?.status).toBe("requested");
      expect(env.outbox.items(VISIT_ID).map((item) => item.notification.kind)).toEqual(["approval-requested"]);
      expect(env.sender.calls).toEqual([]);
      expect(env.log.lines).toContainEqual({ level: "warn", message: "visit save kept conflicting", fields: { visitId: VISIT_ID } });
    });
  });

  describe("the version on the card the actor tapped", () => {
    it("an approval of a request that was amended since the card was shown is refused as stale, with the latest visit", async () => {
      const env = setUp();
      await requested(env);
      await env.service.act(VISIT_ID, actor("visitor"), { type: "amend", details: pairDetails({ address: "2 Other Road" }) });
      env.reset();
      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" }, 1);
      expect(outcome).toMatchObject({
        ok: false,
        refusal: { code: "stale", message: "This visit changed since this card was shown. Here is the latest; please check it and try again." },
        visit: { version: 2, details: { address: "2 Other Road" } },
      });
      expect(env.store.saves).toEqual([]);
      expect(env.store.snapshot(VISIT_ID)?.status).toBe("requested");
    });

    it("the current version is accepted", async () => {
      const env = setUp();
      await requested(env);
      expect(await env.service.act(VISIT_ID, actor("head"), { type: "approve" }, 1)).toMatchObject({ ok: true });
    });

    it("a command the domain refuses anyway gets the domain's reason, not 'stale'", async () => {
      const env = setUp();
      await approved(env);
      expect(await env.service.act(VISIT_ID, actor("head"), { type: "approve" }, 1)).toMatchObject({
        ok: false,
        refusal: { code: "already-decided", message: "Already approved by Jo Fenwick." },
      });
    });

    it("a check-in from a card made out of date by a colleague's check-in is still recorded: a late check-in wins", async () => {
      const env = setUp();
      await approved(env);
      const cardVersion = done(await checkIn(env, "visitor", "arrived")).version; // both visitors' cards now show this version
      await env.service.act(VISIT_ID, actor("visitor"), { type: "checkIn", step: "parent-present" }, cardVersion);
      const outcome = await env.service.act(VISIT_ID, actor("secondVisitor"), { type: "checkIn", step: "left" }, cardVersion);
      expect(outcome).toMatchObject({ ok: true, visit: { status: "left", lastCheckIn: { step: "left", by: actor("secondVisitor") } } });
    });

    it("a check-in from an out-of-date card that no longer fits gets the domain's reason", async () => {
      const env = setUp();
      await approved(env);
      await env.service.act(VISIT_ID, actor("visitor"), { type: "checkIn", step: "arrived" }, 2);
      expect(await env.service.act(VISIT_ID, actor("secondVisitor"), { type: "checkIn", step: "arrived" }, 2)).toMatchObject({
        ok: false,
        refusal: { code: "wrong-step", message: "That check-in does not fit now: the visit is at the address." },
      });
    });

    it("a writer who slipped in between load and save makes the retried command stale", async () => {
      const env = setUp();
      await requested(env);
      env.store.beforeNextSave(async () => {
        await env.anotherInstance().act(VISIT_ID, actor("visitor"), { type: "amend", details: pairDetails({ end: "12:00" }) });
      });
      expect(await env.service.act(VISIT_ID, actor("head"), { type: "approve" }, 1)).toMatchObject({ ok: false, refusal: { code: "stale" } });
      expect(env.store.snapshot(VISIT_ID)).toMatchObject({ status: "requested", version: 2 });
    });
  });

  describe("storage failures are refusals, never silent successes", () => {
    const UNAVAILABLE = {
      code: "storage-unavailable",
      message: "This could not be saved just now, so it is NOT recorded. Please try again, or phone the school office.",
    };

    it("when loading throws, nothing is saved or sent and the person is told it is NOT recorded", async () => {
      const env = setUp();
      await requested(env);
      env.store.failLoad = new Error("ECONNREFUSED 127.0.0.1:10002");
      const outcome = await env.anotherInstance().act(VISIT_ID, actor("visitor"), { type: "cancel", reason: "Unwell" });
      expect(outcome).toEqual({ ok: false, refusal: UNAVAILABLE });
      expect(env.store.saves).toEqual([]);
      expect(env.sender.calls).toEqual([]);
      expect(env.log.lines).toContainEqual({ level: "error", message: "visit load failed", fields: { visitId: VISIT_ID, error: "Error: ECONNREFUSED 127.0.0.1:10002" } });
    });

    it("when saving throws, the stored visit is unchanged, nobody is told, the last saved visit is returned, and the next change reads afresh", async () => {
      const env = setUp();
      const visit = await requested(env);
      env.store.failSave = new Error("503 Server Busy");
      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      expect(outcome).toEqual({ ok: false, refusal: UNAVAILABLE, visit });
      expect(env.store.snapshot(VISIT_ID)).toEqual(visit);
      expect(await env.store.events(VISIT_ID)).toHaveLength(1);
      expect(env.outbox.items(VISIT_ID).map((item) => item.notification.kind)).toEqual(["approval-requested"]);
      expect(env.sender.calls).toEqual([]);
      expect(env.log.lines).toContainEqual(expect.objectContaining({ level: "error", message: "visit save failed" }));

      env.store.failSave = undefined;
      env.store.resetCounts();
      expect(await env.service.act(VISIT_ID, actor("head"), { type: "approve" })).toMatchObject({ ok: true });
      expect(env.store.loads).toBe(1);
    });

    it("when saving a new request throws, it is refused and there is no visit", async () => {
      const env = setUp();
      env.store.failSave = new Error("503 Server Busy");
      expect(await env.service.request(actor("visitor"), SCHOOL, pairDetails())).toEqual({ ok: false, refusal: UNAVAILABLE });
      expect(env.store.snapshot(VISIT_ID)).toBeUndefined();
      expect(env.outbox.items()).toEqual([]);
      expect(env.sender.calls).toEqual([]);
    });

    it("when the due index cannot be written, the change is refused before anything is saved", async () => {
      const env = setUp();
      env.due.failSchedule = new Error("503 Server Busy");
      expect(await env.service.request(actor("visitor"), SCHOOL, pairDetails())).toEqual({ ok: false, refusal: UNAVAILABLE });
      expect(env.store.saves).toEqual([]);
      expect(env.sender.calls).toEqual([]);
      expect(env.log.lines).toContainEqual({ level: "error", message: "due index write failed", fields: { visitId: VISIT_ID, error: "Error: 503 Server Busy" } });
    });
  });

  describe("a person's deadline: storage that does not answer", () => {
    const useFakeTimers = () => jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    afterEach(() => jest.useRealTimers());

    function stalled() {
      let release!: () => void;
      const promise = new Promise<void>((resolve) => (release = resolve));
      return { promise, release };
    }

    it("a load that never answers is refused as NOT recorded at the deadline, and leaves no timer behind", async () => {
      const env = setUp();
      await requested(env);
      useFakeTimers();
      jest.spyOn(env.store, "load").mockReturnValue(new Promise(() => undefined));

      let answer: Outcome | undefined;
      void env.anotherInstance().act(VISIT_ID, actor("visitor"), { type: "cancel", reason: "Unwell" }).then((outcome) => (answer = outcome));
      await jest.advanceTimersByTimeAsync(PERSON_DEADLINE_MS - 1);
      expect(answer).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);

      expect(answer).toMatchObject({ ok: false, refusal: { code: "storage-unavailable", message: expect.stringContaining("NOT recorded") } });
      expect(env.store.saves).toEqual([]);
      expect(jest.getTimerCount()).toBe(0);
    });

    it("a check-in whose save lands after the tap was told NOT recorded is recorded once, and the retry is told it is recorded", async () => {
      const env = setUp();
      await approved(env);
      const late = stalled();
      env.store.beforeNextSave(() => late.promise);
      useFakeTimers();

      let answer: Outcome | undefined;
      void env.service.act(VISIT_ID, actor("visitor"), { type: "checkIn", step: "arrived" }).then((outcome) => (answer = outcome));
      await jest.advanceTimersByTimeAsync(PERSON_DEADLINE_MS);
      expect(answer).toMatchObject({ ok: false, refusal: { code: "storage-unavailable" } });

      late.release(); // storage comes back, and the write it had already taken in lands
      await jest.advanceTimersByTimeAsync(0);
      expect(env.store.snapshot(VISIT_ID)).toMatchObject({ status: "arrived", lastCheckIn: { step: "arrived", at: T } });

      env.clock.set(at("08:01:00"));
      const retry = await env.service.act(VISIT_ID, actor("visitor"), { type: "checkIn", step: "arrived" });
      expect(retry).toMatchObject({ ok: true, events: [], visit: { status: "arrived", lastCheckIn: { step: "arrived", at: T } } });
      expect((await env.store.events(VISIT_ID)).filter((event) => event.type === "visit.checkedIn")).toHaveLength(1);
    });
  });

  describe("delivery after the save", () => {
    it("sends what a save just queued as the save returned it, with no read of the visit's outbox", async () => {
      const env = setUp();
      const pending = jest.spyOn(env.outbox, "pending");
      await env.service.request(actor("visitor"), SCHOOL, pairDetails());
      expect(pending).not.toHaveBeenCalled();
      expect(env.outbox.items(VISIT_ID)).toEqual([expect.objectContaining({ status: "delivered" })]);
    });

    it("a sender failure still reports the change as done; the items stay pending and their retry is scheduled", async () => {
      const env = setUp();
      await requested(env); // wake-up 08:00:30
      jest.spyOn(Math, "random").mockReturnValue(0.5); // no jitter: the first retry is 2 s later
      env.sender.always({ ok: false, error: "Bot Connector 502" });

      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" });

      // Each visitor is named once, though their decision and their briefing both failed.
      expect(outcome).toMatchObject({ ok: true, visit: { status: "approved" }, unreachable: ids("visitor", "secondVisitor") });
      expect(env.store.snapshot(VISIT_ID)?.status).toBe("approved");
      const pending = expect.objectContaining({ status: "pending", attempts: 1, lastError: "Bot Connector 502", nextAttemptAt: at("08:00:02") });
      expect(env.outbox.items(VISIT_ID).filter((item) => item.id.startsWith("000002-"))).toEqual([pending, pending, pending, pending]);
      // The approval's recovery entry (the request's, as early, may have been for a deadline only), then the retry.
      expect(env.due.scheduled.map((s) => s.at)).toEqual([at("08:00:30"), at("08:00:02")]);
    });

    it("a sender that throws is the same: the change is done and the items stay pending", async () => {
      const env = setUp();
      await requested(env);
      env.sender.always(new Error("socket hang up"));
      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      expect(outcome).toMatchObject({ ok: true, visit: { status: "approved" }, unreachable: ids("visitor", "secondVisitor") });
      // Two decisions and two briefings.
      expect(env.outbox.items(VISIT_ID).filter((item) => item.status === "pending")).toHaveLength(4);
    });

    it("when the outbox cannot be written after the save, the change is still done and the card goes out; unrecorded, it is sent again when its hold ends", async () => {
      const env = setUp();
      env.outbox.failUpdate = new Error("ETIMEDOUT");
      const outcome = await env.service.request(actor("visitor"), SCHOOL, pairDetails());
      expect(outcome).toMatchObject({ ok: true, visit: { status: "requested", wakeAt: at("08:00:30") }, unreachable: [] });
      expect(env.sender.calls).toHaveLength(1);
      expect(env.outbox.items(VISIT_ID)).toEqual([expect.objectContaining({ status: "pending", attempts: 1, nextAttemptAt: at("08:05:00") })]);
      expect(env.log.lines).toContainEqual({ level: "error", message: "notification delivery failed", fields: { visitId: VISIT_ID, error: "Error: ETIMEDOUT" } });

      // The recovery wake finds it still held and comes back when the hold ends: never dropped, at worst sent twice.
      env.outbox.failUpdate = undefined;
      env.clock.set(at("08:00:30"));
      expect(await env.service.wake(VISIT_ID)).toMatchObject({ ok: true });
      expect(env.sender.calls).toHaveLength(1);
      expect(env.due.scheduled.map((s) => s.at)).toContain(at("08:05:00"));
      env.clock.set(at("08:05:00"));
      expect(await env.service.wake(VISIT_ID)).toMatchObject({ ok: true });
      expect(env.sender.calls).toHaveLength(2);
      expect(env.outbox.items(VISIT_ID)).toEqual([expect.objectContaining({ status: "delivered", attempts: 2, deliveredAt: at("08:05:00") })]);
    });

    it("people the sender could not reach are passed back so the actor can follow up", async () => {
      const env = setUp();
      await requested(env);
      env.sender.always((call) =>
        recipientOf(call.notification) === id("secondVisitor") ? { ok: false, error: "no conversation", unreachable: true } : { ok: true, posts: [] },
      );
      // Neither their decision nor their briefing reached them: named once.
      expect(await env.service.act(VISIT_ID, actor("head"), { type: "approve" })).toMatchObject({ ok: true, unreachable: ids("secondVisitor") });
    });
  });

  describe("wake: the sweeper's visit", () => {

    it("raises the overdue alert and sends the ladder's first step as the system, then comes back for the rest", async () => {
      const env = setUp();
      await approvedAndSwept(env);
      env.clock.set(ARRIVAL_LADDER);

      const outcome = await env.service.wake(VISIT_ID);

      expect(outcome).toMatchObject({
        ok: true,
        events: [
          { type: "alert.raised", actor: SYSTEM, alert: { id: "A1", kind: "overdue" } },
          { type: "alert.escalated", actor: SYSTEM, alertId: "A1", step: 0, targets: ["visitor"] },
        ],
      });
      const saved = env.store.lastSave();
      expect(saved.outbox).toEqual(held(outboxFor(saved.after, saved.events, env.policy, new Date(ARRIVAL_LADDER)), ARRIVAL_LADDER));
      expect(env.sender.calls.map((call) => [call.notification.kind, recipientOf(call.notification)])).toEqual([
        ["are-you-safe", id("visitor")],
        ["are-you-safe", id("secondVisitor")],
      ]);
      // Straight on to the office's step at 10:15: no recovery entry, since the sweep keeps the entry it claimed
      // until this wake has delivered (and it comes back when its lease runs out, should this instance die first).
      expect(env.due.scheduled.map((s) => s.at)).toEqual([at("10:15:00")]);
      expect(env.store.snapshot(VISIT_ID)?.wakeAt).toBe(at("10:15:00"));
    });

    it("an escalation also delivers what an earlier attempt left pending, since no recovery wake comes after it", async () => {
      const env = setUp();
      await approvedAndSwept(env);
      env.sender.always({ ok: false, error: "Bot Connector 502" });
      env.clock.set(at("10:05:00"));
      await checkIn(env, "visitor", "left-school"); // nothing queued: the visitor's own card answers
      env.clock.set(at("10:08:00"));
      await env.service.act(VISIT_ID, actor("visitor"), { type: "requestHelp", silent: false }); // its alerts fail to go out
      expect(env.outbox.items(VISIT_ID).filter((item) => item.status === "pending").length).toBeGreaterThan(0);
      env.sender.reset();
      env.sender.always({ ok: true, posts: [] });
      env.clock.set(ARRIVAL_LADDER);

      expect(await env.service.wake(VISIT_ID)).toMatchObject({ ok: true, events: [{ type: "alert.raised" }, { type: "alert.escalated" }] });

      expect(env.sender.calls.map((call) => call.notification.kind)).toEqual(expect.arrayContaining(["alert", "are-you-safe"]));
      expect(env.outbox.items(VISIT_ID).filter((item) => item.status === "pending")).toEqual([]);
    });

    it("with nothing due, still saves the moved wake-up (no events) and schedules the next step", async () => {
      const env = setUp();
      await approved(env); // its notifications' recovery wake-up at 08:00:30
      env.clock.set(at("08:00:30"));

      const outcome = await env.service.wake(VISIT_ID);

      expect(outcome).toMatchObject({ ok: true, events: [], visit: { wakeAt: ARRIVAL_LADDER } });
      expect(env.store.saves).toEqual([expect.objectContaining({ events: [], outbox: [], after: expect.objectContaining({ wakeAt: ARRIVAL_LADDER }) })]);
      expect(env.due.scheduled.map((s) => s.at)).toEqual([ARRIVAL_LADDER]);

      env.clock.set(ARRIVAL_LADDER);
      await env.service.wake(VISIT_ID);
      env.sender.reset();
      env.clock.set(at("10:15:00"));
      expect(await env.service.wake(VISIT_ID)).toMatchObject({ ok: true, events: [{ type: "alert.escalated", step: 1, targets: ["office"] }] });
      expect(env.sender.calls.map((call) => [call.notification.kind, recipientOf(call.notification)])).toEqual([["alert", id("office")]]);
    });

    it("a late wake sends every step that has fallen due at once", async () => {
      const env = setUp();
      await approvedAndSwept(env);
      env.clock.set(at("10:30:00"));
      const outcome = await env.service.wake(VISIT_ID);
      expect(outcome).toMatchObject({ ok: true, events: [{ type: "alert.raised" }, { step: 0 }, { step: 1 }, { step: 2 }] });
      expect(env.sender.calls.map((call) => recipientOf(call.notification))).toEqual([...ids("visitor", "secondVisitor", "office", "head"), "#safeguarding"]);
    });

    it("a late check-in wins: a wake after the visitor arrived raises nothing and moves on to the leaving deadline", async () => {
      const env = setUp();
      await approvedAndSwept(env);
      env.clock.set(at("10:05:00"));
      await checkIn(env, "visitor", "arrived");
      env.clock.set(ARRIVAL_LADDER);
      const outcome = await env.service.wake(VISIT_ID);
      expect(outcome).toMatchObject({ ok: true, events: [], visit: { status: "arrived", alerts: [], wakeAt: at("11:10:00") } });
    });

    it("an early wake with nothing due and the wake-up unchanged saves nothing", async () => {
      const env = setUp();
      await approvedAndSwept(env);
      env.clock.set(at("09:00:00"));
      expect(await env.service.wake(VISIT_ID)).toMatchObject({ ok: true, events: [], visit: { wakeAt: ARRIVAL_LADDER } });
      expect(env.store.loads).toBe(1); // the sweeper always reads the stored visit, even on the instance that cached it
      expect(env.store.saves).toEqual([]);
      expect(env.due.entries(VISIT_ID).map((e) => e.at)).toContain(ARRIVAL_LADDER);
    });

    it("clears the wake-up of a visit that has nothing more to fall due, and schedules nothing", async () => {
      const env = setUp();
      await approvedAndSwept(env);
      env.clock.set(at("09:55:00"));
      await checkIn(env, "visitor", "arrived");
      await checkIn(env, "visitor", "left");
      env.clock.set(ARRIVAL_LADDER);
      env.reset();
      const outcome = await env.service.wake(VISIT_ID);
      expect(outcome).toMatchObject({ ok: true, events: [], visit: { status: "left" } });
      expect(done(outcome).wakeAt).toBeUndefined();
      expect(env.store.snapshot(VISIT_ID)?.wakeAt).toBeUndefined();
      expect(env.due.scheduled).toEqual([]);
    });

    it("delivers what an earlier attempt left pending", async () => {
      const env = setUp();
      await requested(env);
      env.sender.always({ ok: false, error: "Bot Connector 502" });
      await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      env.sender.reset();
      env.clock.set(at("08:00:30"));
      await env.service.wake(VISIT_ID);
      expect(env.sender.calls.map((call) => [call.notification.kind, recipientOf(call.notification)])).toEqual([
        ["decision-made", id("visitor")],
        ["decision-made", id("secondVisitor")],
        ["briefing", id("visitor")],
        ["briefing", id("secondVisitor")],
      ]);
      expect(env.outbox.items(VISIT_ID).every((item) => item.status === "delivered")).toBe(true);
    });

    it("when the outbox cannot be read, the wake answers storage-unavailable so the sweeper keeps its entry; what it saved stays saved", async () => {
      const env = setUp();
      await requested(env);
      env.sender.always({ ok: false, error: "Bot Connector 502" });
      await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      env.sender.reset();
      env.outbox.failPending = new Error("ETIMEDOUT");
      env.clock.set(at("08:00:30"));

      const outcome = await env.service.wake(VISIT_ID);

      expect(outcome).toMatchObject({ ok: false, refusal: { code: "storage-unavailable" }, visit: { status: "approved", wakeAt: ARRIVAL_LADDER } });
      expect(env.store.snapshot(VISIT_ID)?.wakeAt).toBe(ARRIVAL_LADDER);
      expect(env.outbox.items(VISIT_ID).filter((item) => item.status === "pending")).toHaveLength(4);
      expect(env.log.lines).toContainEqual({ level: "error", message: "notification delivery failed", fields: { visitId: VISIT_ID, error: "Error: ETIMEDOUT" } });
    });

    it("a visit that does not exist is refused (the sweeper drops its entry); storage trouble answers storage-unavailable (it keeps it)", async () => {
      const env = setUp();
      expect(await env.service.wake("gone")).toMatchObject({ ok: false, refusal: { code: "invalid-request" } });
      env.store.failLoad = new Error("503");
      expect(await env.service.wake("gone")).toMatchObject({ ok: false, refusal: { code: "storage-unavailable" } });
    });
  });

  describe("R06: the staff records behind an approval", () => {
    const dbsBlocks = () => testPolicy((p) => void (p.staffPrerequisites.blocking = ["dbs"]));
    /** Everything the fixture's profile requires (mobile, vehicle, DBS, training), on file. */
    const complete = (): StaffRecord => ({
      mobile: "07700 900123",
      vehicle: { make: "Ford", model: "Fiesta", registration: "AB12 CDE", colour: "Blue" },
      dbs: { checkedOn: "2025-09-01", barredListCheckedOn: "2025-09-01" },
      training: [{ name: "Lone working", completedOn: "2025-09-02" }],
    });
    const without = (record: StaffRecord, ...left: (keyof StaffRecord)[]): StaffRecord =>
      Object.fromEntries(Object.entries(record).filter(([key]) => !left.includes(key as keyof StaffRecord))) as StaffRecord;

    it("blocking gaps refuse the approval, naming them; nothing is saved or sent, and the visit as stored comes back", async () => {
      const env = setUp(dbsBlocks());
      await env.staff.saveRecord(SCHOOL, id("visitor"), { ...complete(), dbs: { checkedOn: "2025-09-01" } }); // no barred-list check
      await env.staff.saveRecord(SCHOOL, id("secondVisitor"), without(complete(), "dbs", "training")); // training does not block
      const visit = await requested(env);

      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" }, 1);

      expect(outcome).toEqual({
        ok: false,
        refusal: {
          code: "invalid-request",
          message: "This visit cannot be approved until the staff records are complete: no barred-list check on file; no enhanced DBS check on file.",
        },
        visit,
      });
      expect(env.store.saves).toEqual([]);
      expect(env.sender.calls).toEqual([]);
      expect(env.store.snapshot(VISIT_ID)).toMatchObject({ status: "requested", version: 1 });
    });

    it("once the records are complete the same approval goes through: the directory is read at the moment of approval", async () => {
      const env = setUp(dbsBlocks());
      await env.staff.saveRecord(SCHOOL, id("visitor"), complete());
      await requested(env);
      expect(await env.service.act(VISIT_ID, actor("head"), { type: "approve" })).toMatchObject({ ok: false, refusal: { code: "invalid-request" } });

      await env.staff.saveRecord(SCHOOL, id("secondVisitor"), complete());
      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" });

      expect(outcome).toMatchObject({ ok: true, visit: { status: "approved" }, events: [{ type: "visit.approved" }] });
      const approval = outcome.ok ? outcome.events[0] : undefined;
      expect(approval).not.toHaveProperty("staffGaps"); // nothing missing, nothing recorded
    });

    it("gaps that do not block are recorded on the approval event, in the audit trail, for each member of staff", async () => {
      const env = setUp(dbsBlocks());
      await env.staff.saveRecord(SCHOOL, id("visitor"), without(complete(), "mobile"));
      await env.staff.upsert(SCHOOL, [{ aadObjectId: id("secondVisitor"), name: "Sam Moss", teamsUserId: "29:sam", lastSeenAt: T }]); // seen in Teams, no record yet
      await env.staff.saveRecord(SCHOOL, id("secondVisitor"), { dbs: { checkedOn: "2024-01-10", barredListCheckedOn: "2024-01-10" } });
      await requested(env);

      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" });

      const gaps = [
        { staffId: id("visitor"), item: "mobile", problem: "no mobile number on file", blocking: false },
        { staffId: id("secondVisitor"), item: "mobile", problem: "no mobile number on file", blocking: false },
        { staffId: id("secondVisitor"), item: "vehicle", problem: "vehicle make, model, registration or colour missing", blocking: false },
        { staffId: id("secondVisitor"), item: "training", problem: "no home-visit or lone-working training on file", blocking: false },
      ];
      expect(outcome).toMatchObject({ ok: true, visit: { status: "approved" }, events: [{ type: "visit.approved", actor: actor("head"), staffGaps: gaps }] });
      expect((await env.store.events(VISIT_ID)).at(-1)).toMatchObject({ type: "visit.approved", staffGaps: gaps });
      // The approval still tells the visitors as usual (the SLT's itinerary, R01, is tested on its own).
      const visitors: string[] = ids("visitor", "secondVisitor");
      expect(env.sender.calls.filter((call) => visitors.includes(recipientOf(call.notification))).map((call) => call.notification.kind)).toEqual([
        "decision-made",
        "decision-made",
        "briefing",
        "briefing",
      ]);
    });

    it("someone with no record at all has every required item missing; without blocking items that is no bar to approval", async () => {
      const env = setUp(); // the fixture blocks nothing
      await requested(env);
      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      expect(outcome).toMatchObject({ ok: true });
      const approval = outcome.ok ? outcome.events[0] : undefined;
      expect(approval?.type === "visit.approved" && approval.staffGaps?.map((g) => [g.staffId, g.item, g.blocking])).toEqual([
        [id("visitor"), "mobile", false],
        [id("visitor"), "vehicle", false],
        [id("visitor"), "dbs", false],
        [id("visitor"), "training", false],
        [id("secondVisitor"), "mobile", false],
        [id("secondVisitor"), "vehicle", false],
        [id("secondVisitor"), "dbs", false],
        [id("secondVisitor"), "training", false],
      ]);
    });

    it("a client cannot supply its own gaps: the server's reading of the directory decides", async () => {
      const env = setUp(dbsBlocks());
      await requested(env);
      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve", staffGaps: [] });
      expect(outcome).toMatchObject({ ok: false, refusal: { code: "invalid-request" } });
      expect(env.store.saves).toEqual([]);
    });

    it("the gaps cost no extra load of the visit: one staff read per visitor, on the snapshot the approval is decided on", async () => {
      const env = setUp(dbsBlocks());
      await env.staff.saveRecord(SCHOOL, id("visitor"), complete());
      await env.staff.saveRecord(SCHOOL, id("secondVisitor"), complete());
      await requested(env);
      const reads = jest.spyOn(env.staff, "get");

      // On the instance that saved the request: decided on its cached snapshot, the one load only beside the save.
      expect(await env.service.act(VISIT_ID, actor("head"), { type: "approve" }, 1)).toMatchObject({ ok: true });
      expect(env.store.calls).toEqual(["load", "save"]);
      expect(env.store.saves).toHaveLength(1);
      expect(reads.mock.calls.map(([, who]) => who)).toEqual(ids("visitor", "secondVisitor"));

      // On an instance with nothing cached: the one load any decision needs.
      const other = setUp(dbsBlocks());
      await other.staff.saveRecord(SCHOOL, id("visitor"), complete());
      await other.staff.saveRecord(SCHOOL, id("secondVisitor"), complete());
      await requested(other);
      expect(await other.anotherInstance().act(VISIT_ID, actor("head"), { type: "approve" }, 1)).toMatchObject({ ok: true });
      expect(other.store.loads).toBe(1);
      expect(other.store.saves).toHaveLength(1);
    });

    it("a decline or a request for changes reads no staff record", async () => {
      const env = setUp(dbsBlocks());
      await requested(env);
      const reads = jest.spyOn(env.staff, "get");
      expect(await env.anotherInstance().act(VISIT_ID, actor("head"), { type: "requestChanges", note: "Add the known risks." })).toMatchObject({ ok: true });
      expect(env.store.loads).toBe(1);
      expect(reads).not.toHaveBeenCalled();
    });

    it("staffGaps checks expiry dates on the visit's own date when it is later than today (London)", async () => {
      const env = setUp(testPolicy((p) => void (p.staffPrerequisites.required = ["insurance"])));
      const visit = await requested(env);
      const day = visit.details.date;
      const dayBefore = new Date(Date.parse(`${day}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      const insuredUntil = (expiry: string): StaffRecord => ({ vehicle: { make: "Ford", model: "Fiesta", registration: "AB12 CDE", colour: "Blue", insuranceExpiry: expiry } });
      await env.staff.saveRecord(SCHOOL, id("visitor"), insuredUntil(dayBefore));
      await env.staff.saveRecord(SCHOOL, id("secondVisitor"), insuredUntil(day));

      env.clock.set(`${dayBefore}T09:00:00.000Z`); // approved the day before: the visitor's cover ends before the visit
      expect(await env.service.staffGaps(visit, env.policy)).toEqual([{ staffId: id("visitor"), item: "insurance", problem: `car insurance expired on ${dayBefore}`, blocking: false }]);
      env.clock.set(`${day}T23:30:00.000Z`); // the visit's day is in November (GMT): still that day in London
      expect((await env.service.staffGaps(visit, env.policy)).map((g) => g.staffId)).toEqual([id("visitor")]);
      const nextDay = new Date(Date.parse(`${day}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      env.clock.set(`${nextDay}T00:30:00.000Z`); // the day after the visit: both covers have run out by today
      expect((await env.service.staffGaps(visit, env.policy)).map((g) => g.staffId)).toEqual([id("visitor"), id("secondVisitor")]);
    });
  });

  describe("how long a change waits for its notifications", () => {
    /** A send the Bot Framework client is still retrying (throttled): it answers after `ms`. */
    const slowSend = (ms: number) => () => new Promise<SendResult>((resolve) => setTimeout(() => resolve({ ok: true, posts: [] }), ms));
    const useFakeTimers = () => jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });

    afterEach(() => jest.useRealTimers());

    it("a person's tap answers after 4 s however slow the sender is, naming the queued people as not confirmed; delivery then completes", async () => {
      const env = setUp();
      await requested(env);
      useFakeTimers();
      env.sender.then(slowSend(5_000)); // the first decision takes 5 s; the rest go at once

      let answer: Outcome | undefined;
      void env.service.act(VISIT_ID, actor("head"), { type: "approve" }).then((outcome) => (answer = outcome));
      await jest.advanceTimersByTimeAsync(3_999);
      expect(answer).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);

      expect(answer).toMatchObject({ ok: true, visit: { status: "approved", version: 2 }, unreachable: ids("visitor", "secondVisitor") });
      expect(env.store.snapshot(VISIT_ID)?.status).toBe("approved"); // saved before anyone was told
      expect(env.sender.calls).toHaveLength(1);
      expect(env.outbox.items(VISIT_ID).filter((item) => item.status === "pending")).toHaveLength(4);

      await jest.advanceTimersByTimeAsync(1_000);

      expect(env.sender.calls.map((call) => call.notification.kind)).toEqual(["decision-made", "decision-made", "briefing", "briefing"]);
      expect(env.outbox.items(VISIT_ID).every((item) => item.status === "delivered")).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
    });

    it("within the 4 s it waits for delivery and reports what really happened, leaving no timer behind", async () => {
      const env = setUp();
      await requested(env);
      useFakeTimers();
      env.sender.then(slowSend(3_000));

      let answer: Outcome | undefined;
      void env.service.act(VISIT_ID, actor("head"), { type: "approve" }).then((outcome) => (answer = outcome));
      await jest.advanceTimersByTimeAsync(2_999);
      expect(answer).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);

      expect(answer).toMatchObject({ ok: true, unreachable: [] });
      expect(env.outbox.items(VISIT_ID).every((item) => item.status === "delivered")).toBe(true);
      expect(jest.getTimerCount()).toBe(0);
    });

    it("a request answers in time too: the approver it could not confirm yet is named", async () => {
      const env = setUp();
      useFakeTimers();
      env.sender.then(slowSend(8_000));

      let answer: Outcome | undefined;
      void env.service.request(actor("visitor"), SCHOOL, pairDetails()).then((outcome) => (answer = outcome));
      await jest.advanceTimersByTimeAsync(4_000);
      expect(answer).toMatchObject({ ok: true, visit: { status: "requested" }, unreachable: ids("head") });

      await jest.advanceTimersByTimeAsync(4_000);
      expect(env.outbox.items(VISIT_ID)).toEqual([expect.objectContaining({ status: "delivered" })]);
    });

    it("the sweeper's wake waits for delivery, however long it takes, and reports what really happened", async () => {
      const env = setUp();
      await requested(env);
      env.sender.always({ ok: false, error: "Bot Connector 502" });
      await env.service.act(VISIT_ID, actor("head"), { type: "approve" }); // four items pending
      env.sender.reset();
      useFakeTimers();
      env.sender.then(slowSend(10_000));
      env.clock.set(at("08:00:30"));

      let answer: Outcome | undefined;
      void env.service.wake(VISIT_ID).then((outcome) => (answer = outcome));
      await jest.advanceTimersByTimeAsync(9_999);
      expect(answer).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);

      expect(answer).toMatchObject({ ok: true, visit: { status: "approved" }, unreachable: [] });
      expect(env.sender.calls).toHaveLength(4);
      expect(env.outbox.items(VISIT_ID).every((item) => item.status === "delivered")).toBe(true);
    });
  });

  it("logs a change with ids, event types and counts only, never the visit's personal details", async () => {
    const env = setUp();
    await env.service.request(actor("visitor"), SCHOOL, pairDetails());
    const info = env.log.lines.filter((line) => line.level === "info");
    expect(info).toEqual([{ level: "info", message: "visit changed", fields: { visitId: VISIT_ID, events: ["visit.requested"], queued: 1 } }]);
    const text = JSON.stringify(env.log.lines);
    for (const secret of ["PUPIL-0042", "Example Road", "Alex Rivers", "Jo Fenwick"]) expect(text).not.toContain(secret);
  });

  describe("find and currentVisitFor", () => {
    it("find returns the stored visit, or undefined", async () => {
      const env = setUp();
      const visit = await requested(env);
      expect(await env.service.find(VISIT_ID)).toEqual(visit);
      expect(await env.service.find("missing")).toBeUndefined();
    });

    it("currentVisitFor finds today's approved visit for either member of staff, and prefers one they are out on", async () => {
      const env = setUp();
      await requested(env);
      expect(await env.service.currentVisitFor(id("secondVisitor"))).toBeUndefined(); // not approved yet
      await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      expect(await env.service.currentVisitFor(id("secondVisitor"))).toMatchObject({ id: VISIT_ID, status: "approved" });
      await checkIn(env, "visitor", "arrived");
      expect(await env.service.currentVisitFor(id("visitor"))).toMatchObject({ id: VISIT_ID, status: "arrived" });
      expect(await env.service.currentVisitFor(id("head"))).toBeUndefined();
    });

    it("a call for help (anyStatus) falls back to the person's latest visit today whatever its state", async () => {
      const env = setUp();
      await requested(env);
      expect(await env.service.currentVisitFor(id("visitor"))).toBeUndefined();
      expect(await env.service.currentVisitFor(id("visitor"), true)).toMatchObject({ id: VISIT_ID, status: "requested" });
    });

    it("currentVisitFor asks for the London day: 23:30Z in summer is already tomorrow in London", async () => {
      const env = setUp();
      env.clock.set("2026-07-01T20:00:00.000Z");
      // Out of hours (R05): the office checks on them.
      done(await env.service.request(actor("visitor"), SCHOOL, pairDetails({ date: "2026-07-02", start: "00:15", end: "00:45", responsibleContactId: id("office") })));
      done(await env.service.act(VISIT_ID, actor("head"), { type: "approve" }));
      env.clock.set("2026-07-01T23:30:00.000Z");
      expect(await env.service.currentVisitFor(id("visitor"))).toMatchObject({ id: VISIT_ID });
      env.clock.set("2026-07-01T22:30:00.000Z"); // 23:30 London, still 1 July
      expect(await env.service.currentVisitFor(id("visitor"))).toBeUndefined();
    });
  });
});
