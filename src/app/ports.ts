/**
 * The ports the use cases need, named by role. src/storage and src/teams implement them;
 * src/main.ts plugs them in.
 */
import type { Actor, Visit, VisitEvent } from "../domain/visit";
import type { PolicyDraft } from "../policy/policy.schema";
import type { StaffRecord } from "../domain/staff-prerequisites";
import type { OutboxItem, Post } from "./notifications";

export interface Clock {
  now(): Date;
}

/** Structured log lines. Fields at info level carry ids and types only, never personal data. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface StoredVisit {
  visit: Visit;
  /** The snapshot's ETag: a save succeeds only if nobody changed the visit since this load. */
  etag: string;
}

/** `queued`: the outbox items the save wrote, with their ETags. */
export type SaveOutcome = { ok: true; etag: string; queued: StoredOutboxItem[] } | { ok: false; reason: "conflict" };

/**
 * `signal`, where a call takes one: whoever waits has given up once it aborts (a person's tap past its deadline),
 * so the call sends no more tries and rejects. A try already sent may still be carried out.
 */
export interface VisitStore {
  load(visitId: string, signal?: AbortSignal): Promise<StoredVisit | undefined>;
  /** The visit's audit trail (R30), oldest first. */
  events(visitId: string): Promise<VisitEvent[]>;
  /**
   * Writes the new snapshot, its events and the notifications they cause in one atomic step, so an
   * escalation is never recorded without its alert queued, nor queued without being recorded. `before` is
   * undefined for a new visit. Resolves `conflict` when another writer got there first; throws when storage
   * cannot be reached.
   */
  save(before: StoredVisit | undefined, after: Visit, events: readonly VisitEvent[], outbox?: readonly OutboxItem[], signal?: AbortSignal): Promise<SaveOutcome>;
  /** A school's visits on one London calendar day, or on each day from `date` to `to` inclusive, earliest first. */
  listForDay(schoolId: string, date: string, to?: string): Promise<Visit[]>;
  /** The visits on one London calendar day that this member of staff is on, earliest first. */
  listForVisitor(schoolId: string, date: string, visitorId: string): Promise<Visit[]>;
}

/** An outbox item as stored, with the ETag that guards its next update. */
export interface StoredOutboxItem {
  item: OutboxItem;
  etag: string;
}

/**
 * The notifications of a visit, kept in the visit's own partition until the Bot Connector has accepted them,
 * and afterwards as the record of where each card was posted (so it can be updated in place).
 */
export interface Outbox {
  /** Items not yet delivered, oldest first. */
  pending(visitId: string): Promise<StoredOutboxItem[]>;
  /** Replaces an item if nobody changed it since it was read; false when someone did. */
  update(stored: StoredOutboxItem, item: OutboxItem): Promise<StoredOutboxItem | undefined>;
  /** Where the cards about one alert were posted. */
  posts(visitId: string, alertId: string): Promise<Post[]>;
  /** A school's items that keep failing, across its visits, newest first: for the office's dashboard. */
  failing(schoolId: string, limit: number): Promise<OutboxItem[]>;
}

/** One entry in the due index: "look at this visit at this time". */
export interface DueEntry {
  visitId: string;
  at: string;
  /** Claimed by a sweeper until then; others leave it alone. */
  leaseUntil?: string;
  /** See ScheduleOptions. */
  deadlineOnly?: true;
  etag: string;
}

export interface ScheduleOptions {
  /** As for VisitStore. */
  signal?: AbortSignal;
  /**
   * The entry is for a deadline only: no notification already queued waits for it (each such one has an entry of its
   * own), so its wake need not read the visit's earlier notifications unless the entry was claimed before (a wake
   * that stopped half way). An entry at the same time for the notifications is kept beside it, not replaced.
   */
  deadlineOnly?: boolean;
}

/** What one read of the due index found. */
export interface DueBatch {
  /** Entries due by now that this instance may take, oldest first. */
  entries: DueEntry[];
  /** Where the read stopped at its limit with more due: sweep again at once. */
  more: boolean;
  /** The earliest of this instance's entries that falls due within the look-ahead, if any: when to sweep next. */
  upcoming?: string;
}

/**
 * The due index: what the sweeper must look at, read by time, so a sweep costs what falls due and not what
 * was ever stored. An entry may be early (the sweeper then finds nothing to do and moves it on); it is never
 * later than the visit's next deadline.
 */
export interface DueIndex {
  schedule(visitId: string, at: string, options?: ScheduleOptions): Promise<void>;
  /**
   * Entries due by `now` whose lease (if any) has run out, oldest first, up to `limit`; and the first one due
   * within `lookaheadMs` after now.
   */
  due(now: Date, limit: number, lookaheadMs?: number): Promise<DueBatch>;
  /** Takes these entries until `leaseUntil`; resolves those taken (another sweeper may have taken or finished some first). */
  claimAll(entries: readonly DueEntry[], leaseUntil: Date): Promise<DueEntry[]>;
  /**
   * Hands back claimed entries whose visits were not woken (their sweep ran out of time): as if never claimed, so the
   * next sweep, anyone's, takes them at once and knows that no wake of them began.
   */
  releaseAll(entries: readonly DueEntry[]): Promise<void>;
  /** Removes claimed entries once their visits have been handled (any that changed meanwhile stay). */
  completeAll(entries: readonly DueEntry[]): Promise<void>;
}

