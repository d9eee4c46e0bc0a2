/**
 * Escalation, in two parts. Prints figures and a verdict against the targets; it is not a test.
 *
 *  1. Deadline → delivered: 1,000 active visits checked in over a minute, the real clock and the background
 *     sweeper at its default interval; for each visit, how long after its missed check-in's deadline the
 *     office's alert reached the (fake) Bot Connector.
 *  2. The sweeps' cost with past, finished visits in the tables (10,000 by default, 100,000 on request) versus
 *     none: the same due visits are swept in both, under a clock the benchmark moves, every sweep of the window
 *     (deadlines and the later wakes they bring, such as an escalation's recovery wake) timed and its storage
 *     requests counted.
 *
 *   npm run bench:escalation          (compiles bench/ with tsc, then runs it on plain Node)
 *
 * Knobs (environment): BENCH_PARTS=latency,sweep   BENCH_ACTIVE_VISITS=1000   BENCH_SPREAD_SECONDS=60
 * BENCH_SWEEP_INTERVALS=2 (seconds; "2,1" also runs part 1 with a 1 s sweep)   BENCH_PAST_VISITS=10000 (the full
 * 100000 takes about 100 s to seed into Azurite on 2 cores)
 * BENCH_DUE_VISITS=50   BENCH_DUE_ROUNDS=11   BENCH_HISTORY_ELSEWHERE=1 (a control: the history goes into other tables)
 * bench/README.md says what each figure includes.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { odata } from "@azure/data-tables";
import type { Clock, Logger } from "../src/app/ports";
import { Verbs } from "../src/cards/verbs";
import { parseConfig } from "../src/config/env";
import { durationMs } from "../src/domain/duration";
import { londonDate } from "../src/domain/london-time";
import { startApp, type RunningApp } from "../src/main";
import { type EmbeddedAzurite, startEmbeddedAzurite } from "../src/storage/embedded-azurite";
import { type ObservedRequest, openTables } from "../src/storage/tables";
import { outboxRowsOf } from "../src/storage/outbox-rows";
import { TRANSACTION_LIMIT } from "../src/storage/row-removal";
import { TableVisitStore } from "../src/storage/visit.table-store";
import { buttonsOf, type CardAction, textOf } from "../test/support/card-inspect";
import { FakeConnector } from "../test/support/fake-connector";
import { people } from "../test/support/policy-fixture";
import { quietLog } from "../test/support/quiet-log";
import { requestForm } from "../test/support/request-form";
import { TeamsClient, TENANT_ID } from "../test/support/teams-client";
import { setUpSchoolInTeams, staffTeam } from "../test/support/school-setup";
import { requestKind } from "./scale/request-kind";
import { benchPolicy, PAST_VISITS_PER_DAY, type Seeded, seedHistoryApart, SWEEP_DAY_START } from "./escalation/history";
import { eachLimited, loadNow, machine, percentile, positiveInt, progress, sorted } from "./stats";

const PARTS = new Set((process.env.BENCH_PARTS ?? "latency,sweep").split(",").map((part) => part.trim()));
const ACTIVE_VISITS = positiveInt("BENCH_ACTIVE_VISITS", 1_000);
const SPREAD_MS = positiveInt("BENCH_SPREAD_SECONDS", 60) * 1000;
const SWEEP_INTERVALS_MS = (process.env.BENCH_SWEEP_INTERVALS ?? "2").split(",").map((s) => {
  const seconds = Number(s);
  if (!(seconds >= 0.1 && seconds <= 300)) throw new Error(`BENCH_SWEEP_INTERVALS: "${s}" is not a number of seconds from 0.1 to 300`);
  return Math.round(seconds * 1000);
});
const PAST_VISITS = positiveInt("BENCH_PAST_VISITS", 10_000);
/** A control: the history goes into a third set of tables in the same Azurite, not the one the second app uses. */
const HISTORY_ELSEWHERE = process.env.BENCH_HISTORY_ELSEWHERE === "1";
const DUE_VISITS = positiveInt("BENCH_DUE_VISITS", 50);
const DUE_ROUNDS = positiveInt("BENCH_DUE_ROUNDS", 11);
const COHORTS = DUE_ROUNDS + 1;
// Cohorts leave school 5 s apart from +40 s and fall due 60 s after: all must have left before the first is due.
if (COHORTS > 12) throw new Error("BENCH_DUE_ROUNDS may be at most 11");
/** Cohorts' deadlines, and so the sweeps, are this far apart. */
const ROUND_MS = 5_000;

const TARGET_P99_MS = 10_000;
/** No alert at all later than this: behind each late one is a member of staff nobody has heard from. */
const TARGET_MAX_MS = 10_000;
/** The sweeps with history may cost this much more than the ones without (in all, and the slowest) before the verdict says they grow. */
const TARGET_SWEEP_RATIO = 1.2;
/** How long after a change that queued notifications the service's recovery entry falls due (visit.service.ts). */
const OUTBOX_RECOVERY_MS = 30_000;
/** How long setup waits for a card the bot is still sending. */
const CARD_PATIENCE_MS = 15_000;
/** Setup (requests and approvals over HTTP) runs this many visits side by side. */
const SETUP_CONCURRENCY = 8;
const NOTHING_DUE_SWEEPS = 20;
const PROBES = 20;

