import type { DeliveryReport, Notification, Notifier } from "../../src/app/notifications";
import type { Clock, Logger, SaveOutcome, StoredVisit, VisitStore } from "../../src/app/ports";
import { VisitService } from "../../src/app/visit.service";
import { londonDate } from "../../src/domain/london-time";
import type { Visit, VisitEvent } from "../../src/domain/visit";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { pairDetails } from "../domain/visit.builders";

/**
 * An in-memory VisitStore with the real one's contract: a save succeeds only if the snapshot's ETag is the one
 * loaded, a new visit only if nobody created it first. Tests can slip another writer in just before a save,
 * or make storage fail.
 */
class MemoryVisitStore implements VisitStore {
  private readonly rows = new Map<string, { visit: Visit; etag: string; events: VisitEvent[] }>();
  private etags = 0;
  private interloper: (() => Promise<void>) | undefined;
  loads = 0;
  saves = 0;
  failLoad: Error | undefined;
  failSave: Error | undefined;
  alwaysConflict = false;

  /** Runs `write` once, just before the next save is checked, as another instance writing first would. */
  beforeNextSave(write: () => Promise<void>): void {
    this.interloper = write;
  }

  async load(visitId: string): Promise<StoredVisit | undefined> {
    this.loads++;
    if (this.failLoad) throw this.failLoad;
    const row = this.rows.get(visitId);
    return row ? { visit: structuredClone(row.visit), etag: row.etag } : undefined;
  }

  async events(visitId: string): Promise<VisitEvent[]> {
    return structuredClone(this.rows.get(visitId)?.events ?? []);
  }

  async save(before: StoredVisit | undefined, after: Visit, events: readonly VisitEvent[]): Promise<SaveOutcome> {
    this.saves++;
    if (this.failSave) throw this.failSave;
    const interloper = this.interloper;
    this.interloper = undefined;
    if (interloper) await interloper();
    const row = this.rows.get(after.id);
    if (this.alwaysConflict || row?.etag !== before?.etag) return { ok: false, reason: "conflict" };
    const etag = `W/"${++this.etags}"`;
    this.rows.set(after.id, { visit: structuredClone(after), etag, events: [...(row?.events ?? []), ...structuredClone(events)] });
    return { ok: true, etag };
  }

  async listForDay(schoolId: string, date: string): Promise<Visit[]> {
    return [...this.rows.values()]
      .map((row) => row.visit)
      .filter((visit) => visit.schoolId === schoolId && londonDate(new Date(visit.startsAt)) === date)
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  }

  snapshot(visitId: string): Visit | undefined {
    return this.rows.get(visitId)?.visit;
  }
}

class RecordingNotifier implements Notifier {
  readonly delivered: { visit: Visit; notifications: readonly Notification[] }[] = [];
  failWith: Error | undefined;
  unreachable: string[] = [];
  async deliver(visit: Visit, notifications: readonly Notification[]): Promise<DeliveryReport> {
    if (this.failWith) throw this.failWith;
    this.delivered.push({ visit, notifications });
    return { unreachable: this.unreachable };
  }
}

class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  info = (message: string, fields?: Record<string, unknown>) => void this.lines.push({ level: "info", message, fields });
  warn = (message: string, fields?: Record<string, unknown>) => void this.lines.push({ level: "warn", message, fields });
  error = (message: string, fields?: Record<string, unknown>) => void this.lines.push({ level: "error", message, fields });
}

