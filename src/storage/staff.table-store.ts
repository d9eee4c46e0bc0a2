import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";
import { randomUUID } from "node:crypto";
import type { StaffArchive, StaffEntry } from "../app/data-protection-ports";
import type { StaffDirectory, StaffMember, StaffRecordChange, TeamsMember } from "../app/ports";
import type { StaffRecord } from "../domain/staff-prerequisites";
import { deleteRow, deleteRows, keysMatching, transactionBatches } from "./row-removal";
import { isNotFound } from "./table-errors";
import { decodeKey, encodeKey } from "./table-keys";
import type { Tables } from "./tables";

/**
 * Layout of table staff: one partition per school, PartitionKey = "staff_" and the school id, one row per member of
 * its staff, RowKey = the Entra object id in lower case (Teams is not consistent about case).
 *
 * Two sets of columns with two writers: Teams (name, teamsUserId, lastSeenAt, written from the staff team's roster
 * and when someone talks to the bot) and the school admin (mobile, vehicle, dbs, training: the R06 record). Every
 * write is a Merge of its own columns only, so neither writer can wipe the other's, whatever the order and without
 * reading first. A column holds only a scalar, so vehicle, dbs and training are JSON text.
 *
 * A Merge cannot remove a column, so a record field cleared by saveRecord is stored as "" (CLEARED) and read
 * as absent. "" is never valid JSON, and an empty mobile is no mobile. A row made by saveRecord alone has no
 * Teams columns; they read as "".
 */
/** A filter may hold at most 15 comparisons: one picks the school's partition, the rest name people. */
const KEYS_PER_QUERY = 14;
const STAFF = "staff_";
const partition = (schoolId: string) => `${STAFF}${encodeKey(schoolId)}`;
/** Audit rows of one person's record changes live in their own partition, read by time. */
const auditPrefix = (schoolId: string) => `audit_${encodeKey(schoolId)}_`;
const auditPartition = (schoolId: string, aadObjectId: string) => `${auditPrefix(schoolId)}${rowKey(aadObjectId)}`;
/** '`' follows '_' in code-unit order: the first key after every key with the prefix. */
const after = (prefix: string) => `${prefix.slice(0, -1)}\``;
const CLEARED = "";

interface TeamsColumns {
  name?: string;
  teamsUserId?: string;
  lastSeenAt?: string;
}

interface RecordColumns {
  mobile?: string;
  vehicle?: string;
  dbs?: string;
  training?: string;
}

type StaffColumns = TeamsColumns & RecordColumns;

export class TableStaffDirectory implements StaffDirectory, StaffArchive {
  private readonly staff: TableClient;

  constructor(tables: Pick<Tables, "staff">) {
    this.staff = tables.staff;
  }

  async upsert(schoolId: string, members: readonly TeamsMember[]): Promise<void> {
    // Merges of the Teams columns only, a hundred to a transaction: a team of thousands is written in seconds, and a
    // capture never touches the record on file.
    const unique = [...new Map(members.map((m) => [rowKey(m.aadObjectId), m])).values()];
    for (const batch of transactionBatches(unique, () => partition(schoolId))) {
      const actions = batch.map(({ aadObjectId, name, teamsUserId, lastSeenAt }): TransactionAction => {
        const columns: TeamsColumns = { name, teamsUserId, lastSeenAt };
        return ["upsert", { partitionKey: partition(schoolId), rowKey: rowKey(aadObjectId), ...columns }, "Merge"];
      });
      await this.staff.submitTransaction(actions);
    }
  }

  async saveRecord(schoolId: string, aadObjectId: string, record: StaffRecord, change: StaffRecordChange): Promise<void> {
    // The audit row first, and only ever created: a record is never changed without a trace of who did it.
    await this.staff.createEntity({
      partitionKey: auditPartition(schoolId, aadObjectId),
      rowKey: `${change.at}_${randomUUID()}`,
      by: change.by,
      at: change.at,
      json: JSON.stringify(record),
    });
    // Every record column, "" for a field left out: the record is replaced, the Teams columns are untouched.
    await this.staff.upsertEntity({ partitionKey: partition(schoolId), rowKey: rowKey(aadObjectId), ...recordColumns(record) }, "Merge");
  }

  async history(schoolId: string, aadObjectId: string): Promise<StaffRecordChange[]> {
    const rows = this.staff.listEntities<{ by: string; at: string; json: string }>({
      queryOptions: { filter: odata`PartitionKey eq ${auditPartition(schoolId, aadObjectId)}` },
    });
    const changes: StaffRecordChange[] = [];
    for await (const row of rows) changes.push({ by: row.by, at: row.at, record: JSON.parse(row.json) as StaffRecord });
    return changes;
  }

