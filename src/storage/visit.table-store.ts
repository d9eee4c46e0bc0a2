import { odata, type TransactionAction } from "@azure/data-tables";
import type { OutboxItem } from "../app/notifications";
import type { SaveOutcome, StoredOutboxItem, StoredVisit, VisitStore } from "../app/ports";
import { londonDate } from "../domain/london-time";
import { type Visit, type VisitEvent, visitorsOf } from "../domain/visit";
import { behindTheAnswer } from "./behind-the-answer";
import { fromJsonColumns, toJsonColumns } from "./json-columns";
import { outboxRow } from "./outbox-rows";
import { isNotFound, isWriteConflict } from "./table-errors";
import { encodeKey } from "./table-keys";
import { type Month, type MonthlyTables, monthOfDate, monthsOfDates } from "./monthly-tables";
import type { Tables } from "./tables";
import { VisitTables } from "./visit-tables";
import { TRANSACTION_LIMIT } from "./row-removal";

/**
 * Layout. Table visits<yyyymm> (one per month, see visit-tables.ts): one partition per visit (PartitionKey = visit
 * id), holding the snapshot row "snapshot" and one row per event, "event-000001" onwards, numbered like the visit's
 * version; so a change and its audit events commit in one entity-group transaction guarded by the snapshot's ETag.
 * The notifications a change causes join that transaction as "outbox-…" rows (see outbox-rows.ts).
 *
 * Tables visitsbyday<yyyymm> (one per month of the days they index, see monthly-tables.ts): PartitionKey =
 * "<school id>_<London date of the start>", RowKey = visit id. Each row holds who is on the visit and a copy of it,
 * so a day's visits are one query (the office's board polls it every few seconds). The copy cannot join the visit's
 * transaction (another table), so it is kept honest by versions:
 *  - before the transaction a save marks the row `pending` = the version it is about to write;
 *  - after it commits, the save replaces the row with the copy at that version, only if nobody touched the row
 *    since its mark (If-Match), so a late write can never put an older copy over a newer one;
 *  - a reader trusts a copy whose version is at least the row's `pending`, and reads any other row's visit from
 *    its snapshot. So a crash, a failed write or a conflict between the two writes costs a point read, never a
 *    stale board. A new visit's mark, or its new day's when it moves, is written before the transaction (a visit
 *    must never vanish from its day); otherwise the mark goes alongside the transaction, saving a round trip.
 * Copies leave out wakeAt, the scheduler's bookkeeping: a save that changes only that writes no copy.
 */
export const SNAPSHOT = "snapshot";
const EVENT_PREFIX = "event-";
/** The first RowKey after every "event-…" key: '.' follows '-' in code-unit order. */
const AFTER_EVENTS = "event.";

