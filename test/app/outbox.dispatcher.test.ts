import type { Notification, OutboxItem, Post } from "../../src/app/notifications";
import { OutboxDispatcher } from "../../src/app/outbox.dispatcher";
import { people, testPolicy } from "../support/policy-fixture";
import { quietLog } from "../support/quiet-log";
import { VISIT_ID, visitIn } from "../domain/visit.builders";
import { FixedClock, MemoryOutbox, recipientOf, ScriptedSender } from "./support/memory-ports";

const NOW = "2026-11-23T10:00:00.000Z";
const later = (ms: number, from = NOW) => new Date(Date.parse(from) + ms).toISOString();
const visit = visitIn("approved", testPolicy());
const person = (who: keyof typeof people) => ({ person: people[who].aadObjectId });

const toVisitor: Notification = { kind: "decision-made", to: person("visitor") };
const toSecond: Notification = { kind: "decision-made", to: person("secondVisitor") };

function item(id: string, notification: Notification, change: Partial<OutboxItem> = {}): OutboxItem {
  return { id, visitId: VISIT_ID, schoolId: visit.schoolId, notification, createdAt: NOW, status: "pending", attempts: 0, nextAttemptAt: NOW, ...change };
}

function setUp(...items: OutboxItem[]) {
  const clock = new FixedClock(NOW);
  const outbox = new MemoryOutbox();
  outbox.add(items);
  const sender = new ScriptedSender();
  const log = quietLog();
  return { clock, outbox, sender, log, dispatcher: new OutboxDispatcher(outbox, sender, clock, log) };
}

/** The delay the dispatcher chose before the next attempt of an item that has failed `attempts - 1` times before. */
async function retryDelayOfAttempt(attempts: number): Promise<number> {
  const env = setUp(item("000002-000", toVisitor, { attempts: attempts - 1 }));
  env.sender.always({ ok: false, error: "502 Bad Gateway" });
  await env.dispatcher.deliver(visit);
  const [stored] = env.outbox.items(VISIT_ID);
  return Date.parse(stored!.nextAttemptAt) - Date.parse(NOW);
}

afterEach(() => jest.restoreAllMocks());

