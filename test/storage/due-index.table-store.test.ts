import { testVisitId } from "../support/visit-ids";
import type { TransactionAction } from "@azure/data-tables";
import type { DueEntry } from "../../src/app/ports";
import { TAKEOVER_MS, TableDueIndex } from "../../src/storage/due-index.table-store";
import { openTables, type ObservedRequest, type Tables } from "../../src/storage/tables";
import { TableVisitStore } from "../../src/storage/visit.table-store";
import { uniqueTablePrefix, useAzurite } from "../support/azurite";
import { details, request } from "./visit-fixtures";

const connectionString = useAzurite();
let tables: Tables;
let index: TableDueIndex;
let requests: ObservedRequest[];

async function open(): Promise<Tables> {
  // A day row's copy written behind an answer (background) may land during a later count: it is not the index's.
  return openTables(connectionString(), { prefix: uniqueTablePrefix(), onRequest: (r) => void (r.background || requests.push(r)) });
}

beforeEach(async () => {
  requests = [];
  tables = await open();
  index = new TableDueIndex(tables);
});

/** Today in these tests is Monday 15 June 2026 (UTC); the sweeper looks at noon. */
const NOON = new Date("2026-06-15T12:00:00.000Z");
const later = (ms: number, from = NOON) => new Date(from.getTime() + ms);
const MINUTE = 60_000;
const DAY = 86_400_000;

const cursorDay = async () => (await tables.due.getEntity<{ day: string }>("cursor", "sweep")).day;
const visitIds = (entries: DueEntry[]) => entries.map((e) => e.visitId);
/** The entries a sweep at `now` may take. */
const dueOf = async (due: TableDueIndex, now: Date, limit: number) => (await due.due(now, limit)).entries;

/** One entry claimed alone: the claim of a sweep that found only it. */
const claimOne = async (due: TableDueIndex, entry: DueEntry, leaseUntil: Date) => (await due.claimAll([entry], leaseUntil))[0];

async function handled(entry: DueEntry, now = NOON): Promise<void> {
  const claimed = await claimOne(index, entry, later(MINUTE, now));
  if (!claimed) throw new Error("expected the claim to succeed");
  await index.completeAll([claimed]);
}

/** What a sweep costs in requests, and what it returned. */
async function costOf(sweep: () => Promise<DueEntry[]>): Promise<{ requests: number; entries: DueEntry[] }> {
  requests.length = 0;
  const entries = await sweep();
  return { requests: requests.length, entries };
}

describe("TableDueIndex: what falls due", () => {
  it("returns entries due by now, oldest first across days, up to the limit", async () => {
    await index.schedule("v-today-11", "2026-06-15T11:00:00.000Z");
    await index.schedule("v-two-days-ago", "2026-06-13T09:00:00.000Z");
    await index.schedule("v-at-noon", "2026-06-15T12:00:00.000Z");
    await index.schedule("v-yesterday", "2026-06-14T23:59:00.000Z");
    await index.schedule("v-just-after-noon", "2026-06-15T12:00:01.000Z");
    await index.schedule("v-tomorrow", "2026-06-16T08:00:00.000Z");

    const all = await dueOf(index, NOON, 10);
    expect(all).toEqual([
      { visitId: "v-two-days-ago", at: "2026-06-13T09:00:00.000Z", etag: expect.any(String) },
      { visitId: "v-yesterday", at: "2026-06-14T23:59:00.000Z", etag: expect.any(String) },
      { visitId: "v-today-11", at: "2026-06-15T11:00:00.000Z", etag: expect.any(String) },
      { visitId: "v-at-noon", at: "2026-06-15T12:00:00.000Z", etag: expect.any(String) },
    ]);
    expect(visitIds(await dueOf(index, NOON, 3))).toEqual(["v-two-days-ago", "v-yesterday", "v-today-11"]);
    expect(visitIds(await dueOf(index, NOON, 1))).toEqual(["v-two-days-ago"]);
    expect(await dueOf(index, NOON, 0)).toEqual([]);
  });

  it("returns nothing before its time, whether later today or on a later day", async () => {
    await index.schedule("v-late-evening", "2026-06-15T23:00:00.000Z");
    await index.schedule("v-midnight", "2026-06-16T00:00:00.000Z");
    expect(await dueOf(index, NOON, 10)).toEqual([]);
    expect(await dueOf(index, new Date("2026-06-15T22:59:59.999Z"), 10)).toEqual([]);
    expect(visitIds(await dueOf(index, new Date("2026-06-16T00:00:00.000Z"), 10))).toEqual(["v-late-evening", "v-midnight"]);
  });

  it("keeps one entry per visit and time, whatever form the time is written in", async () => {
    await index.schedule("v/odd#id?", "2026-06-15T10:00:00Z");
    await index.schedule("v/odd#id?", "2026-06-15T11:00:00+01:00");
    expect(await dueOf(index, NOON, 10)).toEqual([{ visitId: "v/odd#id?", at: "2026-06-15T10:00:00.000Z", etag: expect.any(String) }]);
    await expect(index.schedule("v", "half past ten")).rejects.toThrow(/not a time/);
  });
});

