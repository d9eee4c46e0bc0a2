import type { Deadline } from "../../src/app/deadline";
import { OutboxDispatcher } from "../../src/app/outbox.dispatcher";
import type { Outcome } from "../../src/app/visit.service";
import { VisitService } from "../../src/app/visit.service";
import { Sweeper, type SweeperOptions } from "../../src/escalation/sweeper";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { quietLog } from "../support/quiet-log";
import { pairDetails, visitIn } from "../domain/visit.builders";
import { FixedClock, MemoryDueIndex, MemoryOutbox, MemoryVisitStore, recipientOf, ScriptedSender, MemoryStaffDirectory } from "../app/support/memory-ports";
import { schoolsWith } from "../app/support/memory-schools";

const NOW = "2026-11-23T10:00:00.000Z";
const later = (ms: number, from = NOW) => new Date(Date.parse(from) + ms).toISOString();
const OPTIONS: SweeperOptions = { intervalMs: 1_000, batch: 50, leaseMs: 60_000, concurrency: 4, deadlineMs: 30_000 };

const DONE: Outcome = { ok: true, visit: visitIn("approved", testPolicy()), events: [], unreachable: [], channelMissed: false };
const UNAVAILABLE: Outcome = { ok: false, refusal: { code: "storage-unavailable", message: "not now" } };
const GONE: Outcome = { ok: false, refusal: { code: "invalid-request", message: "That visit does not exist." } };

/** Stands in for VisitService.wake: records what it was asked, answers from `answer`, and counts wakes in flight. */
class FakeService {
  readonly woken: string[] = [];
  /** The deadline each wake was given. */
  readonly deadlines: (Deadline | undefined)[] = [];
  inFlight = 0;
  maxInFlight = 0;
  answer: (visitId: string) => Outcome | Promise<Outcome> = () => DONE;

  async wake(visitId: string, deadline?: Deadline): Promise<Outcome> {
    this.woken.push(visitId);
    this.deadlines.push(deadline);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await this.answer(visitId);
    } finally {
      this.inFlight--;
    }
  }
}

function setUp(options: Partial<SweeperOptions> = {}) {
  const clock = new FixedClock(NOW);
  const due = new MemoryDueIndex(clock);
  const service = new FakeService();
  const log = quietLog();
  const sweeper = (answering = service) => new Sweeper(answering as unknown as VisitService, due, clock, log, { ...OPTIONS, ...options });
  return { clock, due, service, log, sweeper: sweeper(), anotherSweeper: sweeper };
}

