/**
 * In-memory fakes of the app's ports, for unit tests of the use-case logic only. Each keeps the contract the
 * Table Storage adapter keeps (ETag-guarded writes, atomic save with the outbox, due entries keyed by time and
 * visit), and lets a test slip another instance in between a read and a write, or make storage fail. The real
 * adapters are tested against Azurite in test/storage.
 */
import type { Notification, OutboxItem, Post } from "../../../src/app/notifications";
import type { Sender, SendResult } from "../../../src/app/outbox.dispatcher";
import type {
  Clock,
  DueEntry,
  DueBatch,
  DueIndex,
  ScheduleOptions,
  Outbox,
  SaveOutcome,
  StaffDirectory,
  StaffMember,
  TeamsMember,
  StaffRecordChange,
  StoredOutboxItem,
  StoredVisit,
  VisitStore,
} from "../../../src/app/ports";
import type { StaffRecord } from "../../../src/domain/staff-prerequisites";
import { londonDate } from "../../../src/domain/london-time";
import { type Visit, type VisitEvent, visitorsOf } from "../../../src/domain/visit";

export class FixedClock implements Clock {
  current: Date;
  constructor(at: Date | string) {
    this.current = new Date(at);
  }
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

const clone = <T>(value: T): T => structuredClone(value);

/** The notification's alert, for the items that have one. */
const alertOf = (notification: Notification): string | undefined => ("alertId" in notification ? notification.alertId : undefined);

/** An Outbox with ETag semantics: `update` succeeds only with the ETag last read. */
export class MemoryOutbox implements Outbox {
  private readonly rows = new Map<string, StoredOutboxItem>();
  private etags = 0;
  /** Runs once, after `pending` has read the items and before the caller sees them: another instance acting in between. */
  private racer: (() => Promise<void>) | undefined;
  failPending: Error | undefined;
  failUpdate: Error | undefined;

  /** Items as a successful save writes them (VisitStore.save calls this). */
  add(items: readonly OutboxItem[]): StoredOutboxItem[] {
    return items.map((item) => {
      const key = `${item.visitId}|${item.id}`;
      if (this.rows.has(key)) throw new Error(`outbox item ${key} already exists`);
      const stored = { item: clone(item), etag: this.nextEtag() };
      this.rows.set(key, stored);
      return clone(stored);
    });
  }

  /** Every item of a visit (or of every visit), in id order, as stored now. */
  items(visitId?: string): OutboxItem[] {
    return [...this.rows.values()]
      .filter((row) => visitId === undefined || row.item.visitId === visitId)
      .map((row) => clone(row.item))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  stored(visitId: string, id: string): StoredOutboxItem | undefined {
    const row = this.rows.get(`${visitId}|${id}`);
    return row && clone(row);
  }

  afterNextRead(racer: () => Promise<void>): void {
    this.racer = racer;
  }

  async pending(visitId: string): Promise<StoredOutboxItem[]> {
    if (this.failPending) throw this.failPending;
    const pending = [...this.rows.values()]
      .filter((row) => row.item.visitId === visitId && row.item.status === "pending")
      .map(clone)
      .sort((a, b) => a.item.id.localeCompare(b.item.id));
    const racer = this.racer;
    this.racer = undefined;
    if (racer) await racer();
    return pending;
  }

  async update(stored: StoredOutboxItem, item: OutboxItem): Promise<StoredOutboxItem | undefined> {
    if (this.failUpdate) throw this.failUpdate;
    const key = `${stored.item.visitId}|${stored.item.id}`;
    const row = this.rows.get(key);
    if (!row || row.etag !== stored.etag) return undefined;
    const next = { item: clone(item), etag: this.nextEtag() };
    this.rows.set(key, next);
    return clone(next);
  }

  async posts(visitId: string, alertId: string): Promise<Post[]> {
    return this.items(visitId)
      .filter((item) => item.status === "delivered" && alertOf(item.notification) === alertId)
      .flatMap((item) => item.posts ?? []);
  }

  async failing(schoolId: string, limit: number): Promise<OutboxItem[]> {
    return this.items()
      .filter((item) => item.schoolId === schoolId && item.status === "pending" && item.failing)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
  }

  private nextEtag(): string {
    return `W/"outbox-${++this.etags}"`;
  }
}

export interface SaveCall {
  before: StoredVisit | undefined;
  after: Visit;
  events: VisitEvent[];
  outbox: OutboxItem[];
}

/**
 * A VisitStore whose save succeeds only if the snapshot's ETag is the one loaded (a new visit only if nobody
 * created it first), and writes the snapshot, its events and its outbox items together or not at all.
 */
export class MemoryVisitStore implements VisitStore {
  private readonly rows = new Map<string, { visit: Visit; etag: string; events: VisitEvent[] }>();
  private etags = 0;
  private interloper: (() => Promise<void>) | undefined;
  loads = 0;
  /** Every save attempt, successful or not. */
  readonly saves: SaveCall[] = [];
  /** Loads and saves in the order they were called. */
  readonly calls: ("load" | "save")[] = [];
  /** While set, a load is answered only when the promise resolves (storage slow to answer reads). */
  holdLoads: Promise<void> | undefined;
  failLoad: Error | undefined;
  failSave: Error | undefined;
  alwaysConflict = false;