describe("TableDueIndex: entries for a deadline alone", () => {
  it("keeps one beside an entry for notifications at the same instant; each is claimed and completed on its own", async () => {
    await index.schedule("v1", "2026-06-15T11:00:00.000Z", { deadlineOnly: true });
    await index.schedule("v1", "2026-06-15T11:00:00.000Z");
    const both = await dueOf(index, NOON, 10);
    expect(both).toEqual([
      { visitId: "v1", at: "2026-06-15T11:00:00.000Z", etag: expect.any(String) },
      { visitId: "v1", at: "2026-06-15T11:00:00.000Z", deadlineOnly: true, etag: expect.any(String) },
    ]);
    const claimed = await index.claimAll(both.slice(1), later(MINUTE));
    expect(claimed).toEqual([expect.objectContaining({ deadlineOnly: true, leaseUntil: later(MINUTE).toISOString() })]);
    await index.completeAll(claimed);
    expect(await dueOf(index, NOON, 10)).toEqual([both[0]]);
  });

  it("reads an entry written before there were such entries as one for notifications, and completes it", async () => {
    await tables.due.createEntity({ partitionKey: "202606151100", rowKey: "2026-06-15T11:00:00.000Z_v-old", visitId: "v-old", at: "2026-06-15T11:00:00.000Z", leaseUntil: "" });
    const [old] = await dueOf(index, NOON, 10);
    expect(old).toEqual({ visitId: "v-old", at: "2026-06-15T11:00:00.000Z", etag: expect.any(String) });
    await handled(old!);
    expect(await dueOf(index, NOON, 10)).toEqual([]);
  });
});

describe("TableDueIndex: rows of the day layout", () => {
  it("moves an entry written when a partition held a day to its minute, as it was, and takes it from there", async () => {
    const owned = new TableDueIndex(tables, { owner: "instance-a" });
    const at = "2026-06-15T11:00:00.000Z";
    const columns = { visitId: "v-day", at, leaseUntil: "", owner: "instance-a", deadlineOnly: true };
    await tables.due.createEntity({ partitionKey: "20260615", rowKey: `${at}_v-day_deadline`, ...columns });

    const [entry] = await dueOf(owned, NOON, 10);
    expect(entry).toEqual({ visitId: "v-day", at, deadlineOnly: true, etag: expect.any(String) });
    const rows: { partitionKey?: string; owner?: string }[] = [];
    for await (const row of tables.due.listEntities<{ owner: string }>({ queryOptions: { filter: "PartitionKey ne 'cursor'" } })) rows.push({ partitionKey: row.partitionKey, owner: row.owner });
    expect(rows).toEqual([{ partitionKey: "202606151100", owner: "instance-a" }]);

    const claimed = await claimOne(owned, entry!, later(MINUTE));
    await owned.completeAll([claimed!]);
    expect(await dueOf(owned, NOON, 10)).toEqual([]);
  });
});