// ---------------------------------------------------------------------------------------------------------------
// Shared: the people in Teams, the request form, the cards the connector received.
// ---------------------------------------------------------------------------------------------------------------

type Who = "visitor" | "secondVisitor" | "head" | "dsl" | "office";

interface Clients {
  visitor: TeamsClient;
  head: TeamsClient;
  office: TeamsClient;
}

/**
 * Sets the school up in its staff team through Teams, then installs the app for every member of staff in the profile:
 * it stores the conversation references the bot needs.
 */
async function installClients(url: string, connector: FakeConnector): Promise<Clients> {
  await setUpSchoolInTeams(url, connector, benchPolicy(), staffTeam("bench"));
  const client = (who: Who) => new TeamsClient(url, connector, { aadObjectId: people[who].aadObjectId, name: people[who].displayName });
  const all = { visitor: client("visitor"), secondVisitor: client("secondVisitor"), head: client("head"), dsl: client("dsl"), office: client("office") };
  for (const person of Object.values(all)) {
    const res = await person.install();
    await res.text();
    if (res.status >= 300) throw new Error(`installing for ${person.person.name}: the bot answered ${res.status}`);
  }
  return all;
}

const VISIT_ID = /"visitId":"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/;

function visitIdOf(card: Record<string, unknown>): string | undefined {
  return VISIT_ID.exec(JSON.stringify(card))?.[1];
}

function cardsIn(activity: Record<string, unknown>): Record<string, unknown>[] {
  const attachments = (activity.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined) ?? [];
  return attachments.filter((a) => a.contentType === "application/vnd.microsoft.card.adaptive").map((a) => a.content);
}

/**
 * The cards the connector received, indexed as they arrive (reading all of them for every lookup would cost
 * O(n²) at a thousand visits): the cards per conversation and visit, and every office alert.
 */
class DeliveredCards {
  private seen = 0;
  private readonly byVisit = new Map<string, Record<string, unknown>[]>();
  /** First receipt time of each alert to the office, by visit id, and how many times any alert for it came. */
  readonly alerts = new Map<string, { at: number; alertId: string; count: number }>();

  constructor(
    private readonly connector: FakeConnector,
    private readonly officeConversation: string,
  ) {}

  /** The button on the latest card about the visit in that conversation that has one (a briefing card, say, has none). */
  async button(conversationId: string, visitId: string, title: RegExp): Promise<CardAction> {
    // A tap waits at most a few seconds for its cards to go out, then answers and lets delivery finish behind it.
    const giveUpAt = Date.now() + CARD_PATIENCE_MS;
    for (;;) {
      this.catchUp();
      const cards = this.byVisit.get(`${conversationId} ${visitId}`) ?? [];
      for (let i = cards.length - 1; i >= 0; i--) {
        const found = buttonsOf(cards[i]!).find((b) => title.test(b.title ?? ""));
        if (found) return found;
      }
      if (Date.now() > giveUpAt) throw new Error(`no card about visit ${visitId} sent to ${conversationId} has a button matching ${title}`);
      await sleep(50);
    }
  }

  alertCount(): number {
    this.catchUp();
    return this.alerts.size;
  }

  catchUp(): void {
    const calls = this.connector.calls;
    for (; this.seen < calls.length; this.seen++) {
      const call = calls[this.seen]!;
      // New activities only: an alert card updated in place is a PUT.
      if (call.method !== "POST" || !call.conversationId || !call.path.includes("/activities")) continue;
      for (const card of cardsIn(call.body)) {
        const visitId = visitIdOf(card);
        if (!visitId) continue;
        const key = `${call.conversationId} ${visitId}`;
        this.byVisit.set(key, [...(this.byVisit.get(key) ?? []), card]);
        if (call.conversationId !== this.officeConversation) continue;
        const ack = buttonsOf(card).find((b) => b.verb === Verbs.acknowledgeAlert);
        if (!ack) continue;
        const known = this.alerts.get(visitId);
        if (known) known.count++;
        else this.alerts.set(visitId, { at: call.at, alertId: String(ack.data?.alertId), count: 1 });
      }
    }
  }
}

/** The bot's log, kept in memory with the time of each line, so a sweep's work can be placed on the timeline. */
function timedLog(): Logger & { lines: { at: number; level: string; message: string; fields?: Record<string, unknown> }[] } {
  const inner = quietLog();
  const lines: { at: number; level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: "info" | "warn" | "error") => (message: string, fields?: Record<string, unknown>) => {
    inner[level](message, fields);
    lines.push({ at: Date.now(), level, message, ...(fields ? { fields } : {}) });
  };
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}

function assertQuiet(log: ReturnType<typeof timedLog>, what: string): void {
  // A warning or error (a failed send, a failed save, a conflicting write given up) would make the figures lie.
  const problems = log.lines.filter((line) => line.level !== "info");
  if (problems.length > 0) throw new Error(`the bot logged problems during ${what}: ${JSON.stringify(problems.slice(0, 3))}`);
}

/**
 * Requests and approves `count` visits over HTTP, as the visitor and the head would: each taps the button on
 * the card the bot actually delivered. Resolves the visit ids.
 */
