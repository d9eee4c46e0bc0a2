import { odata } from "@azure/data-tables";
import type { OutboxItem } from "../../src/app/notifications";
import { pseudonymOf } from "../../src/domain/pseudonym";
import { TableOutbox } from "../../src/storage/outbox.table-store";
import { openTables, type Tables } from "../../src/storage/tables";
import { TableVisitArchive } from "../../src/storage/visit-archive.table-store";
import { TableVisitStore } from "../../src/storage/visit.table-store";
import { uniqueTablePrefix, useAzurite } from "../support/azurite";
import { actor, people } from "../support/policy-fixture";
import { testVisitId } from "../support/visit-ids";
import { approve, details, request } from "./visit-fixtures";

const connectionString = useAzurite();

/** Visits requested in June 2026 (table visits202606), each with one notification queued. */
describe("TableVisitArchive", () => {
  let tables: Tables;
  let store: TableVisitStore;
  let archive: TableVisitArchive;

  const queued = (visitId: string): OutboxItem => ({
    id: "000001",
    visitId,
    schoolId: "test-school",
    notification: { kind: "approval-requested", to: { person: people.head.aadObjectId } },
    createdAt: "2026-06-01T08:00:00.000Z",
    status: "pending",
    attempts: 0,
    nextAttemptAt: "2026-06-01T08:00:00.000Z",
  });
  /** A requested and approved visit, as the use case saves it. */
  async function saved(name: string): Promise<string> {
    const visitId = testVisitId(name);
    const requested = request(visitId, details("2026-06-10"));
    const first = await store.save(undefined, requested.after, requested.events, [queued(visitId)]);
    if (!first.ok) throw new Error("not saved");
    const approved = approve(requested.after);
    const second = await store.save({ visit: requested.after, etag: first.etag }, approved.after, approved.events);
    if (!second.ok) throw new Error("not approved");
    return visitId;
  }
  const rowsOf = async (visitId: string) => {
    const keys: string[] = [];
    for await (const row of tables.visits.of(visitId).listEntities({ queryOptions: { filter: odata`PartitionKey eq ${visitId}`, select: ["RowKey"] } })) keys.push(row.rowKey!);
    return keys;
  };

  beforeEach(async () => {
    tables = await openTables(connectionString(), { prefix: uniqueTablePrefix() });
    store = new TableVisitStore(tables);
    archive = new TableVisitArchive(tables);
  });

  it("lists the months with a visits table, and reads a month whole with each visit's notification rows counted", async () => {
    const visitId = await saved("one");
    expect(await archive.months()).toEqual(["202606"]);
    const month = await archive.month("202606");
    expect(month.orphans).toEqual([]);
    expect(month.visits).toEqual([{ visit: expect.objectContaining({ id: visitId, status: "approved" }), etag: expect.any(String), notifications: 1 }]);
    expect(await archive.month("202001")).toEqual({ visits: [], orphans: [] });
  });

  it("removes a visit whole: snapshot, events, outbox rows, its day index row and its failing-index row", async () => {
    const visitId = await saved("two");
    const [item] = await new TableOutbox(tables).pending(visitId);
    await new TableOutbox(tables).update(item!, { ...item!.item, failing: true, attempts: 5 });
    const [held] = (await archive.month("202606")).visits;
    expect(await archive.remove(held!)).toBe(true);
    expect(await rowsOf(visitId)).toEqual([]);
    expect(await store.listForDay("test-school", "2026-06-10")).toEqual([]);
    expect(await new TableOutbox(tables).failing("test-school", 10)).toEqual([]);
    const failingRows: string[] = [];
    for await (const row of tables.outboxFailing.listEntities()) failingRows.push(row.rowKey!);
    expect(failingRows).toEqual([]);
  });

  it("keeps a visit that changed after it was read, and removes nothing of it", async () => {
    const visitId = await saved("three");
    const [held] = (await archive.month("202606")).visits;
    const stored = (await store.load(visitId))!;
    const cancelled = { ...stored.visit, version: stored.visit.version + 1 };
    await store.save(stored, cancelled, [{ type: "visit.cancelled", at: "2026-06-02T08:00:00.000Z", actor: actor("visitor"), reason: "Fictional." }]);
    expect(await archive.remove(held!)).toBe(false);
    expect(await store.load(visitId)).toBeDefined();
    expect((await rowsOf(visitId)).length).toBeGreaterThan(2);
  });

  it("finds what a removal that stopped half-way left behind, and removes it with its index rows", async () => {
    const visitId = await saved("four");
    await tables.visits.of(visitId).deleteEntity(visitId, "snapshot");
    const month = await archive.month("202606");
    expect(month).toEqual({ visits: [], orphans: [visitId] });
    await archive.removeOrphan("202606", visitId);
    expect(await rowsOf(visitId)).toEqual([]);
    const dayRows: string[] = [];
    for await (const row of tables.visitsByDay.of("202606").listEntities()) dayRows.push(row.rowKey!);
    expect(dayRows).toEqual([]);
  });

  it("removes a visit's notification rows and keeps the visit", async () => {
    const visitId = await saved("five");
    const visit = (await store.load(visitId))!.visit;
    expect(await archive.removeNotifications(visit)).toBe(1);
    expect(await rowsOf(visitId)).toEqual(["event-000001", "event-000002", "snapshot"]);
  });

  it("drops a month's table after removing the index rows of everything in it", async () => {
    const visitId = await saved("six");
    await archive.dropMonth("202606", await archive.month("202606"));
    expect(await archive.months()).toEqual([]);
    expect(await store.load(visitId)).toBeUndefined();
    expect(await store.listForDay("test-school", "2026-06-10")).toEqual([]);
  });

  it("forgets the index rows of a month's visits a hundred to a request, not one visit at a time", async () => {
    const requests: string[] = [];
    tables = await openTables(connectionString(), { prefix: uniqueTablePrefix(), onRequest: (r) => void requests.push(`${r.method} ${r.url}`) });
    store = new TableVisitStore(tables);
    archive = new TableVisitArchive(tables);
    // One at a time: 150 saves at once on a loaded machine can outlast a storage try and come back as a conflict.
    const visitIds: string[] = [];
    for (let i = 0; i < 150; i++) visitIds.push(await saved(`many-${i}`));
    const [item] = await new TableOutbox(tables).pending(visitIds[0]!);
    await new TableOutbox(tables).update(item!, { ...item!.item, failing: true, attempts: 5 });
    await store.settled();
    const contents = await archive.month("202606");

    requests.length = 0;
    await archive.dropMonth("202606", contents);
    // Day rows: 2 transactions (150 in one partition); failing index: 1 query and 1 transaction; the table: 1 delete;
    // then the day index's table of June, which no kept visit can be planned in: 2 listings of the tables, 1 delete.
    expect(requests).toHaveLength(8);
    expect(await tables.visitsByDay.list()).toEqual([]);
    expect(await archive.months()).toEqual([]);
    expect(await store.listForDay("test-school", "2026-06-10")).toEqual([]);
    const failing: string[] = [];
    for await (const row of tables.outboxFailing.listEntities()) failing.push(row.rowKey!);
    expect(failing).toEqual([]);
  });

  it("finds the school's visits on which a person appears anywhere, with their events, and puts a pseudonym in their place", async () => {
    const visitId = await saved("seven");
    const head = people.head.aadObjectId;
    expect((await archive.mentioning("test-school", head)).map((found) => [found.visit.id, found.events.map((e) => e.type)])).toEqual([
      [visitId, ["visit.requested", "visit.approved"]],
    ]);
    expect(await archive.mentioning("test-school", people.office.aadObjectId)).toEqual([]);
    expect(await archive.mentioning("other-school", head)).toEqual([]);

    const pseudonym = pseudonymOf("3f2a9c1e-0000-4000-8000-000000000001");
    expect(await archive.pseudonymise("test-school", head, pseudonym)).toBe(1);
    const { visit } = (await store.load(visitId))!;
    expect(visit.decision!.by).toEqual({ id: pseudonym.id, name: "Former member of staff #3f2a" });
    expect((await store.events(visitId))[1]!.actor).toEqual(pseudonym);
    expect((await new TableOutbox(tables).pending(visitId))[0]!.item.notification).toMatchObject({ to: { person: pseudonym.id } });
    expect(JSON.stringify(await archive.mentioning("test-school", head))).toBe("[]");
    // The second visitor, on the visit, is pseudonymised in the day index too.
    await archive.pseudonymise("test-school", people.secondVisitor.aadObjectId, pseudonymOf("91bc0000-0000-4000-8000-000000000002"));
    const secondStaff: string[] = [];
    for await (const row of tables.visitsByDay.of("202606").listEntities<{ secondStaff: string }>()) secondStaff.push(row.secondStaff);
    expect(secondStaff).toEqual(["91bc0000-0000-4000-8000-000000000002"]);
    expect(await store.listForVisitor("test-school", "2026-06-10", people.secondVisitor.aadObjectId)).toEqual([]);
  });
});
