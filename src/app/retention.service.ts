import { isSafeguardingVisit, notificationsKeptUntil, visitKeptUntil } from "../domain/retention";
import { addPeriod, longestOf, periodBefore, shortestOf } from "../domain/retention-period";
import { Retention, RETENTION_DEFAULTS } from "../policy/retention";
import type {
  ConversationArchive,
  DataProtectionLedger,
  HeldVisit,
  PolicyArchive,
  RetentionRecord,
  StaffArchive,
  VisitArchive,
} from "./data-protection-ports";
import type { Clock, Logger, SchoolRecord } from "./ports";

/**
 * How the retention job keeps each table (src/storage/tables.ts, and the monthly tables of visits and the day index). A test checks
 * this names every table the code creates, and that docs/DATA-PROTECTION.md describes each.
 */
export const HOW_EACH_TABLE_IS_KEPT: Readonly<Record<string, string>> = {
  "visits<yyyymm>": "a visit's snapshot, audit events and outbox rows go when the visit is past its school's visits or safeguarding period; outbox rows earlier, past the alerts period; a past month whose visits have all gone is dropped whole",
  "visitsbyday<yyyymm>": "a visit's row goes with the visit; a month's table goes once the visits tables of its month and every month before it have gone",
  outboxfailing: "a notification's row goes with it (and when it is delivered)",
  due: "visit ids and times only; each entry goes when the sweeper has handled it, which for a removed visit is the next time it falls due",
  staff: "a person's row and its history go once they hold no role and were last seen or changed longer ago than the staff records period, or when they are erased",
  conversations: "a reference goes when nobody it serves holds a role, a channel's when its team has no school, after the conversation references period",
  schools: "kept while the school is on the deployment; a removed school's policy versions go once its longest period has passed since the job found it gone",
  dataprotection: "run and erasure records go after the longest period any school keeps anything; a month's progress goes with its table",
};

/** How long a run holds the day's claim: longer than a run takes, short enough that a crashed one is soon retried. */
const RUN_LEASE_MS = 60 * 60_000;

export interface RetentionDeps {
  /** Every school on the deployment, with its current policy (a draft while it is being set up). */
  schools: { list(): Promise<SchoolRecord[]> };
  policies: PolicyArchive;
  visits: VisitArchive;
  staff: StaffArchive;
  conversations: ConversationArchive;
  ledger: DataProtectionLedger;
  clock: Clock;
  log: Logger;
  /** How many days the deployment's log workspace keeps log lines (LOG_RETENTION_DAYS). */
  logRetentionDays: number;
}

type Removed = RetentionRecord["removed"];
type BySchool = RetentionRecord["bySchool"];

/**
 * The daily retention job: removes what each school's retention settings (policy.retention) say is past keeping, and
 * records what it removed. A visit is judged by its own school's settings, so one deployment can serve schools that
 * keep records for different times: a visit past its period is removed on its own, and a month's whole table is
 * dropped only once every visit in it has gone. Idempotent: a run that stops half-way is finished by the next.
 */
export class RetentionService {
  constructor(private readonly deps: RetentionDeps) {}

  /** Today's run (UTC), unless it was done already or another instance holds it: claimed first, so it runs once. */
  async runIfDue(): Promise<RetentionRecord | undefined> {
    const now = this.deps.clock.now();
    const claim = await this.deps.ledger.claimRun(now.toISOString().slice(0, 10), now, new Date(now.getTime() + RUN_LEASE_MS));
    if (!claim) return undefined;
    const record = await this.run(now);
    await this.deps.ledger.completeRun(claim);
    return record;
  }

