import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import type { DueEntry, DueIndex } from "../app/ports";
import { isNotFound, isWriteConflict } from "./table-errors";
import { encodeKey } from "./table-keys";
import type { Tables } from "./tables";

/**
 * Layout of table due. PartitionKey = the UTC day of the entry's time (yyyymmdd), RowKey = "<ISO time>_<visit
 * id>": instants in toISOString's one format sort as text, so a day reads oldest first and "due by now" is a
 * RowKey range. Handled entries are deleted, and a cursor row (PartitionKey "cursor", RowKey "sweep") moves past
 * days left empty, so a sweep reads the days from the cursor to today: its cost follows what falls due, not
 * what was ever scheduled.
 *
 * Callers schedule at or after now: a day the cursor has passed is never read again. A write takes a moment
 * and clocks differ a little between instances, so the cursor stays on a day until SETTLE_MS after it ended.
 */
const CURSOR = { partitionKey: "cursor", rowKey: "sweep" } as const;
const SETTLE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
/** Day partitions are eight digits; the cursor's partition sorts outside them. */
const FIRST_DAY = "00000000";
const LAST_DAY = "99999999";
/** The lease of an entry never claimed: it sorts before every instant, so one filter also passes it. */
const UNCLAIMED = "";
/** '`' follows '_' in code-unit order, so "<instant>`" sorts after every RowKey of an entry at that instant. */
const AFTER_INSTANT = "`";

interface DueColumns {
  visitId: string;
  at: string;
  leaseUntil: string;
}

interface Cursor {
  day: string;
  etag: string;
}

const dayOf = (instant: string) => instant.slice(0, 10).replace(/-/g, "");
const nextDay = (day: string) => dayOf(new Date(Date.UTC(+day.slice(0, 4), +day.slice(4, 6) - 1, +day.slice(6)) + DAY_MS).toISOString());
const rowKey = (at: string, visitId: string) => `${at}_${encodeKey(visitId)}`;

export class TableDueIndex implements DueIndex {
  private readonly table: TableClient;

  constructor(tables: Pick<Tables, "due">) {
    this.table = tables.due;
  }

  async schedule(visitId: string, at: string, signal?: AbortSignal): Promise<void> {
    if (Number.isNaN(Date.parse(at))) throw new Error(`Visit ${visitId}: cannot schedule at "${at}", which is not a time`);
    // One format for every key, whatever form the time came in.
    const instant = new Date(at).toISOString();
    const columns: DueColumns = { visitId, at: instant, leaseUntil: UNCLAIMED };
    // Replace: scheduling the same visit at the same time again clears the lease and changes the ETag, so a
    // sweeper still holding the old entry cannot complete the new one.
    await this.table.upsertEntity({ partitionKey: dayOf(instant), rowKey: rowKey(instant, visitId), ...columns }, "Replace", { abortSignal: signal });
  }

  async due(now: Date, limit: number): Promise<DueEntry[]> {
    if (limit < 1) return [];
    const instant = now.toISOString();
    const today = dayOf(instant);
    const settled = dayOf(new Date(now.getTime() - SETTLE_MS).toISOString());
    const cursor = (await this.readCursor()) ?? (await this.startCursor(today));
    const found: DueEntry[] = [];
    let passed = cursor.day;
    for (let day = cursor.day; day <= today && found.length < limit; day = nextDay(day)) {
      const entries = await this.dueOn(day, instant, limit - found.length);
      found.push(...entries);
      // Only an unbroken run of settled days from the cursor, with nothing left in them, is left behind.
      if (passed === day && day < settled && entries.length === 0 && (await this.isEmpty(day))) passed = nextDay(day);
    }
    if (passed !== cursor.day) await this.moveCursor(cursor, passed);
    return found;
  }