async function requestAndApprove(count: number, date: string, who: Clients, cards: DeliveredCards): Promise<{ ids: string[]; unconfirmed: number }> {
  const ids: string[] = new Array<string>(count);
  let unconfirmed = 0;
  await eachLimited(ids, SETUP_CONCURRENCY, async (_, i) => {
    const submitted = await who.visitor.tap(Verbs.submitRequest, requestForm({ date }));
    // "…could not be reached": the cards were still going out when the tap's patience ran out (a loaded machine).
    expectCard(submitted, /sent to jo fenwick for approval|could not be reached/i);
    if (/could not be reached/i.test(textOf(submitted.card))) unconfirmed++;
    const visitId = visitIdOf(submitted.card);
    if (!visitId) throw new Error(`the request's card names no visit: ${JSON.stringify(submitted.card).slice(0, 300)}`);
    const approve = await cards.button(who.head.conversationId, visitId, /^approve/i);
    const approved = await who.head.tap(Verbs.approve, approve.data!);
    expectCard(approved, /approved\. (the visitor has been told|the visitor could not be reached)/i);
    if (/could not be reached/i.test(textOf(approved.card))) unconfirmed++;
    ids[i] = visitId;
  });
  return { ids, unconfirmed };
}

/** The visitor taps "leaving school" on the card the approval delivered. */
async function leaveSchool(visitId: string, who: Clients, cards: DeliveredCards): Promise<void> {
  const leave = await cards.button(who.visitor.conversationId, visitId, /leaving school/i);
  expectCard(await who.visitor.tap(Verbs.checkIn, leave.data!), /left school at .*: recorded/i);
}

function expectCard(result: { status: number; card: Record<string, unknown> }, text: RegExp): void {
  if (result.status !== 200 || !text.test(textOf(result.card ?? {}))) {
    throw new Error(`expected a card saying ${text}, got ${result.status}: ${JSON.stringify(result.card).slice(0, 500)}`);
  }
}