  async get(schoolId: string, aadObjectId: string): Promise<StaffMember | undefined> {
    try {
      const row = await this.staff.getEntity<StaffColumns>(partition(schoolId), rowKey(aadObjectId));
      return toMember(aadObjectId.toLowerCase(), row);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async getMany(schoolId: string, aadObjectIds: readonly string[]): Promise<StaffMember[]> {
    const keys = [...new Set(aadObjectIds.map(rowKey))];
    // One person (a lone visit's alert card) is a point read: one request either way, and where Table Storage finds a
    // row by its keys at once, the emulator answers every query by reading the whole table.
    if (keys.length === 1) {
      const one = await this.get(schoolId, aadObjectIds[0]!);
      return one ? [one] : [];
    }
    const chunks = Array.from({ length: Math.ceil(keys.length / KEYS_PER_QUERY) }, (_, i) => keys.slice(i * KEYS_PER_QUERY, (i + 1) * KEYS_PER_QUERY));
    const found = await Promise.all(
      chunks.map(async (chunk) => {
        const rowKeys = chunk.map((key) => odata`RowKey eq ${key}`).join(" or ");
        const rows = this.staff.listEntities<StaffColumns>({ queryOptions: { filter: `${odata`PartitionKey eq ${partition(schoolId)}`} and (${rowKeys})` } });
        const members: StaffMember[] = [];
        for await (const row of rows) members.push(toMember(decodeKey(row.rowKey ?? ""), row));
        return members;
      }),
    );
    return found.flat();
  }

  async list(schoolId: string): Promise<StaffMember[]> {
    const rows = this.staff.listEntities<StaffColumns>({ queryOptions: { filter: odata`PartitionKey eq ${partition(schoolId)}` } });
    const members: StaffMember[] = [];
    for await (const row of rows) members.push(toMember(decodeKey(row.rowKey ?? ""), row));
    return members;
  }

  async everyone(): Promise<StaffEntry[]> {
    const rows = this.staff.listEntities<StaffColumns>({ queryOptions: { filter: odata`PartitionKey ge ${STAFF} and PartitionKey lt ${after(STAFF)}` } });
    const entries: StaffEntry[] = [];
    for await (const row of rows) entries.push({ schoolId: decodeKey((row.partitionKey ?? "").slice(STAFF.length)), member: toMember(decodeKey(row.rowKey ?? ""), row) });
    return entries;
  }

  async remove(schoolId: string, aadObjectId: string): Promise<number> {
    // The history first: were the process to stop in between, the row left still finds its history next time.
    const history = await deleteRows(this.staff, await keysMatching(this.staff, odata`PartitionKey eq ${auditPartition(schoolId, aadObjectId)}`));
    const row = (await this.get(schoolId, aadObjectId)) ? 1 : 0;
    await deleteRow(this.staff, partition(schoolId), rowKey(aadObjectId));
    return history + row;
  }

  async changesBy(schoolId: string, aadObjectId: string): Promise<{ staffId: string; at: string }[]> {
    return (await this.auditRowsBy(schoolId, aadObjectId)).map((row) => ({ staffId: decodeKey(row.partitionKey.slice(auditPrefix(schoolId).length)), at: row.at }));
  }

  async pseudonymiseChangesBy(schoolId: string, aadObjectId: string, pseudonymId: string): Promise<number> {
    const rows = await this.auditRowsBy(schoolId, aadObjectId);
    for (const { partitionKey, rowKey: key } of rows) await this.staff.updateEntity({ partitionKey, rowKey: key, by: pseudonymId }, "Merge");
    return rows.length;
  }

  /** The school's audit rows this person is recorded as the author of. */
  private async auditRowsBy(schoolId: string, aadObjectId: string): Promise<{ partitionKey: string; rowKey: string; at: string }[]> {
    const prefix = auditPrefix(schoolId);
    const rows = this.staff.listEntities<{ by: string; at: string }>({
      queryOptions: { filter: odata`PartitionKey ge ${prefix} and PartitionKey lt ${after(prefix)}`, select: ["PartitionKey", "RowKey", "by", "at"] },
    });
    const id = aadObjectId.toLowerCase();
    const found: { partitionKey: string; rowKey: string; at: string }[] = [];
    for await (const row of rows) if (row.by.toLowerCase() === id) found.push({ partitionKey: row.partitionKey!, rowKey: row.rowKey!, at: row.at });
    return found;
  }
}

const rowKey = (aadObjectId: string) => encodeKey(aadObjectId.toLowerCase());

/** Every record column, CLEARED where the record has no such field. */
function recordColumns({ mobile, vehicle, dbs, training }: StaffRecord): RecordColumns {
  return {
    mobile: mobile ?? CLEARED,
    vehicle: vehicle ? JSON.stringify(vehicle) : CLEARED,
    dbs: dbs ? JSON.stringify(dbs) : CLEARED,
    training: training ? JSON.stringify(training) : CLEARED,
  };
}

function toMember(aadObjectId: string, row: StaffColumns): StaffMember {
  const present = (value: string | undefined): value is string => value !== undefined && value !== CLEARED;
  return {
    aadObjectId,
    name: row.name ?? "",
    teamsUserId: row.teamsUserId ?? "",
    lastSeenAt: row.lastSeenAt ?? "",
    ...(present(row.mobile) ? { mobile: row.mobile } : {}),
    ...(present(row.vehicle) ? { vehicle: JSON.parse(row.vehicle) as NonNullable<StaffRecord["vehicle"]> } : {}),
    ...(present(row.dbs) ? { dbs: JSON.parse(row.dbs) as NonNullable<StaffRecord["dbs"]> } : {}),
    ...(present(row.training) ? { training: JSON.parse(row.training) as NonNullable<StaffRecord["training"]> } : {}),
  };
}
