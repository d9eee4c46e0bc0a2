import { testVisitId as vid } from "../support/visit-ids";
import { outboxFor } from "../../src/app/notifications";
import type { StoredVisit } from "../../src/app/ports";
import type { TableClient } from "@azure/data-tables";
import type { MonthlyTables } from "../../src/storage/monthly-tables";
import { startEmbeddedAzurite } from "../../src/storage/embedded-azurite";
import { toJsonColumns } from "../../src/storage/json-columns";
import { TableOutbox } from "../../src/storage/outbox.table-store";
import { openTables, type ObservedRequest, type Tables } from "../../src/storage/tables";
import { TableVisitStore } from "../../src/storage/visit.table-store";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { uniqueTablePrefix, useAzurite } from "../support/azurite";
import { alertTo, queued, toHead } from "./outbox-fixtures";
import { approve, change, checkIn, details, otherSchool, request, savedIn, type Change } from "./visit-fixtures";

const connectionString = useAzurite();
let tables: Tables;
let store: TableVisitStore;
let outbox: TableOutbox;
let requests: ObservedRequest[];
let tablePrefix: string;

/** A request to a row of the day index (a month's visitsbyday table), not its creation. */
const isDayRow = (url: string) => /visitsbyday\d{6}\(/.test(url);
/** The day index's table for June 2026, where the tests' visits mostly fall. */
const june = () => tables.visitsByDay.of("202606");

beforeEach(async () => {
  requests = [];
  tablePrefix = uniqueTablePrefix();
  tables = await openTables(connectionString(), { prefix: tablePrefix, onRequest: (r) => requests.push(r) });
  store = new TableVisitStore(tables);
  outbox = new TableOutbox(tables);
  requests.length = 0;
});

const saved = (step: Change, before?: StoredVisit): Promise<StoredVisit> => savedIn(store, step, before);

describe("TableVisitStore: saving and loading", () => {
  it("returns what was saved, with the ETag the save reported, and the audit trail oldest first", async () => {
    const requested = request(vid("visit-1"), details("2026-06-15"));
    const v1 = await saved(requested);
    expect(await store.load(vid("visit-1"))).toEqual(v1);

    const approved = approve(v1.visit);
    const v2 = await saved(approved, v1);
    const leaving = checkIn(v2.visit, "left-school");
    const v3 = await saved(leaving, v2);

    expect(await store.load(vid("visit-1"))).toEqual(v3);
    expect(v3.visit.status).toBe("on-the-way");
    expect(await store.events(vid("visit-1"))).toEqual([...requested.events, ...approved.events, ...leaving.events]);
  });

  it("treats an unknown visit, even one whose id holds characters keys forbid, as a plain miss", async () => {
    expect(await store.load("no/such#visit?\\")).toBeUndefined();
    expect(await store.events("no/such#visit?\\")).toEqual([]);
  });

  it("keeps free text far beyond a Table property's 64 KiB", async () => {
    const knownRisks = "Large dog; ring first. 🐕 ".repeat(8_000);
    await saved(request(vid("visit-long"), details("2026-06-15", "10:00", "11:00", { knownRisks })));
    expect((await store.load(vid("visit-long")))?.visit.details.knownRisks).toBe(knownRisks);
  });

  it("refuses, before writing anything, events that do not follow from the versions", async () => {
    const v1 = await saved(request(vid("visit-gap"), details("2026-06-15")));
    requests.length = 0;
    const approved = approve(v1.visit);
    await expect(store.save(v1, approved.after, [])).rejects.toThrow(/does not follow/);
    expect(requests).toHaveLength(0);
  });
});

describe("TableVisitStore: storage unreachable", () => {
  it("throws, rather than reporting a conflict, and gives up within a couple of seconds", async () => {
    const azurite = await startEmbeddedAzurite({ persistence: { inMemory: true } });
    const unreachable = new TableVisitStore(await openTables(azurite.connectionString));
    await azurite.kill();
    const requested = request(vid("visit-offline"), details("2026-06-15"));

    const started = Date.now();
    await expect(unreachable.load(vid("visit-offline"))).rejects.toThrow(/ECONNREFUSED/);
    await expect(unreachable.save(undefined, requested.after, requested.events)).rejects.toThrow(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});

describe("TableVisitStore: concurrent writers", () => {
  it("lets exactly one of two saves from the same snapshot win; the other is a conflict", async () => {
    const v1 = await saved(request(vid("visit-race"), details("2026-06-15")));
    const approval = approve(v1.visit);
    const sendBack = change(v1.visit, { type: "requestChanges", note: "Add the second address." }, actor("head"));

    const outcomes = await Promise.all([store.save(v1, approval.after, approval.events), store.save(v1, sendBack.after, sendBack.events)]);

    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok)).toEqual([{ ok: false, reason: "conflict" }]);
    const winner = outcomes[0]!.ok ? approval : sendBack;
    expect((await store.load(vid("visit-race")))?.visit).toEqual(winner.after);
    const events = await store.events(vid("visit-race"));
    expect(events.map((e) => e.type)).toEqual(["visit.requested", winner.events[0]!.type]);
    expect(events[1]).toEqual(winner.events[0]);
  });

  it("refuses a stale ETag as a conflict, even when no event rows collide", async () => {
    const v1 = await saved(request(vid("visit-stale"), details("2026-06-15")));
    await saved(approve(v1.visit), v1);
    // With no events the snapshot's ETag is the only guard left.
    expect(await store.save(v1, v1.visit, [])).toEqual({ ok: false, reason: "conflict" });
    expect((await store.load(vid("visit-stale")))?.visit.status).toBe("approved");
  });

  it("lets only one of two requests for the same visit id create it", async () => {
    const first = request(vid("visit-twice"), details("2026-06-15"));
    const second = request(vid("visit-twice"), details("2026-06-16"));
    const outcomes = await Promise.all([store.save(undefined, first.after, first.events), store.save(undefined, second.after, second.events)]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(await store.save(undefined, first.after, first.events)).toEqual({ ok: false, reason: "conflict" });
  });

  it("writes nothing of a change when a later write in its transaction fails", async () => {
    const v1 = await saved(request(vid("visit-atomic"), details("2026-06-15")));
    // A row already sitting where the approval's event goes makes the transaction's second write fail.
    await (await tables.visits.forWriting(vid("visit-atomic"))).createEntity({ partitionKey: vid("visit-atomic"), rowKey: "event-000002", json: "{}" });
    const approval = approve(v1.visit);

    expect(await store.save(v1, approval.after, approval.events)).toEqual({ ok: false, reason: "conflict" });
    expect(await store.load(vid("visit-atomic"))).toEqual(v1);
  });

  it("leaves no visit, and none listed for the day, when a new visit's transaction fails", async () => {
    await (await tables.visits.forWriting(vid("visit-blocked"))).createEntity({ partitionKey: vid("visit-blocked"), rowKey: "event-000001", json: "{}" });
    const requested = request(vid("visit-blocked"), details("2026-06-15"));

    expect(await store.save(undefined, requested.after, requested.events)).toEqual({ ok: false, reason: "conflict" });
    expect(await store.load(vid("visit-blocked"))).toBeUndefined();
    expect(await store.listForDay("test-school", "2026-06-15")).toEqual([]);
  });
});

describe("TableVisitStore: a school's day", () => {
  it("lists a school's visits by their London calendar date, earliest first", async () => {
    // Outside the school day a visit names a responsible contact (R05).
    const outOfHours = { responsibleContactId: people.dsl.aadObjectId };
    const lateEvening = await saved(request(vid("visit-late"), details("2026-06-15", "23:30", "23:59", outOfHours)));
    const morning = await saved(request(vid("visit-morning"), details("2026-06-15", "09:00", "10:00")));
    const afterMidnight = await saved(request(vid("visit-small-hours"), details("2026-06-16", "00:30", "01:00", outOfHours)));
    const elsewhere = await saved(request(vid("visit-elsewhere"), details("2026-06-15"), otherSchool));
    const winter = await saved(request(vid("visit-winter"), details("2026-12-01", "23:30", "23:59", outOfHours)));

    // 23:30 BST is 22:30 UTC the same day; 00:30 BST is 23:30 UTC the day before: London's date decides.
    expect(lateEvening.visit.startsAt).toBe("2026-06-15T22:30:00.000Z");
    expect(afterMidnight.visit.startsAt).toBe("2026-06-15T23:30:00.000Z");
    expect(await store.listForDay("test-school", "2026-06-15")).toEqual([morning.visit, lateEvening.visit]);
    expect(await store.listForDay("test-school", "2026-06-16")).toEqual([afterMidnight.visit]);
    expect(await store.listForDay("other-school", "2026-06-15")).toEqual([elsewhere.visit]);
    expect(await store.listForDay("test-school", "2026-12-01")).toEqual([winter.visit]);
    expect(await store.listForDay("test-school", "2026-06-14")).toEqual([]);
  });

  it("lists a period in one query: every day from the first to the last, each visit once, another school's none", async () => {
    const first = await saved(request(vid("period-first"), details("2026-06-15", "09:00", "10:00")));
    const last = await saved(request(vid("period-last"), details("2026-06-19", "09:00", "10:00")));
    const moved = await saved(request(vid("period-moved"), details("2026-06-16")));
    const amended = change(moved.visit, { type: "amend", details: details("2026-06-17") }, actor("visitor"));
    await saved(amended, moved);
    await saved(request(vid("period-before"), details("2026-06-12")));
    await saved(request(vid("period-after"), details("2026-06-22")));
    await saved(request(vid("period-elsewhere"), details("2026-06-16"), otherSchool));

    requests.length = 0;
    const period = await store.listForDay("test-school", "2026-06-15", "2026-06-19");
    expect(period).toEqual([first.visit, amended.after, last.visit]);
    const queries = requests.filter((r) => r.method === "GET" && !r.url.includes("PartitionKey='"));
    expect(queries).toHaveLength(1);
  });

  it("lists one member of staff's visits of a day in one query, as requester or second, and follows a change of staff", async () => {
    const paired = await saved(request(vid("mine-paired"), details("2026-06-15", "09:00", "10:00")));
    const lone = { staffing: { mode: "lone" as const, riskAssessment: "Reviewed with the head." } };
    const theirs = await saved(change(undefined, { type: "request", visitId: vid("theirs-lone"), details: details("2026-06-15", "13:00", "14:00", lone) }, actor("secondVisitor")));
    await saved(request(vid("mine-tomorrow"), details("2026-06-16")));

    const visitor = people.visitor.aadObjectId;
    const second = people.secondVisitor.aadObjectId;
    requests.length = 0;
    expect(await store.listForVisitor("test-school", "2026-06-15", visitor)).toEqual([paired.visit]);
    expect(requests.filter((r) => r.method === "GET" && !r.url.includes("PartitionKey='"))).toHaveLength(1);
    expect(requests.filter((r) => r.method === "GET" && r.url.includes("PartitionKey='"))).toHaveLength(0);
    expect(await store.listForVisitor("test-school", "2026-06-15", second)).toEqual([paired.visit, theirs.visit]);

    // Made a lone visit: the second member of staff is no longer on it, and the index says so.
    const alone = change(paired.visit, { type: "amend", details: details("2026-06-15", "09:00", "10:00", lone) }, actor("visitor"));
    await saved(alone, paired);
    expect(await store.listForVisitor("test-school", "2026-06-15", second)).toEqual([theirs.visit]);
    expect(await store.listForVisitor("test-school", "2026-06-15", visitor)).toEqual([alone.after]);

    // And the other way: a lone visit that gains a second member of staff is among theirs from then on.
    const pairedWithVisitor = { staffing: { mode: "pair" as const, secondStaffId: visitor } };
    const joined = change(theirs.visit, { type: "amend", details: details("2026-06-15", "13:00", "14:00", pairedWithVisitor) }, actor("secondVisitor"));
    await saved(joined, theirs);
    expect(await store.listForVisitor("test-school", "2026-06-15", visitor)).toEqual([alone.after, joined.after]);
  });

  it("moves a visit to its new day when it is amended to another date", async () => {
    const v1 = await saved(request(vid("visit-moved"), details("2026-06-15")));
    const amended = change(v1.visit, { type: "amend", details: details("2026-06-17", "14:00", "15:00") }, actor("visitor"));
    const v2 = await saved(amended, v1);

    expect(await store.listForDay("test-school", "2026-06-15")).toEqual([]);
    expect(await store.listForDay("test-school", "2026-06-17")).toEqual([v2.visit]);
  });
});

describe("TableVisitStore: the outbox", () => {
  const pendingItems = async (visitId: string) => (await outbox.pending(visitId)).map((stored) => stored.item);

  it("queues a change's notifications with it, in the same single transaction", async () => {
    const requested = request(vid("visit-queued"), details("2026-06-15"));
    const queuedItems = outboxFor(requested.after, requested.events, testPolicy(), new Date("2026-06-01T08:00:00Z"));
    expect(queuedItems.length).toBeGreaterThan(0);
    await store.save(undefined, requested.after, requested.events, queuedItems);
    expect(await pendingItems(vid("visit-queued"))).toEqual(queuedItems);
    // The audit trail is the events alone.
    expect(await store.events(vid("visit-queued"))).toEqual(requested.events);
  });

  it("returns the items it queued with their ETags, so they can be claimed without reading them back", async () => {
    const requested = request(vid("visit-etags"), details("2026-06-15"));
    const items = outboxFor(requested.after, requested.events, testPolicy(), new Date("2026-06-01T08:00:00Z"));
    const saved = await store.save(undefined, requested.after, requested.events, items);
    if (!saved.ok || !saved.queued) throw new Error("the save returned no queued items");
    expect(saved.queued.map((q) => q.item)).toEqual(items);
    const claimed = await outbox.update(saved.queued[0]!, { ...items[0]!, attempts: 1 });
    expect(claimed?.item.attempts).toBe(1);
  });

  it("keeps the columns queries filter on beside each item", async () => {
    const v1 = await saved(request(vid("visit-columns"), details("2026-06-15")));
    const items = [queued(vid("visit-columns"), "000002-000", alertTo("alert-1")), queued(vid("visit-columns"), "000002-001", toHead)];
    const approval = approve(v1.visit);
    await store.save(v1, approval.after, approval.events, items);

    const row = await tables.visits.of(vid("visit-columns")).getEntity(vid("visit-columns"), "outbox-000002-000");
    expect(row).toMatchObject({ status: "pending", alertId: "alert-1", nextAttemptAt: items[0]!.nextAttemptAt, failing: false });
    expect(await tables.visits.of(vid("visit-columns")).getEntity(vid("visit-columns"), "outbox-000002-001")).not.toHaveProperty("alertId");
  });

  it("writes no outbox row when the save conflicts", async () => {
    const v1 = await saved(request(vid("visit-lost"), details("2026-06-15")));
    await saved(approve(v1.visit), v1);
    const stale = approve(v1.visit);
    const items = [queued(vid("visit-lost"), "000002-000", toHead)];

    expect(await store.save(v1, stale.after, stale.events, items)).toEqual({ ok: false, reason: "conflict" });
    expect(await pendingItems(vid("visit-lost"))).toEqual([]);
  });

  it("writes nothing when one outbox row cannot be created", async () => {
    const v1 = await saved(request(vid("visit-blocked-outbox"), details("2026-06-15")));
    await (await tables.visits.forWriting(vid("visit-blocked-outbox"))).createEntity({ partitionKey: vid("visit-blocked-outbox"), rowKey: "outbox-000002-001", json: "{}" });
    const approval = approve(v1.visit);
    const items = [queued(vid("visit-blocked-outbox"), "000002-000", toHead), queued(vid("visit-blocked-outbox"), "000002-001", toHead)];

    expect(await store.save(v1, approval.after, approval.events, items)).toEqual({ ok: false, reason: "conflict" });
    expect(await store.load(vid("visit-blocked-outbox"))).toEqual(v1);
    expect(await store.events(vid("visit-blocked-outbox"))).toHaveLength(1);
    await expect(tables.visits.of(vid("visit-blocked-outbox")).getEntity(vid("visit-blocked-outbox"), "outbox-000002-000")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("saves a new snapshot alone, at the same version, with or without notifications", async () => {
    const v1 = await saved(request(vid("visit-wake"), details("2026-06-15")));
    const woken = { ...v1.visit, wakeAt: "2026-06-15T08:50:00.000Z" };
    const outcome = await store.save(v1, woken, []);
    expect(outcome.ok).toBe(true);
    const v1b = { visit: woken, etag: outcome.ok ? outcome.etag : "" };
    expect(await store.load(vid("visit-wake"))).toEqual(v1b);

    const retry = queued(vid("visit-wake"), "000001-000", toHead);
    expect((await store.save(v1b, { ...woken, wakeAt: "2026-06-15T08:55:00.000Z" }, [], [retry])).ok).toBe(true);
    expect(await pendingItems(vid("visit-wake"))).toEqual([retry]);
    expect(await store.events(vid("visit-wake"))).toHaveLength(1);
  });

  it("refuses, before writing anything, a change of more than 100 rows, and takes exactly 100", async () => {
    const v1 = await saved(request(vid("visit-crowded"), details("2026-06-15")));
    const approval = approve(v1.visit);
    const items = (count: number) => Array.from({ length: count }, (_, i) => queued(vid("visit-crowded"), `000002-${String(i).padStart(3, "0")}`, toHead));
    requests.length = 0;

    await expect(store.save(v1, approval.after, approval.events, items(99))).rejects.toThrow(
      `Visit ${vid("visit-crowded")}: a save writes at most 100 rows in one transaction, this one 101 (snapshot 1, events 1, outbox 99)`,
    );
    expect(requests).toHaveLength(0);
    expect((await store.save(v1, approval.after, approval.events, items(98))).ok).toBe(true);
    expect(await outbox.pending(vid("visit-crowded"))).toHaveLength(98);
  });

  it("refuses an item queued for another visit, or queued as failing", async () => {
    const requested = request(vid("visit-mine"), details("2026-06-15"));
    await expect(store.save(undefined, requested.after, requested.events, [queued(vid("visit-theirs"), "000001-000", toHead)])).rejects.toThrow(
      `outbox item 000001-000 is for visit ${vid("visit-theirs")}`,
    );
    await expect(
      store.save(undefined, requested.after, requested.events, [{ ...queued(vid("visit-mine"), "000001-000", toHead), failing: true }]),
    ).rejects.toThrow("queued as failing");
    expect(requests).toHaveLength(0);
  });
});

describe("TableVisitStore: round trips", () => {
  const transactions = () => requests.filter((r) => r.method === "POST" && r.url.includes("$batch"));

  const dayRowWrites = () => requests.filter((r) => isDayRow(r.url)).map((r) => r.method);

  it("saves a new visit with its day row marked first, then one transaction, then the copy", async () => {
    await saved(request(vid("visit-before"), details("2026-06-15")));
    requests.length = 0;
    await saved(request(vid("visit-new"), details("2026-06-15")));
    expect(requests.map((r) => r.method)).toEqual(["PATCH", "POST", "PUT"]);
    expect(transactions()).toHaveLength(1);
  });

  it("checks in with a load, one transaction with the day row's mark alongside, and the copy after", async () => {
    const v1 = await saved(request(vid("visit-check"), details("2026-06-15")));
    await saved(approve(v1.visit), v1);
    requests.length = 0;

    const loaded = (await store.load(vid("visit-check")))!;
    await saved(checkIn(loaded.visit, "arrived"), loaded);

    expect(requests).toHaveLength(4);
    expect(transactions()).toHaveLength(1);
    expect(dayRowWrites()).toEqual(["PATCH", "PUT"]);
  });

  it("answers a save without waiting for its copy, and lists the visit as saved meanwhile", async () => {
    const v1 = await saved(request(vid("visit-quick"), details("2026-06-15")));
    const { days, release } = heldBackCopies(tables.visitsByDay);
    const quick = new TableVisitStore({ visits: tables.visits, visitsByDay: days });
    const approval = approve(v1.visit);
    expect((await quick.save(v1, approval.after, approval.events)).ok).toBe(true);

    expect(await store.listForDay("test-school", "2026-06-15")).toEqual([approval.after]);
    release();
    await quick.settled();
    requests.length = 0;
    expect(await store.listForDay("test-school", "2026-06-15")).toEqual([approval.after]);
    expect(requests).toHaveLength(1);
  });

  it("tells a request observer that the copy is written behind the answer, and the mark and transaction are not", async () => {
    const v1 = await saved(request(vid("visit-behind"), details("2026-06-15")));
    requests.length = 0;
    await saved(approve(v1.visit), v1);
    expect(requests.map((r) => [r.method, r.background ?? false])).toEqual([
      ["PATCH", false],
      ["POST", false],
      ["PUT", true],
    ]);
  });

  it("writes no copy for a save that only moves the scheduler's wake-up, and lists no wake-up", async () => {
    const v1 = await saved(request(vid("visit-wake"), details("2026-06-15")));
    const scheduled = { ...v1.visit, wakeAt: "2026-06-15T09:00:00.000Z" };
    requests.length = 0;
    const outcome = await store.save(v1, scheduled, []);
    await store.settled();
    expect(outcome.ok).toBe(true);
    expect(dayRowWrites()).toEqual([]);
    expect((await store.load(vid("visit-wake")))?.visit.wakeAt).toBe("2026-06-15T09:00:00.000Z");
    expect(await store.listForDay("test-school", "2026-06-15")).toEqual([v1.visit]);
  });

  it("moves a visit to another day: both days' rows marked before the transaction, the copy on the new, the old deleted", async () => {
    const v1 = await saved(request(vid("visit-move"), details("2026-06-15")));
    requests.length = 0;
    await saved(change(v1.visit, { type: "amend", details: details("2026-06-18") }, actor("visitor")), v1);
    expect(requests.map((r) => r.method)).toEqual(["PATCH", "PATCH", "POST", "PUT", "DELETE"]);
  });

  it("queues any number of notifications within the one transaction", async () => {
    const v1 = await saved(request(vid("visit-many"), details("2026-06-15")));
    const approval = approve(v1.visit);
    const items = Array.from({ length: 20 }, (_, i) => queued(vid("visit-many"), `000002-${String(i).padStart(3, "0")}`, toHead));
    requests.length = 0;
    await store.save(v1, approval.after, approval.events, items);
    expect(requests.filter((r) => !isDayRow(r.url))).toHaveLength(1);
    expect(transactions()).toHaveLength(1);
  });

  it("lists a day with one query: each row carries its visit", async () => {
    await saved(request(vid("visit-a"), details("2026-06-15", "09:00", "10:00")));
    await saved(request(vid("visit-b"), details("2026-06-15", "11:00", "12:00")));
    requests.length = 0;
    await store.listForDay("test-school", "2026-06-15");
    expect(requests).toHaveLength(1);
  });
});

describe("TableVisitStore: the day's copies never show a stale visit", () => {

  it("reads the snapshot of a visit whose row is marked with a version its copy has not reached (a save cut short)", async () => {
    const v1 = await saved(request(vid("visit-cut"), details("2026-06-15")));
    const v2 = await saved(approve(v1.visit), v1);
    // As if a save had marked the row and committed, then the process died before writing the copy.
    const arrived = checkIn(v2.visit, "arrived");
    expect((await store.save(v2, arrived.after, arrived.events)).ok).toBe(true);
    await june().upsertEntity({ partitionKey: "test-school_2026-06-15", rowKey: vid("visit-cut"), ...copyRow(v2) }, "Replace");
    await june().updateEntity({ partitionKey: "test-school_2026-06-15", rowKey: vid("visit-cut"), pending: 3 }, "Merge");

    requests.length = 0;
    expect(await store.listForDay("test-school", "2026-06-15")).toEqual([arrived.after]);
    expect(requests.filter((r) => r.url.includes("snapshot"))).toHaveLength(1);
  });

  it("never lets a late copy of an older version replace a newer one", async () => {
    const v1 = await saved(request(vid("visit-late-copy"), details("2026-06-15")));
    // This store's copy writes wait until released: its save commits, then its copy is held back.
    const { days: heldBack, release } = heldBackCopies(tables.visitsByDay);
    const slow = new TableVisitStore({ visits: tables.visits, visitsByDay: heldBack });

    const approval = approve(v1.visit);
    expect((await slow.save(v1, approval.after, approval.events)).ok).toBe(true);
    const v2 = (await store.load(vid("visit-late-copy")))!;
    const v3 = await saved(checkIn(v2.visit, "left-school"), v2);
    release();
    await slow.settled();

    requests.length = 0;
    expect(await store.listForDay("test-school", "2026-06-15")).toEqual([v3.visit]);
    expect(requests).toHaveLength(1);
  });

  it("keeps the winner's copy when two saves race: the loser's mark costs at most a point read", async () => {
    const v1 = await saved(request(vid("visit-copy-race"), details("2026-06-15")));
    const approval = approve(v1.visit);
    const sendBack = change(v1.visit, { type: "requestChanges", note: "Add the second address." }, actor("head"));
    const outcomes = await Promise.all([store.save(v1, approval.after, approval.events), store.save(v1, sendBack.after, sendBack.events)]);
    await store.settled();
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    const winner = outcomes[0]!.ok ? approval.after : sendBack.after;
    requests.length = 0;
    expect(await store.listForDay("test-school", "2026-06-15")).toEqual([winner]);
    expect(requests.filter((r) => r.url.includes("snapshot")).length).toBeLessThanOrEqual(1);
  });

  it("reads the snapshot of a row from before copies (no version), and skips one whose visit moved away", async () => {
    const v1 = await saved(request(vid("visit-old-row"), details("2026-06-15")));
    await june().upsertEntity(
      { partitionKey: "test-school_2026-06-15", rowKey: vid("visit-old-row"), visitId: vid("visit-old-row"), requestedBy: v1.visit.requestedBy.id, secondStaff: "" },
      "Replace",
    );
    const moved = await saved(request(vid("visit-elsewhen"), details("2026-06-16")));
    await june().upsertEntity({ partitionKey: "test-school_2026-06-15", rowKey: vid("visit-elsewhen"), visitId: moved.visit.id }, "Replace");

    expect(await store.listForDay("test-school", "2026-06-15")).toEqual([v1.visit]);
  });
});

/** A day row holding the copy of this stored visit, as a save writes it. */
function copyRow(stored: StoredVisit): Record<string, unknown> {
  const { visit } = stored;
  return { visitId: visit.id, requestedBy: visit.requestedBy.id, secondStaff: "", pending: visit.version, version: visit.version, ...toJsonColumns(visit) };
}

describe("TableVisitStore: a table per month", () => {
  it("keeps each visit in the table of the month it was requested in, made by the first save that needs it", async () => {
    const november = request(vid("visit-nov", "2026-11-30T23:59:59.999Z"), details("2026-12-01"));
    const december = request(vid("visit-dec", "2026-12-01T00:00:00.000Z"), details("2026-12-01"));
    await saved(november);
    await saved(december);
    await saved(request(vid("visit-dec-2", "2026-12-14T10:00:00.000Z"), details("2026-12-15")));

    // Two visits tables, and the day index's table of December.
    const tableCreations = requests.filter((r) => r.method === "POST" && r.url.endsWith("/Tables"));
    expect(tableCreations).toHaveLength(3);
    expect(tables.visits.of(november.after.id).tableName).toMatch(/visits202611$/);
    expect(tables.visits.of(december.after.id).tableName).toMatch(/visits202612$/);
    await expect(tables.visits.of(december.after.id).getEntity(november.after.id, "snapshot")).rejects.toMatchObject({ statusCode: 404 });
    expect((await store.load(november.after.id))?.visit).toEqual(november.after);
    expect(await store.listForDay(november.after.schoolId, "2026-12-01")).toEqual([november.after, december.after].sort((a, b) => (a.id < b.id ? -1 : 1)));
  });

  it("makes sure of a month's table only for a new visit: a change to a stored one is its one transaction", async () => {
    const requested = request(vid("visit-changed", "2026-10-31T12:00:00.000Z"), details("2026-11-02"));
    const v1 = await saved(requested);
    const otherProcess = new TableVisitStore(await openTables(connectionString(), { prefix: tablePrefix, onRequest: (r) => requests.push(r) }));
    requests.length = 0;
    const approval = approve(v1.visit);
    expect((await otherProcess.save(v1, approval.after, approval.events)).ok).toBe(true);
    expect(requests.filter((r) => !isDayRow(r.url)).map((r) => r.method)).toEqual(["POST"]);
    expect(requests.find((r) => r.method === "POST")!.url).toContain("$batch");
  });

  it("keeps each day's rows in the day index's table of that day's month, and lists a period across months", async () => {
    const late = await saved(request(vid("visit-late-nov", "2026-11-20T10:00:00.000Z"), details("2026-11-30")));
    const early = await saved(request(vid("visit-early-dec", "2026-11-20T11:00:00.000Z"), details("2026-12-01")));
    const keys = async (month: string) => {
      const found: string[] = [];
      for await (const row of tables.visitsByDay.of(month).listEntities()) found.push(`${row.partitionKey}/${row.rowKey}`);
      return found;
    };
    expect(await keys("202611")).toEqual([`test-school_2026-11-30/${late.visit.id}`]);
    expect(await keys("202612")).toEqual([`test-school_2026-12-01/${early.visit.id}`]);
    expect(await tables.visitsByDay.list()).toEqual(["202611", "202612"]);

    requests.length = 0;
    expect(await store.listForDay("test-school", "2026-11-01", "2027-01-31")).toEqual([late.visit, early.visit]);
    // One query a month; January has no table and answers "not found", which is no visits.
    expect(requests).toHaveLength(3);
  });

  it("moves a visit to a day of another month: its row goes from that month's table to the other's", async () => {
    const v1 = await saved(request(vid("visit-to-dec", "2026-11-20T10:00:00.000Z"), details("2026-11-30")));
    const moved = await saved(change(v1.visit, { type: "amend", details: details("2026-12-02") }, actor("visitor")), v1);
    expect(await store.listForDay("test-school", "2026-11-30")).toEqual([]);
    expect(await store.listForDay("test-school", "2026-12-02")).toEqual([moved.visit]);
    const left: unknown[] = [];
    for await (const row of tables.visitsByDay.of("202611").listEntities()) left.push(row);
    expect(left).toEqual([]);
  });

  it("answers an id of a month nobody has written to as a plain miss", async () => {
    const unknown = vid("visit-never", "2025-01-15T10:00:00.000Z");
    expect(await store.load(unknown)).toBeUndefined();
    expect(await store.events(unknown)).toEqual([]);
  });

  it("answers an id that is not a visit id as a plain miss, without asking storage", async () => {
    requests.length = 0;
    expect(await store.load("3f2a9c4e-0000-4000-8000-00000000abcd")).toBeUndefined();
    expect(await store.events("no/such#visit?\\")).toEqual([]);
    // Version 7, but requested before 2024 or more than a year from now: forged.
    expect(await store.load(vid("visit-forged-past", "2023-06-01T10:00:00.000Z"))).toBeUndefined();
    expect(await store.events(vid("visit-forged-future", "2300-06-01T10:00:00.000Z"))).toEqual([]);
    expect(requests).toEqual([]);
  });
});

/** The day-row client with every write of a copy (a row with a version) held until `release` is called. */
/** The day index's tables, whose copies (rows with a version) wait to be written until released. */
function heldBackCopies(days: MonthlyTables): { days: MonthlyTables; release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const held = new Proxy(days, {
    get: (target, name, receiver) => {
      if (name === "of") return (month: string) => heldBack(target.of(month), released);
      if (name === "forWriting") return async (month: string) => heldBack(await target.forWriting(month), released);
      return Reflect.get(target, name, receiver) as unknown;
    },
  });
  return { days: held, release };
}

function heldBack(client: TableClient, released: Promise<void>): TableClient {
  return new Proxy(client, {
    get: (target, name, receiver) => {
      const method = Reflect.get(target, name, receiver) as unknown;
      if (typeof method !== "function") return method;
      return async (...args: unknown[]) => {
        const entity = args[0] as Record<string, unknown> | undefined;
        if (typeof entity === "object" && entity !== null && "version" in entity) await released;
        return (method as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
