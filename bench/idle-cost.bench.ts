/**
 * What one deployment for many schools costs in storage transactions a month (issue 13, point 6): 50 schools with 20
 * visits a day each, on one instance with the sleeping sweeper. Two measurements, then the arithmetic:
 *
 *  1. Idle: an instance with the schools set up through Teams and nothing due, on the real clock and the default
 *     settings (the sweeper sleeps up to SWEEP_INTERVAL_SECONDS, 30 s), App Service's health check calling /healthz
 *     once a minute. Its storage requests are counted over a measured window and scaled to a month.
 *  2. A visit's day: one visit from the request to its record, on a clock moved by hand, with a sweep run each time
 *     the visit's next wake comes (as the sleeping sweeper wakes for it), counting every storage request: the people's
 *     turns, the sweeps, the notifications' sends and their bookkeeping.
 *
 * Per month = idle rate × a month + schools × visits a day × days × requests per visit. Prints figures; not a test.
 *
 *   npm run bench:idle                                  a 5-minute idle window
 *   BENCH_IDLE_SECONDS=120 npm run bench:idle
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SCHOOLS_CACHE_MS } from "../src/app/schools";
import { Verbs } from "../src/cards/verbs";
import { parseConfig } from "../src/config/env";
import { startApp, type RunningApp } from "../src/main";
import type { ObservedRequest } from "../src/storage/tables";
import { type EmbeddedAzurite, startEmbeddedAzurite } from "../src/storage/embedded-azurite";
import { buttonsOf, textOf } from "../test/support/card-inspect";
import { FakeConnector } from "../test/support/fake-connector";
import { people, testPolicy } from "../test/support/policy-fixture";
import { quietLog } from "../test/support/quiet-log";
import { requestForm } from "../test/support/request-form";
import { setUpSchoolInTeams, staffTeam } from "../test/support/school-setup";
import { TeamsClient, TENANT_ID } from "../test/support/teams-client";
import { requestKind } from "./scale/request-kind";
import { loadNow, machine, positiveInt } from "./stats";

const SCHOOLS = 50;
const VISITS_PER_SCHOOL_DAY = 20;
/** Every day of the month, weekends too: an upper bound (about 21 school days make the visits' part 30% less). */
const DAYS_A_MONTH = 30;
const MONTH_SECONDS = DAYS_A_MONTH * 86_400;
const IDLE_SECONDS = positiveInt("BENCH_IDLE_SECONDS", 300);
/** App Service's health check calls the path once a minute on each instance. */
const HEALTH_PING_MS = 60_000;
const DAY = "2026-11-24";

/** Storage requests by kind, as bench/scale/request-kind.ts names them. */
class Counter {
  counting = false;
  readonly byKind: Record<string, number> = {};

  constructor(private readonly prefix: string) {}

  observe = (request: ObservedRequest): void => {
    if (!this.counting) return;
    const kind = requestKind(request, this.prefix);
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
  };

  /** The requests counted, leaving out these kinds. */
  total(leaveOut: readonly string[] = []): number {
    return Object.entries(this.byKind).reduce((sum, [kind, n]) => sum + (leaveOut.includes(kind) ? 0 : n), 0);
  }

  text(leaveOut: readonly string[] = []): string {
    return Object.entries(this.byKind)
      .filter(([kind]) => !leaveOut.includes(kind))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, n]) => `${kind} ${n}`)
      .join(", ");
  }
}

/** The test profile for one of many schools: its own id and name. */
const schoolPolicy = (n: number) =>
  testPolicy((p) => {
    p.school.id = `idle-school-${n}`;
    p.school.name = `Idle School ${n}`;
  });

/**
 * An instance's own reads, not a visit's: the list of schools (read again at most every SCHOOLS_CACHE_MS, whatever
 * the number of visits) and a month's visits table made once. The visit's day, on a clock moved by hours, would count
 * a list read for nearly every turn.
 */
const PER_INSTANCE = ["schools query", "Tables insert"];