class FixedClock implements Clock {
  constructor(public current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
}

const VISIT_ID = "7c1e0b2a-0000-4000-8000-000000000123";
const T = new Date("2026-11-23T08:00:00.000Z");

function setUp(policy: PolicyProfile = testPolicy()) {
  const store = new MemoryVisitStore();
  const notifier = new RecordingNotifier();
  const log = new RecordingLogger();
  const clock = new FixedClock(T);
  const service = new VisitService({ policy, store, notifier, clock, log, newId: () => VISIT_ID });
  return { store, notifier, log, clock, service };
}

async function requested(env: ReturnType<typeof setUp>): Promise<Visit> {
  const outcome = await env.service.request(actor("visitor"), pairDetails());
  if (!outcome.ok) throw new Error(outcome.refusal.message);
  env.notifier.delivered.length = 0;
  env.log.lines.length = 0;
  return outcome.visit;
}

const ids = (...who: (keyof typeof people)[]) => who.map((w) => people[w].aadObjectId);

describe("VisitService: load → decide → save → notify", () => {
  it("a request is saved with its audit event stamped by the injected clock, then the approvers are told", async () => {
    const env = setUp();
    const outcome = await env.service.request(actor("visitor"), pairDetails());
    expect(outcome).toMatchObject({ ok: true, visit: { id: VISIT_ID, version: 1, status: "requested", requestedAt: T.toISOString() }, unreachable: [] });
    expect(await env.store.events(VISIT_ID)).toEqual([expect.objectContaining({ type: "visit.requested", at: T.toISOString(), actor: actor("visitor") })]);
    expect(env.notifier.delivered.map((d) => d.notifications)).toEqual([[{ kind: "approval-requested", visitId: VISIT_ID, to: ids("head") }]]);
  });

  it("an approval is saved and both visitors are told; the event carries the clock's time, not the machine's", async () => {
    const env = setUp();
    await requested(env);
    env.clock.current = new Date("2026-11-23T08:45:00.000Z");
    const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" }, 1);
    expect(outcome).toMatchObject({ ok: true, visit: { status: "approved", version: 2 }, events: [{ type: "visit.approved", at: "2026-11-23T08:45:00.000Z" }] });
    expect(env.store.snapshot(VISIT_ID)).toMatchObject({ status: "approved", version: 2, decision: { by: actor("head") } });
    expect(env.notifier.delivered.map((d) => d.notifications)).toEqual([[{ kind: "decision-made", visitId: VISIT_ID, to: ids("visitor", "secondVisitor") }]]);
  });

  it("a check-in needs no notification and the notifier is not called", async () => {
    const env = setUp();
    await requested(env);
    await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
    env.notifier.delivered.length = 0;
    const outcome = await env.service.act(VISIT_ID, actor("visitor"), { type: "checkIn", step: "left-school" });
    expect(outcome).toMatchObject({ ok: true, visit: { status: "on-the-way" }, unreachable: [] });
    expect(env.notifier.delivered).toEqual([]);
  });

  it("a domain refusal saves nothing, tells nobody, and returns the visit as stored", async () => {
    const env = setUp();
    const visit = await requested(env);
    const saves = env.store.saves;
    const outcome = await env.service.act(VISIT_ID, actor("office"), { type: "approve" });
    expect(outcome).toEqual({ ok: false, refusal: { code: "not-allowed", message: "Only the headteacher can decide this visit." }, visit });
    expect(env.store.saves).toBe(saves);
    expect(env.notifier.delivered).toEqual([]);
  });

  it("a command on a visit that does not exist is refused without a visit", async () => {
    const env = setUp();
    expect(await env.service.act("no-such-visit", actor("head"), { type: "approve" })).toEqual({
      ok: false,
      refusal: { code: "invalid-request", message: "That visit does not exist." },
    });
  });

  describe("concurrent writers (two approvers, a double tap)", () => {
    const twoApprovers = testPolicy((p) => {
      p.authorisation.approverRoles = ["headteacher", "dsl"];
    });

    it("on a save conflict it reloads, decides again on what the other writer saved, and reports already-decided", async () => {
      const env = setUp(twoApprovers);
      await requested(env);
      const loadsBefore = env.store.loads;
      env.store.beforeNextSave(async () => {
        const head = await env.service.act(VISIT_ID, actor("head"), { type: "decline", note: "Phone instead." });
        expect(head.ok).toBe(true);
      });

      const dsl = await env.service.act(VISIT_ID, actor("dsl"), { type: "approve" });

      expect(dsl).toMatchObject({
        ok: false,
        refusal: { code: "already-decided", message: "Already declined by Jo Fenwick." },
        visit: { status: "declined", version: 2 },
      });
      expect(env.store.loads - loadsBefore).toBe(3); // the DSL's load, the head's load, the DSL's reload
      expect((await env.store.events(VISIT_ID)).map((e) => e.type)).toEqual(["visit.requested", "visit.declined"]);
      expect(env.store.snapshot(VISIT_ID)).toMatchObject({ status: "declined", decision: { by: actor("head") } });
      // Only the winner's decision was announced.
      expect(env.notifier.delivered).toHaveLength(1);
      expect(env.notifier.delivered[0]!.visit.status).toBe("declined");
    });

    it("a check-in that conflicts with another check-in is decided again and saved on top of it", async () => {
      const env = setUp(twoApprovers);
      await requested(env);
      await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      await env.service.act(VISIT_ID, actor("visitor"), { type: "checkIn", step: "arrived" });
      env.store.beforeNextSave(async () => {
        await env.service.act(VISIT_ID, actor("secondVisitor"), { type: "checkIn", step: "parent-present" });
      });
      const outcome = await env.service.act(VISIT_ID, actor("visitor"), { type: "checkIn", step: "safe" });
      expect(outcome).toMatchObject({ ok: true, visit: { status: "in-visit", version: 5, lastCheckIn: { step: "safe" } } });
      expect((await env.store.events(VISIT_ID)).map((e) => e.type === "visit.checkedIn" && e.step)).toEqual([false, false, "arrived", "parent-present", "safe"]);
    });

    it("gives up after repeated conflicts, says so, and reports nothing as done", async () => {
      const env = setUp();
      await requested(env);
      env.store.alwaysConflict = true;
      const saves = env.store.saves;
      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      expect(outcome).toEqual({
        ok: false,
        refusal: { code: "storage-unavailable", message: "Several people changed this visit at once. Please try again." },
      });
      expect(env.store.saves - saves).toBe(4);
      expect(env.store.snapshot(VISIT_ID)?.status).toBe("requested");
      expect(env.notifier.delivered).toEqual([]);
      expect(env.log.lines).toContainEqual({ level: "warn", message: "visit save kept conflicting", fields: { visitId: VISIT_ID } });
    });
  });

  describe("the version on the card the actor tapped", () => {
    it("an approval of a request that was amended since the card was shown is refused as stale, with the latest visit", async () => {
      const env = setUp();
      await requested(env);
      await env.service.act(VISIT_ID, actor("visitor"), { type: "amend", details: pairDetails({ address: "2 Other Road" }) });
      const saves = env.store.saves;
      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" }, 1);
      expect(outcome).toMatchObject({
        ok: false,
        refusal: { code: "stale", message: "This visit changed since this card was shown. Here is the latest; please check it and try again." },
        visit: { version: 2, details: { address: "2 Other Road" } },
      });
      expect(env.store.saves).toBe(saves);
      expect(env.store.snapshot(VISIT_ID)?.status).toBe("requested");
    });

    it("the current version is accepted", async () => {
      const env = setUp();
      await requested(env);
      expect(await env.service.act(VISIT_ID, actor("head"), { type: "approve" }, 1)).toMatchObject({ ok: true });
    });

    it("a command the domain refuses anyway gets the domain's reason, not 'stale'", async () => {
      const env = setUp();
      await requested(env);
      await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      expect(await env.service.act(VISIT_ID, actor("head"), { type: "approve" }, 1)).toMatchObject({
        ok: false,
        refusal: { code: "already-decided", message: "Already approved by Jo Fenwick." },
      });
    });

    it("a check-in from a card made out of date by a colleague's check-in is still recorded: a late check-in wins", async () => {
      const env = setUp();
      await requested(env);
      await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      const arrived = await env.service.act(VISIT_ID, actor("visitor"), { type: "checkIn", step: "arrived" });
      if (!arrived.ok) throw new Error(arrived.refusal.message);
      const cardVersion = arrived.visit.version; // both visitors' cards now show this version
      await env.service.act(VISIT_ID, actor("visitor"), { type: "checkIn", step: "parent-present" }, cardVersion);
      const outcome = await env.service.act(VISIT_ID, actor("secondVisitor"), { type: "checkIn", step: "left" }, cardVersion);
      expect(outcome).toMatchObject({ ok: true, visit: { status: "left", lastCheckIn: { step: "left", by: actor("secondVisitor") } } });
    });

    it("a check-in from an out-of-date card that no longer fits gets the domain's reason", async () => {
      const env = setUp();
      await requested(env);
      await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
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
        await env.service.act(VISIT_ID, actor("visitor"), { type: "amend", details: pairDetails({ end: "12:00" }) });
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
      const saves = env.store.saves;
      const outcome = await env.service.act(VISIT_ID, actor("visitor"), { type: "cancel", reason: "Unwell" });
      expect(outcome).toEqual({ ok: false, refusal: UNAVAILABLE });
      expect(env.store.saves).toBe(saves);
      expect(env.notifier.delivered).toEqual([]);
      expect(env.log.lines).toContainEqual({ level: "error", message: "visit load failed", fields: { visitId: VISIT_ID, error: "Error: ECONNREFUSED 127.0.0.1:10002" } });
    });

    it("when saving throws, the stored visit is unchanged, nobody is told, and the last saved visit is returned", async () => {
      const env = setUp();
      const visit = await requested(env);
      env.store.failSave = new Error("503 Server Busy");
      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      expect(outcome).toEqual({ ok: false, refusal: UNAVAILABLE, visit });
      expect(env.store.snapshot(VISIT_ID)).toEqual(visit);
      expect(await env.store.events(VISIT_ID)).toHaveLength(1);
      expect(env.notifier.delivered).toEqual([]);
      expect(env.log.lines).toContainEqual(expect.objectContaining({ level: "error", message: "visit save failed" }));
    });

    it("when saving a new request throws, it is refused and there is no visit", async () => {
      const env = setUp();
      env.store.failSave = new Error("503 Server Busy");
      expect(await env.service.request(actor("visitor"), pairDetails())).toEqual({ ok: false, refusal: UNAVAILABLE });
      expect(env.store.snapshot(VISIT_ID)).toBeUndefined();
      expect(env.notifier.delivered).toEqual([]);
    });
  });

  describe("notification delivery", () => {
    it("a notifier failure is logged and does not fail the saved command; everyone to be told is reported unreachable", async () => {
      const env = setUp();
      await requested(env);
      env.notifier.failWith = new Error("Bot Connector 502");
      const outcome = await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      expect(outcome).toMatchObject({ ok: true, visit: { status: "approved" }, unreachable: ids("visitor", "secondVisitor") });
      expect(env.store.snapshot(VISIT_ID)?.status).toBe("approved");
      expect(env.log.lines).toContainEqual({
        level: "error",
        message: "notification delivery failed",
        fields: { visitId: VISIT_ID, error: "Error: Bot Connector 502" },
      });
    });

    it("people the notifier could not reach are passed back so the actor can follow up", async () => {
      const env = setUp();
      await requested(env);
      env.notifier.unreachable = ids("secondVisitor");
      expect(await env.service.act(VISIT_ID, actor("head"), { type: "approve" })).toMatchObject({ ok: true, unreachable: ids("secondVisitor") });
    });
  });

  it("logs a change with ids and event types only, never the visit's personal details", async () => {
    const env = setUp();
    await env.service.request(actor("visitor"), pairDetails());
    const info = env.log.lines.filter((line) => line.level === "info");
    expect(info).toEqual([{ level: "info", message: "visit changed", fields: { visitId: VISIT_ID, events: ["visit.requested"] } }]);
    const text = JSON.stringify(env.log.lines);
    for (const secret of ["PUPIL-0042", "Example Road", "Alex Rivers"]) expect(text).not.toContain(secret);
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
      expect(await env.service.currentVisitFor(people.secondVisitor.aadObjectId)).toBeUndefined(); // not approved yet
      await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      expect(await env.service.currentVisitFor(people.secondVisitor.aadObjectId)).toMatchObject({ id: VISIT_ID, status: "approved" });
      await env.service.act(VISIT_ID, actor("visitor"), { type: "checkIn", step: "arrived" });
      expect(await env.service.currentVisitFor(people.visitor.aadObjectId)).toMatchObject({ id: VISIT_ID, status: "arrived" });
      expect(await env.service.currentVisitFor(people.head.aadObjectId)).toBeUndefined();
    });

    it("currentVisitFor asks for the London day: 23:30Z in summer is already tomorrow in London", async () => {
      const env = setUp();
      env.clock.current = new Date("2026-07-01T20:00:00.000Z");
      await env.service.request(actor("visitor"), pairDetails({ date: "2026-07-02", start: "00:15", end: "00:45" }));
      await env.service.act(VISIT_ID, actor("head"), { type: "approve" });
      env.clock.current = new Date("2026-07-01T23:30:00.000Z");
      expect(await env.service.currentVisitFor(people.visitor.aadObjectId)).toMatchObject({ id: VISIT_ID });
      env.clock.current = new Date("2026-07-01T22:30:00.000Z"); // 23:30 London, still 1 July
      expect(await env.service.currentVisitFor(people.visitor.aadObjectId)).toBeUndefined();
    });
  });
});
