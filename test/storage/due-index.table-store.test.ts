import { testVisitId } from "../support/visit-ids";
import type { TransactionAction } from "@azure/data-tables";
import type { DueEntry } from "../../src/app/ports";
import { TableDueIndex } from "../../src/storage/due-index.table-store";
import { openTables, type ObservedRequest, type Tables } from "../../src/storage/tables";
import { TableVisitStore } from "../../src/storage/visit.table-store";
import { uniqueTablePrefix, useAzurite } from "../support/azurite";
import { details, request } from "./visit-fixtures";

const connectionString = useAzurite();
let tables: Tables;
let index: TableDueIndex;
let requests: ObservedRequest[];

async function open(): Promise<Tables> {
  return openTables(connectionString(), { prefix: uniqueTablePrefix(), onRequest: (r) => requests.push(r) });
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

async function handled(entry: DueEntry, now = NOON): Promise<void> {
  const claimed = await index.claim(entry, later(MINUTE, now));
  if (!claimed) throw new Error("expected the claim to succeed");
  await index.complete(claimed);
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

    const all = await index.due(NOON, 10);
    expect(all).toEqual([
      { visitId: "v-two-days-ago", at: "2026-06-13T09:00:00.000Z", etag: expect.any(String) },
      { visitId: "v-yesterday", at: "2026-06-14T23:59:00.000Z", etag: expect.any(String) },
      { visitId: "v-today-11", at: "2026-06-15T11:00:00.000Z", etag: expect.any(String) },
      { visitId: "v-at-noon", at: "2026-06-15T12:00:00.000Z", etag: expect.any(String) },
    ]);
    expect(visitIds(await index.due(NOON, 3))).toEqual(["v-two-days-ago", "v-yesterday", "v-today-11"]);
    expect(visitIds(await index.due(NOON, 1))).toEqual(["v-two-days-ago"]);
    expect(await index.due(NOON, 0)).toEqual([]);
  });

  it("returns nothing before its time, whether later today or on a later day", async () => {
    await index.schedule("v-late-evening", "2026-06-15T23:00:00.000Z");
    await index.schedule("v-midnight", "2026-06-16T00:00:00.000Z");
    expect(await index.due(NOON, 10)).toEqual([]);
    expect(await index.due(new Date("2026-06-15T22:59:59.999Z"), 10)).toEqual([]);
    expect(visitIds(await index.due(new Date("2026-06-16T00:00:00.000Z"), 10))).toEqual(["v-late-evening", "v-midnight"]);
  });

  it("keeps one entry per visit and time, whatever form the time is written in", async () => {
    await index.schedule("v/odd#id?", "2026-06-15T10:00:00Z");
    await index.schedule("v/odd#id?", "2026-06-15T11:00:00+01:00");
    expect(await index.due(NOON, 10)).toEqual([{ visitId: "v/odd#id?", at: "2026-06-15T10:00:00.000Z", etag: expect.any(String) }]);
    await expect(index.schedule("v", "half past ten")).rejects.toThrow(/not a time/);
  });
});