describe("TableDueIndex: claims", () => {
  it("hides a claimed entry until its lease runs out", async () => {
    await index.schedule("v-leased", "2026-06-15T11:00:00.000Z");
    const [entry] = await dueOf(index, NOON, 10);
    const claimed = await claimOne(index, entry!, later(MINUTE));
    expect(claimed).toEqual({ visitId: "v-leased", at: entry!.at, leaseUntil: later(MINUTE).toISOString(), etag: expect.any(String) });
    expect(claimed!.etag).not.toBe(entry!.etag);

    expect(await dueOf(index, NOON, 10)).toEqual([]);
    expect(await dueOf(index, later(MINUTE - 1), 10)).toEqual([]);
    expect(await dueOf(index, later(MINUTE), 10)).toEqual([{ ...claimed, etag: expect.any(String) }]);
  });

  it("lets exactly one of two sweepers claim an entry", async () => {
    await index.schedule("v-contested", "2026-06-15T11:00:00.000Z");
    const other = new TableDueIndex(tables);
    const [[mine], [theirs]] = await Promise.all([dueOf(index, NOON, 10), dueOf(other, NOON, 10)]);
    expect(theirs).toEqual(mine);

    const claims = await Promise.all([claimOne(index, mine!, later(MINUTE)), claimOne(other, theirs!, later(2 * MINUTE))]);
    expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
  });

  it("removes a completed entry, and completing again or after it is gone is harmless", async () => {
    await index.schedule("v-done", "2026-06-15T11:00:00.000Z");
    const [entry] = await dueOf(index, NOON, 10);
    const claimed = (await claimOne(index, entry!, later(MINUTE)))!;
    await index.completeAll([claimed]);
    await index.completeAll([claimed]);
    expect(await dueOf(index, later(2 * MINUTE), 10)).toEqual([]);
    expect(await claimOne(index, entry!, later(MINUTE))).toBeUndefined();
  });

  it("hands back released entries as never claimed, due at once for any sweeper; one changed since its claim stays", async () => {
    await index.schedule("v1", "2026-06-15T11:00:00.000Z", { deadlineOnly: true });
    await index.schedule("v2", "2026-06-15T11:01:00.000Z");
    const claimed = await index.claimAll(await dueOf(index, NOON, 10), later(MINUTE));
    expect(await dueOf(index, NOON, 10)).toEqual([]);
    await index.schedule("v2", "2026-06-15T11:01:00.000Z"); // scheduled afresh meanwhile: not this claim's to release
    await index.releaseAll(claimed);
    expect(await dueOf(new TableDueIndex(tables), NOON, 10)).toEqual([
      { visitId: "v1", at: "2026-06-15T11:00:00.000Z", deadlineOnly: true, etag: expect.any(String) },
      { visitId: "v2", at: "2026-06-15T11:01:00.000Z", etag: expect.any(String) },
    ]);
  });

  it("keeps an entry scheduled afresh at the same key while a sweeper held it", async () => {
    await index.schedule("v-again", "2026-06-15T11:00:00.000Z");
    const [entry] = await dueOf(index, NOON, 10);
    const claimed = (await claimOne(index, entry!, later(MINUTE)))!;
    await index.schedule("v-again", "2026-06-15T11:00:00.000Z");

    await index.completeAll([claimed]);

    // Scheduled afresh, it is due again at once, lease and all cleared.
    expect(await dueOf(index, NOON, 10)).toEqual([{ visitId: "v-again", at: "2026-06-15T11:00:00.000Z", etag: expect.any(String) }]);
  });
});

