/**
 * The fuzz driver shared by the short run in `npm test` (fuzz.test.ts) and the long one (`npm run fuzz`): the real
 * app on Azurite with the fake Bot Connector, once without app credentials (loopback) and once with them, fed
 * seeded requests over real HTTP by a client in a worker thread (fuzz-client.ts), while this thread's event-loop
 * delay and the process's RSS are watched.
 */
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Worker } from "node:worker_threads";
import type { Logger } from "../../src/app/ports";
import { Verbs } from "../../src/cards/verbs";
import { parseConfig } from "../../src/config/env";
import { type RunningApp, startApp } from "../../src/main";
import { startEmbeddedAzurite } from "../../src/storage/embedded-azurite";
import { approvedVisit } from "../support/approved-visit";
import { uniqueTablePrefix } from "../support/azurite";
import { verbsOf } from "../support/card-inspect";
import { FakeConnector } from "../support/fake-connector";
import { setUpSchoolInTeams, staffTeam } from "../support/school-setup";
import { people, testPolicy } from "../support/policy-fixture";
import { TeamsClient, TENANT_ID } from "../support/teams-client";
import type { ClientMessage, ClientTask, FuzzFailure } from "./fuzz-client";

export interface FuzzOptions {
  seed: number;
  requests: number;
  concurrency: number;
}

export interface FuzzFigures {
  seed: number;
  requests: number;
  concurrency: number;
  durationMs: number;
  byStatus: Record<string, number>;
  failures: FuzzFailure[];
  /** RSS when the client starts sending, at its highest and at the end. */
  rssMb: { start: number; peak: number; end: number };
  /** This thread's heap after a full garbage collection, before and after the run: what the app keeps. */
  retainedHeapMb: { before: number; after: number };
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  /** Errors the app logged, by message: a turn that threw is a failure even when the answer was 200. */
  loggedErrors: Record<string, number>;
  /** The first few of those failures, with what the log said. */
  loggedFailures: string[];
  /** After the run: a visitor's "new visit" is answered with the request form. */
  newVisitAnswered: boolean;
  /** Whether anything the fuzzer sent reached Object.prototype. */
  prototypePolluted: boolean;
}

/**
 * The bounds a run must stay within. The app's heap grows to a working size over the first few thousand requests
 * (20 at once, bodies up to 1 MB; the RSS counts the client's thread too) and then stays there, some 300 MB up:
 * the peak bounds that. What a leak would show is the heap that survives a full garbage collection: the app's
 * caches are bounded, so it must be about what it was before the run. The event loop serves 20 requests at once
 * on a shared two-core machine, so its delay is tens of ms at the 99th percentile; one request that held it (the
 * old tag regex: over half a second per message) puts the p99 far past the bound.
 */
export const FUZZ_BOUNDS = {
  rssGrowthMb: 512,
  retainedHeapGrowthMb: 32,
  eventLoopDelayP99Ms: 250,
  requestTimeoutMs: 10_000,
} as const;

const APP_ID = "11111111-2222-4333-8444-555555555555";
const APP_PASSWORD = "fictional-password";
/** The worker runs TypeScript through tsx: jest's transform does not reach worker threads. */
const CLIENT = `require("tsx/cjs/api").register(); require(${JSON.stringify(path.join(__dirname, "fuzz-client.ts"))});`;

/** Messages of the app's log that mean a request failed on our side, whatever it was answered. */
const FAILED_REQUEST_LOGS = ["turn failed", "activity request failed", "request failed"];

/**
 * Counts the app's error lines instead of keeping them (a long run would otherwise measure its own log), with the
 * fields of the first few that mean a request failed, to say why.
 */
function countingLog(errors: Record<string, number>, samples: string[]): Logger {
  return {
    info: () => {},
    warn: () => {},
    error: (message, fields) => {
      errors[message] = (errors[message] ?? 0) + 1;
      if (FAILED_REQUEST_LOGS.includes(message) && samples.length < 5) samples.push(`${message}: ${JSON.stringify(fields)}`);
    },
  };
}