describe("OutboxDispatcher.deliver", () => {
  it("sends a visit's pending items oldest first and records where each card landed and when", async () => {
    const env = setUp(item("000003-000", toSecond), item("000002-000", toVisitor), item("000002-001", { kind: "alert", to: { channel: "safeguarding" }, alertId: "A1" }));
    const report = await env.dispatcher.deliver(visit);

    expect(report).toEqual({ unreachable: [] });
    expect(env.sender.calls.map((call) => call.visit)).toEqual([visit, visit, visit]);
    expect(env.sender.calls.map((call) => recipientOf(call.notification))).toEqual([people.visitor.aadObjectId, "#safeguarding", people.secondVisitor.aadObjectId]);
    expect(env.outbox.items(VISIT_ID)).toEqual([
      expect.objectContaining({ id: "000002-000", status: "delivered", attempts: 1, deliveredAt: NOW, posts: [{ conversation: { kind: "personal", key: people.visitor.aadObjectId }, activityId: "activity-1" }] }),
      expect.objectContaining({ id: "000002-001", status: "delivered", deliveredAt: NOW, posts: [{ conversation: { kind: "channel", key: "safeguarding" }, activityId: "activity-2" }] }),
      expect.objectContaining({ id: "000003-000", status: "delivered", deliveredAt: NOW }),
    ]);
  });

  it("claims each item before sending it, so another instance leaves it alone while it is being sent", async () => {
    const env = setUp(item("000002-000", toVisitor));
    const otherInstance = new OutboxDispatcher(env.outbox, env.sender, env.clock, quietLog());
    let seenWhileSending: OutboxItem | undefined;
    let otherReport;
    env.sender.then(async () => {
      seenWhileSending = env.outbox.items(VISIT_ID)[0];
      otherReport = await otherInstance.deliver(visit);
      return { ok: true, posts: [] };
    });

    await env.dispatcher.deliver(visit);

    // Held for five minutes (the Bot Framework client may be sleeping out Retry-After itself): if this instance
    // dies mid-send, the item is tried again after that.
    expect(seenWhileSending).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: later(5 * 60_000) });
    expect(otherReport).toEqual({ unreachable: [], retryAt: later(5 * 60_000) });
    expect(env.sender.calls).toHaveLength(1);
  });

  describe("items held by the save that queued them", () => {
    /** As VisitService saves a change's items: held for this instance, written with the change. */
    function savedHeld(...items: OutboxItem[]) {
      const env = setUp();
      const stored = env.outbox.add(env.dispatcher.hold(items));
      const writes = jest.spyOn(env.outbox, "update");
      return { ...env, stored, writes };
    }

    it("are held for five minutes from the save and counted as an attempt", () => {
      const env = setUp();
      expect(env.dispatcher.hold([item("000002-000", toVisitor)])).toEqual([item("000002-000", toVisitor, { attempts: 1, nextAttemptAt: later(5 * 60_000) })]);
    });

    it("are sent without a claim of their own: one write each, marking it delivered", async () => {
      const env = savedHeld(item("000002-000", toVisitor), item("000002-001", toSecond));
      const otherInstance = new OutboxDispatcher(env.outbox, env.sender, env.clock, quietLog());
      expect(await otherInstance.deliver(visit)).toEqual({ unreachable: [], retryAt: later(5 * 60_000) });
      expect(env.sender.calls).toHaveLength(0);

      expect(await env.dispatcher.deliver(visit, env.stored)).toEqual({ unreachable: [] });
      expect(env.sender.calls.map((call) => recipientOf(call.notification))).toEqual([people.visitor.aadObjectId, people.secondVisitor.aadObjectId]);
      expect(env.writes).toHaveBeenCalledTimes(2);
      expect(env.outbox.items(VISIT_ID)).toEqual([
        expect.objectContaining({ status: "delivered", attempts: 1 }),
        expect.objectContaining({ status: "delivered", attempts: 1 }),
      ]);
    });

    it("one whose hold is half gone by its turn (slow sends before it) is held afresh first, so it cannot lapse mid-send", async () => {
      const env = savedHeld(item("000002-000", toVisitor), item("000002-001", toSecond));
      let heldWhileSending: OutboxItem | undefined;
      env.sender.then(async () => {
        env.clock.set(later(3 * 60_000));
        return { ok: true, posts: [] };
      });
      env.sender.then(async () => {
        heldWhileSending = env.outbox.items(VISIT_ID)[1];
        return { ok: true, posts: [] };
      });

      await env.dispatcher.deliver(visit, env.stored);

      expect(heldWhileSending).toMatchObject({ status: "pending", attempts: 1, nextAttemptAt: later(8 * 60_000) });
      expect(env.writes).toHaveBeenCalledTimes(3);
      expect(env.outbox.items(VISIT_ID).map((i) => i.status)).toEqual(["delivered", "delivered"]);
    });
  });

  it("a delivery after earlier failures clears the error and the failing flag", async () => {
    const env = setUp(item("000002-000", toVisitor, { attempts: 6, failing: true, lastError: "502 Bad Gateway" }));
    await env.dispatcher.deliver(visit);
    const [delivered] = env.outbox.items(VISIT_ID);
    expect(delivered).toMatchObject({ status: "delivered", attempts: 7 });
    expect(delivered).not.toHaveProperty("failing");
    expect(delivered).not.toHaveProperty("lastError");
    expect(await env.outbox.failing(visit.schoolId, 10)).toEqual([]);
  });

  describe("retries", () => {
    it("a throttled send (429) is tried again exactly after Retry-After, without jitter", async () => {
      jest.spyOn(Math, "random").mockReturnValue(0);
      const env = setUp(item("000002-000", toVisitor));
      env.sender.then({ ok: false, error: "429 Too Many Requests", retryAfterMs: 7_000 });

      const report = await env.dispatcher.deliver(visit);

      expect(report.retryAt).toBe(later(7_000));
      expect(env.outbox.items(VISIT_ID)).toEqual([
        expect.objectContaining({ status: "pending", attempts: 1, nextAttemptAt: later(7_000), lastError: "429 Too Many Requests" }),
      ]);
      expect(env.log.lines).toContainEqual(expect.objectContaining({ level: "warn", message: "notification not delivered yet" }));
    });

    it("other failures back off from 2 s, doubling with each attempt, up to 5 minutes", async () => {
      jest.spyOn(Math, "random").mockReturnValue(0.5); // the middle of the jitter band: no jitter
      const delays = [];
      for (let attempt = 1; attempt <= 11; attempt++) delays.push(await retryDelayOfAttempt(attempt));
      expect(delays.map((ms) => ms / 1000)).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
    });

    it("jitter spreads each retry within ±20% of its back-off, so instances do not retry in step", async () => {
      const random = jest.spyOn(Math, "random");
      random.mockReturnValue(0);
      expect(await retryDelayOfAttempt(3)).toBe(6_400);
      expect(await retryDelayOfAttempt(20)).toBe(240_000);
      random.mockReturnValue(0.999_999);
      const top = await retryDelayOfAttempt(3);
      expect(top).toBeGreaterThanOrEqual(9_599);
      expect(top).toBeLessThanOrEqual(9_600);
      expect(await retryDelayOfAttempt(20)).toBeGreaterThanOrEqual(359_999);
    });

    it("after the fifth failed attempt the item is flagged failing, one error is logged, and it stays pending however often it fails", async () => {
      const env = setUp(item("000002-000", toVisitor));
      env.sender.always({ ok: false, error: "403 Forbidden" });
      const flags: (boolean | undefined)[] = [];
      for (let round = 1; round <= 8; round++) {
        env.clock.set(env.outbox.items(VISIT_ID)[0]!.nextAttemptAt);
        await env.dispatcher.deliver(visit);
        flags.push(env.outbox.items(VISIT_ID)[0]!.failing);
      }

      expect(flags).toEqual([undefined, undefined, undefined, undefined, true, true, true, true]);
      const errors = env.log.lines.filter((line) => line.level === "error");
      expect(errors).toEqual([
        {
          level: "error",
          message: "notification keeps failing",
          fields: { visitId: VISIT_ID, itemId: "000002-000", kind: "decision-made", attempts: 5, error: "403 Forbidden" },
        },
      ]);
      expect(env.log.lines.filter((line) => line.level === "warn")).toHaveLength(7);
      expect(env.outbox.items(VISIT_ID)).toEqual([expect.objectContaining({ status: "pending", attempts: 8, failing: true })]);
      expect(await env.outbox.failing(visit.schoolId, 10)).toEqual([expect.objectContaining({ id: "000002-000" })]);
    });
  });

  it("items not yet due are left untouched, and the earliest of them is reported as when to try again", async () => {
    const env = setUp(item("000002-000", toVisitor, { nextAttemptAt: later(30_000) }), item("000002-001", toSecond, { nextAttemptAt: later(10_000) }), item("000003-000", { kind: "alert-changed", alertId: "A1" }));
    const untouched = [env.outbox.stored(VISIT_ID, "000002-000"), env.outbox.stored(VISIT_ID, "000002-001")];

    const report = await env.dispatcher.deliver(visit);

    expect(env.sender.calls.map((call) => call.notification.kind)).toEqual(["alert-changed"]);
    expect([env.outbox.stored(VISIT_ID, "000002-000"), env.outbox.stored(VISIT_ID, "000002-001")]).toEqual(untouched);
    expect(report).toEqual({ unreachable: [], retryAt: later(10_000) });
  });

  it("an item another instance claimed between reading and claiming is not sent by this one", async () => {
    const env = setUp(item("000002-000", toVisitor), item("000002-001", toSecond));
    env.outbox.afterNextRead(async () => {
      const stored = env.outbox.stored(VISIT_ID, "000002-000")!;
      await env.outbox.update(stored, { ...stored.item, attempts: 1, nextAttemptAt: later(60_000) });
    });

    const report = await env.dispatcher.deliver(visit);

    expect(env.sender.calls.map((call) => recipientOf(call.notification))).toEqual([people.secondVisitor.aadObjectId]);
    expect(env.outbox.items(VISIT_ID)[0]).toMatchObject({ status: "pending", attempts: 1 }); // theirs to send
    expect(report).toEqual({ unreachable: [] });
  });

  describe("an update of an alert's cards", () => {
    const posted = (key: string, activityId: string, kind: Post["conversation"]["kind"] = "personal"): Post => ({ conversation: { kind, key }, activityId });

    it("is given every card already posted about that alert, and none about another", async () => {
      const a1Office = posted(people.office.aadObjectId, "a1-office");
      const a1Channel = posted("safeguarding", "a1-channel", "channel");
      const env = setUp(
        item("000003-000", { kind: "alert", to: person("office"), alertId: "A1" }, { status: "delivered", posts: [a1Office] }),
        item("000003-001", { kind: "alert", to: { channel: "safeguarding" }, alertId: "A1" }, { status: "delivered", posts: [a1Channel] }),
        item("000005-000", { kind: "alert", to: person("office"), alertId: "A2" }, { status: "delivered", posts: [posted(people.office.aadObjectId, "a2-office")] }),
        item("000006-000", { kind: "alert-changed", alertId: "A1" }),
      );
      await env.dispatcher.deliver(visit);
      expect(env.sender.calls).toEqual([expect.objectContaining({ notification: { kind: "alert-changed", alertId: "A1" }, earlierPosts: [a1Office, a1Channel] })]);
    });

    it("sent in the same round as the alert's first cards still finds them, as they were delivered just before", async () => {
      const env = setUp(item("000003-000", { kind: "alert", to: person("office"), alertId: "A1" }), item("000004-000", { kind: "alert-changed", alertId: "A1" }));
      await env.dispatcher.deliver(visit);
      expect(env.sender.calls[1]).toMatchObject({ earlierPosts: [{ conversation: { kind: "personal", key: people.office.aadObjectId }, activityId: "activity-1" }] });
    });

    it("about an alert none of whose cards has been delivered yet is given none", async () => {
      const env = setUp(item("000003-000", { kind: "alert", to: person("office"), alertId: "A1" }, { nextAttemptAt: later(5_000) }), item("000004-000", { kind: "alert-changed", alertId: "A1" }));
      await env.dispatcher.deliver(visit);
      expect(env.sender.calls).toEqual([expect.objectContaining({ earlierPosts: [] })]);
    });
  });

  it("reports as unreachable the people whose notification failed, not those reached nor a channel", async () => {
    const env = setUp(item("000002-000", toVisitor), item("000002-001", toSecond), item("000002-002", { kind: "alert", to: { channel: "safeguarding" }, alertId: "A1" }));
    env.sender.then({ ok: false, error: "no conversation with this person", unreachable: true }, { ok: true, posts: [] }, { ok: false, error: "channel not installed" });
    const report = await env.dispatcher.deliver(visit);
    expect(report.unreachable).toEqual([people.visitor.aadObjectId]);
    expect(report.retryAt).toBeDefined();
  });

  it("never throws when the sender throws: the attempt counts as failed and the item stays pending with the error", async () => {
    const env = setUp(item("000002-000", toVisitor), item("000002-001", toSecond));
    env.sender.then(new Error("socket hang up"));
    const report = await env.dispatcher.deliver(visit);
    expect(report.unreachable).toEqual([people.visitor.aadObjectId]);
    expect(env.outbox.items(VISIT_ID)).toEqual([
      expect.objectContaining({ id: "000002-000", status: "pending", attempts: 1, lastError: "Error: socket hang up" }),
      expect.objectContaining({ id: "000002-001", status: "delivered" }),
    ]);
  });

  it("sends only the given visit's items", async () => {
    const env = setUp(item("000002-000", toVisitor), { ...item("000002-000", toSecond), visitId: "another-visit" });
    await env.dispatcher.deliver(visit);
    expect(env.sender.calls.map((call) => recipientOf(call.notification))).toEqual([people.visitor.aadObjectId]);
    expect(env.outbox.items("another-visit")).toEqual([expect.objectContaining({ status: "pending", attempts: 0 })]);
  });
});
