import { odata, type TableClient, type TableEntityResult, type TransactionAction } from "@azure/data-tables";
import type { DueBatch, DueEntry, DueIndex, ScheduleOptions } from "../app/ports";
import { isNotFound, isWriteConflict } from "./table-errors";
import { encodeKey } from "./table-keys";
import type { Tables } from "./tables";
import { transactionBatches } from "./row-removal";

/**
 * Layout of table due. PartitionKey = the UTC minute of the entry's time (yyyymmddhhmm), RowKey = "<ISO time>_<visit
 * id>": instants in toISOString's one format sort as text, so partitions and the rows in them read oldest first, and
 * "due by now" is one range query over partitions and RowKeys. A minute, not a day: a trust's deadlines cluster (everyone
 * due back around 15:30), and every schedule, claim and completion of the deployment would otherwise land on one
 * partition, whose throughput Table Storage caps (about 2,000 entities a second) and whose every write the emulator
 * pays for row by row. Handled entries are deleted, and a cursor row (PartitionKey "cursor", RowKey "sweep") names the
 * first UTC day (yyyymmdd) that may still hold entries and moves past days left empty, so a sweep reads from that day
 * to now: its cost follows what falls due, not what was ever scheduled.
 *
 * Callers schedule at or after now: a day the cursor has passed is never read again. A write takes a moment
 * and clocks differ a little between instances, so the cursor stays on a day until SETTLE_MS after it ended.
 * The cursor only ever moves forward, so each instance keeps the one it last read or moved: a copy that is behind
 * costs a read of a day already passed, and its move is refused (another instance moved it) and read afresh.
 *
 * Each entry names its owner, the instance that scheduled it, and an instance takes only its own entries (and
 * those with no owner) until TAKEOVER_MS after they fell due: instances do not race for the same entries, and
 * the one that scheduled an entry knows when to wake for it. An entry whose owner has not taken it by then (it
 * stopped, or is behind) is anyone's.
 *
 * Until December 2026 a partition held a UTC day (yyyymmdd). The range query still reads such rows (a day's key sorts
 * before its minutes), and a sweep that finds one moves it to its minute before taking it.
 *
 * An entry for a deadline only (ScheduleOptions.deadlineOnly) has RowKey "<ISO time>_<visit id>_deadline", so an entry
 * for the visit's notifications at the same instant ("<ISO time>_<visit id>") is kept beside it rather than replaced.
 */
const CURSOR = { partitionKey: "cursor", rowKey: "sweep" } as const;
const SETTLE_MS = 5 * 60_000;
/** How long after it fell due an entry waits for its owner before any instance may take it. */
export const TAKEOVER_MS = 10_000;
const DAY_MS = 86_400_000;
/** Entries' partitions are digits; the cursor's sorts outside them. */
const FIRST_DAY = "00000000";
const LAST_DAY = "99999999";
/** The lease of an entry never claimed: it sorts before every instant, so one filter also passes it. */
const UNCLAIMED = "";
const UNOWNED = "";
/** '`' follows '_' in code-unit order, so "<instant>`" sorts after every RowKey of an entry at that instant. */
const AFTER_INSTANT = "`";

interface DueColumns {
  visitId: string;
  at: string;
  leaseUntil: string;
  /** The instance that scheduled the entry; "" (or absent, in rows written before owners) for anyone. */
  owner?: string;
  /** Absent in rows written before it: their wakes read the visit's notifications, as every wake did. */
  deadlineOnly?: boolean;
}

interface Cursor {
  day: string;
  etag: string;
}

const dayOf = (instant: string) => instant.slice(0, 10).replace(/-/g, "");
/** "2026-06-15T11:59:30.000Z" → "202606151159": a day's minutes sort after the day and before the next. */
const partitionOf = (instant: string) => instant.slice(0, 16).replace(/[-T:]/g, "");
const DAY_DIGITS = 8;
const nextDay = (day: string) => dayOf(new Date(Date.UTC(+day.slice(0, 4), +day.slice(4, 6) - 1, +day.slice(6)) + DAY_MS).toISOString());
const DEADLINE_SUFFIX = "_deadline";
const rowKey = (at: string, visitId: string, deadlineOnly = false) => `${at}_${encodeKey(visitId)}${deadlineOnly ? DEADLINE_SUFFIX : ""}`;

export interface DueIndexOptions {
  /** This instance's name, written on the entries it schedules; "" takes every entry as its own. */
  owner?: string;
  /** Told of every entry scheduled here, so a sleeping sweeper can wake in time for it. */
  onScheduled?: (at: string) => void;
}

export class TableDueIndex implements DueIndex {
  private readonly table: TableClient;
  private readonly owner: string;
  /** The cursor as this instance last read or moved it. */
  private cursor: Cursor | undefined;
  onScheduled: ((at: string) => void) | undefined;

  constructor(tables: Pick<Tables, "due">, options: DueIndexOptions = {}) {
    this.table = tables.due;
    this.owner = options.owner ?? "";
    this.onScheduled = options.onScheduled;
  }