  constructor(private readonly outbox: MemoryOutbox) {}

  /** Runs `write` once, just before the next save is checked, as another instance writing first would. */
  beforeNextSave(write: () => Promise<void>): void {
    this.interloper = write;
  }

  resetCounts(): void {
    this.loads = 0;
    this.saves.length = 0;
    this.calls.length = 0;
  }

  async load(visitId: string): Promise<StoredVisit | undefined> {
    this.loads++;
    this.calls.push("load");
    if (this.holdLoads) await this.holdLoads;
    if (this.failLoad) throw this.failLoad;
    const row = this.rows.get(visitId);
    return row ? { visit: clone(row.visit), etag: row.etag } : undefined;
  }

  async events(visitId: string): Promise<VisitEvent[]> {
    return clone(this.rows.get(visitId)?.events ?? []);
  }

  async save(before: StoredVisit | undefined, after: Visit, events: readonly VisitEvent[], outbox: readonly OutboxItem[] = []): Promise<SaveOutcome> {
    this.saves.push(clone({ before, after, events: [...events], outbox: [...outbox] }));
    this.calls.push("save");
    if (this.failSave) throw this.failSave;
    const interloper = this.interloper;
    this.interloper = undefined;
    if (interloper) await interloper();
    const row = this.rows.get(after.id);
    if (this.alwaysConflict || row?.etag !== before?.etag) return { ok: false, reason: "conflict" };
    const etag = `W/"visit-${++this.etags}"`;
    this.rows.set(after.id, { visit: clone(after), etag, events: [...(row?.events ?? []), ...clone(events)] });
    return { ok: true, etag, queued: this.outbox.add(outbox) };
  }

  async listForDay(schoolId: string, date: string, to = date): Promise<Visit[]> {
    const within = (day: string) => day >= date && day <= to;
    return [...this.rows.values()]
      .map((row) => clone(row.visit))
      .filter((visit) => visit.schoolId === schoolId && within(londonDate(new Date(visit.startsAt))))
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  }

  async listForVisitor(schoolId: string, date: string, visitorId: string): Promise<Visit[]> {
    return (await this.listForDay(schoolId, date)).filter((visit) => visitorsOf(visit).includes(visitorId));
  }

  snapshot(visitId: string): Visit | undefined {
    const row = this.rows.get(visitId);
    return row && clone(row.visit);
  }

  /** The last save attempt. */
  lastSave(): SaveCall {
    const last = this.saves.at(-1);
    if (!last) throw new Error("nothing was saved");
    return last;
  }
}

/**
 * A DueIndex keyed like the table one: one entry per (time, visit); scheduling the same pair again makes the
 * entry new (no lease, new ETag), so a sweeper holding the old one cannot complete it. Records every schedule
 * call with the clock's time, so tests can check nothing is scheduled in the past.
 */
export class MemoryDueIndex implements DueIndex {
  private readonly rows = new Map<string, DueEntry>();
  private etags = 0;
  private racer: ((entry: DueEntry) => Promise<void>) | undefined;
  readonly scheduled: { visitId: string; at: string; now: string }[] = [];
  readonly claimed: DueEntry[] = [];
  readonly completed: DueEntry[] = [];
  failSchedule: Error | undefined;
  failDue: Error | undefined;