describe("TableDueIndex: owners, look-ahead and claims in one transaction", () => {
  it("gives each instance the entries it scheduled, and anyone's once they are TAKEOVER_MS overdue", async () => {
    const a = new TableDueIndex(tables, { owner: "instance-a" });
    const b = new TableDueIndex(tables, { owner: "instance-b" });
    await a.schedule("v-a", "2026-06-15T11:59:55.000Z");
    await b.schedule("v-b", "2026-06-15T11:59:55.000Z");
    await index.schedule("v-anyone", "2026-06-15T11:59:56.000Z"); // no owner: every instance's
    await a.schedule("v-a-long-ago", later(-TAKEOVER_MS - 1).toISOString());

    expect(visitIds(await dueOf(a, NOON, 10))).toEqual(["v-a-long-ago", "v-a", "v-anyone"]);
    expect(visitIds(await dueOf(b, NOON, 10))).toEqual(["v-a-long-ago", "v-b", "v-anyone"]);
    // Ten seconds on, the other's entry is anyone's too.
    expect(visitIds(await dueOf(b, later(5_000 + TAKEOVER_MS), 10))).toEqual(["v-a-long-ago", "v-a", "v-b", "v-anyone"]);
  });

  it("tells its listener of every entry scheduled", async () => {
    const told: string[] = [];
    const listening = new TableDueIndex(tables, { onScheduled: (at) => told.push(at) });
    await listening.schedule("v1", "2026-06-15T13:00:00+01:00");
    expect(told).toEqual(["2026-06-15T12:00:00.000Z"]);
  });

  it("names the first entry coming within the look-ahead, and says when it stopped at its limit with more due", async () => {
    await index.schedule("v-due", "2026-06-15T11:59:00.000Z");
    await index.schedule("v-soon", "2026-06-15T12:00:20.000Z");
    await index.schedule("v-later", "2026-06-15T12:05:00.000Z");
    expect(await index.due(NOON, 10, 30_000)).toEqual({ entries: [expect.objectContaining({ visitId: "v-due" })], more: false, upcoming: "2026-06-15T12:00:20.000Z" });
    expect(await index.due(NOON, 10)).toEqual({ entries: [expect.objectContaining({ visitId: "v-due" })], more: false });
    await index.schedule("v-due-too", "2026-06-15T11:59:30.000Z");
    expect(await index.due(NOON, 1)).toEqual({ entries: [expect.objectContaining({ visitId: "v-due" })], more: true });
  });

  it("claims a minute's entries in one transaction, and none of them when another instance took one of them first", async () => {
    for (let i = 0; i < 5; i++) await index.schedule(`v${i}`, `2026-06-15T11:00:0${i}.000Z`);
    const entries = await dueOf(index, NOON, 10);
    requests.length = 0;
    expect(visitIds(await index.claimAll(entries.slice(0, 3), later(MINUTE)))).toEqual(["v0", "v1", "v2"]);
    expect(requests).toHaveLength(1);

    const other = new TableDueIndex(tables);
    await claimOne(other, entries[4]!, later(MINUTE));
    requests.length = 0;
    expect(await index.claimAll(entries.slice(3), later(MINUTE))).toEqual([]);
    expect(requests).toHaveLength(1);
    // Read afresh, the entry nobody holds is there to take.
    const [rest] = await dueOf(index, NOON, 10);
    expect(visitIds(await index.claimAll([rest!], later(MINUTE)))).toEqual(["v3"]);
    expect(await dueOf(index, NOON, 10)).toEqual([]);
  });

  it("claims entries of different minutes in a transaction per minute", async () => {
    await index.schedule("v-a", "2026-06-15T11:00:59.000Z");
    await index.schedule("v-b", "2026-06-15T11:01:00.000Z");
    const entries = await dueOf(index, NOON, 10);
    requests.length = 0;
    expect(visitIds(await index.claimAll(entries, later(MINUTE)))).toEqual(["v-a", "v-b"]);
    expect(requests).toHaveLength(2);
    expect(await dueOf(index, NOON, 10)).toEqual([]);
  });
});

