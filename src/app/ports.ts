/**
 * The ports the use cases need, named by role. src/storage and src/teams implement them;
 * src/main.ts plugs them in.
 */
import type { Visit, VisitEvent } from "../domain/visit";

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

export type SaveOutcome = { ok: true; etag: string } | { ok: false; reason: "conflict" };

export interface VisitStore {
  load(visitId: string): Promise<StoredVisit | undefined>;
  /** The visit's audit trail (R30), oldest first. */
  events(visitId: string): Promise<VisitEvent[]>;
  /**
   * Writes the new snapshot and its events in one atomic step. `before` is undefined for a new visit.
   * Resolves `conflict` when another writer got there first; throws when storage cannot be reached.
   */
  save(before: StoredVisit | undefined, after: Visit, events: readonly VisitEvent[]): Promise<SaveOutcome>;
  /** A school's visits on one London calendar day, earliest first. */
  listForDay(schoolId: string, date: string): Promise<Visit[]>;
}

/** A member of staff as Teams knows them, captured when they talk to the bot or install it. */
export interface StaffMember {
  aadObjectId: string;
  name: string;
  /** The Teams user id (29:…) proactive messages are addressed to. */
  teamsUserId: string;
  lastSeenAt: string;
}

export interface StaffDirectory {
  upsert(member: StaffMember): Promise<void>;
  get(aadObjectId: string): Promise<StaffMember | undefined>;
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