  async schedule(visitId: string, at: string, options: ScheduleOptions = {}): Promise<void> {
    if (Number.isNaN(Date.parse(at))) throw new Error(`Visit ${visitId}: cannot schedule at "${at}", which is not a time`);
    // One format for every key, whatever form the time came in.
    const instant = new Date(at).toISOString();
    const deadlineOnly = options.deadlineOnly === true;
    const columns: DueColumns = { visitId, at: instant, leaseUntil: UNCLAIMED, owner: this.owner, deadlineOnly };
    // Replace: scheduling the same visit at the same time again clears the lease and changes the ETag, so a
    // sweeper still holding the old entry cannot complete the new one.
    await this.table.upsertEntity({ partitionKey: partitionOf(instant), rowKey: rowKey(instant, visitId, deadlineOnly), ...columns }, "Replace", {
      abortSignal: options.signal,
    });
    this.onScheduled?.(instant);
  }

  async due(now: Date, limit: number, lookaheadMs = 0): Promise<DueBatch> {
    if (limit < 1) return { entries: [], more: false };
    const instant = now.toISOString();
    const until = new Date(now.getTime() + lookaheadMs).toISOString();
    const takeover = new Date(now.getTime() - TAKEOVER_MS).toISOString();
    const today = dayOf(instant);
    const settled = dayOf(new Date(now.getTime() - SETTLE_MS).toISOString());
    const cursor = (this.cursor ??= (await this.readCursor()) ?? (await this.startCursor(today)));
    const page = await this.dueFrom(cursor.day, instant, until, takeover, limit);
    const found = page.entries.filter((e) => e.at <= instant);
    const upcoming = page.entries.find((e) => e.at > instant)?.at;
    // Only an unbroken run of settled days from the cursor, with nothing left in them, is left behind.
    let passed = cursor.day;
    while (passed < settled && !page.entries.some((e) => dayOf(e.at) === passed) && (await this.isEmpty(passed))) passed = nextDay(passed);
    if (passed !== cursor.day) await this.moveCursor(cursor, passed);
    return { entries: found, more: page.full && upcoming === undefined, ...(upcoming ? { upcoming } : {}) };
  }

  /**
   * Takes these entries until `leaseUntil`, those of one partition in one transaction; returns the ones taken. Should
   * another instance have taken or moved one of them since they were read, none of that partition's is taken here: the next read
   * has the rest afresh (without those another instance holds), where claiming each one alone would cost a request
   * apiece, mostly refused, whenever two instances go for the same entries.
   */
  async claimAll(entries: readonly DueEntry[], leaseUntil: Date): Promise<DueEntry[]> {
    return this.leaseAll(entries, leaseUntil.toISOString());
  }

  /**
   * A partition's entries in one transaction; should one have changed since it was claimed (scheduled afresh), the others
   * are released one by one and that one stays as it is. Rare: only a sweep that ran out of time releases.
   */
  async releaseAll(entries: readonly DueEntry[]): Promise<void> {
    const released = new Set((await this.leaseAll(entries, UNCLAIMED)).map((e) => keyOf(e).rowKey));
    const rest = entries.filter((e) => !released.has(keyOf(e).rowKey));
    await Promise.all(rest.map((e) => this.leaseOne(e, UNCLAIMED)));
  }

  private async leaseAll(entries: readonly DueEntry[], lease: string): Promise<DueEntry[]> {
    const claimed = await Promise.all(
      transactionBatches(entries, (e) => partitionOf(e.at)).map(async (chunk) => {
        const actions = chunk.map((e): TransactionAction => ["update", { ...keyOf(e), leaseUntil: lease }, "Merge", { etag: e.etag }]);
        let etags: (string | undefined)[];
        try {
          etags = (await this.table.submitTransaction(actions)).subResponses.map((r) => r.etag);
        } catch (error) {
          if (isNotFound(error) || isWriteConflict(error)) return [];
          throw error;
        }
        if (etags.length !== chunk.length || !etags.every((etag) => etag)) throw new Error("Table Storage did not return the due entries' new ETags");
        return chunk.map((e, i): DueEntry => ({ ...e, ...(lease !== UNCLAIMED ? { leaseUntil: lease } : {}), etag: etags[i]! }));
      }),
    );
    return claimed.flat();
  }

  /**
   * Removes handled entries, each only if it is as claimed: one scheduled afresh at the same key meanwhile stays. One
   * request each (a transaction's delete cannot be made conditional on an ETag).
   */
  async completeAll(entries: readonly DueEntry[]): Promise<void> {
    await Promise.all(entries.map((entry) => this.completeOne(entry)));
  }