describe("TableDueIndex: the cursor", () => {
  it("starts at the earliest day scheduled, skips past days left empty and stops at a day with entries", async () => {
    await index.schedule("v-friday", "2026-06-12T10:00:00.000Z");
    await index.schedule("v-sunday", "2026-06-14T10:00:00.000Z");

    expect(visitIds(await dueOf(index, NOON, 1))).toEqual(["v-friday"]);
    expect(await cursorDay()).toBe("20260612");
    await handled((await dueOf(index, NOON, 1))[0]!);

    const [sunday] = await dueOf(index, NOON, 1);
    expect(sunday?.visitId).toBe("v-sunday");
    expect(await cursorDay()).toBe("20260614");

    // A claimed entry is not returned, but its day still holds it.
    const claimed = (await claimOne(index, sunday!, later(MINUTE)))!;
    expect(await dueOf(index, NOON, 10)).toEqual([]);
    expect(await cursorDay()).toBe("20260614");

    await index.completeAll([claimed]);
    expect(await dueOf(index, NOON, 10)).toEqual([]);
    expect(await cursorDay()).toBe("20260615");
  });

  it("starts today when nothing is scheduled before today, and never moves past today", async () => {
    await index.schedule("v-next-week", "2026-06-22T10:00:00.000Z");
    expect(await dueOf(index, NOON, 10)).toEqual([]);
    expect(await cursorDay()).toBe("20260615");
    expect(await dueOf(index, later(DAY / 2 - MINUTE), 10)).toEqual([]);
    expect(await cursorDay()).toBe("20260615");
  });

  it("stays on a day for a few minutes after it ends, for writes begun just before midnight", async () => {
    expect(await dueOf(index, NOON, 10)).toEqual([]);
    const justAfterMidnight = new Date("2026-06-16T00:01:00.000Z");
    expect(await dueOf(index, justAfterMidnight, 10)).toEqual([]);
    // An instance whose "now" was a moment before midnight schedules after the sweep above.
    await index.schedule("v-on-the-stroke", "2026-06-15T23:59:59.900Z");

    expect(visitIds(await dueOf(index, justAfterMidnight, 10))).toEqual(["v-on-the-stroke"]);
    await handled((await dueOf(index, justAfterMidnight, 10))[0]!, justAfterMidnight);
    await dueOf(index, new Date("2026-06-16T00:06:00.000Z"), 10);
    expect(await cursorDay()).toBe("20260616");
  });

  it("is never moved past a day with entries by two sweepers racing", async () => {
    await index.schedule("v-first", "2026-06-11T10:00:00.000Z");
    await handled((await dueOf(index, NOON, 1))[0]!);
    await index.schedule("v-thursday", "2026-06-11T11:00:00.000Z");
    await index.schedule("v-saturday", "2026-06-13T10:00:00.000Z");
    const sweepers = [index, new TableDueIndex(tables), new TableDueIndex(tables)];

    const seen = await Promise.all(sweepers.map((sweeper) => dueOf(sweeper, NOON, 1)));
    for (const entries of seen) expect(visitIds(entries)).toEqual(["v-thursday"]);
    await handled(seen[0]![0]!);

    const next = await Promise.all(sweepers.map((sweeper, i) => dueOf(sweeper, later(i * 1000), 10)));
    for (const entries of next) expect(visitIds(entries)).toEqual(["v-saturday"]);
    expect(await cursorDay()).toBe("20260613");
  });
});