  constructor(private readonly clock: Clock) {}

  /** Runs once, just before the next claim is checked: another sweeper claiming first. */
  beforeNextClaim(racer: (entry: DueEntry) => Promise<void>): void {
    this.racer = racer;
  }

  entries(visitId?: string): DueEntry[] {
    return [...this.rows.values()].filter((e) => visitId === undefined || e.visitId === visitId).map(clone).sort((a, b) => a.at.localeCompare(b.at));
  }

  /** Schedule calls whose time was before the clock's now when they were made. */
  inThePast(): { visitId: string; at: string; now: string }[] {
    return this.scheduled.filter((s) => s.at < s.now);
  }

  async schedule(visitId: string, at: string, options: ScheduleOptions = {}): Promise<void> {
    if (this.failSchedule) throw this.failSchedule;
    this.scheduled.push({ visitId, at, now: this.clock.now().toISOString() });
    const entry: DueEntry = { visitId, at, ...(options.deadlineOnly ? { deadlineOnly: true as const } : {}), etag: this.nextEtag() };
    this.rows.set(keyOf(entry), entry);
  }

  async due(now: Date, limit: number, lookaheadMs = 0): Promise<DueBatch> {
    if (this.failDue) throw this.failDue;
    const instant = now.toISOString();
    const until = new Date(now.getTime() + lookaheadMs).toISOString();
    const free = this.entries().filter((e) => e.at <= until && (e.leaseUntil === undefined || e.leaseUntil <= instant));
    const entries = free.filter((e) => e.at <= instant);
    const upcoming = free.find((e) => e.at > instant)?.at;
    return { entries: entries.slice(0, limit), more: entries.length > limit, ...(upcoming ? { upcoming } : {}) };
  }

  async claimAll(entries: readonly DueEntry[], leaseUntil: Date): Promise<DueEntry[]> {
    const claimed: DueEntry[] = [];
    for (const entry of entries) {
      const one = await this.claim(entry, leaseUntil);
      if (one) claimed.push(one);
    }
    return claimed;
  }

  async releaseAll(entries: readonly DueEntry[]): Promise<void> {
    for (const entry of entries) {
      const row = this.rows.get(keyOf(entry));
      if (row?.etag !== entry.etag) continue;
      const { leaseUntil: _released, ...free } = row;
      this.rows.set(keyOf(entry), { ...free, etag: this.nextEtag() });
    }
  }

  async completeAll(entries: readonly DueEntry[]): Promise<void> {
    for (const entry of entries) await this.complete(entry);
  }

  async claim(entry: DueEntry, leaseUntil: Date): Promise<DueEntry | undefined> {
    const racer = this.racer;
    this.racer = undefined;
    if (racer) await racer(entry);
    const key = keyOf(entry);
    const row = this.rows.get(key);
    if (!row || row.etag !== entry.etag) return undefined;
    const claimed = { ...row, leaseUntil: leaseUntil.toISOString(), etag: this.nextEtag() };
    this.rows.set(key, claimed);
    this.claimed.push(clone(claimed));
    return clone(claimed);
  }

  async complete(entry: DueEntry): Promise<void> {
    const key = keyOf(entry);
    if (this.rows.get(key)?.etag === entry.etag) {
      this.rows.delete(key);
      this.completed.push(clone(entry));
    }
  }