/**
 * A member of staff as Teams knows them (captured when they talk to the bot or install it), with the record
 * the school keeps for home visits (R06), maintained by a school admin.
 */
/** Who Teams says a member of staff is, as last seen. */
export interface TeamsMember {
  aadObjectId: string;
  name: string;
  /** The Teams user id (29:…) proactive messages are addressed to. */
  teamsUserId: string;
  lastSeenAt: string;
}

export interface StaffMember extends TeamsMember, StaffRecord {}

/** Who changed a staff record and when, with the record as it was saved. */
export interface StaffRecordChange {
  by: string;
  at: string;
  record?: StaffRecord;
}

/**
 * The staff of each school: who Teams says they are (from the staff team's roster, and when they talk to the bot)
 * and the record the school keeps for home visits (R06). A person on the staff of two schools has a row in each.
 */
export interface StaffDirectory {
  /** Records who Teams says these people are, at this school; their staff records are left as they are. */
  upsert(schoolId: string, members: readonly TeamsMember[]): Promise<void>;
  /**
   * Replaces the person's record (R06) with `record` as a whole, so a field left out is cleared (a vehicle
   * sold, a mobile withdrawn), and keeps name, teamsUserId and lastSeenAt. Someone Teams has never seen gets a
   * row with those three as empty strings: `get` and `list` return them, but they cannot be messaged until
   * Teams has seen them (teamsUserId "" addresses nobody).
   */
  saveRecord(schoolId: string, aadObjectId: string, record: StaffRecord, change: StaffRecordChange): Promise<void>;
  /** Every change to a person's record, oldest first: the append-only audit trail of R06 maintenance. */
  history(schoolId: string, aadObjectId: string): Promise<StaffRecordChange[]>;
  get(schoolId: string, aadObjectId: string): Promise<StaffMember | undefined>;
  /** The ones of these people on file at this school, in no particular order: one request for up to a dozen. */
  getMany(schoolId: string, aadObjectIds: readonly string[]): Promise<StaffMember[]>;
  /** The school's staff on file, whether seen in Teams or only given a record, ordered by Entra object id. */
  list(schoolId: string): Promise<StaffMember[]>;
}

export type ConversationKind = "personal" | "channel" | "groupChat";

/**
 * A stored Bot Framework conversation reference, kept opaque here so only src/teams knows its shape.
 * Personal chats are keyed by the member's Entra object id; channels and group chats by conversation id.
 */
export interface StoredConversation {
  kind: ConversationKind;
  key: string;
  teamId?: string;
  name?: string;
  reference: Record<string, unknown>;
  savedAt: string;
}

export interface ConversationStore {
  save(conversation: StoredConversation): Promise<void>;
  get(kind: ConversationKind, key: string): Promise<StoredConversation | undefined>;
  list(kind: ConversationKind): Promise<StoredConversation[]>;
  remove(kind: ConversationKind, key: string): Promise<void>;
  /** Forgets every channel of a team when the app is removed from it. */
  removeTeam(teamId: string): Promise<void>;
}

/** Where a school stands: being set up (some role its policy names is not held yet), or running. */
export type SchoolState = "setting-up" | "active";

/**
 * A school as stored: created by setup in its staff team, its policy kept in versions. `policy` is the current
 * version (a draft while the school is being set up); its `school.id` and `school.name` are the school's own.
 */
export interface SchoolRecord {
  id: string;
  name: string;
  /** The staff team the school was set up in: its roster is the school's staff. */
  teamId: string;
  state: SchoolState;
  version: number;
  policy: PolicyDraft;
  createdAt: string;
  createdBy: Actor;
  /** Guards the next change: two admins saving at once cannot both win. */
  etag: string;
}

/** Who changed a school's policy, when, and what they changed, in words. */
export interface PolicyChange {
  by: Actor;
  at: string;
  change: string;
}

/** One version of a school's policy, as it was saved: the audit trail of every change. */
export interface PolicyVersion extends PolicyChange {
  schoolId: string;
  version: number;
  policy: PolicyDraft;
}

export type SchoolSaveOutcome = { ok: true; school: SchoolRecord } | { ok: false; reason: "conflict" | "team-taken" | "id-taken" };

/** The schools of this deployment, their policy versions, and which team each was set up in. */
export interface SchoolStore {
  /** Every school with its current policy, in one read. */
  list(): Promise<SchoolRecord[]>;
  get(schoolId: string): Promise<SchoolRecord | undefined>;
  /** A version of a school's policy; versions never change once saved. */
  version(schoolId: string, version: number): Promise<PolicyVersion | undefined>;
  /** Every version of a school's policy, oldest first. */
  history(schoolId: string): Promise<PolicyVersion[]>;
  /** A new school at version 1, claiming its team: refused if the team or the id already has a school. */
  create(school: Omit<SchoolRecord, "etag" | "version">, change: PolicyChange): Promise<SchoolSaveOutcome>;
  /** The next version, if nobody changed the school since `before` was read. */
  update(before: SchoolRecord, after: Pick<SchoolRecord, "name" | "state" | "policy">, change: PolicyChange): Promise<SchoolSaveOutcome>;
  /** Takes a school off the deployment (its team is free again); its versions stay as the audit trail. */
  remove(before: SchoolRecord): Promise<SchoolSaveOutcome>;
}
