/**
 * Schools in memory, for unit tests of the use cases: the SchoolStore contract (ETag-guarded versions, one school a
 * team) and a Schools registry over it, with the test's policies set up as running schools.
 */
import type { Clock, PolicyChange, PolicyVersion, SchoolRecord, SchoolSaveOutcome, SchoolStore } from "../../../src/app/ports";
import { Schools } from "../../../src/app/schools";
import type { PolicyDraft, PolicyProfile } from "../../../src/policy/policy.schema";
import { roleGaps } from "../../../src/policy/policy.schema";

const clone = <T>(value: T): T => structuredClone(value);

export class MemorySchoolStore implements SchoolStore {
  private readonly schools = new Map<string, SchoolRecord>();
  private readonly versions = new Map<string, PolicyVersion[]>();
  private etags = 0;
  /** Every read of the store, for tests that count them. */
  reads = 0;

  async list(): Promise<SchoolRecord[]> {
    this.reads++;
    return [...this.schools.values()].map(clone);
  }

  async get(schoolId: string): Promise<SchoolRecord | undefined> {
    this.reads++;
    const school = this.schools.get(schoolId);
    return school && clone(school);
  }

  async version(schoolId: string, version: number): Promise<PolicyVersion | undefined> {
    this.reads++;
    const found = this.versions.get(schoolId)?.find((v) => v.version === version);
    return found && clone(found);
  }

  async history(schoolId: string): Promise<PolicyVersion[]> {
    return clone(this.versions.get(schoolId) ?? []);
  }

  async create(school: Omit<SchoolRecord, "etag" | "version">, change: PolicyChange): Promise<SchoolSaveOutcome> {
    if ([...this.schools.values()].some((s) => s.teamId === school.teamId)) return { ok: false, reason: "team-taken" };
    if (this.schools.has(school.id)) return { ok: false, reason: "id-taken" };
    const created: SchoolRecord = { ...clone(school), version: 1, etag: this.etag() };
    this.schools.set(school.id, created);
    this.versions.set(school.id, [{ schoolId: school.id, version: 1, policy: clone(school.policy), ...change }]);
    return { ok: true, school: clone(created) };
  }

  async update(before: SchoolRecord, after: Pick<SchoolRecord, "name" | "state" | "policy">, change: PolicyChange): Promise<SchoolSaveOutcome> {
    const current = this.schools.get(before.id);
    if (!current || current.etag !== before.etag) return { ok: false, reason: "conflict" };
    const next: SchoolRecord = { ...current, ...clone(after), version: current.version + 1, etag: this.etag() };
    this.schools.set(before.id, next);
    this.versions.get(before.id)!.push({ schoolId: before.id, version: next.version, policy: clone(after.policy), ...change });
    return { ok: true, school: clone(next) };
  }

  async remove(before: SchoolRecord): Promise<SchoolSaveOutcome> {
    const current = this.schools.get(before.id);
    if (!current || current.etag !== before.etag) return { ok: false, reason: "conflict" };
    this.schools.delete(before.id);
    return { ok: true, school: before };
  }

  /** A school set up and running on this policy (version 1 unless more are given). */
  put(policy: PolicyProfile | PolicyDraft, teamId = `team-${policy.school.id}`): SchoolRecord {
    const record: SchoolRecord = {
      id: policy.school.id,
      name: policy.school.name,
      teamId,
      state: roleGaps(policy).length === 0 ? "active" : "setting-up",
      version: 1,
      policy: clone(policy),
      createdAt: "2026-09-01T08:00:00.000Z",
      createdBy: { id: "setup", name: "Set up in a test" },
      etag: this.etag(),
    };
    this.schools.set(record.id, record);
    this.versions.set(record.id, [{ schoolId: record.id, version: 1, policy: clone(policy), by: record.createdBy, at: record.createdAt, change: "set up" }]);
    return clone(record);
  }

  private etag(): string {
    return `W/"school-${++this.etags}"`;
  }
}

/** A Schools registry with each of these policies set up as a running school. */
export function schoolsWith(clock: Clock, ...policies: PolicyProfile[]): { schools: Schools; store: MemorySchoolStore } {
  const store = new MemorySchoolStore();
  for (const policy of policies) store.put(policy);
  return { schools: new Schools(store, clock), store };
}
