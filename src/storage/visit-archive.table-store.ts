import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import type { HeldVisit, MonthOfVisits, VisitArchive, VisitWithEvents } from "../app/data-protection-ports";
import { withPseudonym } from "../domain/pseudonym";
import type { Actor, Visit, VisitEvent } from "../domain/visit";
import { fromJsonColumns, toJsonColumns } from "./json-columns";
import { failingOf } from "./outbox.table-store";
import { outboxRowsOf } from "./outbox-rows";
import { deleteRow, deleteRows, keysMatching, type RowKeys } from "./row-removal";
import { isNotFound, isWriteConflict } from "./table-errors";
import { decodeKey, encodeKey } from "./table-keys";
import type { Tables } from "./tables";
import { dayIndexRow, eventRowKey, schoolDaysFilter, SNAPSHOT } from "./visit.table-store";
import type { Month } from "./monthly-tables";

/** Rows of a visit's partition beside its snapshot: its audit events and its outbox. */
const FIRST_EVENT = eventRowKey(1);
/** Visits read side by side when a school's whole history is searched: fast enough, and not throttled. */
const SEARCH_CONCURRENCY = 8;
/** Rewrites of one row tried again after another writer changed it meanwhile. */
const REWRITE_ATTEMPTS = 5;

type Row = TableEntityResult<Record<string, unknown>>;

/**
 * The visits tables as the retention job and erasure see them (visit.table-store.ts has the layout): a month read
 * whole, a visit removed with its index rows, a school's history searched for one person and rewritten.
 */
export class TableVisitArchive implements VisitArchive {
  constructor(private readonly tables: Pick<Tables, "visits" | "visitsByDay" | "outboxFailing">) {}

  months(): Promise<string[]> {
    return this.tables.visits.months.list();
  }