const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** A full garbage collection on demand (V8's own gc(), which a flag set at run time exposes to a new context). */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}
const milliseconds = (ns: number) => Math.round(ns / 1e5) / 10;

export async function runFuzz(options: FuzzOptions): Promise<FuzzFigures> {
  const azurite = await startEmbeddedAzurite({ persistence: { inMemory: true } });
  const connector = new FakeConnector();
  const loggedErrors: Record<string, number> = {};
  const loggedFailures: string[] = [];
  const apps: RunningApp[] = [];
  try {
    await connector.start();
    const start = async (env: Record<string, string>) => {
      const config = parseConfig({ STORAGE_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: uniqueTablePrefix(), MICROSOFT_APP_TENANT_ID: TENANT_ID, ...env });
      const app = await startApp({ ...config, port: 0 }, { clock: { now: () => new Date("2026-11-24T09:45:00Z") }, log: countingLog(loggedErrors, loggedFailures), sweeper: false });
      apps.push(app);
      return app;
    };
    const open = await start({});
    // The test school, set up through Teams; the app with credentials has none (setting one up needs Teams' tokens).
    await setUpSchoolInTeams(open.url, connector, testPolicy(), staffTeam("fuzz"));
    const credentialed = await start({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: APP_PASSWORD });
    const client = (who: keyof typeof people) => new TeamsClient(open.url, connector, { aadObjectId: people[who].aadObjectId, name: people[who].displayName });
    // A visit under way, so that card actions and check-ins reach a real visit as well as forged ones.
    const visitor = client("visitor");
    const visitId = await approvedVisit(visitor, client("head"));
    await visitor.say("leaving");

    const task: ClientTask = {
      world: {
        seed: options.seed,
        connectorUrl: connector.url,
        appId: APP_ID,
        appPassword: APP_PASSWORD,
        people: Object.values(people).map((p) => ({ aadObjectId: p.aadObjectId, name: p.displayName })),
        visitIds: [visitId],
      },
      requests: options.requests,
      concurrency: options.concurrency,
      urls: { open: open.url, credentialed: credentialed.url },
      requestTimeoutMs: FUZZ_BOUNDS.requestTimeoutMs,
    };
    const measured = await measure(task, () => connector.reset());

    connector.reset();
    const newcomer = client("secondVisitor");
    const answer = await newcomer.say("new visit");
    const newVisitAnswered = answer.status === 200 && newcomer.cards().some((card) => verbsOf(card).includes(Verbs.submitRequest));
    const prototypePolluted = "polluted" in Object.prototype || "polluted" in Array.prototype;
    return { seed: options.seed, requests: options.requests, concurrency: options.concurrency, ...measured, loggedErrors, loggedFailures, newVisitAnswered, prototypePolluted };
  } finally {
    for (const app of apps) await app.stop();
    await connector.stop();
    await azurite.stop();
  }
}

type Measured = Pick<FuzzFigures, "durationMs" | "byStatus" | "failures" | "rssMb" | "retainedHeapMb" | "eventLoopDelayMs">;

/** Runs the client to the end, watching RSS and this thread's event-loop delay from the moment it starts sending. */
async function measure(task: ClientTask, forgetSent: () => void): Promise<Measured> {
  const rss = { start: 0, peak: 0, end: 0 };
  const heap = { before: 0, after: 0 };
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let sampler: NodeJS.Timeout | undefined;
  try {
    const result = await new Promise<Extract<ClientMessage, { byStatus: unknown }>>((resolve, reject) => {
      const worker = new Worker(CLIENT, { eval: true, workerData: task });
      worker.on("message", (message: ClientMessage) => {
        if ("ready" in message) {
          collectGarbage();
          heap.before = process.memoryUsage().heapUsed;
          rss.start = rss.peak = process.memoryUsage.rss();
          sampler = setInterval(() => (rss.peak = Math.max(rss.peak, process.memoryUsage.rss())), 50);
          delay.enable();
          worker.postMessage("start");
        } else if ("progress" in message) {
          // The fake connector keeps all it is sent; forgetting it as the run goes keeps the memory measured the app's.
          forgetSent();
        } else resolve(message);
      });
      worker.on("error", reject);
      worker.on("exit", (code) => reject(new Error(`the fuzz client stopped (exit code ${code}) before it finished`)));
    });
    rss.end = process.memoryUsage.rss();
    // The collection is the measurement's own pause, not the app's: the delay is read up to here.
    delay.disable();
    collectGarbage();
    heap.after = process.memoryUsage().heapUsed;
    return {
      durationMs: Math.round(result.durationMs),
      byStatus: result.byStatus,
      failures: result.failures,
      rssMb: { start: megabytes(rss.start), peak: megabytes(Math.max(rss.peak, rss.end)), end: megabytes(rss.end) },
      retainedHeapMb: { before: megabytes(heap.before), after: megabytes(heap.after) },
      eventLoopDelayMs: { p50: milliseconds(delay.percentile(50)), p99: milliseconds(delay.percentile(99)), max: milliseconds(delay.max) },
    };
  } finally {
    delay.disable();
    clearInterval(sampler);
  }
}

/** What broke the fuzz's rules, one line each; empty when the run passed. */
export function fuzzProblems(figures: FuzzFigures): string[] {
  const problems = figures.failures.slice(0, 20).map((f) => `request ${f.index} (${f.kind}${f.credentialed ? ", credentialed" : ""}) answered ${f.status}: ${f.body}`);
  if (figures.failures.length > 20) problems.push(`… and ${figures.failures.length - 20} more failed requests`);
  for (const [message, count] of Object.entries(figures.loggedErrors)) {
    if (FAILED_REQUEST_LOGS.includes(message)) problems.push(`the app logged "${message}" ${count} times`);
  }
  problems.push(...figures.loggedFailures);
  const { start, peak } = figures.rssMb;
  if (peak - start >= FUZZ_BOUNDS.rssGrowthMb) problems.push(`RSS grew by ${peak - start} MB at its peak (bound ${FUZZ_BOUNDS.rssGrowthMb} MB)`);
  const retained = figures.retainedHeapMb.after - figures.retainedHeapMb.before;
  if (retained >= FUZZ_BOUNDS.retainedHeapGrowthMb) problems.push(`the app kept ${retained} MB more heap after the run (bound ${FUZZ_BOUNDS.retainedHeapGrowthMb} MB)`);
  if (figures.eventLoopDelayMs.p99 >= FUZZ_BOUNDS.eventLoopDelayP99Ms) problems.push(`event-loop delay p99 ${figures.eventLoopDelayMs.p99} ms (bound ${FUZZ_BOUNDS.eventLoopDelayP99Ms} ms)`);
  if (!figures.newVisitAnswered) problems.push('"new visit" was not answered with the request form after the run');
  if (figures.prototypePolluted) problems.push("Object.prototype was polluted");
  return problems;
}

export function formatFigures(figures: FuzzFigures): string {
  const statuses = Object.entries(figures.byStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${status}: ${count}`)
    .join(", ");
  const errors = Object.entries(figures.loggedErrors).map(([message, count]) => `${message} ×${count}`).join(", ") || "none";
  return [
    `seed ${figures.seed} (FUZZ_SEED=${figures.seed} repeats this run)`,
    `requests ${figures.requests} at concurrency ${figures.concurrency} in ${(figures.durationMs / 1000).toFixed(1)} s`,
    `by status: ${statuses}`,
    `RSS start ${figures.rssMb.start} MB, peak ${figures.rssMb.peak} MB, end ${figures.rssMb.end} MB`,
    `heap kept after a full GC: ${figures.retainedHeapMb.before} MB before the run, ${figures.retainedHeapMb.after} MB after`,
    `event-loop delay p50 ${figures.eventLoopDelayMs.p50} ms, p99 ${figures.eventLoopDelayMs.p99} ms, max ${figures.eventLoopDelayMs.max} ms`,
    `errors the app logged: ${errors}`,
    `"new visit" afterwards: ${figures.newVisitAnswered ? "answered with the request form" : "NOT answered"}`,
  ].join("\n");
}
