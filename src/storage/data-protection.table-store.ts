import { odata, type TableClient } from "@azure/data-tables";
import type { DataProtectionLedger, ErasureRecord, MonthProgress, PendingErasure, RetentionRecord, RunClaim } from "../app/data-protection-ports";
import { deleteRow, deleteRows, keysMatching } from "./row-removal";
import { isNotFound, isWriteConflict } from "./table-errors";
import { encodeKey } from "./table-keys";
import type { Tables } from "./tables";

/**
 * Layout of table dataprotection, by PartitionKey:
 *   lease / retention            the daily run's claim: the last day done, and until when an instance holds it
 *   month / <yyyymm>             how far the retention job got with a month's visits table
 *   gone / <school id>           when the job first found a school's policy versions without the school
 *   run / <ISO time>             what each daily run removed: counts and periods (RetentionRecord)
 *   erasure_<school id> / <ISO time>_<pseudonym id>   each erasure of a member of staff (ErasureRecord)
 *   pending_<school id> / <person id>                 an erasure under way, the only row that names the person
 */
const LEASE = { partitionKey: "lease", rowKey: "retention" } as const;
const MONTH = "month";
const GONE = "gone";
const RUN = "run";
const ERASURE = "erasure_";
const erasuresOf = (schoolId: string) => `${ERASURE}${encodeKey(schoolId)}`;
const pendingOf = (schoolId: string) => `pending_${encodeKey(schoolId)}`;
/** '`' follows '_' in code-unit order: the first key after every key with the prefix. */
const AFTER_ERASURE = "erasure`";

interface LeaseColumns {
  /** The last UTC day whose run finished; "" before the first. */
  day: string;
  /** "" when nobody holds it; ISO instants sort as text. */
  leaseUntil: string;
}

export class TableDataProtectionLedger implements DataProtectionLedger {
  private readonly table: TableClient;

  constructor(tables: Pick<Tables, "dataProtection">) {
    this.table = tables.dataProtection;
  }

  async claimRun(day: string, now: Date, leaseUntil: Date): Promise<RunClaim | undefined> {
    let lease: (LeaseColumns & { etag?: string }) | undefined;
    try {
      lease = await this.table.getEntity<LeaseColumns>(LEASE.partitionKey, LEASE.rowKey);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (lease && (lease.day >= day || lease.leaseUntil > now.toISOString())) return undefined;
    const columns: LeaseColumns = { day: lease?.day ?? "", leaseUntil: leaseUntil.toISOString() };
    try {
      const written = lease
        ? await this.table.updateEntity({ ...LEASE, ...columns }, "Replace", { etag: lease.etag! })
        : await this.table.createEntity({ ...LEASE, ...columns });
      if (!written.etag) throw new Error("Table Storage did not return the retention run's claim ETag");
      return { day, etag: written.etag };
    } catch (error) {
      // Another instance claimed it between our read and our write.
      if (isWriteConflict(error)) return undefined;
      throw error;
    }
  }

  async completeRun(claim: RunClaim): Promise<void> {
    const columns: LeaseColumns = { day: claim.day, leaseUntil: "" };
    try {
      await this.table.updateEntity({ ...LEASE, ...columns }, "Replace", { etag: claim.etag });
    } catch (error) {
      // Our lease ran out and another instance took the day over: its run repeats ours, and it will mark the day done.
      if (!isWriteConflict(error)) throw error;
    }
  }

  async monthProgress(month: string): Promise<MonthProgress | undefined> {
    const row = await this.row<MonthProgress>(MONTH, month);
    return row && { nextCheckAt: row.nextCheckAt, settings: row.settings };
  }

  async saveMonthProgress(month: string, progress: MonthProgress): Promise<void> {
    await this.table.upsertEntity({ partitionKey: MONTH, rowKey: month, ...progress }, "Replace");
  }

  forgetMonth(month: string): Promise<void> {
    return deleteRow(this.table, MONTH, month);
  }

  async schoolGoneSince(schoolId: string): Promise<string | undefined> {
    return (await this.row<{ since: string }>(GONE, encodeKey(schoolId)))?.since;
  }

  async markSchoolGone(schoolId: string, at: string): Promise<void> {
    await this.table.upsertEntity({ partitionKey: GONE, rowKey: encodeKey(schoolId), since: at }, "Replace");
  }

  forgetSchoolGone(schoolId: string): Promise<void> {
    return deleteRow(this.table, GONE, encodeKey(schoolId));
  }

  async recordRun(record: RetentionRecord): Promise<void> {
    await this.table.upsertEntity({ partitionKey: RUN, rowKey: record.at, json: JSON.stringify(record) }, "Replace");
  }

  async startErasure(pending: PendingErasure): Promise<PendingErasure> {
    const key = { partitionKey: pendingOf(pending.schoolId), rowKey: encodeKey(pending.personId.toLowerCase()) };
    try {
      await this.table.createEntity({ ...key, json: JSON.stringify(pending) });
      return pending;
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
    }
    // An earlier try stopped half-way: carry on with its pseudonym, so every record names the person the same way.
    const earlier = await this.row<{ json: string }>(key.partitionKey, key.rowKey);
    if (!earlier) return this.startErasure(pending);
    return JSON.parse(earlier.json) as PendingErasure;
  }

  async finishErasure(pending: PendingErasure, record: ErasureRecord): Promise<void> {
    await this.table.upsertEntity({ partitionKey: erasuresOf(record.schoolId), rowKey: `${record.at}_${pending.pseudonym.id}`, json: JSON.stringify(record) }, "Replace");
    await deleteRow(this.table, pendingOf(pending.schoolId), encodeKey(pending.personId.toLowerCase()));
  }

  async erasures(schoolId: string): Promise<ErasureRecord[]> {
    const found: ErasureRecord[] = [];
    for await (const row of this.table.listEntities<{ json: string }>({ queryOptions: { filter: odata`PartitionKey eq ${erasuresOf(schoolId)}` } })) {
      found.push(JSON.parse(row.json) as ErasureRecord);
    }
    return found;
  }

  async removeRecordsBefore(instant: string): Promise<number> {
    const runs = await keysMatching(this.table, odata`PartitionKey eq ${RUN} and RowKey lt ${instant}`);
    const erasures = await keysMatching(this.table, odata`PartitionKey ge ${ERASURE} and PartitionKey lt ${AFTER_ERASURE} and RowKey lt ${instant}`);
    return deleteRows(this.table, [...runs, ...erasures]);
  }

  private async row<T extends object>(partitionKey: string, rowKey: string): Promise<(T & { etag?: string }) | undefined> {
    try {
      return await this.table.getEntity<T>(partitionKey, rowKey);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