  async run(now: Date): Promise<RetentionRecord> {
    const { ledger, log } = this.deps;
    const schools = await this.deps.schools.list();
    const settings = await this.settingsOf(schools);
    const removed: Removed = { visits: 0, safeguardingVisits: 0, notifications: 0, staffRecords: 0, conversationReferences: 0, policyVersions: 0, records: 0, monthTables: [] };
    const bySchool: BySchool = {};
    const judge = (schoolId: string): Retention => settings.get(schoolId) ?? RETENTION_DEFAULTS;
    const every = [RETENTION_DEFAULTS, ...settings.values()];

    await this.visits(now, judge, every, removed, bySchool);
    await this.staffRecords(now, schools, judge, removed, bySchool);
    await this.conversationReferences(now, schools, every, removed);
    removed.policyVersions = await this.goneSchools(now, schools, judge);
    removed.records = await ledger.removeRecordsBefore(periodBefore(now, longestOf(every.flatMap(periodsOf))).toISOString());

    const logsKeptTooLong = [...settings].filter(([, retention]) => addPeriod(now, retention.logs).getTime() < now.getTime() + this.deps.logRetentionDays * 86_400_000).map(([id]) => id);
    const record: RetentionRecord = { at: now.toISOString(), day: now.toISOString().slice(0, 10), periods: Object.fromEntries(settings), removed, bySchool, logsKeptTooLong };
    await ledger.recordRun(record);
    if (logsKeptTooLong.length > 0) log.warn("log workspace keeps lines longer than a school's policy", { count: logsKeptTooLong.length });
    log.info("retention run finished", {
      visits: removed.visits,
      notifications: removed.notifications,
      staffRecords: removed.staffRecords,
      conversations: removed.conversationReferences,
      policyVersions: removed.policyVersions,
      tables: removed.monthTables.length,
    });
    return record;
  }

  /** Each school's retention settings: its current policy's, or, for a school taken off the deployment, its last version's. */
  private async settingsOf(schools: readonly SchoolRecord[]): Promise<Map<string, Retention>> {
    // A policy stored before the retention section existed has none: parsing gives it the defaults.
    const settings = new Map(schools.map((school) => [school.id, Retention.parse((school.policy as { retention?: unknown }).retention)]));
    for (const schoolId of await this.deps.policies.versionedSchools()) {
      if (!settings.has(schoolId)) settings.set(schoolId, (await this.deps.policies.lastRetention(schoolId)) ?? RETENTION_DEFAULTS);
    }
    return settings;
  }