async function idleInstance(azurite: EmbeddedAzurite): Promise<{ counter: Counter; seconds: number; healthPings: number; sweepIntervalS: number; retention: Counter }> {
  const prefix = "idle";
  const counter = new Counter(prefix);
  const retention = new Counter(prefix);
  const connector = new FakeConnector();
  await connector.start();
  let app: RunningApp | undefined;
  try {
    // The defaults, as a deployment runs: only where storage is and who the tenant is are given.
    const config = parseConfig({ STORAGE_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: prefix, PORT: "1", MICROSOFT_APP_TENANT_ID: TENANT_ID });
    // The daily retention job runs once a day whatever the window: it is counted on its own, below.
    app = await startApp({ ...config, port: 0 }, { log: quietLog(), retention: false, onStorageRequest: (request) => [counter, retention].forEach((c) => c.observe(request)) });
    process.stderr.write(`  setting up ${SCHOOLS} schools through Teams…\n`);
    for (let n = 0; n < SCHOOLS; n++) await setUpSchoolInTeams(app.url, connector, schoolPolicy(n), staffTeam(`idle-${n}`));
    // Whatever setting up left in flight settles before the window opens.
    await sleep(config.sweepIntervalMs);
    process.stderr.write(`  counting the idle instance's storage requests for ${IDLE_SECONDS} s…\n`);
    counter.counting = true;
    const started = Date.now();
    let healthPings = 0;
    while (Date.now() - started < IDLE_SECONDS * 1000) {
      const res = await fetch(`${app.url}/healthz`);
      await res.text();
      healthPings++;
      await sleep(Math.min(HEALTH_PING_MS, IDLE_SECONDS * 1000 - (Date.now() - started)));
    }
    counter.counting = false;
    const seconds = (Date.now() - started) / 1000;
    retention.counting = true;
    await app.retainOnce();
    retention.counting = false;
    return { counter, seconds, healthPings, sweepIntervalS: config.sweepIntervalMs / 1000, retention };
  } finally {
    await app?.stop();
    await connector.stop();
  }
}

/** One paired visit at 10:00 from its request to its record, a sweep at each of its wakes; its storage requests. */
async function visitDay(azurite: EmbeddedAzurite): Promise<{ counter: Counter; sweeps: number }> {
  const prefix = "visitday";
  const counter = new Counter(prefix);
  let now = new Date(`${DAY}T08:00:00Z`);
  const connector = new FakeConnector();
  await connector.start();
  let app: RunningApp | undefined;
  try {
    const config = parseConfig({ STORAGE_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: prefix, PORT: "1", MICROSOFT_APP_TENANT_ID: TENANT_ID });
    app = await startApp({ ...config, port: 0 }, { clock: { now: () => now }, log: quietLog(), sweeper: false, retention: false, onStorageRequest: counter.observe });
    const schoolId = await setUpSchoolInTeams(app.url, connector, schoolPolicy(0), staffTeam("visit-day"));
    const client = (who: keyof typeof people) => new TeamsClient(app!.url, connector, { aadObjectId: people[who].aadObjectId, name: people[who].displayName });
    const [visitor, second, head] = [client("visitor"), client("secondVisitor"), client("head")];
    for (const person of [visitor, second, head, client("dsl"), client("office")]) await person.install();

    let sweeps = 0;
    let visitId = "";
    /** Sweeps at each wake of the visit before `until`, as the sleeping sweeper would, then moves the clock there. */
    const until = async (time: string) => {
      const next = new Date(`${DAY}T${time}Z`);
      for (let wake = (await app!.store.load(visitId))?.visit.wakeAt; wake && Date.parse(wake) <= next.getTime(); wake = (await app!.store.load(visitId))?.visit.wakeAt) {
        if (sweeps > 50) throw new Error(`the visit keeps waking: ${wake}`);
        now = new Date(wake);
        counter.counting = true;
        await app!.sweepOnce();
        counter.counting = false;
        sweeps++;
      }
      now = next;
    };
    const turn = async (at: string, act: () => Promise<{ card?: Record<string, unknown> }>, expect: RegExp) => {
      await until(at);
      counter.counting = true;
      const { card } = await act();
      counter.counting = false;
      if (!expect.test(textOf(card ?? {}))) throw new Error(`at ${at}: ${textOf(card ?? {})}`);
    };

    counter.counting = true;
    const requested = await visitor.tap(Verbs.submitRequest, { ...requestForm({ date: DAY, entry: "doorstep" }), schoolId });
    counter.counting = false;
    visitId = String(buttonsOf(requested.card).find((b) => b.data?.visitId)?.data?.visitId);
    await turn("08:05:00", () => head.tap(Verbs.approve, { visitId, version: 1 }), /Approved/);
    await turn("09:45:00", () => visitor.tap(Verbs.checkIn, { visitId, step: "left-school" }), /recorded/);
    await turn("10:00:00", () => visitor.tap(Verbs.checkIn, { visitId, step: "arrived" }), /recorded/);
    await turn("10:01:00", () => visitor.tap(Verbs.checkIn, { visitId, step: "parent-present" }), /recorded/);
    await turn("10:50:00", () => visitor.tap(Verbs.checkIn, { visitId, step: "left" }), /recorded/);
    await turn("10:55:00", () => visitor.tap(Verbs.record, { visitId, outcome: "seen", summary: "Met mum; attendance plan agreed." }), /./);
    await until("23:59:59");
    const visit = (await app.store.load(visitId))!.visit;
    if (visit.status !== "recorded") throw new Error(`the visit ended ${visit.status}, not recorded`);
    return { counter, sweeps };
  } finally {
    await app?.stop();
    await connector.stop();
  }
}

