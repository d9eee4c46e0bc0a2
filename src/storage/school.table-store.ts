import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";
import type { PolicyArchive } from "../app/data-protection-ports";
import type { PolicyChange, PolicyVersion, SchoolRecord, SchoolSaveOutcome, SchoolStore } from "../app/ports";
import { textWithPseudonym, withPseudonym } from "../domain/pseudonym";
import type { Actor } from "../domain/visit";
import type { PolicyDraft } from "../policy/policy.schema";
import { Retention } from "../policy/retention";
import { fromJsonColumns, toJsonColumns } from "./json-columns";
import { deleteRows, keysMatching } from "./row-removal";
import { isNotFound, isWriteConflict } from "./table-errors";
import { decodeKey, encodeKey } from "./table-keys";
import type { Tables } from "./tables";

/**
 * Layout of table schools: one partition, "schools", so a change to a school, its new policy version and its team
 * claim commit in one entity-group transaction, and every school's current policy is one range query (a trust has
 * tens of schools, not millions). RowKeys:
 *   school_<id>             the school now: name, team, state, version, creator, and the current policy as JSON
 *   version_<id>_<000001>   each version of its policy, never changed once written: who, when, what changed
 *   team_<team id>          the team a school was set up in, so a team holds at most one school
 */
const PARTITION = "schools";
const SCHOOL = "school_";
const VERSION = "version_";
const TEAM = "team_";
/** '`' follows '_' in code-unit order: the first key after every key with the prefix. */
const after = (prefix: string) => `${prefix.slice(0, -1)}\``;

const schoolKey = (schoolId: string) => `${SCHOOL}${encodeKey(schoolId)}`;
const VERSION_DIGITS = 6;
const versionKey = (schoolId: string, version: number) => `${VERSION}${encodeKey(schoolId)}_${String(version).padStart(VERSION_DIGITS, "0")}`;
const versionsOf = (schoolId: string) => `${VERSION}${encodeKey(schoolId)}_`;
/** Rewrites of the school's row tried again after another change to it meanwhile. */
const REWRITE_ATTEMPTS = 5;
const teamKey = (teamId: string) => `${TEAM}${encodeKey(teamId)}`;

interface SchoolColumns {
  name: string;
  teamId: string;
  state: SchoolRecord["state"];
  version: number;
  createdAt: string;
  createdBy: string;
}

interface VersionColumns {
  version: number;
  at: string;
  by: string;
  change: string;
}

export class TableSchoolStore implements SchoolStore, PolicyArchive {
  private readonly table: TableClient;

  constructor(tables: Pick<Tables, "schools">) {
    this.table = tables.schools;
  }