  /**
   * Each month's visits table, looked at only when something in it may have come due: a month whose earliest possible
   * removal is still ahead is skipped without a read, and after a look the month is left until its next due time,
   * unless a school's settings changed.
   */
  private async visits(now: Date, judge: (schoolId: string) => Retention, every: readonly Retention[], removed: Removed, bySchool: BySchool): Promise<void> {
    const { visits, ledger } = this.deps;
    const shortest = shortestOf(every.flatMap((r) => [r.visits, r.alerts]));
    const settings = JSON.stringify(every);
    const thisMonth = now.toISOString().slice(0, 7).replace("-", "");
    for (const month of await visits.months()) {
      const monthStart = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(4)) - 1, 1));
      if (addPeriod(monthStart, shortest) > now) continue;
      const progress = await ledger.monthProgress(month);
      if (progress && progress.settings === settings && Date.parse(progress.nextCheckAt) > now.getTime()) continue;

      const contents = await visits.month(month);
      const due = contents.visits.filter((held) => visitKeptUntil(held.visit, judge(held.visit.schoolId)) <= now);
      // Never this month's table: a new visit may be written to it at any moment.
      if (due.length === contents.visits.length && month < thisMonth) {
        await visits.dropMonth(month, contents);
        for (const held of due) count(held, removed, bySchool);
        removed.monthTables.push(month);
        await ledger.forgetMonth(month);
        continue;
      }
      for (const held of due) if (await visits.remove(held)) count(held, removed, bySchool);
      for (const visitId of contents.orphans) await visits.removeOrphan(month, visitId);

      // Nothing added to the month from now on can fall due sooner than the shortest period.
      let next = addPeriod(now, shortest);
      for (const { visit, notifications } of contents.visits.filter((held) => !due.includes(held))) {
        const retention = judge(visit.schoolId);
        const keptUntil = visitKeptUntil(visit, retention);
        if (keptUntil < next) next = keptUntil;
        if (notifications === 0) continue;
        const notificationsUntil = notificationsKeptUntil(visit, retention);
        if (notificationsUntil <= now) {
          const gone = await visits.removeNotifications(visit);
          removed.notifications += gone;
          schoolCounts(bySchool, visit.schoolId).notifications += gone;
        } else if (notificationsUntil < next) next = notificationsUntil;
      }
      await ledger.saveMonthProgress(month, { nextCheckAt: next.toISOString(), settings });
    }
  }

  /**
   * A member of staff's row (who Teams says they are, and their R06 record) and its history are kept while they hold a
   * role at the school, and for the staff records period after they were last seen in Teams or their record changed.
   */
  private async staffRecords(now: Date, schools: readonly SchoolRecord[], judge: (schoolId: string) => Retention, removed: Removed, bySchool: BySchool): Promise<void> {
    const { staff } = this.deps;
    const holders = new Set(schools.flatMap((school) => school.policy.people.map((person) => `${school.id}|${person.aadObjectId.toLowerCase()}`)));
    for (const { schoolId, member } of await staff.everyone()) {
      if (holders.has(`${schoolId}|${member.aadObjectId.toLowerCase()}`)) continue;
      const period = judge(schoolId).staffRecords;
      if (member.lastSeenAt && addPeriod(new Date(member.lastSeenAt), period) > now) continue;
      const lastChange = (await staff.history(schoolId, member.aadObjectId)).at(-1)?.at;
      if (lastChange && addPeriod(new Date(lastChange), period) > now) continue;
      await staff.remove(schoolId, member.aadObjectId);
      removed.staffRecords++;
      schoolCounts(bySchool, schoolId).staffRecords++;
    }
  }

  /**
   * Conversation references are how the bot reaches people and channels. One serves every school its person or team
   * belongs to, so it is kept while anyone may need it (a role holder's chat, a school's team's channels) and goes
   * after the longest of the schools' periods once nobody does.
   */
  private async conversationReferences(now: Date, schools: readonly SchoolRecord[], every: readonly Retention[], removed: Removed): Promise<void> {
    const { conversations } = this.deps;
    const period = longestOf(every.map((r) => r.conversationReferences));
    const holders = new Set(schools.flatMap((school) => school.policy.people.map((person) => person.aadObjectId.toLowerCase())));
    const teams = new Set(schools.map((school) => school.teamId));
    const stale = (savedAt: string) => addPeriod(new Date(savedAt), period) <= now;
    for (const kind of ["personal", "channel", "groupChat"] as const) {
      for (const conversation of await conversations.list(kind)) {
        const needed = kind === "personal" ? holders.has(conversation.key.toLowerCase()) : kind === "channel" && conversation.teamId !== undefined && teams.has(conversation.teamId);
        if (needed || !stale(conversation.savedAt)) continue;
        await conversations.remove(kind, conversation.key);
        removed.conversationReferences++;
      }
    }
  }

  /**
   * The policy versions of a school taken off the deployment: kept, as the record of its rules, until the longest of
   * its periods has passed since the job first found it gone (its visits and staff records have gone by then).
   */
  private async goneSchools(now: Date, schools: readonly SchoolRecord[], judge: (schoolId: string) => Retention): Promise<number> {
    const { policies, ledger } = this.deps;
    const running = new Set(schools.map((school) => school.id));
    let removed = 0;
    for (const schoolId of await policies.versionedSchools()) {
      if (running.has(schoolId)) continue;
      const since = await ledger.schoolGoneSince(schoolId);
      if (!since) {
        await ledger.markSchoolGone(schoolId, now.toISOString());
        continue;
      }
      if (addPeriod(new Date(since), longestOf(periodsOf(judge(schoolId)))) > now) continue;
      removed += await policies.removeVersions(schoolId);
      await ledger.forgetSchoolGone(schoolId);
    }
    return removed;
  }
}

const periodsOf = (retention: Retention): string[] => [retention.visits, retention.safeguardingVisits, retention.alerts, retention.staffRecords, retention.conversationReferences];

function schoolCounts(bySchool: BySchool, schoolId: string): BySchool[string] {
  bySchool[schoolId] ??= { visits: 0, safeguardingVisits: 0, notifications: 0, staffRecords: 0 };
  return bySchool[schoolId];
}

function count({ visit }: HeldVisit, removed: Removed, bySchool: BySchool): void {
  const safeguarding = isSafeguardingVisit(visit);
  const school = schoolCounts(bySchool, visit.schoolId);
  removed.visits++;
  school.visits++;
  if (safeguarding) {
    removed.safeguardingVisits++;
    school.safeguardingVisits++;
  }
}
