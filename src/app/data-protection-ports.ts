/**
 * The ports the data-protection use cases need (retention.service.ts, staff-data.service.ts): what the stores hold,
 * read whole, removed and pseudonymised. src/storage implements them; src/main.ts plugs them in.
 */
import type { Actor, Visit, VisitEvent } from "../domain/visit";
import type { Retention } from "../policy/retention";
import type { ConversationKind, StaffMember, StaffRecordChange, StoredConversation } from "./ports";

/** A visit as the retention job read it, with the ETag that guards its removal. */
export interface HeldVisit {
  visit: Visit;
  etag: string;
  /** How many notification rows (the outbox's copies) it still has. */
  notifications: number;
}

/** Everything in one month's visits table. */
export interface MonthOfVisits {
  visits: HeldVisit[];
  /** Visits whose snapshot is gone but some of whose rows remain: a removal that stopped half-way. */
  orphans: string[];
}

/** A visit on which a person appears, with its audit trail. */
export interface VisitWithEvents {
  visit: Visit;
  events: VisitEvent[];
}

/** The visits tables, month by month, and the indexes that point into them. */
export interface VisitArchive {
  /** Every month with a visits table, oldest first ("202611"). */
  months(): Promise<string[]>;
  month(month: string): Promise<MonthOfVisits>;
  /**
   * Removes a visit: its snapshot, if nobody changed it since it was read, then its index rows, audit events and
   * notifications. False when it changed meanwhile, and nothing was removed.
   */
  remove(held: HeldVisit): Promise<boolean>;
  /** Removes what is left of a visit whose snapshot is gone. */
  removeOrphan(month: string, visitId: string): Promise<void>;
  /** Removes a visit's notification rows (and their failing-index rows); resolves how many went. */
  removeNotifications(visit: Visit): Promise<number>;
  /** Removes the index rows of everything in the month, then the month's whole table. */
  dropMonth(month: string, contents: MonthOfVisits): Promise<void>;
  /** Every visit of the school on which this person appears anywhere (on it, deciding it, answering its alerts…). */
  mentioning(schoolId: string, personId: string): Promise<VisitWithEvents[]>;
  /** Replaces the person with the pseudonym on every row of every such visit, and in the day index; resolves how many visits. */
  pseudonymise(schoolId: string, personId: string, pseudonym: Actor): Promise<number>;
}

/** A member of staff's row at one school. */
export interface StaffEntry {
  schoolId: string;
  member: StaffMember;
}

/** The staff rows of every school, and the history of their records. */
export interface StaffArchive {
  everyone(): Promise<StaffEntry[]>;
  history(schoolId: string, aadObjectId: string): Promise<StaffRecordChange[]>;
  /** Removes the person's row and the history of their record; resolves how many rows went. */
  remove(schoolId: string, aadObjectId: string): Promise<number>;
  /** The changes this person made to other people's records: whose, and when. */
  changesBy(schoolId: string, aadObjectId: string): Promise<{ staffId: string; at: string }[]>;
  /** Puts the pseudonym's id where this person is recorded as having changed a record; resolves how many. */
  pseudonymiseChangesBy(schoolId: string, aadObjectId: string, pseudonymId: string): Promise<number>;
}

/** Teams conversation references, every kind. */
export interface ConversationArchive {
  list(kind: ConversationKind): Promise<StoredConversation[]>;
  get(kind: ConversationKind, key: string): Promise<StoredConversation | undefined>;
  remove(kind: ConversationKind, key: string): Promise<void>;
}

/** Policy versions, including those of schools no longer on the deployment. */
export interface PolicyArchive {
  /** The ids of every school that has policy versions stored. */
  versionedSchools(): Promise<string[]>;
  /** The retention settings of the school's latest stored version, if it has any. */
  lastRetention(schoolId: string): Promise<Retention | undefined>;
  removeVersions(schoolId: string): Promise<number>;
  /** Replaces the person with the pseudonym in every version and in the school's own row; resolves how many rows. */
  pseudonymise(schoolId: string, personId: string, names: readonly string[], pseudonym: Actor): Promise<number>;
}

/** What the daily retention run removed, by school and in all: counts and periods, never the content. */
export interface RetentionRecord {
  at: string;
  /** The UTC day the run was for. */
  day: string;
  /** The retention settings each school's data was judged by. */
  periods: Record<string, Retention>;
  removed: {
    visits: number;
    safeguardingVisits: number;
    notifications: number;
    staffRecords: number;
    conversationReferences: number;
    policyVersions: number;
    records: number;
    /** Whole months' visits tables dropped ("202011"). */
    monthTables: string[];
  };
  /** Per school: the visits (and of them, safeguarding ones), notifications and staff records removed. */
  bySchool: Record<string, { visits: number; safeguardingVisits: number; notifications: number; staffRecords: number }>;
  /** Schools whose policy keeps log lines for less time than the deployment's log workspace does. */
  logsKeptTooLong: string[];
}

/** An erasure of a member of staff who left, as recorded: who did it, when, the pseudonym, what went. Never the person. */
export interface ErasureRecord {
  schoolId: string;
  at: string;
  by: string;
  pseudonym: string;
  removed: { staffRows: number; conversationReferences: number; roles: number };
  pseudonymised: { visits: number; policyRows: number; staffRecordChanges: number };
}

/** An erasure under way: the person's id is kept only until it has finished, so a second try reuses its pseudonym. */
export interface PendingErasure {
  schoolId: string;
  personId: string;
  pseudonym: Actor;
}

/** A run of the daily job claimed by this instance until `leaseUntil`. */
export interface RunClaim {
  day: string;
  etag: string;
}

/** How far the retention job got with a month: when it next needs to look, and under which settings it judged. */
export interface MonthProgress {
  nextCheckAt: string;
  settings: string;
}

/** The data-protection jobs' own table: the daily run's claim, its progress, and the records of what was removed. */
export interface DataProtectionLedger {
  /** Takes the day's run: undefined when it was done already or another instance holds it. */
  claimRun(day: string, now: Date, leaseUntil: Date): Promise<RunClaim | undefined>;
  completeRun(claim: RunClaim): Promise<void>;
  monthProgress(month: string): Promise<MonthProgress | undefined>;
  saveMonthProgress(month: string, progress: MonthProgress): Promise<void>;
  forgetMonth(month: string): Promise<void>;
  /** When the job first found the school gone from the deployment, if it has. */
  schoolGoneSince(schoolId: string): Promise<string | undefined>;
  markSchoolGone(schoolId: string, at: string): Promise<void>;
  forgetSchoolGone(schoolId: string): Promise<void>;
  recordRun(record: RetentionRecord): Promise<void>;
  /** The erasure of this person at this school under way, or a new one with this pseudonym. */
  startErasure(pending: PendingErasure): Promise<PendingErasure>;
  finishErasure(pending: PendingErasure, record: ErasureRecord): Promise<void>;
  erasures(schoolId: string): Promise<ErasureRecord[]>;
  /** Removes run and erasure records made before this instant; resolves how many went. */
  removeRecordsBefore(instant: string): Promise<number>;
}