  async claim(entry: DueEntry, leaseUntil: Date): Promise<DueEntry | undefined> {
    const lease = leaseUntil.toISOString();
    let etag: string | undefined;
    try {
      const key = { partitionKey: dayOf(entry.at), rowKey: rowKey(entry.at, entry.visitId) };
      etag = (await this.table.updateEntity({ ...key, leaseUntil: lease }, "Merge", { etag: entry.etag })).etag;
    } catch (error) {
      if (isNotFound(error) || isWriteConflict(error)) return undefined;
      throw error;
    }
    if (!etag) throw new Error("Table Storage did not return the due entry's new ETag");
    return { visitId: entry.visitId, at: entry.at, leaseUntil: lease, etag };
  }

  async complete(entry: DueEntry): Promise<void> {
    try {
      await this.table.deleteEntity(dayOf(entry.at), rowKey(entry.at, entry.visitId), { etag: entry.etag });
    } catch (error) {
      // Gone, or scheduled afresh since it was claimed: either way it is not ours to remove.
      if (!isNotFound(error) && !isWriteConflict(error)) throw error;
    }
  }

  /** Up to `max` entries of one day due by `instant` and not held by a live lease, oldest first. */
  private async dueOn(day: string, instant: string, max: number): Promise<DueEntry[]> {
    const filter = odata`PartitionKey eq ${day} and RowKey lt ${instant + AFTER_INSTANT} and leaseUntil le ${instant}`;
    const entries: DueEntry[] = [];
    for await (const page of this.table.listEntities<DueColumns>({ queryOptions: { filter } }).byPage({ maxPageSize: max })) {
      entries.push(...page.map(toEntry));
      if (entries.length >= max) break;
    }
    return entries.slice(0, max);
  }

  private async isEmpty(day: string): Promise<boolean> {
    return (await this.firstPartition(odata`PartitionKey eq ${day}`)) === undefined;
  }

  private async readCursor(): Promise<Cursor | undefined> {
    try {
      const row = await this.table.getEntity<{ day: string }>(CURSOR.partitionKey, CURSOR.rowKey);
      if (!row.etag) throw new Error("Table Storage returned the due index's cursor without an ETag");
      return { day: row.day, etag: row.etag };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The first sweep ever starts at the earliest day anything is scheduled for, or today if that is later. */
  private async startCursor(today: string): Promise<Cursor> {
    const earliest = await this.firstPartition(odata`PartitionKey ge ${FIRST_DAY} and PartitionKey le ${LAST_DAY}`);
    const day = earliest !== undefined && earliest < today ? earliest : today;
    let etag: string | undefined;
    try {
      etag = (await this.table.createEntity({ ...CURSOR, day })).etag;
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
      // Another sweeper started it at the same moment: theirs will do.
      const theirs = await this.readCursor();
      if (!theirs) throw error;
      return theirs;
    }
    if (!etag) throw new Error("Table Storage did not return the due index's cursor ETag");
    return { day, etag };
  }

  private async moveCursor(cursor: Cursor, day: string): Promise<void> {
    try {
      await this.table.updateEntity({ ...CURSOR, day }, "Replace", { etag: cursor.etag });
    } catch (error) {
      // Another sweeper moved it since we read it; it only ever moves past empty days, and the next sweep goes on.
      if (!isWriteConflict(error)) throw error;
    }
  }

  /** The partition of the first row matching `filter`, if any. */
  private async firstPartition(filter: string): Promise<string | undefined> {
    const pages = this.table.listEntities({ queryOptions: { filter, select: ["PartitionKey"] } }).byPage({ maxPageSize: 1 });
    // A page may come back empty with more to follow (the service stops at partition boundaries and after 5 s).
    for await (const [row] of pages) if (row?.partitionKey !== undefined) return row.partitionKey;
    return undefined;
  }
}

function toEntry(row: TableEntityResult<DueColumns>): DueEntry {
  if (!row.etag) throw new Error("Table Storage returned a due entry without an ETag");
  return { visitId: row.visitId, at: row.at, ...(row.leaseUntil !== UNCLAIMED ? { leaseUntil: row.leaseUntil } : {}), etag: row.etag };
}