export const eventRowKey = (sequence: number) => `${EVENT_PREFIX}${String(sequence).padStart(6, "0")}`;
const dayKey = (schoolId: string, date: string) => `${encodeKey(schoolId)}_${date}`;
const dayOf = (visit: Pick<Visit, "startsAt">) => londonDate(new Date(visit.startsAt));
/** The month whose visitsbyday table holds a day's partition: the month of its date. */
export const monthOfDayKey = (partitionKey: string): Month => monthOfDate(partitionKey.slice(-DATE_LENGTH));
/** A visit's row in the day index: under the school and the London date it starts, in that date's month's table. */
export const dayIndexRow = (visit: Pick<Visit, "id" | "schoolId" | "startsAt">) => {
  const partitionKey = dayKey(visit.schoolId, dayOf(visit));
  return { month: monthOfDayKey(partitionKey), partitionKey, rowKey: encodeKey(visit.id) };
};
/** A filter for every day-index row of a school in a month's table: its keys all start with the school's id and "_". */
export const schoolDaysFilter = (schoolId: string) => odata`PartitionKey ge ${`${encodeKey(schoolId)}_`} and PartitionKey lt ${`${encodeKey(schoolId)}\``}`;
/** "2026-11-23" */
const DATE_LENGTH = 10;

/** A visitsbyday row: who is on the visit, so a member of staff's visits of the day are one query, and its copy. */
interface DayIndexColumns {
  visitId: string;
  requestedBy: string;
  /** "" on a lone visit. */
  secondStaff: string;
  /** The version a save marked the row with before writing it: a copy older than this may be stale. */
  pending?: number;
  /** The version of the copy in the json columns; absent while the row has no copy. */
  version?: number;
}

const visitorColumns = (visit: Visit): Pick<DayIndexColumns, "requestedBy" | "secondStaff"> => ({
  requestedBy: visit.requestedBy.id,
  secondStaff: visit.details.staffing.mode === "pair" ? visit.details.staffing.secondStaffId : "",
});

/** The visit as listed: without the scheduler's bookkeeping, which changes without the visit changing. */
function listed(visit: Visit): Visit {
  const { wakeAt: _scheduling, ...rest } = visit;
  return rest;
}

const copyIsCurrent = (row: Partial<DayIndexColumns>): boolean => typeof row.version === "number" && row.version >= (row.pending ?? 0);

export class TableVisitStore implements VisitStore {
  private readonly visits: VisitTables;
  private readonly visitsByDay: MonthlyTables;
  /** Copies being written after their saves returned. */
  private readonly copying = new Set<Promise<void>>();

  constructor(tables: Pick<Tables, "visits" | "visitsByDay">) {
    this.visits = tables.visits;
    this.visitsByDay = tables.visitsByDay;
  }

  async load(visitId: string, signal?: AbortSignal): Promise<StoredVisit | undefined> {
    if (!VisitTables.isVisitId(visitId)) return undefined;
    try {
      const row = await this.visits.of(visitId).getEntity<Record<string, unknown>>(encodeKey(visitId), SNAPSHOT, { abortSignal: signal });
      if (!row.etag) throw new Error("Table Storage returned a visit without an ETag");
      return { visit: fromJsonColumns(row) as Visit, etag: row.etag };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async events(visitId: string): Promise<VisitEvent[]> {
    if (!VisitTables.isVisitId(visitId)) return [];
    const rows = this.visits.of(visitId).listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${encodeKey(visitId)} and RowKey ge ${EVENT_PREFIX} and RowKey lt ${AFTER_EVENTS}` },
    });
    const events: VisitEvent[] = [];
    try {
      for await (const row of rows) events.push(fromJsonColumns(row) as VisitEvent);
    } catch (error) {
      // Nobody has written to that month's table yet.
      if (isNotFound(error)) return [];
      throw error;
    }
    return events;
  }

  async save(before: StoredVisit | undefined, after: Visit, events: readonly VisitEvent[], outbox: readonly OutboxItem[] = [], signal?: AbortSignal): Promise<SaveOutcome> {
    const first = (before?.visit.version ?? 0) + 1;
    // Event rows are numbered by version: a mismatch would leave a gap or overwrite in the audit trail.
    if ((before && before.visit.id !== after.id) || after.version !== first + events.length - 1) {
      throw new Error(`Visit ${after.id}: version ${after.version} does not follow from ${first - 1} and ${events.length} events`);
    }
    // Checked before anything is written: half a change must never be saved.
    const operations = 1 + events.length + outbox.length;
    if (operations > TRANSACTION_LIMIT) {
      throw new Error(
        `Visit ${after.id}: a save writes at most ${TRANSACTION_LIMIT} rows in one transaction, ` +
          `this one ${operations} (snapshot 1, events ${events.length}, outbox ${outbox.length})`,
      );
    }
    for (const item of outbox) {
      if (item.visitId !== after.id) throw new Error(`Visit ${after.id}: outbox item ${item.id} is for visit ${item.visitId}`);
      // The index of failing items is kept by the outbox as deliveries fail; a save only queues new items.
      if (item.failing) throw new Error(`Visit ${after.id}: outbox item ${item.id} is queued as failing`);
    }
    // A visit that was loaded lives in a table that exists; only a new one may be the first of its month.
    const table = before ? this.visits.of(after.id) : await this.visits.forWriting(after.id);
    const day = dayKey(after.schoolId, dayOf(after));
    const previousDay = before && dayKey(before.visit.schoolId, dayOf(before.visit));
    const copyChanged = !before || JSON.stringify(listed(before.visit)) !== JSON.stringify(listed(after));
    // The mark must be in place before a new visit (or one moving day) exists, or it could vanish from its day.
    const markFirst = !before || previousDay !== day || visitorColumns(before.visit).secondStaff !== visitorColumns(after).secondStaff;
    const marks = copyChanged ? this.markPending(after, day, previousDay !== day ? previousDay : undefined, markFirst, signal) : undefined;
    if (markFirst) await marks;
    else marks?.catch(() => undefined);

    const partitionKey = encodeKey(after.id);
    const snapshot = {
      partitionKey,
      rowKey: SNAPSHOT,
      version: after.version,
      status: after.status,
      schoolId: after.schoolId,
      startsAt: after.startsAt,
      ...toJsonColumns(after),
    };
    const actions: TransactionAction[] = [
      before ? ["update", snapshot, "Replace", { etag: before.etag }] : ["create", snapshot],
      ...events.map((event, i): TransactionAction => [
        "create",
        { partitionKey, rowKey: eventRowKey(first + i), type: event.type, at: event.at, ...toJsonColumns(event) },
      ]),
      ...outbox.map((item): TransactionAction => ["create", outboxRow(item)]),
    ];
    let etags: (string | undefined)[];
    try {
      // Sub-responses come in the order of the actions (an update's has no RowKey): the snapshot's is first,
      // the outbox rows' last, so the items just queued can be sent without reading them back.
      etags = (await table.submitTransaction(actions, { abortSignal: signal })).subResponses.map((r) => r.etag);
    } catch (error) {
      // The marks stay: they cost a reader a point read until the winner's copy lands, and the board stays true.
      await marks?.catch(() => undefined);
      if (isWriteConflict(error)) return { ok: false, reason: "conflict" };
      throw error;
    }
    const [etag, ...rest] = etags;
    const outboxEtags = rest.slice(events.length);
    if (!etag || outboxEtags.length !== outbox.length || !outboxEtags.every((e) => e)) {
      throw new Error("Table Storage did not return the new ETags of the visit and its outbox rows");
    }
    const queued: StoredOutboxItem[] = outbox.map((item, i) => ({ item, etag: outboxEtags[i]! }));
    // Not waited for: the person's answer needs only the transaction, and until the copy lands the mark has readers
    // read the snapshot. Nor bound to the caller's deadline, which is about their answer, not this write.
    if (marks) {
      const marked = marks;
      this.inBackground(behindTheAnswer(async () => this.writeCopy(after, day, await marked.catch(() => undefined), previousDay !== day ? previousDay : undefined)));
    }
    return { ok: true, etag, queued };
  }

  async listForDay(schoolId: string, date: string, to = date): Promise<Visit[]> {
    // Day keys sort by date within a school, so a period is one range query of each month's table it covers (one
    // partition for one day).
    const first = dayKey(schoolId, date);
    const last = dayKey(schoolId, to);
    const filter = first === last ? odata`PartitionKey eq ${first}` : odata`PartitionKey ge ${first} and PartitionKey le ${last}`;
    return this.listIndexed(schoolId, monthsOfDates(date, to), filter);
  }

  async listForVisitor(schoolId: string, date: string, visitorId: string): Promise<Visit[]> {
    const mine = await this.listIndexed(
      schoolId,
      [monthOfDate(date)],
      odata`PartitionKey eq ${dayKey(schoolId, date)} and (requestedBy eq ${visitorId} or secondStaff eq ${visitorId})`,
    );
    return mine.filter((visit) => visitorsOf(visit).includes(visitorId));
  }

  /** Resolves once every day-row copy this store has started writing has landed or failed: before shutting down. */
  async settled(): Promise<void> {
    while (this.copying.size > 0) await Promise.all(this.copying);
  }

  private inBackground(work: Promise<void>): void {
    this.copying.add(work);
    void work.finally(() => this.copying.delete(work));
  }

  /** The visits the index rows matching `filter` in these months' tables point at, each listed under the row of its own day. */
  private async listIndexed(schoolId: string, months: readonly Month[], filter: string): Promise<Visit[]> {
    const indexed = (await Promise.all(months.map((month) => this.indexRows(month, filter)))).flat();
    const visits = await Promise.all(indexed.map(async ({ visitId, copy }) => copy ?? (await this.load(visitId))?.visit));
    // A row whose visit moved to another day (or another school's key that sorts inside a range) is skipped.
    return visits
      .map((visit, i) => (visit && visit.schoolId === schoolId && dayOf(visit) === indexed[i]!.day ? listed(visit) : undefined))
      .filter((visit): visit is Visit => visit !== undefined)
      .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt) || (a.id < b.id ? -1 : 1));
  }

  private async indexRows(month: Month, filter: string): Promise<{ day: string; visitId: string; copy?: Visit }[]> {
    const indexed: { day: string; visitId: string; copy?: Visit }[] = [];
    try {
      for await (const row of this.visitsByDay.of(month).listEntities<DayIndexColumns & Record<string, unknown>>({ queryOptions: { filter } })) {
        const day = (row.partitionKey ?? "").slice(-DATE_LENGTH);
        indexed.push({ day, visitId: row.visitId, ...(copyIsCurrent(row) ? { copy: fromJsonColumns(row) as Visit } : {}) });
      }
    } catch (error) {
      // A month with no visit planned has no table.
      if (!isNotFound(error)) throw error;
    }
    return indexed;
  }

  /**
   * Marks the visit's day row (and the day it leaves) with the version about to be written, so no reader trusts
   * the copy there until the new one lands. Resolves to the day row's ETag after the mark. `newRow`: the row may be
   * the first of its month's table (a new visit, or one moving day); a row already there is in a table that exists.
   */
  private async markPending(after: Visit, day: string, leaving: string | undefined, newRow: boolean, signal: AbortSignal | undefined): Promise<string | undefined> {
    const rowKey = encodeKey(after.id);
    const mark = { rowKey, visitId: after.id, ...visitorColumns(after), pending: after.version };
    const month = monthOfDayKey(day);
    const table = newRow ? await this.visitsByDay.forWriting(month) : this.visitsByDay.of(month);
    const [marked] = await Promise.all([
      table.upsertEntity({ partitionKey: day, ...mark }, "Merge", { abortSignal: signal }),
      leaving && this.visitsByDay.of(monthOfDayKey(leaving)).upsertEntity({ partitionKey: leaving, rowKey, visitId: after.id, pending: after.version }, "Merge", { abortSignal: signal }),
    ]);
    return marked.etag;
  }

  /**
   * After the transaction: the committed visit's copy on its day row, unless someone marked the row since this
   * save did (their copy is newer, or on its way). Never throws: the change is saved whatever happens here, and
   * a row left marked only costs readers a point read.
   */
  private async writeCopy(after: Visit, day: string, markedEtag: string | undefined, leaving: string | undefined): Promise<void> {
    const row = {
      partitionKey: day,
      rowKey: encodeKey(after.id),
      visitId: after.id,
      ...visitorColumns(after),
      pending: after.version,
      version: after.version,
      ...toJsonColumns(listed(after)),
    };
    const table = this.visitsByDay.of(monthOfDayKey(day));
    try {
      await Promise.all([
        // Without the mark's ETag (its write failed) the row may hold an older copy that readers trust: replace it.
        markedEtag ? table.updateEntity(row, "Replace", { etag: markedEtag }) : table.upsertEntity(row, "Replace"),
        leaving && this.visitsByDay.of(monthOfDayKey(leaving)).deleteEntity(leaving, encodeKey(after.id)),
      ]);
    } catch {
      // A 412 is another save's mark; any other failure leaves the mark, which readers see as "read the snapshot".
    }
  }
}
