import { testVisitId as vid } from "../support/visit-ids";
import type { OutboxItem } from "../../src/app/notifications";
import type { StoredOutboxItem } from "../../src/app/ports";
import { TableOutbox } from "../../src/storage/outbox.table-store";
import { openTables, type ObservedRequest, type Tables } from "../../src/storage/tables";
import { TableVisitStore } from "../../src/storage/visit.table-store";
import { uniqueTablePrefix, useAzurite } from "../support/azurite";
import { people } from "../support/policy-fixture";
import { alertChanged, alertTo, delivered, failed, post, queued, SCHOOL, toHead } from "./outbox-fixtures";
import { details, request } from "./visit-fixtures";

const connectionString = useAzurite();
let tables: Tables;
let outbox: TableOutbox;
let requests: ObservedRequest[];

beforeEach(async () => {
  requests = [];
  tables = await openTables(connectionString(), { prefix: uniqueTablePrefix(), onRequest: (r) => requests.push(r) });
  outbox = new TableOutbox(tables);
});

/** Saves a new visit with these items queued, as the use case does. */
async function queue(visitId: string, items: OutboxItem[]): Promise<void> {
  const requested = request(visitId, details("2026-06-15"));
  const store = new TableVisitStore(tables);
  const outcome = await store.save(undefined, requested.after, requested.events, items);
  if (!outcome.ok) throw new Error("expected the save to succeed");
  await store.settled();
}

async function stored(visitId: string, itemId: string): Promise<StoredOutboxItem> {
  const found = (await outbox.pending(visitId)).find((s) => s.item.id === itemId);
  if (!found) throw new Error(`no pending item ${itemId}`);
  return found;
}

async function updated(from: StoredOutboxItem, item: OutboxItem): Promise<StoredOutboxItem> {
  const next = await outbox.update(from, item);
  if (!next) throw new Error("expected the update to succeed");
  return next;
}

const indexRows = async () => {
  const keys: string[] = [];
  for await (const row of tables.outboxFailing.listEntities()) keys.push(row.rowKey ?? "");
  return keys;
};

describe("TableOutbox: pending items", () => {
  it("lists a visit's undelivered items oldest first, and nothing of other visits", async () => {
    const [a0, a1, a2] = ["000001-000", "000001-001", "000002-000"].map((id) => queued(vid("visit-a"), id, toHead));
    await queue(vid("visit-a"), [a2!, a0!, a1!]);
    await queue(vid("visit-b"), [queued(vid("visit-b"), "000001-000", toHead)]);
    await updated(await stored(vid("visit-a"), "000001-001"), delivered(a1!, [post("p", "1")]));

    const pending = await outbox.pending(vid("visit-a"));
    expect(pending.map((s) => s.item)).toEqual([a0, a2]);
    for (const { etag } of pending) expect(etag).toEqual(expect.any(String));
    expect(await outbox.pending(vid("visit-none"))).toEqual([]);
  });
});

describe("TableOutbox: updates", () => {
  it("replaces an item and keeps the columns queries filter on in step", async () => {
    const item = queued(vid("visit-u"), "000001-000", alertTo("alert-1"));
    await queue(vid("visit-u"), [item]);
    const first = await updated(await stored(vid("visit-u"), item.id), failed(item, false));
    const done = delivered(first.item, [post("office", "a1")]);
    const second = await updated(first, done);

    expect(second).toEqual({ item: done, etag: expect.any(String) });
    expect(second.etag).not.toBe(first.etag);
    expect(await tables.visits.of(vid("visit-u")).getEntity(vid("visit-u"), "outbox-000001-000")).toMatchObject({
      status: "delivered",
      alertId: "alert-1",
      nextAttemptAt: done.nextAttemptAt,
      failing: false,
    });
    expect(await outbox.pending(vid("visit-u"))).toEqual([]);
  });

  it("refuses an update from a stale read, so two senders never both take an item", async () => {
    const item = queued(vid("visit-race"), "000001-000", toHead);
    await queue(vid("visit-race"), [item]);
    const read = await stored(vid("visit-race"), item.id);
    const attempt = (n: number) => ({ ...item, attempts: 1, nextAttemptAt: `2026-06-15T09:0${n}:00.000Z` });

    const outcomes = await Promise.all([outbox.update(read, attempt(1)), outbox.update(read, attempt(2))]);

    expect(outcomes.filter((o) => o !== undefined)).toHaveLength(1);
    const winner = outcomes.find((o) => o !== undefined)!;
    expect(await outbox.update(read, delivered(item, []))).toBeUndefined();
    expect(await outbox.pending(vid("visit-race"))).toEqual([winner]);
  });

  it("answers undefined for an item that is not there", async () => {
    const ghost = queued(vid("visit-ghost"), "000001-000", toHead);
    expect(await outbox.update({ item: ghost, etag: `W/"datetime'2026-06-15T09%3A00%3A00.0000000Z'"` }, failed(ghost))).toBeUndefined();
  });

  it("will not move an item to another visit, id or creation time", async () => {
    const item = queued(vid("visit-fixed"), "000001-000", toHead);
    await queue(vid("visit-fixed"), [item]);
    const read = await stored(vid("visit-fixed"), item.id);
    await expect(outbox.update(read, { ...item, id: "000001-001" })).rejects.toThrow(/cannot become/);
    await expect(outbox.update(read, { ...item, createdAt: "2026-06-16T09:00:00.000Z" })).rejects.toThrow(/cannot become/);
  });
});