  private async leaseOne(entry: DueEntry, lease: string): Promise<DueEntry | undefined> {
    let etag: string | undefined;
    try {
      etag = (await this.table.updateEntity({ ...keyOf(entry), leaseUntil: lease }, "Merge", { etag: entry.etag })).etag;
    } catch (error) {
      if (isNotFound(error) || isWriteConflict(error)) return undefined;
      throw error;
    }
    if (!etag) throw new Error("Table Storage did not return the due entry's new ETag");
    const { leaseUntil: _previous, ...rest } = entry;
    return { ...rest, ...(lease !== UNCLAIMED ? { leaseUntil: lease } : {}), etag };
  }

  private async completeOne(entry: DueEntry): Promise<void> {
    try {
      await this.table.deleteEntity(partitionOf(entry.at), rowKey(entry.at, entry.visitId, entry.deadlineOnly), { etag: entry.etag });
    } catch (error) {
      // Gone, or scheduled afresh since it was claimed: either way it is not ours to remove.
      if (!isNotFound(error) && !isWriteConflict(error)) throw error;
    }
  }

  /**
   * Up to `max` entries from the start of `day` due by `until` and not held by a live lease, oldest first, that this
   * instance may take: its own, those of no owner, and anyone's due by `takeover`. `full`: there may be more.
   */
  private async dueFrom(day: string, instant: string, until: string, takeover: string, max: number): Promise<{ entries: DueEntry[]; full: boolean }> {
    const mine = this.owner ? odata` and (owner eq ${this.owner} or owner eq ${UNOWNED} or RowKey lt ${takeover + AFTER_INSTANT})` : "";
    const filter =
      odata`PartitionKey ge ${day} and PartitionKey le ${partitionOf(until)} and RowKey lt ${until + AFTER_INSTANT} and leaseUntil le ${instant}` + mine;
    const inItsMinute = (row: TableEntityResult<DueColumns>) => row.partitionKey === partitionOf(row.at);
    const read = await this.rowsMatching(filter, max);
    // Rows written when a partition held a day are moved to their minute, then read again with the rest.
    const dayRows = read.rows.filter((row) => !inItsMinute(row));
    if (dayRows.length === 0) return { entries: read.rows.map(toEntry), full: read.full };
    await Promise.all(dayRows.map((row) => this.moveToItsMinute(row)));
    const again = await this.rowsMatching(filter, max);
    return { entries: again.rows.filter(inItsMinute).map(toEntry), full: again.full };
  }

  private async rowsMatching(filter: string, max: number): Promise<{ rows: TableEntityResult<DueColumns>[]; full: boolean }> {
    const rows: TableEntityResult<DueColumns>[] = [];
    for await (const page of this.table.listEntities<DueColumns>({ queryOptions: { filter } }).byPage({ maxPageSize: max })) {
      rows.push(...page);
      if (rows.length >= max) break;
    }
    return { rows: rows.slice(0, max), full: rows.length >= max };
  }

  /** A row of the day layout, written again under its minute as it was (lease, owner and all), then removed if unchanged. */
  private async moveToItsMinute(row: TableEntityResult<DueColumns>): Promise<void> {
    const columns: DueColumns = {
      visitId: row.visitId,
      at: row.at,
      leaseUntil: row.leaseUntil,
      ...(row.owner !== undefined ? { owner: row.owner } : {}),
      ...(row.deadlineOnly !== undefined ? { deadlineOnly: row.deadlineOnly } : {}),
    };
    try {
      await this.table.createEntity({ partitionKey: partitionOf(row.at), rowKey: row.rowKey!, ...columns });
    } catch (error) {
      // Scheduled afresh under its minute meanwhile: that row is the newer.
      if (!isWriteConflict(error)) throw error;
    }
    try {
      await this.table.deleteEntity(row.partitionKey!, row.rowKey!, { etag: row.etag });
    } catch (error) {
      if (!isNotFound(error) && !isWriteConflict(error)) throw error;
    }
  }

  private async isEmpty(day: string): Promise<boolean> {
    return (await this.firstPartition(odata`PartitionKey ge ${day} and PartitionKey lt ${nextDay(day)}`)) === undefined;
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
    const earliestDay = earliest?.slice(0, DAY_DIGITS);
    const day = earliestDay !== undefined && earliestDay < today ? earliestDay : today;
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
      const etag = (await this.table.updateEntity({ ...CURSOR, day }, "Replace", { etag: cursor.etag })).etag;
      this.cursor = etag ? { day, etag } : undefined;
    } catch (error) {
      // Another sweeper moved it since we read it; it only ever moves past empty days: read it afresh next time.
      if (!isWriteConflict(error)) throw error;
      this.cursor = undefined;
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
  return {
    visitId: row.visitId,
    at: row.at,
    ...(row.leaseUntil !== UNCLAIMED ? { leaseUntil: row.leaseUntil } : {}),
    ...(row.deadlineOnly === true ? { deadlineOnly: true as const } : {}),
    etag: row.etag,
  };
}

const keyOf = (entry: Pick<DueEntry, "at" | "visitId" | "deadlineOnly">) => ({ partitionKey: partitionOf(entry.at), rowKey: rowKey(entry.at, entry.visitId, entry.deadlineOnly) });