describe("TableDueIndex: claims", () => {
  it("hides a claimed entry until its lease runs out", async () => {
    await index.schedule("v-leased", "2026-06-15T11:00:00.000Z");
    const [entry] = await index.due(NOON, 10);
    const claimed = await index.claim(entry!, later(MINUTE));
    expect(claimed).toEqual({ visitId: "v-leased", at: entry!.at, leaseUntil: later(MINUTE).toISOString(), etag: expect.any(String) });
    expect(claimed!.etag).not.toBe(entry!.etag);

    expect(await index.due(NOON, 10)).toEqual([]);
    expect(await index.due(later(MINUTE - 1), 10)).toEqual([]);
    expect(await index.due(later(MINUTE), 10)).toEqual([{ ...claimed, etag: expect.any(String) }]);
  });

  it("lets exactly one of two sweepers claim an entry", async () => {
    await index.schedule("v-contested", "2026-06-15T11:00:00.000Z");
    const other = new TableDueIndex(tables);
    const [[mine], [theirs]] = await Promise.all([index.due(NOON, 10), other.due(NOON, 10)]);
    expect(theirs).toEqual(mine);

    const claims = await Promise.all([index.claim(mine!, later(MINUTE)), other.claim(theirs!, later(2 * MINUTE))]);
    expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
  });

  it("removes a completed entry, and completing again or after it is gone is harmless", async () => {
    await index.schedule("v-done", "2026-06-15T11:00:00.000Z");
    const [entry] = await index.due(NOON, 10);
    const claimed = (await index.claim(entry!, later(MINUTE)))!;
    await index.complete(claimed);
    await index.complete(claimed);
    expect(await index.due(later(2 * MINUTE), 10)).toEqual([]);
    expect(await index.claim(entry!, later(MINUTE))).toBeUndefined();
  });

  it("keeps an entry scheduled afresh at the same key while a sweeper held it", async () => {
    await index.schedule("v-again", "2026-06-15T11:00:00.000Z");
    const [entry] = await index.due(NOON, 10);
    const claimed = (await index.claim(entry!, later(MINUTE)))!;
    await index.schedule("v-again", "2026-06-15T11:00:00.000Z");

    await index.complete(claimed);

    // Scheduled afresh, it is due again at once, lease and all cleared.
    expect(await index.due(NOON, 10)).toEqual([{ visitId: "v-again", at: "2026-06-15T11:00:00.000Z", etag: expect.any(String) }]);
  });
});

describe("TableDueIndex: the cursor", () => {
  it("starts at the earliest day scheduled, skips past days left empty and stops at a day with entries", async () => {
    await index.schedule("v-friday", "2026-06-12T10:00:00.000Z");
    await index.schedule("v-sunday", "2026-06-14T10:00:00.000Z");

    expect(visitIds(await index.due(NOON, 1))).toEqual(["v-friday"]);
    expect(await cursorDay()).toBe("20260612");
    await handled((await index.due(NOON, 1))[0]!);

    const [sunday] = await index.due(NOON, 1);
    expect(sunday?.visitId).toBe("v-sunday");
    expect(await cursorDay()).toBe("20260614");

    // A claimed entry is not returned, but its day still holds it.
    const claimed = (await index.claim(sunday!, later(MINUTE)))!;
    expect(await index.due(NOON, 10)).toEqual([]);
    expect(await cursorDay()).toBe("20260614");

    await index.complete(claimed);
    expect(await index.due(NOON, 10)).toEqual([]);
    expect(await cursorDay()).toBe("20260615");
  });

  it("starts today when nothing is scheduled before today, and never moves past today", async () => {
    await index.schedule("v-next-week", "2026-06-22T10:00:00.000Z");
    expect(await index.due(NOON, 10)).toEqual([]);
    expect(await cursorDay()).toBe("20260615");
    expect(await index.due(later(DAY / 2 - MINUTE), 10)).toEqual([]);
    expect(await cursorDay()).toBe("20260615");
  });

  it("stays on a day for a few minutes after it ends, for writes begun just before midnight", async () => {
    expect(await index.due(NOON, 10)).toEqual([]);
    const justAfterMidnight = new Date("2026-06-16T00:01:00.000Z");
    expect(await index.due(justAfterMidnight, 10)).toEqual([]);
    // An instance whose "now" was a moment before midnight schedules after the sweep above.
    await index.schedule("v-on-the-stroke", "2026-06-15T23:59:59.900Z");

    expect(visitIds(await index.due(justAfterMidnight, 10))).toEqual(["v-on-the-stroke"]);
    await handled((await index.due(justAfterMidnight, 10))[0]!, justAfterMidnight);
    await index.due(new Date("2026-06-16T00:06:00.000Z"), 10);
    expect(await cursorDay()).toBe("20260616");
  });

  it("is never moved past a day with entries by two sweepers racing", async () => {
    await index.schedule("v-first", "2026-06-11T10:00:00.000Z");
    await handled((await index.due(NOON, 1))[0]!);
    await index.schedule("v-thursday", "2026-06-11T11:00:00.000Z");
    await index.schedule("v-saturday", "2026-06-13T10:00:00.000Z");
    const sweepers = [index, new TableDueIndex(tables), new TableDueIndex(tables)];

    const seen = await Promise.all(sweepers.map((sweeper) => sweeper.due(NOON, 1)));
    for (const entries of seen) expect(visitIds(entries)).toEqual(["v-thursday"]);
    await handled(seen[0]![0]!);

    const next = await Promise.all(sweepers.map((sweeper, i) => sweeper.due(later(i * 1000), 10)));
    for (const entries of next) expect(visitIds(entries)).toEqual(["v-saturday"]);
    expect(await cursorDay()).toBe("20260613");
  });
});