  async month(month: string): Promise<MonthOfVisits> {
    const table = this.tables.visits.months.of(month);
    const visits: HeldVisit[] = [];
    try {
      for await (const row of table.listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`RowKey eq ${SNAPSHOT}` } })) {
        if (!row.etag) throw new Error("Table Storage returned a visit without an ETag");
        visits.push({ visit: fromJsonColumns(row) as Visit, etag: row.etag, notifications: 0 });
      }
    } catch (error) {
      if (isNotFound(error)) return { visits: [], orphans: [] };
      throw error;
    }
    const byPartition = new Map(visits.map((held) => [encodeKey(held.visit.id), held]));
    const orphans = new Set<string>();
    // Every visit has its first event and most have outbox rows: a partition with either but no snapshot is what a
    // removal left behind when it stopped half-way.
    for (const { partitionKey } of await keysMatching(table, odata`RowKey eq ${FIRST_EVENT}`)) {
      if (!byPartition.has(partitionKey)) orphans.add(decodeKey(partitionKey));
    }
    for (const { partitionKey } of await keysMatching(table, odata`RowKey ge ${"outbox-"} and RowKey lt ${"outbox."}`)) {
      const held = byPartition.get(partitionKey);
      if (held) held.notifications++;
      else orphans.add(decodeKey(partitionKey));
    }
    return { visits, orphans: [...orphans] };
  }

  async remove({ visit, etag }: HeldVisit): Promise<boolean> {
    const table = this.tables.visits.of(visit.id);
    // The snapshot first, and only as it was read: a visit that changed meanwhile is kept. If the process stops after
    // this, the rest is found as an orphan by the next look at the month.
    try {
      await table.deleteEntity(encodeKey(visit.id), SNAPSHOT, { etag });
    } catch (error) {
      if (isWriteConflict(error)) return false;
      if (!isNotFound(error)) throw error;
    }
    await this.forgetIndexes(visit);
    await deleteRows(table, await keysMatching(table, odata`PartitionKey eq ${encodeKey(visit.id)}`));
    return true;
  }

  async removeOrphan(month: string, visitId: string): Promise<void> {
    const table = this.tables.visits.months.of(month);
    const requested = await this.requestedEvent(table, visitId);
    if (requested) await this.forgetIndexes({ id: visitId, schoolId: requested.schoolId, startsAt: requested.startsAt });
    await deleteRows(table, await keysMatching(table, odata`PartitionKey eq ${encodeKey(visitId)}`));
  }

  async removeNotifications(visit: Visit): Promise<number> {
    await this.forgetFailing([visit]);
    const table = this.tables.visits.of(visit.id);
    return deleteRows(table, await keysMatching(table, outboxRowsOf(visit.id)));
  }

  async dropMonth(month: string, contents: MonthOfVisits): Promise<void> {
    // A month holds thousands of visits: their index rows go a hundred of a day's partition to a transaction.
    const visits = contents.visits.map(({ visit }) => visit);
    const dayRows = visits.map(dayIndexRow);
    for (const dayMonth of new Set(dayRows.map((row) => row.month))) {
      await deleteRows(this.tables.visitsByDay.of(dayMonth), dayRows.filter((row) => row.month === dayMonth));
    }
    await this.forgetFailing(visits);
    for (const visitId of contents.orphans) await this.removeOrphan(month, visitId);
    await this.tables.visits.months.drop(month);
    await this.dropDayMonthsUpTo(month);
  }

  /**
   * The day index's tables of months up to `month` (just dropped) and before every visits table still kept: the
   * visits whose days they index were all requested in a month now gone (nobody plans a visit for a day already
   * past), so whatever is left in them indexes nothing that is kept.
   */
  private async dropDayMonthsUpTo(month: Month): Promise<void> {
    const oldestKept = (await this.tables.visits.months.list())[0];
    for (const dayMonth of await this.tables.visitsByDay.list()) {
      if (dayMonth <= month && (oldestKept === undefined || dayMonth < oldestKept)) await this.tables.visitsByDay.drop(dayMonth);
    }
  }

  async mentioning(schoolId: string, personId: string): Promise<VisitWithEvents[]> {
    const found: VisitWithEvents[] = [];
    await this.eachMentioning(schoolId, personId, async (_visitId, rows) => {
      const snapshot = rows.find((row) => row.rowKey === SNAPSHOT);
      if (!snapshot) return;
      const events = rows.filter((row) => row.rowKey?.startsWith("event-")).map((row) => fromJsonColumns(row) as VisitEvent);
      found.push({ visit: fromJsonColumns(snapshot) as Visit, events });
    });
    return found.sort((a, b) => a.visit.startsAt.localeCompare(b.visit.startsAt));
  }

  async pseudonymise(schoolId: string, personId: string, pseudonym: Actor): Promise<number> {
    let visits = 0;
    await this.eachMentioning(schoolId, personId, async (visitId, rows) => {
      const table = this.tables.visits.of(visitId);
      for (const row of rows) if (mentions(row, personId)) await this.rewrite(table, row, personId, pseudonym);
      visits++;
    });
    // The day index names who is on each visit, and holds a copy of it.
    for await (const { table, row } of this.schoolDayRows(schoolId)) {
      if (mentions(row, personId)) await this.rewrite(table, row, personId, pseudonym);
    }
    return visits;
  }

  /** Every day-index row of the school, in every month's table, with the table it is in. */
  private async *schoolDayRows(schoolId: string, select?: string[]): AsyncGenerator<{ table: TableClient; row: Row }> {
    for (const month of await this.tables.visitsByDay.list()) {
      const table = this.tables.visitsByDay.of(month);
      const rows = table.listEntities<Record<string, unknown>>({ queryOptions: { filter: schoolDaysFilter(schoolId), ...(select ? { select } : {}) } });
      for await (const row of rows) yield { table, row };
    }
  }

  /** Calls `visit` with all the rows of each of the school's visits that mention the person, a few visits at a time. */
  private async eachMentioning(schoolId: string, personId: string, visit: (visitId: string, rows: Row[]) => Promise<void>): Promise<void> {
    const ids: string[] = [];
    for await (const { row } of this.schoolDayRows(schoolId, ["visitId"])) ids.push(row.visitId as string);
    const unique = [...new Set(ids)];
    let next = 0;
    const worker = async () => {
      while (next < unique.length) {
        const visitId = unique[next++]!;
        const rows = await this.rowsOf(visitId);
        if (rows.some((row) => mentions(row, personId))) await visit(visitId, rows);
      }
    };
    await Promise.all(Array.from({ length: Math.min(SEARCH_CONCURRENCY, unique.length) }, worker));
  }

  private async rowsOf(visitId: string): Promise<Row[]> {
    const rows: Row[] = [];
    try {
      for await (const row of this.tables.visits.of(visitId).listEntities<Record<string, unknown>>({ queryOptions: { filter: odata`PartitionKey eq ${encodeKey(visitId)}` } })) {
        rows.push(row);
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return rows;
  }

  /** The row with the person replaced, written only over the row as read; a row changed meanwhile is read again. */
  private async rewrite(table: TableClient, first: Row, personId: string, pseudonym: Actor): Promise<void> {
    let row: Row | undefined = first;
    for (let attempt = 1; row && mentions(row, personId); attempt++) {
      const { etag, timestamp: _timestamp, ...properties } = row;
      // A column holding the person's id (a day row's requestedBy or secondStaff) is replaced as the JSON is.
      const columns = Object.fromEntries(
        Object.entries(properties)
          .filter(([key]) => !/^json\d*$/.test(key))
          .map(([key, value]) => [key, isPerson(value, personId) ? pseudonym.id : value]),
      );
      const json = hasJson(row) ? toJsonColumns(withPseudonym(fromJsonColumns(row) as object, personId, pseudonym)) : {};
      const replaced = { ...columns, ...json } as RowKeys & Record<string, unknown>;
      try {
        await table.updateEntity(replaced, "Replace", { etag: etag! });
        return;
      } catch (error) {
        if (!isWriteConflict(error) || attempt >= REWRITE_ATTEMPTS) throw error;
      }
      row = await table.getEntity<Record<string, unknown>>(first.partitionKey!, first.rowKey!).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
    }
  }

  /** The visit's "requested" event: where an orphan's index rows are found. */
  private async requestedEvent(table: TableClient, visitId: string): Promise<Extract<VisitEvent, { type: "visit.requested" }> | undefined> {
    try {
      const row = await table.getEntity<Record<string, unknown>>(encodeKey(visitId), FIRST_EVENT);
      const event = fromJsonColumns(row) as VisitEvent;
      return event.type === "visit.requested" ? event : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async forgetIndexes(visit: Pick<Visit, "id" | "schoolId" | "startsAt">): Promise<void> {
    const day = dayIndexRow(visit);
    await deleteRow(this.tables.visitsByDay.of(day.month), day.partitionKey, day.rowKey);
    await this.forgetFailing([visit]);
  }

  /** The index rows of these visits' failing notifications: one read of each school's (small) partition of them. */
  private async forgetFailing(visits: readonly Pick<Visit, "id" | "schoolId">[]): Promise<void> {
    const failing = this.tables.outboxFailing;
    const bySchool = new Map<string, Set<string>>();
    for (const { id, schoolId } of visits) bySchool.set(schoolId, (bySchool.get(schoolId) ?? new Set()).add(id));
    for (const [schoolId, visitIds] of bySchool) {
      const rows: RowKeys[] = [];
      const filter = odata`PartitionKey eq ${failingOf(schoolId)}`;
      for await (const row of failing.listEntities<{ visitId: string }>({ queryOptions: { filter, select: ["PartitionKey", "RowKey", "visitId"] } })) {
        if (visitIds.has(row.visitId)) rows.push({ partitionKey: row.partitionKey!, rowKey: row.rowKey! });
      }
      await deleteRows(failing, rows);
    }
  }
}

/** Whether the row's JSON names the person (ids are GUIDs, so a match in the text is a match in the record). */
function mentions(row: Readonly<Record<string, unknown>>, personId: string): boolean {
  if (Object.values(row).some((value) => isPerson(value, personId))) return true;
  return hasJson(row) && JSON.stringify(fromJsonColumns(row)).toLowerCase().includes(personId.toLowerCase());
}

const isPerson = (value: unknown, personId: string): boolean => typeof value === "string" && value.toLowerCase() === personId.toLowerCase();

/** A day row only marked by a save (visit.table-store.ts) has no copy yet. */
const hasJson = (row: Readonly<Record<string, unknown>>): boolean => typeof row.json === "string";