const millions = (n: number) => `${(n / 1e6).toFixed(2)} million`;

async function main(): Promise<void> {
  const loadAtStart = loadNow();
  const azurite = await startEmbeddedAzurite({ persistence: { inMemory: true } });
  try {
    const day = await visitDay(azurite);
    const idle = await idleInstance(azurite);
    const idlePerMonth = (idle.counter.total() / idle.seconds) * MONTH_SECONDS;
    const retentionPerMonth = idle.retention.total() * DAYS_A_MONTH;
    const schoolListPerMonth = MONTH_SECONDS / (SCHOOLS_CACHE_MS / 1000);
    const instancePerMonth = idlePerMonth + retentionPerMonth + schoolListPerMonth;
    const perVisit = day.counter.total(PER_INSTANCE);
    const visitsPerMonth = SCHOOLS * VISITS_PER_SCHOOL_DAY * DAYS_A_MONTH;
    const visitsPart = visitsPerMonth * perVisit;
    const n = (x: number) => Math.round(x).toLocaleString("en-GB");
    const lines = [
      "",
      `Storage transactions a month: ${SCHOOLS} schools × ${VISITS_PER_SCHOOL_DAY} visits a day on one deployment (issue 13, point 6)`,
      `  machine: ${machine()}; load average at start ${loadAtStart}, at end ${loadNow()}; in-memory Azurite`,
      "",
      `  1. An idle instance (${SCHOOLS} schools set up, nothing due; the sweeper sleeps up to ${idle.sweepIntervalS} s; /healthz called ${idle.healthPings} times, once a minute):`,
      `     ${idle.counter.total()} storage requests in ${idle.seconds.toFixed(0)} s (${idle.counter.text() || "none"})`,
      `     = ${idle.counter.total()} ÷ ${idle.seconds.toFixed(0)} s × ${n(MONTH_SECONDS)} s a month = ${n(idlePerMonth)} a month`,
      `     the daily retention job over the ${SCHOOLS} schools: ${idle.retention.total()} requests (${idle.retention.text()}) × ${DAYS_A_MONTH} days = ${n(retentionPerMonth)}`,
      `     the list of schools, read at most every ${SCHOOLS_CACHE_MS / 1000} s while anyone uses the instance (at most, all month): ${n(schoolListPerMonth)}`,
      `  2. One paired visit's day (requested 08:00, approved, left school, arrived, parent present, left, recorded; ${day.sweeps} sweeps at its wakes):`,
      `     ${perVisit} storage requests (${day.counter.text(PER_INSTANCE)}; the instance's own reads left out: ${day.counter.text().length > 0 ? day.counter.total() - perVisit : 0})`,
      `     × ${SCHOOLS} schools × ${VISITS_PER_SCHOOL_DAY} visits × ${DAYS_A_MONTH} days = ${n(visitsPerMonth)} visits a month: ${n(visitsPart)}`,
      "",
      `  A month, one instance: ${n(instancePerMonth)} + ${n(visitsPart)} = ${millions(instancePerMonth + visitsPart)} transactions` +
        ` (the instance's own part ${((instancePerMonth / (instancePerMonth + visitsPart)) * 100).toFixed(0)}%); two instances for availability: ${millions(2 * instancePerMonth + visitsPart)}.`,
      `  For comparison: one instance per school, each sweeping every 2 s (2 requests an idle sweep), is ${millions(SCHOOLS * (MONTH_SECONDS / 2) * 2)} a month before any visit.`,
      "  Not counted: the office's board in the Teams tab (2 requests a poll while someone has it open).",
      "",
    ];
    process.stdout.write(lines.join("\n"));
  } finally {
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`Benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