describe("TableDueIndex: round trips", () => {
  /** Past entries, written straight into one day's partition in transactions of 100. */
  async function seedPastDay(day: string, count: number, action: "create" | "delete"): Promise<void> {
    const rows = Array.from({ length: count }, (_, i) => {
      const at = new Date(Date.parse(`${day}T08:00:00.000Z`) + i * 1000).toISOString();
      const visitId = `past-${String(i).padStart(4, "0")}`;
      return { partitionKey: day.replace(/-/g, ""), rowKey: `${at}_${visitId}`, visitId, at, leaseUntil: "" };
    });
    for (let start = 0; start < rows.length; start += 100) {
      await tables.due.submitTransaction(
        rows.slice(start, start + 100).map((row): TransactionAction => (action === "create" ? ["create", row] : ["delete", row])),
      );
    }
  }

  it("sweeps an empty index in 4 requests the first time ever, then in 2", async () => {
    expect((await costOf(() => index.due(NOON, 50))).requests).toBe(4);
    expect((await costOf(() => index.due(later(5_000), 50))).requests).toBe(2);
  });

  it("sweeps past 1,000 handled entries and future ones for what an empty index costs", async () => {
    await seedPastDay("2026-06-12", 1_000, "create");
    for (let d = 1; d <= 5; d++) await index.schedule(`future-${d}`, new Date(NOON.getTime() + d * DAY).toISOString());
    // The sweeper of that day took them, so the cursor sits on it; then every one was handled.
    expect(await index.due(new Date("2026-06-12T23:00:00.000Z"), 100)).toHaveLength(100);
    await seedPastDay("2026-06-12", 1_000, "delete");

    // Catching up after three quiet days: the cursor, two queries per day left behind, today, the cursor's move.
    const catchUp = await costOf(() => index.due(NOON, 50));
    expect(catchUp).toEqual({ requests: 1 + 3 * 2 + 1 + 1, entries: [] });
    expect(await cursorDay()).toBe("20260615");

    const empty = new TableDueIndex(await open());
    await empty.due(NOON, 50);
    const steady = await costOf(() => index.due(later(5_000), 50));
    const steadyEmpty = await costOf(() => empty.due(later(5_000), 50));
    expect(steady).toEqual({ requests: 2, entries: [] });
    expect(steadyEmpty).toEqual(steady);
  });

  it("returns k due entries in 2 requests, however many visits the visits table holds", async () => {
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
      await index.due(NOON, 50);
      return costOf(() => index.due(later(5_000), 50));
    }

    const few = await sweepWithVisits(0);
    const many = await sweepWithVisits(300);
    expect(few.requests).toBe(2);
    expect(visitIds(few.entries)).toEqual(["due-0", "due-1", "due-2", "due-3", "due-4"]);
    expect(many.requests).toBe(few.requests);
    expect(visitIds(many.entries)).toEqual(visitIds(few.entries));
  });

  it("schedules, claims and completes in 1 request each", async () => {
    requests.length = 0;
    await index.schedule("v-cost", "2026-06-15T11:00:00.000Z");
    expect(requests).toHaveLength(1);
    const [entry] = await index.due(NOON, 10);

    requests.length = 0;
    const claimed = await index.claim(entry!, later(MINUTE));
    expect(requests).toHaveLength(1);

    requests.length = 0;
    await index.complete(claimed!);
    expect(requests).toHaveLength(1);
  });
});
