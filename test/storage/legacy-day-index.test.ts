import type { StoredVisit } from "../../src/app/ports";
import { moveLegacyDayIndex } from "../../src/storage/legacy-day-index";
import { deleteRows } from "../../src/storage/row-removal";
import { openTables, type ObservedRequest, type Tables } from "../../src/storage/tables";
import { dayIndexRow, TableVisitStore } from "../../src/storage/visit.table-store";
import { uniqueTablePrefix, useAzurite } from "../support/azurite";
import { testVisitId as vid } from "../support/visit-ids";
import { approve, details, request, savedIn, type Change } from "./visit-fixtures";

const connectionString = useAzurite();
let tables: Tables;
let store: TableVisitStore;
let requests: ObservedRequest[];

beforeEach(async () => {
  requests = [];
  tables = await openTables(connectionString(), { prefix: uniqueTablePrefix(), onRequest: (r) => requests.push(r) });
  store = new TableVisitStore(tables);
});

const saved = (step: Change, before?: StoredVisit): Promise<StoredVisit> => savedIn(store, step, before);

/** The visit's day row as it stands now, written into the one-table day index of earlier builds. */
async function copyToLegacy(visit: StoredVisit["visit"]): Promise<void> {
  const { month, partitionKey, rowKey } = dayIndexRow(visit);
  const { etag: _etag, timestamp: _timestamp, ...row } = await tables.visitsByDay.of(month).getEntity<Record<string, unknown>>(partitionKey, rowKey);
  await tables.legacyDayIndex.createTable();
  await tables.legacyDayIndex.createEntity({ ...row, partitionKey, rowKey });
}

describe("moveLegacyDayIndex: the one-table day index of earlier builds", () => {
  it("costs one request when there is none", async () => {
    requests.length = 0;
    expect(await moveLegacyDayIndex(tables)).toBe(0);
    expect(requests).toHaveLength(1);
  });

  it("moves each row to its month's table, keeps a newer row found there, and drops the old table", async () => {
    const june = await saved(request(vid("legacy-june"), details("2026-06-30")));
    const july = await saved(request(vid("legacy-july"), details("2026-07-01")));
    // Indexed by an earlier build as requested, then approved by this one: the monthly table's row is the newer.
    const since = await saved(request(vid("legacy-since"), details("2026-06-30", "14:00", "15:00")));
    for (const visit of [june.visit, july.visit, since.visit]) await copyToLegacy(visit);
    const approved = await saved(approve(since.visit), since);
    for (const visit of [june.visit, july.visit]) {
      const { month, ...keys } = dayIndexRow(visit);
      await deleteRows(tables.visitsByDay.of(month), [keys]);
    }
    expect(await store.listForDay("test-school", "2026-06-30", "2026-07-01")).toEqual([approved.visit]);

    expect(await moveLegacyDayIndex(tables)).toBe(3);

    requests.length = 0;
    expect(await store.listForDay("test-school", "2026-06-30", "2026-07-01")).toEqual([june.visit, approved.visit, july.visit]);
    // Every row carries its copy, current: two queries (a month each) and no snapshot read.
    expect(requests).toHaveLength(2);
    await expect(tables.legacyDayIndex.getEntity("x", "y")).rejects.toMatchObject({ statusCode: 404 });
    // Another instance starting now finds nothing left to move.
    expect(await moveLegacyDayIndex(tables)).toBe(0);
  });
});
