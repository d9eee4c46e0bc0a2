/**
 * The ports the use cases need, named by role. src/storage and src/teams implement them;
 * src/main.ts plugs them in.
 */
import type { Visit, VisitEvent } from "../domain/visit";
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

export interface VisitStore {
  load(visitId: string): Promise<StoredVisit | undefined>;
  /** The visit's audit trail (R30), oldest first. */
  events(visitId: string): Promise<VisitEvent[]>;
  /**
   * Writes the new snapshot, its events and the notifications they cause in one atomic step, so an
   * escalation is never recorded without its alert queued, nor queued without being recorded. `before` is
   * undefined for a new visit. Resolves `conflict` when another writer got there first; throws when storage
   * cannot be reached.
   */
  save(before: StoredVisit | undefined, after: Visit, events: readonly VisitEvent[], outbox?: readonly OutboxItem[]): Promise<SaveOutcome>;
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
  /** Items that keep failing, across visits, newest first: for the office's dashboard. */
  failing(limit: number): Promise<OutboxItem[]>;
}

/** One entry in the due index: "look at this visit at this time". */
export interface DueEntry {
  visitId: string;
  at: string;
  /** Claimed by a sweeper until then; others leave it alone. */
  leaseUntil?: string;
  etag: string;
}

/**
 * The due index: what the sweeper must look at, read by time, so a sweep costs what falls due and not what
 * was ever stored. An entry may be early (the sweeper then finds nothing to do and moves it on); it is never
 * later than the visit's next deadline.
 */
export interface DueIndex {
  schedule(visitId: string, at: string): Promise<void>;
  /** Entries due by `now` whose lease (if any) has run out, oldest first. */
  due(now: Date, limit: number): Promise<DueEntry[]>;
  /** Takes an entry until `leaseUntil`; undefined when another sweeper took or finished it first. */
  claim(entry: DueEntry, leaseUntil: Date): Promise<DueEntry | undefined>;
  /** Removes a claimed entry once its visit has been handled (a no-op if it changed meanwhile). */
  complete(entry: DueEntry): Promise<void>;
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

export interface StaffDirectory {
  /** Records who Teams says this person is; their staff record is left as it is. */
  upsert(member: TeamsMember): Promise<void>;
  /**
   * Replaces the person's record (R06) with `record` as a whole, so a field left out is cleared (a vehicle
   * sold, a mobile withdrawn), and keeps name, teamsUserId and lastSeenAt. Someone Teams has never seen gets a
   * row with those three as empty strings: `get` and `list` return them, but they cannot be messaged until
   * Teams has seen them (teamsUserId "" addresses nobody).
   */
  saveRecord(aadObjectId: string, record: StaffRecord, change: StaffRecordChange): Promise<void>;
  /** Every change to a person's record, oldest first: the append-only audit trail of R06 maintenance. */
  history(aadObjectId: string): Promise<StaffRecordChange[]>;
  get(aadObjectId: string): Promise<StaffMember | undefined>;
  /** Everyone on file, whether seen in Teams or only given a record, ordered by Entra object id. */
  list(): Promise<StaffMember[]>;
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
