import { holdsAny } from "../domain/roles";
import type { Visit } from "../domain/visit";
import { isPinned, visitPolicy } from "../domain/visit-policy";
import { PolicyProfile } from "../policy/policy.schema";
import type { Role } from "../policy/policy.schema";
import type { Clock, SchoolRecord, SchoolStore } from "./ports";

/** A school that is running: its record and its current policy, every role of which is held. */
export interface ActiveSchool {
  school: SchoolRecord;
  policy: PolicyProfile;
}

/**
 * How long this instance uses the list of schools it read before reading it again. Its own changes show at once;
 * another instance's within this time. A role check refused on a list this old is re-checked on a fresh one
 * (visit.service.ts), so a role just given elsewhere is never refused for long.
 */
export const SCHOOLS_CACHE_MS = 30_000;
/** A school id nobody knows is looked for again at most this often: forged ids must not cost a read each. */
const MISS_REREAD_MS = 2_000;
/** Policy versions never change once saved; this bounds how many old ones are kept in memory. */
const MAX_VERSIONS = 500;

interface Loaded {
  at: number;
  schools: Map<string, SchoolRecord>;
  /** The current policy of each school that can run; absent while a school is being set up. */
  running: Map<string, PolicyProfile>;
}

/**
 * Every school of the deployment, read in one query and kept for a short while, so a check-in or a sweep reads no
 * policy: a visit's approved-under version is immutable and cached by its number. A trust has tens of schools,
 * so all of them fit in memory.
 */
export class Schools {
  private loaded: Loaded | undefined;
  private loading: Promise<Loaded> | undefined;
  private readonly versions = new Map<string, PolicyProfile>();

  constructor(
    private readonly store: SchoolStore,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<SchoolRecord[]> {
    return [...(await this.current()).schools.values()];
  }

  async get(schoolId: string): Promise<SchoolRecord | undefined> {
    const found = (await this.current()).schools.get(schoolId);
    if (found) return found;
    // A school created on another instance since the list was read: look again, but not for every forged id.
    if (this.age() < MISS_REREAD_MS) return undefined;
    return (await this.current(true)).schools.get(schoolId);
  }

  /** The running school with this id, with its current policy. */
  async active(schoolId: string): Promise<ActiveSchool | undefined> {
    const school = await this.get(schoolId);
    const policy = school && (await this.current()).running.get(school.id);
    return school && policy ? { school, policy } : undefined;
  }

  async forTeam(teamId: string): Promise<SchoolRecord | undefined> {
    const find = (loaded: Loaded) => [...loaded.schools.values()].find((school) => school.teamId === teamId);
    const found = find(await this.current());
    if (found || this.age() < MISS_REREAD_MS) return found;
    return find(await this.current(true));
  }

  /** Every running school with its current policy, in name order. */
  async running(): Promise<ActiveSchool[]> {
    const loaded = await this.current();
    return [...loaded.running].map(([id, policy]) => ({ school: loaded.schools.get(id)!, policy })).sort((a, b) => a.school.name.localeCompare(b.school.name));
  }

  /** The running schools where this person holds a role (any of `roles`, when given), in name order. */
  async of(personId: string, roles?: readonly Role[]): Promise<ActiveSchool[]> {
    return (await this.running()).filter(({ policy }) => policy.people.some((p) => p.aadObjectId === personId) && (!roles || holdsAny(policy, personId, roles)));
  }

  /**
   * The policy a visit runs on: its school's current one until it is approved, then the version it was approved
   * under with today's people and alert channel (visit-policy.ts). Undefined when the school no longer runs.
   */
  async policyFor(visit: Pick<Visit, "schoolId" | "decision" | "policyVersion">): Promise<PolicyProfile | undefined> {
    const active = await this.active(visit.schoolId);
    if (!active) return undefined;
    if (!isPinned(visit) || visit.policyVersion === active.school.version) return active.policy;
    const approvedUnder = await this.version(visit.schoolId, visit.policyVersion!);
    return approvedUnder ? visitPolicy(approvedUnder, active.policy) : active.policy;
  }

  /** Reads the list again (at most every few seconds): after a refusal that a change made elsewhere might explain. */
  async refresh(): Promise<void> {
    if (this.age() >= MISS_REREAD_MS) await this.current(true);
  }

  /** A change this instance saved (or a school it removed): seen at once here, without a read. */
  saved(school: SchoolRecord, removed = false): void {
    if (!this.loaded) return;
    const schools = new Map(this.loaded.schools);
    const running = new Map(this.loaded.running);
    schools.delete(school.id);
    running.delete(school.id);
    if (!removed) {
      schools.set(school.id, school);
      const policy = runnable(school);
      if (policy) running.set(school.id, policy);
    }
    this.loaded = { ...this.loaded, schools, running };
  }

  private async version(schoolId: string, version: number): Promise<PolicyProfile | undefined> {
    const key = `${schoolId}#${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const stored = await this.store.version(schoolId, version);
    const parsed = stored && PolicyProfile.safeParse(stored.policy);
    if (!parsed?.success) return undefined;
    if (this.versions.size >= MAX_VERSIONS) this.versions.delete(this.versions.keys().next().value!);
    this.versions.set(key, parsed.data);
    return parsed.data;
  }

  private age(): number {
    return this.loaded ? this.clock.now().getTime() - this.loaded.at : Infinity;
  }

  private current(fresh = false): Promise<Loaded> {
    if (this.loaded && !fresh && this.age() < SCHOOLS_CACHE_MS) return Promise.resolve(this.loaded);
    // While storage cannot be read, the schools last read still hold: a check-in's refusal should be about the
    // check-in, and nobody's roles change while nothing can be saved.
    const stale = this.loaded;
    this.loading ??= this.load()
      .catch((error: unknown) => {
        if (stale) return stale;
        throw error;
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(): Promise<Loaded> {
    const at = this.clock.now().getTime();
    const list = await this.store.list();
    const schools = new Map(list.map((school) => [school.id, school]));
    const running = new Map<string, PolicyProfile>();
    for (const school of list) {
      const policy = runnable(school);
      if (policy) running.set(school.id, policy);
    }
    this.loaded = { at, schools, running };
    return this.loaded;
  }
}

/** The school's policy, if it can run: set up, and valid as a whole. */
function runnable(school: SchoolRecord): PolicyProfile | undefined {
  if (school.state !== "active") return undefined;
  const parsed = PolicyProfile.safeParse(school.policy);
  return parsed.success ? parsed.data : undefined;
}