describe("TableOutbox: posts", () => {
  it("returns where the delivered cards about one alert landed", async () => {
    const items = [
      queued(vid("visit-p"), "000003-000", alertTo("alert-1", people.office.aadObjectId)),
      queued(vid("visit-p"), "000003-001", alertTo("alert-1", people.head.aadObjectId)),
      queued(vid("visit-p"), "000003-002", alertTo("alert-1", people.dsl.aadObjectId)),
      queued(vid("visit-p"), "000004-000", alertTo("alert-2")),
      queued(vid("visit-p"), "000005-000", alertChanged("alert-1")),
    ];
    await queue(vid("visit-p"), items);
    await queue(vid("visit-q"), [queued(vid("visit-q"), "000001-000", alertTo("alert-1"))]);
    const [office, head, , other, changed] = items as [OutboxItem, OutboxItem, OutboxItem, OutboxItem, OutboxItem];
    await updated(await stored(vid("visit-p"), office.id), delivered(office, [post("office", "a1")]));
    await updated(await stored(vid("visit-p"), head.id), delivered(head, [post("head", "a2"), post("head-2", "a3")]));
    await updated(await stored(vid("visit-p"), other.id), delivered(other, [post("office", "b1")]));
    await updated(await stored(vid("visit-p"), changed.id), delivered(changed, []));
    await updated(await stored(vid("visit-q"), "000001-000"), delivered(queued(vid("visit-q"), "000001-000", alertTo("alert-1")), [post("q", "q1")]));

    expect(await outbox.posts(vid("visit-p"), "alert-1")).toEqual([post("office", "a1"), post("head", "a2"), post("head-2", "a3")]);
    expect(await outbox.posts(vid("visit-p"), "alert-3")).toEqual([]);
  });
});

describe("TableOutbox: failing items", () => {
  const at = (minute: number) => `2026-06-15T09:${String(minute).padStart(2, "0")}:00.000Z`;

  /** Queues one item per visit, created at these minutes, and makes each fail for good. */
  async function failing(minutes: number[]): Promise<StoredOutboxItem[]> {
    const result: StoredOutboxItem[] = [];
    for (const minute of minutes) {
      const item = queued(vid(`visit-${minute}`), "000001-000", alertTo("alert-1"), at(minute));
      await queue(item.visitId, [item]);
      result.push(await updated(await stored(item.visitId, item.id), failed(item)));
    }
    return result;
  }

  it("lists items that keep failing across visits, newest first, up to the limit", async () => {
    const [m10, m30, m20] = await failing([10, 30, 20]);
    const notYet = queued(vid("visit-40"), "000001-000", toHead, at(40));
    await queue(vid("visit-40"), [notYet]);
    await updated(await stored(vid("visit-40"), notYet.id), failed(notYet, false));

    expect(await outbox.failing(SCHOOL, 10)).toEqual([m30!.item, m20!.item, m10!.item]);
    expect(await outbox.failing(SCHOOL, 2)).toEqual([m30!.item, m20!.item]);
    expect(await outbox.failing(SCHOOL, 0)).toEqual([]);
  });

  it("shows the item as it is now, and drops it, index row and all, once delivered", async () => {
    const [m10, m20] = await failing([10, 20]);
    const again = await updated(m10!, failed(m10!.item));
    expect(await outbox.failing(SCHOOL, 10)).toEqual([m20!.item, again.item]);

    await updated(again, delivered(again.item, [post("office", "a1")]));
    expect(await outbox.failing(SCHOOL, 10)).toEqual([m20!.item]);
    expect(await indexRows()).toHaveLength(1);
  });

  it("keys apart items of the same id and time on different visits", async () => {
    const one = queued(vid("visit-x"), "1_2", toHead, at(5));
    const two = queued(vid("visit-y"), "1_2", toHead, at(5));
    await queue(one.visitId, [one]);
    await queue(two.visitId, [two]);
    await updated(await stored(one.visitId, one.id), failed(one));
    await updated(await stored(two.visitId, two.id), failed(two));
    expect(await outbox.failing(SCHOOL, 10)).toHaveLength(2);
  });

  it("is not misled by an index row whose update lost, nor by one whose item is gone, and clears them", async () => {
    const item = queued(vid("visit-stale"), "000001-000", toHead, at(10));
    await queue(vid("visit-stale"), [item]);
    const read = await stored(vid("visit-stale"), item.id);
    const moved = await updated(read, failed(item, false));
    // A sender holding the old read tries to flag it: its index row goes in, its item update is refused.
    expect(await outbox.update(read, failed(item))).toBeUndefined();
    await tables.outboxFailing.createEntity({ partitionKey: `failing_${SCHOOL}`, rowKey: `0000000000000000_${vid("gone")}!000001-000`, visitId: vid("gone"), itemId: "000001-000" });
    expect(await indexRows()).toHaveLength(2);

    expect(await outbox.failing(SCHOOL, 10)).toEqual([]);
    // The row of an item still pending stays (its update may be in flight); the one of a gone item goes.
    expect(await indexRows()).toHaveLength(1);

    await updated(moved, delivered(moved.item, []));
    expect(await outbox.failing(SCHOOL, 10)).toEqual([]);
    expect(await indexRows()).toEqual([]);
  });
});

