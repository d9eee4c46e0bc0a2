/**
 * Part 2's fixtures (see escalation.bench.ts): the bench's policy, its "today", and the history of past visits,
 * which a process of its own writes (history.process.ts), as another writer would: the app's process, whose CPU the
 * bench measures, holds none of the hundreds of megabytes seeding goes through.
 */
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { TableClient, TransactionAction } from "@azure/data-tables";
import { outboxFor, type OutboxItem } from "../../src/app/notifications";
import { createdAtOfVisitId, visitIdAt } from "../../src/domain/visit-id";
import type { Actor, Visit, VisitEvent } from "../../src/domain/visit";
import { decide, type VisitCommand } from "../../src/domain/visit.decide";
import { evolve } from "../../src/domain/visit.evolve";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { transactionBatches } from "../../src/storage/row-removal";
import { openTables, type Tables } from "../../src/storage/tables";
import type { MonthlyTables } from "../../src/storage/monthly-tables";
import { monthOfDayKey, TableVisitStore } from "../../src/storage/visit.table-store";
import { pairDetails } from "../../test/domain/visit.builders";
import { actor, testPolicy } from "../../test/support/policy-fixture";
import { eachLimited, progress } from "../stats";

/** "Today" in part 2: a Tuesday in term, 09:00 in London. The clock only moves when the benchmark moves it. */
export const SWEEP_DAY_START = Date.parse("2026-11-24T09:00:00Z");

/**
 * The test profile with timers short enough to run in seconds: a periodic "I'm safe" every minute, no grace,
 * and the ladder's first step at once to the office. The later step never fires within a run. No staff record
 * blocks an approval: the fictional staff here have no records, and approvals are setup, not what is measured.
 */
export function benchPolicy(): PolicyProfile {
  return testPolicy((p) => {
    p.checkIns.periodicEvery = "PT60S";
    p.escalation.grace = "PT0S";
    p.escalation.steps = [
      { after: "PT0S", targets: ["office"] },
      { after: "PT15M", targets: ["headteacher", "dsl-channel"] },
    ];
    p.staffPrerequisites.blocking = [];
  });
}

/** Seeding keeps this many entity-group transactions in flight. */
const SEED_CONCURRENCY = 8;
/** The visitsbyday rows' transactions (100 rows each) in flight at once. */
const DAY_ROW_SEED_CONCURRENCY = 4;
/** Past visits per school day in the seeded history, on weekdays going back from the sweep part's "today". */
export const PAST_VISITS_PER_DAY = 200;

/**
 * A finished visit of the past, built by the domain itself: requested the day before, approved, out, in, left
 * safely. Its id carries the time it was requested, as the app's do, so it sits in that month's visits table.
 */
function pastVisit(policy: PolicyProfile, date: string): { visit: Visit; events: VisitEvent[]; outbox: OutboxItem[] } {
  const start = Date.parse(`${date}T10:00:00Z`);
  const visitId = visitIdAt(new Date(start - 86_400_000), randomBytes(10));
  const details = pairDetails({ date, entry: "enter", knownRisks: "Dog in the house" });
  const steps: [Actor, VisitCommand, number][] = [
    [actor("visitor"), { type: "request", visitId, details }, -86_400_000],
    [actor("head"), { type: "approve" }, -80_000_000],
    [actor("visitor"), { type: "checkIn", step: "left-school" }, -900_000],
    [actor("visitor"), { type: "checkIn", step: "arrived" }, -60_000],
    [actor("visitor"), { type: "checkIn", step: "parent-present" }, 60_000],
    [actor("visitor"), { type: "checkIn", step: "left" }, 3_000_000],
  ];
  let visit: Visit | undefined;
  const events: VisitEvent[] = [];
  const outbox: OutboxItem[] = [];
  for (const [who, command, offset] of steps) {
    const now = new Date(start + offset);
    const decided = decide(visit, command, who, policy, now);
    if (!decided.ok) throw new Error(`seeding a past visit: ${command.type} refused: ${decided.refusal.message}`);
    visit = decided.events.reduce<Visit | undefined>(evolve, visit)!;
    events.push(...decided.events);
    // Their notifications, as the dispatcher leaves them once the connector accepted them.
    for (const item of outboxFor(visit, decided.events, policy, now)) {
      const person = "to" in item.notification && "person" in item.notification.to ? item.notification.to.person : "";
      const at = new Date(now.getTime() + 1_000).toISOString();
      const posts = [{ conversation: { kind: "personal" as const, key: person }, activityId: `1:${item.visitId}-${item.id}` }];
      outbox.push({ ...item, status: "delivered", attempts: 1, nextAttemptAt: at, posts, deliveredAt: at });
    }
  }
  return { visit: visit!, events, outbox };
}