/** A turn of the event loop: long enough for every wake started so far to start the next. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

describe("Sweeper.sweepOnce", () => {
  it("claims each due entry before waking its visit, completes it afterwards, and leaves entries not yet due alone", async () => {
    const env = setUp();
    await env.due.schedule("v1", later(-60_000));
    await env.due.schedule("v2", NOW);
    await env.due.schedule("v3", later(1));
    const leasesSeen: (string | undefined)[] = [];
    env.service.answer = (visitId) => {
      leasesSeen.push(env.due.entries(visitId)[0]?.leaseUntil);
      return DONE;
    };

    expect(await env.sweeper.sweepOnce()).toBe(2);

    expect(env.service.woken).toEqual(["v1", "v2"]);
    expect(leasesSeen).toEqual([later(60_000), later(60_000)]);
    expect(env.due.completed.map((e) => e.visitId)).toEqual(["v1", "v2"]);
    expect(env.due.entries().map((e) => e.visitId)).toEqual(["v3"]);
  });

  it("keeps the entry when the service answers storage-unavailable, and tries it again once the lease has run out", async () => {
    const env = setUp();
    await env.due.schedule("v1", NOW);
    env.service.answer = () => UNAVAILABLE;

    expect(await env.sweeper.sweepOnce()).toBe(0);
    expect(env.due.entries()).toEqual([expect.objectContaining({ visitId: "v1", leaseUntil: later(60_000) })]);

    await env.sweeper.sweepOnce(); // still leased: left alone
    expect(env.service.woken).toEqual(["v1"]);

    env.clock.set(later(60_000));
    env.service.answer = () => DONE;
    expect(await env.sweeper.sweepOnce()).toBe(1);
    expect(env.service.woken).toEqual(["v1", "v1"]);
    expect(env.due.entries()).toEqual([]);
  });

  it("completes the entry when the service refuses for any other reason, so a visit that is gone is not retried forever", async () => {
    const env = setUp();
    await env.due.schedule("gone", NOW);
    env.service.answer = () => GONE;
    expect(await env.sweeper.sweepOnce()).toBe(1);
    expect(env.due.entries()).toEqual([]);
  });

  it("skips an entry another sweeper claimed between reading and claiming it", async () => {
    const env = setUp();
    await env.due.schedule("v1", NOW);
    await env.due.schedule("v2", NOW);
    env.due.beforeNextClaim(async (entry) => {
      await env.due.claim(entry, new Date(later(60_000)));
    });

    expect(await env.sweeper.sweepOnce()).toBe(1);

    expect(env.service.woken).toEqual(["v2"]);
    expect(env.due.entries().map((e) => e.visitId)).toEqual(["v1"]); // the other sweeper's to complete
  });

  it("two sweepers sweeping at once wake each visit once between them", async () => {
    const env = setUp();
    const ids = Array.from({ length: 10 }, (_, i) => `v${i}`);
    for (const id of ids) await env.due.schedule(id, NOW);
    env.service.answer = async () => {
      await turn();
      return DONE;
    };

    const [mine, theirs] = await Promise.all([env.sweeper.sweepOnce(), env.anotherSweeper().sweepOnce()]);

    expect(mine + theirs).toBe(10);
    expect([...env.service.woken].sort()).toEqual(ids);
    expect(env.due.entries()).toEqual([]);
  });

  it("wakes at most `concurrency` visits at a time, and gets through all of them", async () => {
    const env = setUp({ concurrency: 3 });
    const ids = Array.from({ length: 20 }, (_, i) => `v${String(i).padStart(2, "0")}`);
    for (const id of ids) await env.due.schedule(id, NOW);
    env.service.answer = async () => {
      await turn();
      await turn();
      return DONE;
    };

    expect(await env.sweeper.sweepOnce()).toBe(20);

    expect(env.service.maxInFlight).toBe(3);
    expect(env.service.woken).toEqual(ids);
  });

  it("takes at most `batch` entries per sweep, oldest first; the rest wait for the next sweep", async () => {
    const env = setUp({ batch: 3 });
    for (let i = 5; i >= 1; i--) await env.due.schedule(`v${i}`, later(-i * 1_000));
    expect(await env.sweeper.sweepOnce()).toBe(3);
    expect(env.service.woken).toEqual(["v5", "v4", "v3"]);
    expect(await env.sweeper.sweepOnce()).toBe(2);
    expect(env.service.woken).toEqual(["v5", "v4", "v3", "v2", "v1"]);
  });
});

describe("a sweep is bounded by its deadline", () => {
  it("ends at its deadline when a wake never answers; the visits not yet woken wait, still due, for the next sweep", async () => {
    jest.useFakeTimers();
    const env = setUp({ concurrency: 1, deadlineMs: 5_000 });
    await env.due.schedule("stuck", later(-1_000));
    await env.due.schedule("next", NOW);
    env.service.answer = (visitId) => (visitId === "stuck" ? new Promise<Outcome>(() => undefined) : DONE);

    let handled: number | undefined;
    void env.sweeper.sweepOnce().then((n) => (handled = n));
    await jest.advanceTimersByTimeAsync(4_999);
    expect(handled).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);

    expect(handled).toBe(0);
    expect(env.service.woken).toEqual(["stuck"]);
    expect(env.service.deadlines.map((deadline) => deadline?.signal.aborted)).toEqual([true]); // the stuck wake's storage calls are told to stop
    expect(env.log.lines).toEqual([{ level: "warn", message: "sweep stopped at its deadline", fields: { handled: 0, notWoken: 1 } }]);
    // Released as never claimed: due for the next sweep, which knows no wake of it began.
    expect((await env.due.due(new Date(NOW), 10)).entries).toEqual([{ visitId: "next", at: NOW, etag: expect.any(String) }]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("a sweep whose reading of the due index never answers fails at its deadline, and the sweeper goes on", async () => {
    jest.useFakeTimers();
    const env = setUp({ deadlineMs: 5_000 });
    const due = jest.spyOn(env.due, "due").mockReturnValueOnce(new Promise(() => undefined));
    env.sweeper.start();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(env.log.lines).toEqual([{ level: "error", message: "sweep failed", fields: { error: "DeadlinePassed: Not done within 5000 ms" } }]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(due).toHaveBeenCalledTimes(2);
    await env.sweeper.stop();
  });
});

describe("Sweeper with the real VisitService on in-memory ports", () => {
  /** The sweeper and the service over one set of in-memory ports, at 08:00 on the test day; visits get id "v1". */
  function wired(policy: PolicyProfile, options: SweeperOptions = OPTIONS) {
    const clock = new FixedClock("2026-11-23T08:00:00.000Z");
    const outbox = new MemoryOutbox();
    const store = new MemoryVisitStore(outbox);
    const due = new MemoryDueIndex(clock);
    const sender = new ScriptedSender();
    const log = quietLog();
    const { schools } = schoolsWith(clock, policy);
    const service = new VisitService({ schools, store, due, staff: new MemoryStaffDirectory(), dispatcher: new OutboxDispatcher(outbox, sender, clock, log), clock, newId: () => "v1", log });
    return { clock, outbox, store, due, sender, service, sweeper: new Sweeper(service, due, clock, log, options) };
  }

  it("runs the escalation ladder from the due index alone: each sweep raises or escalates what fell due and schedules the next", async () => {
    const policy = testPolicy(); // arrival at 10:00, 10 minutes' grace, steps at +0 (visitor), +5 (office), +15 (head, DSL channel)
    const { clock, store, due, sender, service, sweeper } = wired(policy);
    await service.request(actor("visitor"), policy.school.id, pairDetails());
    await service.act("v1", actor("head"), { type: "approve" });
    const sweepAt = async (time: string) => {
      clock.set(`2026-11-23T${time}.000Z`);
      sender.reset();
      const handled = await sweeper.sweepOnce();
      return { handled, sent: sender.calls.map((call) => [call.notification.kind, recipientOf(call.notification)]), next: due.entries().map((e) => e.at.slice(11, 19)) };
    };

    expect(await sweepAt("08:00:30")).toEqual({ handled: 1, sent: [], next: ["10:10:00"] });
    expect(await sweepAt("10:09:59")).toEqual({ handled: 0, sent: [], next: ["10:10:00"] });
    expect(await sweepAt("10:10:00")).toEqual({
      handled: 1,
      sent: [
        ["are-you-safe", people.visitor.aadObjectId],
        ["are-you-safe", people.secondVisitor.aadObjectId],
      ],
      next: ["10:15:00"],
    });
    expect(await sweepAt("10:14:59")).toEqual({ handled: 0, sent: [], next: ["10:15:00"] });
    expect(await sweepAt("10:15:00")).toEqual({ handled: 1, sent: [["alert", people.office.aadObjectId]], next: ["10:25:00"] });

    // A late check-in wins: the ladder stops, and the alert's cards are updated.
    clock.set("2026-11-23T10:16:00.000Z");
    await service.act("v1", actor("visitor"), { type: "checkIn", step: "arrived" });
    expect(store.snapshot("v1")?.alerts).toEqual([expect.objectContaining({ id: "A1", resolved: expect.objectContaining({ how: "checked-in" }) })]);
    expect(due.entries().map((e) => e.at.slice(11, 19))).toEqual(["10:16:30", "10:25:00"]); // the check-in's recovery, the head's step
    // Both entries are the same visit's: one wake serves them and both are completed.
    expect(await sweepAt("10:25:00")).toEqual({ handled: 1, sent: [], next: ["11:10:00"] });
    expect(due.inThePast()).toEqual([]);
  });

  it("a wake for a deadline alone sends what it raises without reading the visit's outbox; one whose entry a stopped sweep held reads it", async () => {
    const policy = testPolicy();
    const { clock, outbox, due, sender, service, sweeper } = wired(policy);
    await service.request(actor("visitor"), policy.school.id, pairDetails());
    await service.act("v1", actor("head"), { type: "approve" });
    // A person's change that queued notifications: its entry is their recovery, and its wake reads them.
    expect(due.entries()).toEqual([expect.objectContaining({ at: "2026-11-23T08:00:30.000Z" })]);
    expect(due.entries()[0]).not.toHaveProperty("deadlineOnly");
    clock.set("2026-11-23T08:00:30.000Z");
    await sweeper.sweepOnce();
    expect(due.entries()).toEqual([expect.objectContaining({ at: "2026-11-23T10:10:00.000Z", deadlineOnly: true })]);

    const pending = jest.spyOn(outbox, "pending");
    clock.set("2026-11-23T10:10:00.000Z");
    sender.reset();
    await sweeper.sweepOnce();
    expect(sender.calls.map((call) => call.notification.kind)).toEqual(["are-you-safe", "are-you-safe"]);
    expect(pending).not.toHaveBeenCalled();

    // Another sweep claimed the office's step and stopped there (its instance died): once the lease has run out, the
    // wake that takes the entry over sends what that one may have queued and not sent, and what falls due now.
    const [step] = due.entries();
    await due.claim(step!, new Date("2026-11-23T10:15:30.000Z"));
    clock.set("2026-11-23T10:15:30.000Z");
    sender.reset();
    await sweeper.sweepOnce();
    expect(pending).toHaveBeenCalledTimes(1);
    expect(sender.calls.map((call) => [call.notification.kind, recipientOf(call.notification)])).toEqual([["alert", people.office.aadObjectId]]);
  });

  it("notifications a sweep could not deliver are retried by a later sweep, not left until the visit's next deadline", async () => {
    const policy = testPolicy((p) => void (p.authorisation.informRoles = [])); // nobody else gets the itinerary (R01): the staff's four items only
    const { clock, outbox, due, sender, service, sweeper } = wired(policy, { ...OPTIONS, concurrency: 1 });
    await service.request(actor("visitor"), policy.school.id, pairDetails());
    sender.always({ ok: false, error: "Bot Connector 502" });
    await service.act("v1", actor("head"), { type: "approve" }); // both decisions and both briefings pending, retry due in about 2 s
    sender.reset();

    outbox.failPending = new Error("ETIMEDOUT");
    clock.set("2026-11-23T08:00:30.000Z");
    expect(await sweeper.sweepOnce()).toBe(0);
    expect(due.entries().some((e) => e.at < "2026-11-23T10:10:00.000Z")).toBe(true); // kept, under lease

    outbox.failPending = undefined;
    clock.set("2026-11-23T08:01:30.000Z"); // the lease has run out
    await sweeper.sweepOnce();
    expect(sender.calls.map((call) => [call.notification.kind, recipientOf(call.notification)])).toEqual([
      ["decision-made", people.visitor.aadObjectId],
      ["decision-made", people.secondVisitor.aadObjectId],
      ["briefing", people.visitor.aadObjectId],
      ["briefing", people.secondVisitor.aadObjectId],
    ]);
    expect(outbox.items("v1").every((item) => item.status === "delivered")).toBe(true);
  });

  it("a sweep waits for its wake's notifications to go out, however slow, before completing the visit's entry", async () => {
    const policy = testPolicy((p) => void (p.authorisation.informRoles = [])); // nobody else gets the itinerary (R01): the staff's four items only
    const { clock, outbox, due, sender, service, sweeper } = wired(policy);
    await service.request(actor("visitor"), policy.school.id, pairDetails());
    sender.always({ ok: false, error: "Bot Connector 502" });
    await service.act("v1", actor("head"), { type: "approve" }); // four items pending
    sender.reset();
    jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] });
    // A throttled Bot Connector: the client sleeps out Retry-After before the first send answers.
    sender.then(() => new Promise((resolve) => setTimeout(() => resolve({ ok: true, posts: [] }), 10_000)));
    clock.set("2026-11-23T08:00:30.000Z");

    let handled: number | undefined;
    void sweeper.sweepOnce().then((n) => (handled = n));
    await jest.advanceTimersByTimeAsync(9_999);
    expect(handled).toBeUndefined();
    expect(due.completed).toEqual([]);

    await jest.advanceTimersByTimeAsync(1);
    expect(handled).toBe(1);
    expect(sender.calls).toHaveLength(4);
    expect(outbox.items("v1").every((item) => item.status === "delivered")).toBe(true);
    expect(due.completed.map((e) => e.visitId)).toEqual(["v1", "v1"]); // the failed sends' retry (08:00:02) and the request's recovery (08:00:30)
  });
});