  async list(): Promise<SchoolRecord[]> {
    const rows = this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${PARTITION} and RowKey ge ${SCHOOL} and RowKey lt ${after(SCHOOL)}` },
    });
    const schools: SchoolRecord[] = [];
    for await (const row of rows) schools.push(toSchool(row));
    return schools;
  }

  async get(schoolId: string): Promise<SchoolRecord | undefined> {
    const row = await this.row(schoolKey(schoolId));
    return row && toSchool(row);
  }

  async version(schoolId: string, version: number): Promise<PolicyVersion | undefined> {
    const row = await this.row(versionKey(schoolId, version));
    return row && toVersion(schoolId, row);
  }

  async history(schoolId: string): Promise<PolicyVersion[]> {
    const prefix = versionsOf(schoolId);
    const rows = this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${PARTITION} and RowKey ge ${prefix} and RowKey lt ${after(prefix)}` },
    });
    const versions: PolicyVersion[] = [];
    for await (const row of rows) versions.push(toVersion(schoolId, row));
    return versions;
  }

  async create(school: Omit<SchoolRecord, "etag" | "version">, change: PolicyChange): Promise<SchoolSaveOutcome> {
    const created = { ...school, version: 1 };
    const actions: TransactionAction[] = [
      ["create", schoolRow(created)],
      ["create", versionRow(school.id, 1, school.policy, change)],
      ["create", { partitionKey: PARTITION, rowKey: teamKey(school.teamId), schoolId: school.id }],
    ];
    try {
      const [response] = (await this.table.submitTransaction(actions)).subResponses;
      return { ok: true, school: { ...created, etag: etagOf(response?.etag) } };
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
    }
    // Which row was there already: the team's claim is the one a person can do something about.
    const claim = await this.row(teamKey(school.teamId));
    if (!claim) return { ok: false, reason: "id-taken" };
    const claimedBy = String(claim.schoolId);
    if (await this.row(schoolKey(claimedBy))) return { ok: false, reason: "team-taken" };
    // The claim of a school removed half-way (see remove): the team is free.
    await this.forget(teamKey(school.teamId));
    return this.create(school, change);
  }

  async update(before: SchoolRecord, after: Pick<SchoolRecord, "name" | "state" | "policy">, change: PolicyChange): Promise<SchoolSaveOutcome> {
    const next: Omit<SchoolRecord, "etag"> = { ...before, ...after, version: before.version + 1 };
    const actions: TransactionAction[] = [
      ["update", schoolRow(next), "Replace", { etag: before.etag }],
      ["create", versionRow(before.id, next.version, next.policy, change)],
    ];
    try {
      const [response] = (await this.table.submitTransaction(actions)).subResponses;
      return { ok: true, school: { ...next, etag: etagOf(response?.etag) } };
    } catch (error) {
      if (isWriteConflict(error) || isNotFound(error)) return { ok: false, reason: "conflict" };
      throw error;
    }
  }

  async remove(before: SchoolRecord): Promise<SchoolSaveOutcome> {
    // A transaction cannot guard a delete with an ETag: the school row goes first, guarded, then its team claim. Were
    // the process to stop in between, create() finds the claim's school gone and lets the team go.
    try {
      await this.table.deleteEntity(PARTITION, schoolKey(before.id), { etag: before.etag });
    } catch (error) {
      if (isWriteConflict(error) || isNotFound(error)) return { ok: false, reason: "conflict" };
      throw error;
    }
    await this.forget(teamKey(before.teamId));
    return { ok: true, school: before };
  }

  async versionedSchools(): Promise<string[]> {
    const keys = await keysMatching(this.table, odata`PartitionKey eq ${PARTITION} and RowKey ge ${VERSION} and RowKey lt ${after(VERSION)}`);
    // "version_<id>_000001": the id between the prefix and the version number.
    return [...new Set(keys.map(({ rowKey }) => decodeKey(rowKey.slice(VERSION.length, -(VERSION_DIGITS + 1)))))];
  }

  async lastRetention(schoolId: string): Promise<Retention | undefined> {
    const last = (await this.history(schoolId)).at(-1);
    return last && Retention.parse((last.policy as { retention?: unknown }).retention);
  }

  async removeVersions(schoolId: string): Promise<number> {
    const prefix = versionsOf(schoolId);
    return deleteRows(this.table, await keysMatching(this.table, odata`PartitionKey eq ${PARTITION} and RowKey ge ${prefix} and RowKey lt ${after(prefix)}`));
  }

  async pseudonymise(schoolId: string, personId: string, names: readonly string[], pseudonym: Actor): Promise<number> {
    const prefix = versionsOf(schoolId);
    const versions = this.table.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${PARTITION} and RowKey ge ${prefix} and RowKey lt ${after(prefix)}` },
    });
    let changed = 0;
    // Versions are never changed, but for this: the audit trail of the school's rules keeps every step without the person.
    for await (const row of versions) {
      const columns = row as unknown as VersionColumns;
      const rewritten: VersionColumns = {
        version: columns.version,
        at: columns.at,
        by: JSON.stringify(withPseudonym(JSON.parse(columns.by) as Actor, personId, pseudonym)),
        change: textWithPseudonym(columns.change, names, pseudonym),
      };
      const policy = withPseudonym(fromJsonColumns(row) as PolicyDraft, personId, pseudonym);
      if (rewritten.by === columns.by && rewritten.change === columns.change && JSON.stringify(policy) === JSON.stringify(fromJsonColumns(row))) continue;
      await this.table.updateEntity({ partitionKey: PARTITION, rowKey: row.rowKey!, ...rewritten, ...toJsonColumns(policy) }, "Replace");
      changed++;
    }
    return changed + (await this.pseudonymiseSchoolRow(schoolId, personId, pseudonym));
  }

  /** The school's own row: who set it up, and its current policy. Written only over the row as read. */
  private async pseudonymiseSchoolRow(schoolId: string, personId: string, pseudonym: Actor): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const school = await this.get(schoolId);
      if (!school) return 0;
      const rewritten = { ...school, createdBy: withPseudonym(school.createdBy, personId, pseudonym), policy: withPseudonym(school.policy, personId, pseudonym) };
      if (JSON.stringify(rewritten) === JSON.stringify(school)) return 0;
      try {
        await this.table.updateEntity(schoolRow(rewritten), "Replace", { etag: school.etag });
        return 1;
      } catch (error) {
        if (!isWriteConflict(error) || attempt >= REWRITE_ATTEMPTS) throw error;
      }
    }
  }

  private async row(rowKey: string): Promise<Record<string, unknown> | undefined> {
    try {
      return await this.table.getEntity<Record<string, unknown>>(PARTITION, rowKey);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async forget(rowKey: string): Promise<void> {
    try {
      await this.table.deleteEntity(PARTITION, rowKey);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

function schoolRow(school: Omit<SchoolRecord, "etag">): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  const columns: SchoolColumns = {
    name: school.name,
    teamId: school.teamId,
    state: school.state,
    version: school.version,
    createdAt: school.createdAt,
    createdBy: JSON.stringify(school.createdBy),
  };
  return { partitionKey: PARTITION, rowKey: schoolKey(school.id), ...columns, ...toJsonColumns(school.policy) };
}

function versionRow(schoolId: string, version: number, policy: PolicyDraft, change: PolicyChange): Record<string, unknown> & { partitionKey: string; rowKey: string } {
  const columns: VersionColumns = { version, at: change.at, by: JSON.stringify(change.by), change: change.change };
  return { partitionKey: PARTITION, rowKey: versionKey(schoolId, version), ...columns, ...toJsonColumns(policy) };
}

function toSchool(row: Readonly<Record<string, unknown>> & { rowKey?: string; etag?: string }): SchoolRecord {
  const columns = row as unknown as SchoolColumns;
  return {
    id: decodeKey((row.rowKey ?? "").slice(SCHOOL.length)),
    name: columns.name,
    teamId: columns.teamId,
    state: columns.state,
    version: columns.version,
    policy: fromJsonColumns(row) as PolicyDraft,
    createdAt: columns.createdAt,
    createdBy: JSON.parse(columns.createdBy) as Actor,
    etag: etagOf(row.etag),
  };
}

function toVersion(schoolId: string, row: Readonly<Record<string, unknown>>): PolicyVersion {
  const columns = row as unknown as VersionColumns;
  return {
    schoolId,
    version: columns.version,
    policy: fromJsonColumns(row) as PolicyDraft,
    by: JSON.parse(columns.by) as Actor,
    at: columns.at,
    change: columns.change,
  };
}

function etagOf(etag: string | undefined): string {
  if (!etag) throw new Error("Table Storage returned a school without an ETag");
  return etag;
}