describe("TableOutbox: round trips", () => {
  it("reads pending items in 1, updates in 1, and 2 when an item starts or stops failing", async () => {
    const item = queued(vid("visit-cost"), "000001-000", toHead);
    await queue(vid("visit-cost"), [item, queued(vid("visit-cost"), "000001-001", toHead)]);

    requests.length = 0;
    const [read] = await outbox.pending(vid("visit-cost"));
    expect(requests).toHaveLength(1);

    requests.length = 0;
    const tried = await updated(read!, failed(item, false));
    expect(requests).toHaveLength(1);

    requests.length = 0;
    const flagged = await updated(tried, failed(tried.item));
    expect(requests).toHaveLength(2);

    requests.length = 0;
    const stillFailing = await updated(flagged, failed(flagged.item));
    expect(requests).toHaveLength(1);

    requests.length = 0;
    await updated(stillFailing, delivered(stillFailing.item, []));
    expect(requests).toHaveLength(2);

    requests.length = 0;
    await outbox.posts(vid("visit-cost"), "alert-1");
    expect(requests).toHaveLength(1);
  });

  it("lists a school's failing items only: another school's office never sees them", async () => {
    const ours = queued(vid("visit-ours"), "000001-000", toHead);
    const theirs = queued(vid("visit-theirs"), "000001-000", toHead, "2026-06-15T09:00:00.000Z", "oakfield-academy");
    await queue(ours.visitId, [ours]);
    await queue(theirs.visitId, [theirs]);
    await updated(await stored(ours.visitId, ours.id), failed(ours));
    await updated(await stored(theirs.visitId, theirs.id), failed(theirs));
    expect((await outbox.failing(SCHOOL, 10)).map((item) => item.visitId)).toEqual([ours.visitId]);
    expect((await outbox.failing("oakfield-academy", 10)).map((item) => item.visitId)).toEqual([theirs.visitId]);
  });

  it("counts the items failing now across every school, up to a limit, for the health check", async () => {
    const signal = () => AbortSignal.timeout(2_000);
    expect(await outbox.countFailing(1_000, signal())).toBe(0);
    const ours = queued(vid("visit-count-ours"), "000001-000", toHead);
    const theirs = queued(vid("visit-count-theirs"), "000001-000", toHead, "2026-06-15T09:00:00.000Z", "oakfield-academy");
    await queue(ours.visitId, [ours]);
    await queue(theirs.visitId, [theirs]);
    const failedOurs = await updated(await stored(ours.visitId, ours.id), failed(ours));
    await updated(await stored(theirs.visitId, theirs.id), failed(theirs));
    expect(await outbox.countFailing(1_000, signal())).toBe(2);
    expect(await outbox.countFailing(1, signal())).toBe(1);
    // Delivered at last: no longer counted.
    await outbox.update(failedOurs, { ...failedOurs.item, status: "delivered", failing: false, deliveredAt: "2026-06-15T09:30:00.000Z" });
    expect(await outbox.countFailing(1_000, signal())).toBe(1);
  });

  it("lists failing items with one index query plus one query per visit and 12 of its items", async () => {
    for (const [visitId, count] of [[vid("visit-f1"), 3], [vid("visit-f2"), 14]] as const) {
      const items = Array.from({ length: count }, (_, i) => queued(visitId, `000001-${String(i).padStart(3, "0")}`, toHead));
      await queue(visitId, items);
      for (const item of items) await updated(await stored(visitId, item.id), failed(item));
    }
    requests.length = 0;
    expect(await outbox.failing(SCHOOL, 20)).toHaveLength(17);
    // A filter holds at most 15 comparisons: visit-f2's 14 items take two queries.
    expect(requests).toHaveLength(1 + 1 + 2);
  });
});