describe("Sweeper.start and stop", () => {
  it("sweeps at once on start, then every interval, and not at all after stop", async () => {
    jest.useFakeTimers();
    const env = setUp();
    const sweeps = jest.spyOn(env.due, "due");

    env.sweeper.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(sweeps).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(999);
    expect(sweeps).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(sweeps).toHaveBeenCalledTimes(2);

    await env.sweeper.stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(sweeps).toHaveBeenCalledTimes(2);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("sleeps until the next entry it saw coming, not a whole interval", async () => {
    jest.useFakeTimers();
    const env = setUp({ intervalMs: 30_000 });
    await env.due.schedule("v1", later(5_000));
    const sweeps = jest.spyOn(env.due, "due");
    env.sweeper.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(sweeps).toHaveBeenCalledTimes(1);

    env.clock.set(later(5_000));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(sweeps).toHaveBeenCalledTimes(2);
    expect(env.service.woken).toEqual(["v1"]);
    await env.sweeper.stop();
  });

  it("an entry scheduled on this instance while it sleeps wakes it in time, even one scheduled during a sweep", async () => {
    jest.useFakeTimers();
    const env = setUp({ intervalMs: 30_000 });
    const sweeps = jest.spyOn(env.due, "due");
    env.sweeper.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(sweeps).toHaveBeenCalledTimes(1);

    env.sweeper.wakeBy(later(2_000));
    env.sweeper.wakeBy(later(20_000)); // later than planned: changes nothing
    await jest.advanceTimersByTimeAsync(2_000);
    expect(sweeps).toHaveBeenCalledTimes(2);

    // Asked while a sweep runs: remembered, and the sweep's own plan (an interval) does not push it back.
    const wake = deferred();
    await env.due.schedule("v1", NOW);
    env.service.answer = async () => {
      await wake.promise;
      return DONE;
    };
    env.sweeper.wakeBy(NOW);
    await jest.advanceTimersByTimeAsync(0);
    expect(sweeps).toHaveBeenCalledTimes(3);
    env.sweeper.wakeBy(later(1_000));
    wake.release();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(sweeps).toHaveBeenCalledTimes(4);
    await env.sweeper.stop();
  });

  it("gathers deadlines falling close together into one sweep, but sweeps again at once when more is due", async () => {
    jest.useFakeTimers();
    const env = setUp({ intervalMs: 30_000, gatherMs: 500, batch: 3 });
    const sweeps = jest.spyOn(env.due, "due");
    env.sweeper.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(sweeps).toHaveBeenCalledTimes(1);

    // Five deadlines 100 ms apart, each telling the sweeper: it sweeps once 500 ms after the last sweep began, not five
    // times; that sweep takes three (its batch) and the next, at once, the other two.
    for (let i = 1; i <= 5; i++) {
      await env.due.schedule(`v${i}`, later(i * 100));
      env.sweeper.wakeBy(later(i * 100));
    }
    env.clock.set(later(499));
    await jest.advanceTimersByTimeAsync(499);
    expect(sweeps).toHaveBeenCalledTimes(1);
    env.clock.set(later(500));
    await jest.advanceTimersByTimeAsync(10);
    expect(env.service.woken).toEqual(["v1", "v2", "v3", "v4", "v5"]);
    expect(sweeps).toHaveBeenCalledTimes(3);
    await env.sweeper.stop();
  });

  it("sweeps again at once when a sweep stopped at its batch with more due", async () => {
    jest.useFakeTimers();
    const env = setUp({ batch: 2, intervalMs: 30_000 });
    for (let i = 0; i < 5; i++) await env.due.schedule(`v${i}`, NOW);
    env.sweeper.start();
    await jest.advanceTimersByTimeAsync(10); // far less than an interval
    expect(env.service.woken).toEqual(["v0", "v1", "v2", "v3", "v4"]);
    await env.sweeper.stop();
  });

  it("stop waits for the sweep in progress to finish, and schedules no other", async () => {
    jest.useFakeTimers();
    const env = setUp();
    await env.due.schedule("v1", NOW);
    const wake = deferred();
    env.service.answer = async () => {
      await wake.promise;
      return DONE;
    };
    env.sweeper.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(env.service.inFlight).toBe(1);

    let stopped = false;
    const stopping = env.sweeper.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(stopped).toBe(false);

    wake.release();
    await stopping;
    expect(env.due.completed.map((e) => e.visitId)).toEqual(["v1"]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("a sweep that fails is logged, and the next one still runs", async () => {
    jest.useFakeTimers();
    const env = setUp();
    env.due.failDue = new Error("503 Server Busy");
    env.sweeper.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(env.log.lines).toEqual([{ level: "error", message: "sweep failed", fields: { error: "Error: 503 Server Busy" } }]);

    env.due.failDue = undefined;
    await env.due.schedule("v1", NOW);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(env.service.woken).toEqual(["v1"]);
    await env.sweeper.stop();
  });

  it("logs how many visits a sweep handled, and nothing for an empty sweep", async () => {
    jest.useFakeTimers();
    const env = setUp();
    env.sweeper.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(env.log.lines).toEqual([]);
    await env.due.schedule("v1", NOW);
    await env.due.schedule("v2", NOW);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(env.log.lines).toEqual([{ level: "info", message: "sweep handled due visits", fields: { handled: 2 } }]);
    await env.sweeper.stop();
  });
});