describe("TableDueIndex: round trips", () => {
  /** Past entries a second apart from 08:00 that day, written straight into their minutes' partitions, a transaction each. */
  async function seedPastDay(day: string, count: number, action: "create" | "delete"): Promise<void> {
    const byMinute = new Map<string, TransactionAction[]>();
    for (let i = 0; i < count; i++) {
      const at = new Date(Date.parse(`${day}T08:00:00.000Z`) + i * 1000).toISOString();
      const visitId = `past-${String(i).padStart(4, "0")}`;
      const row = { partitionKey: at.slice(0, 16).replace(/[-T:]/g, ""), rowKey: `${at}_${visitId}`, visitId, at, leaseUntil: "" };
      byMinute.set(row.partitionKey, [...(byMinute.get(row.partitionKey) ?? []), action === "create" ? ["create", row] : ["delete", row]]);
    }
    for (const actions of byMinute.values()) await tables.due.submitTransaction(actions);
  }

  it("sweeps an empty index in 4 requests the first time ever, then in 1 (the cursor is kept between sweeps)", async () => {
    expect((await costOf(() => dueOf(index, NOON, 50))).requests).toBe(4);
    expect((await costOf(() => dueOf(index, later(5_000), 50))).requests).toBe(1);
    // Another instance starting later reads the cursor once, then it too sweeps in one request.
    const second = new TableDueIndex(tables);
    expect((await costOf(() => dueOf(second, later(6_000), 50))).requests).toBe(2);
    expect((await costOf(() => dueOf(second, later(7_000), 50))).requests).toBe(1);
  });

  it("an instance whose cursor is behind reads the days another moved it past, is refused the move, and reads it afresh", async () => {
    await index.schedule("v-friday", "2026-06-12T10:00:00.000Z");
    const behind = new TableDueIndex(tables);
    expect(visitIds(await dueOf(behind, NOON, 10))).toEqual(["v-friday"]); // both read the cursor on Friday
    expect(visitIds(await dueOf(index, NOON, 10))).toEqual(["v-friday"]);
    await handled((await dueOf(index, NOON, 10))[0]!);
    await dueOf(index, NOON, 10); // moves the cursor to today
    expect(await cursorDay()).toBe("20260615");

    await index.schedule("v-late", "2026-06-15T11:00:00.000Z");
    expect(visitIds(await dueOf(behind, NOON, 10))).toEqual(["v-late"]);
    expect((await costOf(() => dueOf(behind, NOON, 10))).requests).toBe(2); // the cursor afresh, then today
    expect((await costOf(() => dueOf(behind, NOON, 10))).requests).toBe(1);
  });

  it("sweeps past 1,000 handled entries and future ones for what an empty index costs", async () => {
    await seedPastDay("2026-06-12", 1_000, "create");
    for (let d = 1; d <= 5; d++) await index.schedule(`future-${d}`, new Date(NOON.getTime() + d * DAY).toISOString());
    // The sweeper of that day took them, so the cursor sits on it; then every one was handled.
    expect(await dueOf(index, new Date("2026-06-12T23:00:00.000Z"), 100)).toHaveLength(100);
    await seedPastDay("2026-06-12", 1_000, "delete");

    // Catching up after three quiet days: one query from the cursor to now, one per day left behind, the cursor's move.
    const catchUp = await costOf(() => dueOf(index, NOON, 50));
    expect(catchUp).toEqual({ requests: 1 + 3 + 1, entries: [] });
    expect(await cursorDay()).toBe("20260615");

    const empty = new TableDueIndex(await open());
    await dueOf(empty, NOON, 50);
    const steady = await costOf(() => dueOf(index, later(5_000), 50));
    const steadyEmpty = await costOf(() => dueOf(empty, later(5_000), 50));
    expect(steady).toEqual({ requests: 1, entries: [] });
    expect(steadyEmpty).toEqual(steady);
  });

  it("returns k due entries in 1 request, however many visits the visits table holds", async () => {
    async function sweepWithVisits(visits: number): Promise<{ requests: number; entries: DueEntry[] }> {
      tables = await open();
      index = new TableDueIndex(tables);
      const store = new TableVisitStore(tables);
      await Promise.all(
        Array.from({ length: visits }, async (_, i) => {
          const requested = request(testVisitId(`visit-${i}`), details("2026-06-16"));
          await store.save(undefined, requested.after, requested.events);
          await index.schedule(requested.after.id, "2026-06-16T09:00:00.000Z");
        }),
      );
      for (let k = 0; k < 5; k++) await index.schedule(`due-${k}`, `2026-06-15T11:0${k}:00.000Z`);
      await dueOf(index, NOON, 50);
      return costOf(() => dueOf(index, later(5_000), 50));
    }

    const few = await sweepWithVisits(0);
    const many = await sweepWithVisits(300);
    expect(few.requests).toBe(1);
    expect(visitIds(few.entries)).toEqual(["due-0", "due-1", "due-2", "due-3", "due-4"]);
    expect(many.requests).toBe(few.requests);
    expect(visitIds(many.entries)).toEqual(visitIds(few.entries));
  });

  it("schedules, claims and completes in 1 request each", async () => {
    requests.length = 0;
    await index.schedule("v-cost", "2026-06-15T11:00:00.000Z");
    expect(requests).toHaveLength(1);
    const [entry] = await dueOf(index, NOON, 10);

    requests.length = 0;
    const claimed = await claimOne(index, entry!, later(MINUTE));
    expect(requests).toHaveLength(1);

    requests.length = 0;
    await index.completeAll([claimed!]);
    expect(requests).toHaveLength(1);
  });
});