/** School days (weekdays) before `today`, most recent first, as London dates. */
function schoolDaysBefore(today: number, count: number): string[] {
  const days: string[] = [];
  for (let back = 1; days.length < count; back++) {
    const date = new Date(today - back * 86_400_000).toISOString().slice(0, 10);
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(date);
  }
  return days;
}

/**
 * Writes `count` past visits exactly as TableVisitStore lays them out, through TableVisitStore.save itself: each
 * visit's snapshot, event rows and delivered outbox rows in one entity-group transaction in its own partition
 * (so one transaction per visit: a batch cannot span partitions). Its visitsbyday row (the mark, then the copy), which save writes
 * on its own, is collected instead and written afterwards in transactions of 100 per school day. The due index keeps
 * nothing of a finished visit: handled entries are deleted and the cursor stays on today.
 */
export async function seedHistory(connection: string, prefix: string, count: number, label: string): Promise<Seeded> {
  const tables: Tables = await openTables(connection, { prefix });
  // The mark, then the copy: the last write of a row is the row.
  const byDayRows = new Map<string, { partitionKey: string; rowKey: string }>();
  const collector = {
    upsertEntity: async (entity: { partitionKey: string; rowKey: string }) => {
      byDayRows.set(`${entity.partitionKey}/${entity.rowKey}`, entity);
      return {};
    },
  } as unknown as TableClient;
  const collectByDay = { of: () => collector, forWriting: async () => collector } as unknown as MonthlyTables;
  const store = new TableVisitStore({ visits: tables.visits, visitsByDay: collectByDay });
  const days = schoolDaysBefore(SWEEP_DAY_START, Math.ceil(count / PAST_VISITS_PER_DAY));
  const policy = benchPolicy();
  progress(`${label}: seeding ${count} past visits over ${days.length} school days…`);
  const started = performance.now();
  let rows = 0;
  let done = 0;
  const byMonth = new Map<string, number>();
  const indexes = Array.from({ length: count }, (_, i) => i);
  await eachLimited(indexes, SEED_CONCURRENCY, async (i) => {
    const past = pastVisit(policy, days[Math.floor(i / PAST_VISITS_PER_DAY)]!);
    const saved = await store.save(undefined, past.visit, past.events, past.outbox);
    // A try given up on after the storage timeout may have been carried out all the same: its retry then finds the
    // visit there, as written.
    if (!saved.ok && (await store.load(past.visit.id))?.visit.version !== past.visit.version) throw new Error("seeding: a new visit's save conflicted");
    rows += 1 + past.events.length + past.outbox.length;
    const month = monthOf(past.visit.id);
    byMonth.set(month, (byMonth.get(month) ?? 0) + 1);
    if (++done % 20_000 === 0) progress(`${label}: ${done} seeded (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  });
  const byDay = [...byDayRows.values()];
  const batches = transactionBatches(byDay, (row) => row.partitionKey);
  // Few at a time: each holds 100 rows, and with 100,000 in the table Azurite takes long enough over one that 32
  // waiting behind each other outlast the app's storage timeout.
  await eachLimited(batches, DAY_ROW_SEED_CONCURRENCY, async (batch) => {
    const table = await tables.visitsByDay.forWriting(monthOfDayKey(batch[0]!.partitionKey));
    await table.submitTransaction(batch.map((row): TransactionAction => ["upsert", row, "Replace"]));
  });
  rows += byDay.length;
  const thisMonth = byMonth.get(new Date(SWEEP_DAY_START).toISOString().slice(0, 7)) ?? 0;
  return { seconds: (performance.now() - started) / 1000, rows, transactions: count + batches.length, months: byMonth.size, thisMonth };
}

export interface Seeded {
  seconds: number;
  rows: number;
  transactions: number;
  /** How many monthly visits tables the history went into, and how many past visits share today's. */
  months: number;
  thisMonth: number;
}

/** "2026-11": the month (UTC) whose visits table holds this visit. */
const monthOf = (visitId: string) => createdAtOfVisitId(visitId)!.toISOString().slice(0, 7);

/** What the history process is asked to write, and answers. */
export interface HistoryOrder {
  connection: string;
  prefix: string;
  count: number;
  label: string;
}

/** seedHistory in a process of its own (history.process.ts); resolves what it wrote. */
export function seedHistoryApart(order: HistoryOrder): Promise<Seeded> {
  const child = fork(`${__dirname}/history.process.js`, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise<Seeded>((resolve, reject) => {
    child.once("message", (seeded: Seeded) => resolve(seeded));
    child.once("exit", (code) => reject(new Error(`the history process exited with ${code} before it answered`)));
    child.send(order);
  });
}