/** The first weekday after `instant`'s London date: a school day, so the request is in hours and never "in the past". */
function nextSchoolDay(instant: Date): string {
  for (let days = 1; ; days++) {
    const date = londonDate(new Date(instant.getTime() + days * 86_400_000));
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6) return date;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Part 1: deadline → delivered, real clock, background sweeper.
// ---------------------------------------------------------------------------------------------------------------

interface LatencyResult {
  intervalMs: number;
  visits: number;
  setupSeconds: number;
  /** Setup taps answered before their cards were confirmed sent (the machine was busy); the cards came later. */
  setupUnconfirmed: number;
  checkInSpreadSeconds: number;
  delivered: number;
  duplicates: number;
  /** Visits whose 30 s recovery wake after the escalation fell before we stopped watching. */
  recoveryWatched: number;
  missing: number;
  /** received − deadline, and its two parts: deadline → the sweep raised the alert, raised → received. */
  lateness: number[];
  pickup: number[];
  delivery: number[];
  sweepsWithWork: number;
  maxHandledPerSweep: number;
  storageInWindow: number;
  windowSeconds: number;
}

async function measureLatency(intervalMs: number): Promise<LatencyResult> {
  const log = timedLog();
  const connector = new FakeConnector();
  let storageRequests = 0;
  let azurite: EmbeddedAzurite | undefined;
  let app: RunningApp | undefined;
  try {
    azurite = await startEmbeddedAzurite({ persistence: { inMemory: true } });
    await connector.start();
    // PORT must parse as a real port; the app then listens on port 0, a free one.
    const config = parseConfig({ STORAGE_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: "latency", PORT: "1", MICROSOFT_APP_TENANT_ID: TENANT_ID });
    // The real clock (no override) and the background sweeper, as in production.
    app = await startApp({ ...config, port: 0 }, { log, onStorageRequest: () => storageRequests++, sweeper: { intervalMs } });
    const who = await installClients(app.url, connector);
    const cards = new DeliveredCards(connector, who.office.conversationId);
    const periodicMs = durationMs(benchPolicy().checkIns.periodicEvery!);
    const graceMs = durationMs(benchPolicy().escalation.grace);

    progress(`part 1 (sweep every ${intervalMs / 1000} s): requesting and approving ${ACTIVE_VISITS} visits over HTTP…`);
    const setupStart = performance.now();
    const { ids, unconfirmed } = await requestAndApprove(ACTIVE_VISITS, nextSchoolDay(new Date()), who, cards);
    const setupSeconds = (performance.now() - setupStart) / 1000;

    // Check-ins fired on a schedule, each without waiting for the one before, so the spread stays even.
    progress(`part 1: ${ids.length} "left school" check-ins over ${SPREAD_MS / 1000} s…`);
    const start = Date.now();
    const checkIns: Promise<void>[] = [];
    for (let i = 0; i < ids.length; i++) {
      const wait = start + (i * SPREAD_MS) / ids.length - Date.now();
      if (wait > 0) await sleep(wait);
      checkIns.push(leaveSchool(ids[i]!, who, cards));
    }
    await Promise.all(checkIns);
    const spreadSeconds = (Date.now() - start) / 1000;

    // Everything is due by the last check-in + a minute; wait for the alerts, and give up well after.
    progress("part 1: waiting for the office's alerts…");
    const storageBefore = storageRequests;
    const windowStart = Date.now();
    const giveUpAt = Date.now() + periodicMs + graceMs + 30_000;
    while (cards.alertCount() < ids.length && Date.now() < giveUpAt) await sleep(50);
    const windowSeconds = (Date.now() - windowStart) / 1000;
    const storageInWindow = storageRequests - storageBefore;
    await sleep(2 * intervalMs); // a duplicate from a later sweep would come by now
    cards.catchUp();
    const observedUntil = Date.now();
    await app.stop();
    app = undefined;
    assertQuiet(log, "part 1");

    // Each visit's deadline, from what storage holds: lastContactAt + periodicEvery + grace. The alert's own
    // record of the deadline it was raised for must agree, and its raisedAt splits the time in two.
    const tables = await openTables(azurite.connectionString, { prefix: "latency" });
    const store = new TableVisitStore(tables);
    const deadlines: number[] = [];
    const lateness: number[] = [];
    const pickup: number[] = [];
    const delivery: number[] = [];
    let duplicates = 0;
    let recoveryWatched = 0;
    let missing = 0;
    await eachLimited(ids, 16, async (id) => {
      const visit = (await store.load(id))?.visit;
      if (!visit?.lastContactAt) throw new Error(`visit ${id} has no check-in recorded`);
      const deadline = Date.parse(visit.lastContactAt) + periodicMs + graceMs;
      deadlines.push(deadline);
      const received = cards.alerts.get(id);
      if (!received) {
        missing++;
        return;
      }
      duplicates += received.count - 1;
      const alert = visit.alerts.find((a) => a.id === received.alertId);
      if (!alert?.deadline || Date.parse(alert.deadline.due) + graceMs !== deadline) {
        throw new Error(`visit ${id}: the alert's deadline ${alert?.deadline?.due} is not lastContactAt ${visit.lastContactAt} + ${periodicMs} ms`);
      }
      // Its recovery entry (30 s after the escalation) was handled while we still watched: a second send would show.
      if (Date.parse(alert.raisedAt) + OUTBOX_RECOVERY_MS + intervalMs < observedUntil) recoveryWatched++;
      lateness.push(received.at - deadline);
      pickup.push(Date.parse(alert.raisedAt) - deadline);
      delivery.push(received.at - Date.parse(alert.raisedAt));
    });
    // The sweeps between the first deadline and the last alert; they also handle the escalations' own recovery
    // entries (30 s after each), which fall in that window too.
    const firstDeadline = Math.min(...deadlines);
    const lastReceived = Math.max(...[...cards.alerts.values()].map((a) => a.at));
    const sweeps = log.lines.filter((line) => line.message === "sweep handled due visits" && line.at >= firstDeadline && line.at <= lastReceived + 1);
    return {
      intervalMs,
      visits: ids.length,
      setupSeconds,
      setupUnconfirmed: unconfirmed,
      checkInSpreadSeconds: spreadSeconds,
      delivered: cards.alerts.size,
      duplicates,
      recoveryWatched,
      missing,
      lateness,
      pickup,
      delivery,
      sweepsWithWork: sweeps.length,
      maxHandledPerSweep: Math.max(0, ...sweeps.map((line) => Number(line.fields?.handled ?? 0))),
      storageInWindow,
      windowSeconds,
    };
  } finally {
    await app?.stop();
    await connector.stop();
    await azurite?.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Part 2: one sweep's cost, with and without history.
// ---------------------------------------------------------------------------------------------------------------

interface Cost {
  ms: number;
  /** CPU time of this process (the app and the fake connector) during the sweep; Azurite's own is not in it. */
  cpuMs: number;
  storage: number;
  /** The storage requests by table and kind, e.g. "visits query". */
  kinds: Map<string, number>;
  connector: number;
  handled: number;
}

interface SweepCase {
  pastVisits: number;
  seedSeconds: number;
  rowsSeeded: number;
  transactions: number;
  due: Cost[];
  nothingDue: Cost[];
  probes: { pointRead: number[]; snapshotRewrite: number[]; dueQuery: number[]; pendingQuery: number[] };
  /** The monthly visits tables the history went into; its visits requested in the due ones' month share their table. */
  months: number;
  pastVisitsThisMonth: number;
}

class MovableClock implements Clock {
  constructor(public at: number) {}
  now(): Date {
    return new Date(this.at);
  }
}

/** One set of tables with its own app, fake connector and clock, with the due visits scheduled and nothing due yet. */
interface PreparedCase {
  label: string;
  prefix: string;
  clock: MovableClock;
  ids: string[];
  cards: DeliveredCards;
  log: ReturnType<typeof timedLog>;
  sweep(): Promise<Cost>;
  stop(): Promise<void>;
}

async function prepareCase(connection: string, prefix: string, label: string): Promise<PreparedCase> {
  const log = timedLog();
  const connector = new FakeConnector();
  const clock = new MovableClock(SWEEP_DAY_START);
  let storageRequests = 0;
  let kinds = new Map<string, number>();
  const observe = (request: ObservedRequest) => {
    storageRequests++;
    const kind = requestKind(request, prefix);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  };
  let app: RunningApp | undefined;
  const stop = async () => {
    await app?.stop();
    await connector.stop();
  };
  try {
    await connector.start();
    const config = parseConfig({ STORAGE_CONNECTION_STRING: connection, TABLE_PREFIX: prefix, PORT: "1", MICROSOFT_APP_TENANT_ID: TENANT_ID });
    app = await startApp({ ...config, port: 0 }, { clock, log, onStorageRequest: observe, sweeper: false });
    const running = app;
    const who = await installClients(app.url, connector);
    const cards = new DeliveredCards(connector, who.office.conversationId);

    progress(`part 2 (${label}): ${COHORTS} x ${DUE_VISITS} visits to fall due…`);
    const { ids } = await requestAndApprove(COHORTS * DUE_VISITS, londonDate(clock.now()), who, cards);
    await app.sweepOnce(); // the first sweep ever starts the due index's cursor; nothing is due yet
    clock.at = SWEEP_DAY_START + 31_000;
    // The requests' notifications were delivered at once; their recovery entries (30 s on) now fall due.
    // A sweep takes at most 200 entries (DEFAULT_SWEEPER.batch): sweep until one finds nothing.
    let recovered = 0;
    for (;;) {
      const handled = await app.sweepOnce();
      if (handled === 0) break;
      recovered += handled;
    }
    if (recovered !== ids.length) throw new Error(`the recovery sweeps handled ${recovered} visits, not ${ids.length}`);
    // Cohort r leaves school at +40 s + 5r s, so its periodic check-in is due at +100 s + 5r s: one sweep per cohort.
    for (let round = 0; round < COHORTS; round++) {
      clock.at = SWEEP_DAY_START + 40_000 + round * ROUND_MS;
      await eachLimited(ids.slice(round * DUE_VISITS, (round + 1) * DUE_VISITS), SETUP_CONCURRENCY, (id) => leaveSchool(id, who, cards));
    }
    clock.at = SWEEP_DAY_START + 99_000; // everyone has left, nobody is due yet

    const sweep = async (): Promise<Cost> => {
      storageRequests = 0;
      kinds = new Map();
      const calls = connector.calls.length;
      const cpu = process.cpuUsage();
      const started = performance.now();
      const handled = await running.sweepOnce();
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      return { ms, cpuMs: (used.user + used.system) / 1000, storage: storageRequests, kinds, connector: connector.calls.length - calls, handled };
    };
    return { label, prefix, clock, ids, cards, log, sweep, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Both cases are prepared first (their due visits scheduled the same way in each), then the history is seeded into
 * one, then the two are swept in turns, alternating which goes first, so a warm-up effect or a change in the
 * machine's load (it is shared) falls on both alike.
 */
async function measureSweeps(connection: string): Promise<{ empty: SweepCase; full: SweepCase }> {
  const prepared: PreparedCase[] = [];
  try {
    const emptyCase = await prepareCase(connection, "empty", "no past visits");
    prepared.push(emptyCase);
    const fullCase = await prepareCase(connection, "history", `${PAST_VISITS} past visits${HISTORY_ELSEWHERE ? " elsewhere" : ""}`);
    prepared.push(fullCase);
    const seeded = await seedHistoryApart({ connection, prefix: HISTORY_ELSEWHERE ? "elsewhere" : fullCase.prefix, count: PAST_VISITS, label: `part 2 (${fullCase.label})` });

    progress("part 2: timing sweeps, the two cases in turns…");
    const results = new Map<PreparedCase, { due: Cost[]; nothingDue: Cost[] }>(prepared.map((c) => [c, { due: [], nothingDue: [] }]));
    const inTurn = (i: number) => (i % 2 === 0 ? prepared : [...prepared].reverse());
    for (let i = 0; i < NOTHING_DUE_SWEEPS; i++) {
      for (const c of inTurn(i)) {
        const cost = await c.sweep();
        if (cost.handled !== 0) throw new Error(`${c.label}: a sweep with nothing due handled ${cost.handled} visits`);
        results.get(c)!.nothingDue.push(cost);
      }
    }
    // Round 0 warms up the sweeper's path (V8 in both processes) and is not counted. A wake that queued notifications
    // may bring the visit back later (on this revision an escalation's recovery wake, 30 s on, which falls in the
    // sweep of the cohort six rounds later): the window runs on until the last of those could fall due, and every
    // sweep in it is timed, whatever it handles.
    const rounds = COHORTS + Math.ceil(OUTBOX_RECOVERY_MS / ROUND_MS);
    for (let round = 0; round < rounds; round++) {
      const costs = new Map<PreparedCase, Cost>();
      for (const c of inTurn(round)) {
        c.clock.at = SWEEP_DAY_START + 100_000 + round * ROUND_MS + 1_000;
        const cost = await c.sweep();
        if (round < COHORTS && cost.handled < DUE_VISITS) throw new Error(`${c.label}, round ${round}: the sweep handled ${cost.handled} visits, fewer than the ${DUE_VISITS} due`);
        costs.set(c, cost);
        if (round > 0) results.get(c)!.due.push(cost);
      }
      const handled = new Set([...costs.values()].map((cost) => cost.handled));
      if (handled.size > 1) throw new Error(`round ${round}: the two cases' sweeps handled different numbers of visits (${[...handled].join(", ")})`);
    }
    for (const c of prepared) {
      c.cards.catchUp();
      const missing = c.ids.filter((id) => !c.cards.alerts.has(id)).length;
      if (missing > 0) throw new Error(`${c.label}: ${missing} of the due visits' office alerts never arrived`);
      assertQuiet(c.log, `part 2 (${c.label})`);
    }
    const probes = new Map<PreparedCase, SweepCase["probes"]>();
    for (const c of prepared) probes.set(c, await probeStorage(connection, c.prefix, c.ids));
    const caseOf = (c: PreparedCase, pastVisits: number, seed: Seeded): SweepCase => ({
      pastVisits,
      seedSeconds: seed.seconds,
      rowsSeeded: seed.rows,
      transactions: seed.transactions,
      months: seed.months,
      pastVisitsThisMonth: HISTORY_ELSEWHERE ? 0 : seed.thisMonth,
      ...results.get(c)!,
      probes: probes.get(c)!,
    });
    return { empty: caseOf(emptyCase, 0, { seconds: 0, rows: 0, transactions: 0, months: 0, thisMonth: 0 }), full: caseOf(fullCase, PAST_VISITS, seeded) };
  } finally {
    for (const c of prepared) await c.stop();
  }
}

/**
 * Single requests of the kinds a due visit's handling makes, timed one at a time outside any sweep, on the due
 * visits' own table: a point read of a visit's snapshot, a rewrite of it as it is (Replace), and the due index's
 * read of today. They show what a storage request costs this Azurite at this table size.
 */
async function probeStorage(connection: string, prefix: string, visitIds: readonly string[]): Promise<SweepCase["probes"]> {
  const tables = await openTables(connection, { prefix });
  const timed = async (run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  const drain = async (rows: AsyncIterable<unknown>) => {
    for await (const _ of rows) {
      /* read every row */
    }
  };
  const probes: SweepCase["probes"] = { pointRead: [], snapshotRewrite: [], dueQuery: [], pendingQuery: [] };
  // As the sweeper reads the due index: from the cursor's day to the minute of now.
  const now = new Date(SWEEP_DAY_START).toISOString();
  const [day, minute] = [now.slice(0, 10).replace(/-/g, ""), now.slice(0, 16).replace(/[-T:]/g, "")];
  for (let i = 0; i < PROBES; i++) {
    const id = visitIds[i % visitIds.length]!;
    const visits = tables.visits.of(id);
    let snapshot: Record<string, unknown> = {};
    probes.pointRead.push(await timed(async () => (snapshot = await visits.getEntity<Record<string, unknown>>(id, "snapshot"))));
    const { etag: _etag, timestamp: _timestamp, ...same } = snapshot;
    probes.snapshotRewrite.push(await timed(() => visits.updateEntity({ ...same, partitionKey: id, rowKey: "snapshot" }, "Replace")));
    const dueNow = odata`PartitionKey ge ${day} and PartitionKey le ${minute} and RowKey lt ${now}`;
    probes.dueQuery.push(await timed(() => drain(tables.due.listEntities({ queryOptions: { filter: dueNow } }))));
    const pending = `${outboxRowsOf(id)} and ${odata`status eq ${"pending"}`}`;
    probes.pendingQuery.push(await timed(() => drain(visits.listEntities({ queryOptions: { filter: pending } }))));
  }
  return probes;
}

// ---------------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------------

const median = (values: readonly number[]) => percentile(sorted(values), 50);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function reportLatency(result: LatencyResult, lines: string[], missed: string[]): void {
  const row = (name: string, values: number[]) => {
    const s = sorted(values);
    return `    ${name.padEnd(44)}${seconds(percentile(s, 50)).padStart(10)}${seconds(percentile(s, 99)).padStart(10)}${seconds(s.at(-1) ?? NaN).padStart(10)}`;
  };
  const p99 = percentile(sorted(result.lateness), 99);
  const allOnce = result.delivered === result.visits && result.missing === 0 && result.duplicates === 0;
  const p99Ok = p99 < TARGET_P99_MS;
  const max = sorted(result.lateness).at(-1) ?? Number.NaN;
  const maxOk = max < TARGET_MAX_MS;
  if (!allOnce) missed.push(`part 1 (${result.intervalMs / 1000} s sweep): every alert delivered once`);
  if (!p99Ok) missed.push(`part 1 (${result.intervalMs / 1000} s sweep): p99 deadline → delivered`);
  if (!maxOk) missed.push(`part 1 (${result.intervalMs / 1000} s sweep): max deadline → delivered`);
  lines.push(
    `  Sweep every ${result.intervalMs / 1000} s: ${result.visits} visits requested and approved in ${result.setupSeconds.toFixed(1)} s (over HTTP, ${SETUP_CONCURRENCY} at a time` +
      `${result.setupUnconfirmed > 0 ? `; ${result.setupUnconfirmed} taps answered before their cards were confirmed sent` : ""}),`,
    `  checked in ("left school") evenly over ${result.checkInSpreadSeconds.toFixed(1)} s; each periodic deadline fell 60 s after its check-in.`,
    `    ${"".padEnd(44)}${"median".padStart(10)}${"p99".padStart(10)}${"max".padStart(10)}`,
    row("deadline → alert received by the connector", result.lateness),
    row("  of which deadline → sweep raised the alert", result.pickup),
    row("  of which raised → received (save, send)", result.delivery),
    `    office alerts delivered: ${result.delivered} of ${result.visits} (missing ${result.missing}, duplicates ${result.duplicates}) ${allOnce ? "PASS" : "FAIL"}` +
      `  [watched past the 30 s recovery wake for ${result.recoveryWatched} of them]`,
    `    sweeps that handled visits from the first deadline to the last alert: ${result.sweepsWithWork}, at most ${result.maxHandledPerSweep} visits in one`,
    `    storage requests from the last check-in to the last alert: ${result.storageInWindow} in ${result.windowSeconds.toFixed(1)} s` +
      ` (${(result.storageInWindow / result.visits).toFixed(1)} per visit: sweeps, escalations and their recovery wakes)`,
    `    p99 deadline → delivered = ${seconds(p99)} (target < ${TARGET_P99_MS / 1000} s) ${p99Ok ? "PASS" : "FAIL"}`,
    `    max deadline → delivered = ${seconds(max)} (target < ${TARGET_MAX_MS / 1000} s) ${maxOk ? "PASS" : "FAIL"}`,
    "",
  );
}

function reportSweeps(empty: SweepCase, full: SweepCase, lines: string[], missed: string[]): void {
  const range = (values: number[]) => {
    const s = sorted(values);
    return s[0] === s.at(-1) ? String(s[0]) : `${s[0]} / ${percentile(s, 50)} / ${s.at(-1)}`;
  };
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  const ms = (values: number[]) => `${median(values).toFixed(1)} ms`;
  const col = (text: string, width = 20) => text.padStart(width);
  const ratio = (a: number, b: number) => col(`${(b / a).toFixed(2)}x`, 10);
  const dueMs = (c: SweepCase) => sorted(c.due.map((cost) => cost.ms));
  const stat = (c: SweepCase) => {
    const times = dueMs(c);
    return { total: sum(times), median: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1)!, cpu: sum(c.due.map((cost) => cost.cpuMs)) };
  };
  const [e, f] = [stat(empty), stat(full)];
  const kindsOf = (c: SweepCase) => {
    const kinds = new Map<string, number>();
    for (const cost of c.due) for (const [kind, n] of cost.kinds) kinds.set(kind, (kinds.get(kind) ?? 0) + n);
    return kinds;
  };
  const handled = sum(empty.due.map((cost) => cost.handled));
  const deadlines = DUE_ROUNDS * DUE_VISITS;
  const row = (name: string, a: string, b: string, r = "") => `    ${name.padEnd(52)}${col(a)}${col(b)}${r}`;
  lines.push(
    ...(HISTORY_ELSEWHERE ? ["  CONTROL RUN: the history went into other tables of the same Azurite, not the ones the second app reads."] : []),
    `  History: ${full.pastVisits} past, finished visits seeded in ${full.seedSeconds.toFixed(1)} s: ${full.rowsSeeded} rows in ${full.transactions} entity-group transactions`,
    `  (one per visit: snapshot + events + delivered outbox rows in its own partition; visitsbyday rows ${TRANSACTION_LIMIT} per transaction),`,
    `  over ${full.months} monthly visits tables, as requested (${PAST_VISITS_PER_DAY} a school day); ${full.pastVisitsThisMonth} of them were requested this month and share the due visits' table.`,
    `  Each case times the ${empty.due.length} sweeps of the window, 5 s apart (after one not counted): ${DUE_ROUNDS} cohorts of ${DUE_VISITS} missed deadlines`,
    `  (each: raise the overdue alert, send it to the office) and every later wake they bring within it: ${handled} wakes in all, ${deadlines} of`,
    `  them deadlines, ${handled - deadlines} others (an escalation's recovery wake, 30 s on); and ${NOTHING_DUE_SWEEPS} sweeps with nothing due.`,
    "",
    row("", "no past visits", `${full.pastVisits} past ${HISTORY_ELSEWHERE ? "elsewhere" : "visits"}`, col("ratio", 10)),
    row(`timed sweeps: time in all (${empty.due.length} sweeps)`, `${e.total.toFixed(0)} ms`, `${f.total.toFixed(0)} ms`, ratio(e.total, f.total)),
    row("  one sweep: median", `${e.median.toFixed(1)} ms`, `${f.median.toFixed(1)} ms`, ratio(e.median, f.median)),
    row(`  one sweep: p99${empty.due.length < 100 ? " (= the max, under 100 sweeps)" : ""}`, `${e.p99.toFixed(1)} ms`, `${f.p99.toFixed(1)} ms`, ratio(e.p99, f.p99)),
    row("  one sweep: max", `${e.max.toFixed(1)} ms`, `${f.max.toFixed(1)} ms`, ratio(e.max, f.max)),
    row("timed sweeps: CPU of the app process in all", `${e.cpu.toFixed(0)} ms`, `${f.cpu.toFixed(0)} ms`, ratio(e.cpu, f.cpu)),
    row("timed sweeps: storage requests in all", String(sum(empty.due.map((c) => c.storage))), String(sum(full.due.map((c) => c.storage)))),
    row("timed sweeps: connector calls in all", String(sum(empty.due.map((c) => c.connector))), String(sum(full.due.map((c) => c.connector)))),
    row(`sweep, nothing due: time (median of ${NOTHING_DUE_SWEEPS})`, ms(empty.nothingDue.map((c) => c.ms)), ms(full.nothingDue.map((c) => c.ms))),
    row("sweep, nothing due: storage requests", range(empty.nothingDue.map((c) => c.storage)), range(full.nothingDue.map((c) => c.storage))),
    `    single requests, timed alone (median of ${PROBES}):`,
    row("  point read of a visit snapshot", ms(empty.probes.pointRead), ms(full.probes.pointRead)),
    row("  rewrite of a visit snapshot as it is", ms(empty.probes.snapshotRewrite), ms(full.probes.snapshotRewrite)),
    row("  a visit's pending notifications (a partition query)", ms(empty.probes.pendingQuery), ms(full.probes.pendingQuery)),
    row("  due index: today's entries due by now", ms(empty.probes.dueQuery), ms(full.probes.dueQuery)),
    "  (storage requests: one number when constant, else min / median / max)",
    "",
  );
  const [emptyKinds, fullKinds] = [kindsOf(empty), kindsOf(full)];
  const sameKinds = JSON.stringify([...emptyKinds].sort()) === JSON.stringify([...fullKinds].sort());
  const requestsOk = sameKinds && range(empty.nothingDue.map((c) => c.storage)) === range(full.nothingDue.map((c) => c.storage));
  const totalOk = f.total / e.total <= TARGET_SWEEP_RATIO;
  const maxOk = f.max / e.max <= TARGET_SWEEP_RATIO;
  if (!requestsOk) missed.push("part 2: the sweeps' storage requests do not depend on history");
  if (!totalOk) missed.push("part 2: the sweeps' time in all does not depend on history (on this Azurite)");
  if (!maxOk) missed.push("part 2: the slowest sweep does not depend on history (on this Azurite)");
  // Where any extra time goes: the sweeps' writes to and queries of the visits table, each costing what its probe
  // shows more (Azurite scans a whole table for every query, and moves index entries in proportion to it on a write).
  const ofVisits = (test: (kind: string) => boolean) => [...emptyKinds].filter(([kind]) => test(kind)).reduce((n, [, count]) => n + count, 0);
  const writes = ofVisits((kind) => kind === "transaction" || (kind.startsWith("visits ") && !kind.endsWith("point read") && !kind.endsWith("query")));
  const queries = ofVisits((kind) => kind === "visits query");
  const perWrite = median(full.probes.snapshotRewrite) - median(empty.probes.snapshotRewrite);
  const perQuery = median(full.probes.pendingQuery) - median(empty.probes.pendingQuery);
  const extra = f.total - e.total;
  const explained =
    extra > 0
      ? [
          `      of the ${extra.toFixed(0)} ms extra: ${writes} writes to the visits table x ${perWrite.toFixed(2)} ms more each = ${(writes * perWrite).toFixed(0)} ms,` +
            ` ${queries} queries of it x ${perQuery.toFixed(2)} ms more each = ${(queries * perQuery).toFixed(0)} ms (probes above)`,
        ]
      : [];
  lines.push(
    `    storage requests of the timed sweeps, by kind: ${[...emptyKinds].sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => `${n} ${kind}`).join(", ")}`,
    `    storage requests with ${full.pastVisits} past visits = with none, by kind (target; nothing-due sweeps equal too) ${requestsOk ? "PASS" : "FAIL"}`,
    `    time in all with ${full.pastVisits} past visits / with none = ${(f.total / e.total).toFixed(2)}x (target <= ${TARGET_SWEEP_RATIO}x) ${totalOk ? "PASS" : "FAIL"}`,
    `    slowest sweep with ${full.pastVisits} past visits / with none = ${(f.max / e.max).toFixed(2)}x (target <= ${TARGET_SWEEP_RATIO}x) ${maxOk ? "PASS" : "FAIL"}`,
    ...explained,
    "",
  );
}


async function main(): Promise<void> {
  const started = performance.now();
  const load = loadNow();
  const latency: LatencyResult[] = [];
  if (PARTS.has("latency")) for (const intervalMs of SWEEP_INTERVALS_MS) latency.push(await measureLatency(intervalMs));

  let sweeps: { empty: SweepCase; full: SweepCase } | undefined;
  if (PARTS.has("sweep")) {
    const azurite = await startEmbeddedAzurite({ persistence: { inMemory: true } });
    try {
      // Separate tables in one Azurite: the history goes only into the second set.
      sweeps = await measureSweeps(azurite.connectionString);
    } finally {
      await azurite.stop();
    }
  }

  const lines = [
    "",
    "Escalation benchmark",
    `  machine: ${machine()}; load average at start ${load}, at end ${loadNow()}`,
    `  ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
    "",
  ];
  const missed: string[] = [];
  if (latency.length > 0) {
    lines.push(
      `Part 1: deadline → delivered, N = ${ACTIVE_VISITS} active visits, real clock, background sweeper`,
      "  (profile: periodic check-in every 60 s, grace 0, first ladder step at once to the office)",
    );
    for (const result of latency) reportLatency(result, lines, missed);
  }
  if (sweeps) {
    lines.push("Part 2: one sweep's cost with and without history (clock moved by the benchmark, no background sweeps)");
    reportSweeps(sweeps.empty, sweeps.full, lines, missed);
  }
  lines.push(missed.length === 0 ? "VERDICT: PASS: every target met." : `VERDICT: FAIL: missed ${missed.join("; ")}.`, "");
  process.stdout.write(lines.join("\n"));
}

main().catch((error: unknown) => {
  process.stderr.write(`Benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