  private nextEtag(): string {
    return `W/"due-${++this.etags}"`;
  }
}

/** A deadline's entry and one for notifications at the same time are two entries, as in TableDueIndex. */
const keyOf = (entry: Pick<DueEntry, "at" | "visitId" | "deadlineOnly">) => `${entry.at}|${entry.visitId}|${entry.deadlineOnly ? "deadline" : "any"}`;

export interface SendCall {
  visit: Visit;
  notification: Notification;
  earlierPosts: Post[];
}

type Scripted = SendResult | Error | ((call: SendCall) => SendResult | Promise<SendResult>);

/**
 * A Sender that answers from a script, one entry per send (then "delivered" once the script runs out), and
 * records what it was asked to send. A delivered card lands in the person's chat or the channel; an update
 * of an alert's cards posts nothing new, as the Teams sender does.
 */
export class ScriptedSender implements Sender {
  readonly calls: SendCall[] = [];
  private readonly script: Scripted[] = [];
  private forever: Scripted | undefined;
  private activities = 0;

  then(...answers: Scripted[]): this {
    this.script.push(...answers);
    return this;
  }

  /** Answers every send from now on with `answer`, until `reset`. */
  always(answer: Scripted): this {
    this.forever = answer;
    return this;
  }

  reset(): void {
    this.script.length = 0;
    this.forever = undefined;
    this.calls.length = 0;
  }

  async send(visit: Visit, notification: Notification, earlierPosts: readonly Post[]): Promise<SendResult> {
    const call = clone({ visit, notification, earlierPosts: [...earlierPosts] });
    this.calls.push(call);
    const answer = this.script.shift() ?? this.forever;
    if (answer instanceof Error) throw answer;
    if (typeof answer === "function") return answer(call);
    if (answer) return answer;
    return { ok: true, posts: this.postsFor(notification) };
  }

  private postsFor(notification: Notification): Post[] {
    if (notification.kind === "alert-changed") return [];
    const activityId = `activity-${++this.activities}`;
    const to = notification.to;
    return "person" in to ? [{ conversation: { kind: "personal", key: to.person }, activityId }] : [{ conversation: { kind: "channel", key: "safeguarding" }, activityId }];
  }
}

/** Whom a notification is for, for short assertions: a person's id, "#safeguarding", or "(cards of A1)". */
export function recipientOf(notification: Notification): string {
  if (notification.kind === "alert-changed") return `(cards of ${notification.alertId})`;
  return "person" in notification.to ? notification.to.person : `#${notification.to.channel}`;
}

/** Staff records in memory, as the table store keeps them: per school, Teams fields and the R06 record side by side. */
export class MemoryStaffDirectory implements StaffDirectory {
  /** Keyed "<school id>|<Entra object id>". */
  readonly members = new Map<string, StaffMember>();
  readonly changes = new Map<string, StaffRecordChange[]>();

  async upsert(schoolId: string, members: readonly TeamsMember[]): Promise<void> {
    for (const member of members) this.members.set(`${schoolId}|${member.aadObjectId}`, { ...this.members.get(`${schoolId}|${member.aadObjectId}`), ...member });
  }

  async get(schoolId: string, aadObjectId: string): Promise<StaffMember | undefined> {
    return this.members.get(`${schoolId}|${aadObjectId}`);
  }

  async getMany(schoolId: string, aadObjectIds: readonly string[]): Promise<StaffMember[]> {
    return [...new Set(aadObjectIds)].flatMap((id) => this.members.get(`${schoolId}|${id}`) ?? []);
  }

  async saveRecord(schoolId: string, aadObjectId: string, record: StaffRecord, change: StaffRecordChange = { by: "test", at: "" }): Promise<void> {
    const key = `${schoolId}|${aadObjectId}`;
    this.changes.set(key, [...(this.changes.get(key) ?? []), { ...change, record }]);
    const seen = this.members.get(key) ?? { aadObjectId, name: "", teamsUserId: "", lastSeenAt: "" };
    this.members.set(key, { aadObjectId, name: seen.name, teamsUserId: seen.teamsUserId, lastSeenAt: seen.lastSeenAt, ...record });
  }

  async history(schoolId: string, aadObjectId: string): Promise<StaffRecordChange[]> {
    return this.changes.get(`${schoolId}|${aadObjectId}`) ?? [];
  }

  async list(schoolId: string): Promise<StaffMember[]> {
    return [...this.members].filter(([key]) => key.startsWith(`${schoolId}|`)).map(([, member]) => member);
  }
}
