/**
 * How long the bot takes to handle a visit request, an approval and a check-in, over real HTTP on loopback,
 * next to a bare echo turn on the same kind of CloudAdapter; and how many storage round trips and Bot
 * Connector calls each makes. Prints figures and a verdict against the targets; it is not a test.
 *
 *   npm run bench          (compiles bench/ with tsc, then runs it on plain Node; BENCH_ITERATIONS=200 by default)
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { ActivityHandler, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type TurnContext } from "botbuilder";
import { Verbs } from "../src/cards/verbs";
import { parseConfig } from "../src/config/env";
import { createHttpApp, listen } from "../src/http/server";
import type { ObservedRequest } from "../src/storage/tables";
import { startApp, type RunningApp } from "../src/main";
import { type EmbeddedAzurite, startEmbeddedAzurite } from "../src/storage/embedded-azurite";
import { createBotAdapter, messagesEndpoint } from "../src/teams/bot-adapter";
import { button, textOf } from "../test/support/card-inspect";
import { FakeConnector } from "../test/support/fake-connector";
import { people, testPolicy } from "../test/support/policy-fixture";
import { quietLog } from "../test/support/quiet-log";
import { requestForm } from "../test/support/request-form";
import { TeamsClient, TENANT_ID } from "../test/support/teams-client";
import { setUpSchoolInTeams, staffTeam } from "../test/support/school-setup";
import { roundTripsWaited } from "./round-trips";

const ITERATIONS = positiveInt(process.env.BENCH_ITERATIONS, 200);
/** Not counted: lets V8 compile the hot paths and undici open its keep-alive connections first. */
const WARMUP = 20;
const TARGET_CHECKIN_ROUND_TRIPS = 2;
const TARGET_CHECKIN_VS_ECHO = 2;

// A fixed clock keeps every visit valid (the form's date is "today") however long or often this runs.
const clock = { now: () => new Date("2026-11-24T08:00:00Z") };
const form = requestForm();

const OPERATIONS = {
  request: "visit request (submitRequest)",
  approve: "approval (approve)",
  leftSchool: "check-in: left school",
  arrived: "check-in: arrived",
  echoMessage: "echo: message",
  echoInvoke: "echo: card invoke",
} as const;
type Operation = keyof typeof OPERATIONS;

interface Sample {
  ms: number;
  storage: number;
  connector: number;
}

/** The baseline: a bot that does nothing but answer, so its time is the adapter + HTTP + JSON floor. */
class EchoBot extends ActivityHandler {
  constructor() {
    super();
    // Replies to a message go out as a POST to the connector, as the real bot's replies do.
    this.onMessage(async (context, next) => {
      await context.sendActivity(context.activity.text ?? "");
      await next();
    });
  }

  // Answered inline in the HTTP response, as the real bot's card actions are.
  protected override async onAdaptiveCardInvoke(_context: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const card = { type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: JSON.stringify(invoke.action.data) }] };
    return { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: card };
  }
}

async function main(): Promise<void> {
  const log = quietLog();
  const connector = new FakeConnector();
  const storageRequests: ObservedRequest[] = [];
  let azurite: EmbeddedAzurite | undefined;
  let app: RunningApp | undefined;
  let echoServer: Server | undefined;
  try {
    azurite = await startEmbeddedAzurite({ persistence: { inMemory: true } });
    await connector.start();
    // PORT must parse as a real port; the app then listens on port 0, a free one.
    const config = parseConfig({ STORAGE_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: "bench", PORT: "1", MICROSOFT_APP_TENANT_ID: TENANT_ID });
    // No background sweeps: their storage reads would be counted against whatever turn they overlap.
    app = await startApp({ ...config, port: 0 }, { clock, log, onStorageRequest: (request) => storageRequests.push(request), sweeper: false });
    echoServer = await listen(createHttpApp(messagesEndpoint(createBotAdapter(undefined, log), new EchoBot()), log), "127.0.0.1", 0);
    const echoUrl = `http://127.0.0.1:${(echoServer.address() as AddressInfo).port}`;

    const botUrl = app.url;
    await setUpSchoolInTeams(botUrl, connector, testPolicy((p) => void (p.authorisation.informRoles = [])), staffTeam("bench"));
    const client = (who: keyof typeof people, url = botUrl) =>
      new TeamsClient(url, connector, { aadObjectId: people[who].aadObjectId, name: people[who].displayName });
    const visitor = client("visitor");
    const head = client("head");
    const echoUser = client("visitor", echoUrl);
    // Installing stores the conversation references the bot needs to message the head and both visitors.
    for (const person of [visitor, client("secondVisitor"), head]) await expectOk(person.install());

    const samples = new Map<Operation, Sample[]>(Object.keys(OPERATIONS).map((op) => [op as Operation, []]));
    /** Times one operation from the POST until its response body is read, with what it cost in I/O. */
    const measure = async <T>(op: Operation, counted: boolean, run: () => Promise<T>): Promise<T> => {
      storageRequests.length = 0;
      connector.reset();
      const start = performance.now();
      const result = await run();
      const answeredAt = performance.now();
      const ms = answeredAt - start;
      // Round trips the person waited for: a day row's copy written after the answer is not one of them.
      if (counted) samples.get(op)!.push({ ms, storage: roundTripsWaited(storageRequests, answeredAt), connector: connector.calls.length });
      return result;
    };

    const started = performance.now();
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      const counted = i >= WARMUP;
      // Each step taps the button on the card the previous step actually delivered, as people in Teams would.
      const submitted = await measure("request", counted, () => visitor.tap(Verbs.submitRequest, form));
      expectCard(submitted, /sent to jo fenwick for approval/i);
      const approve = button(connector.cardsTo(head.conversationId).at(-1) ?? {}, /^approve/i);

      expectCard(await measure("approve", counted, () => head.tap(Verbs.approve, approve.data!)), /approved\. the visitor has been told/i);
      // The visit card, not the briefing that follows it.
      const leave = button(visitor.lastCardWithButton(/leaving school/i), /leaving school/i);

      const left = await measure("leftSchool", counted, () => visitor.tap(Verbs.checkIn, leave.data!));
      expectCard(left, /left school at .*: recorded/i);
      const arrive = button(left.card, /arrived/i);
      expectCard(await measure("arrived", counted, () => visitor.tap(Verbs.checkIn, arrive.data!)), /arrived at .*: recorded/i);

      await measure("echoMessage", counted, () => expectOk(echoUser.say(`echo ${i}`)));
      expectCard(await measure("echoInvoke", counted, () => echoUser.tap("echo", { i })), new RegExp(`"i":${i}\\b`));
    }
    const seconds = (performance.now() - started) / 1000;

    // A warning or error in the bot's log (a failed proactive send, a failed save) would make the figures lie.
    const problems = log.lines.filter((line) => line.level !== "info");
    if (problems.length > 0) throw new Error(`the bot logged problems during the run: ${JSON.stringify(problems.slice(0, 3))}`);
    report(samples, seconds);
  } finally {
    await app?.stop();
    await new Promise<void>((resolve) => (echoServer ? echoServer.close(() => resolve()) : resolve()));
    await connector.stop();
    await azurite?.stop();
  }
}

function report(samples: Map<Operation, Sample[]>, seconds: number): void {
  const stat = (op: Operation) => {
    const list = samples.get(op)!;
    const ms = sorted(list.map((s) => s.ms));
    const storage = sorted(list.map((s) => s.storage));
    const connector = sorted(list.map((s) => s.connector));
    return { median: percentile(ms, 50), p99: percentile(ms, 99), storage, connector };
  };
  const range = (values: number[]) => {
    const [min, med, max] = [values[0]!, percentile(values, 50), values.at(-1)!];
    return min === max ? String(min) : `${min} / ${med} / ${max}`;
  };

  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const lines = [
    "",
    "Visit handling benchmark",
    `  machine: ${availableParallelism()} CPUs (${cpu}), Node ${process.version}, ${process.platform}/${process.arch}`,
    `  N = ${ITERATIONS} measured iterations (after ${WARMUP} warm-up), one fresh visit each; ${seconds.toFixed(1)} s in all`,
    "",
    `  ${"operation".padEnd(32)}${"median ms".padStart(10)}${"p99 ms".padStart(10)}   storage round trips   connector calls`,
  ];
  for (const op of Object.keys(OPERATIONS) as Operation[]) {
    const s = stat(op);
    lines.push(
      `  ${OPERATIONS[op].padEnd(32)}${s.median.toFixed(2).padStart(10)}${s.p99.toFixed(2).padStart(10)}   ${range(s.storage).padEnd(22)}${range(s.connector)}`,
    );
  }
  lines.push(
    "  (round trips and calls: one number when constant, else min / median / max)",
    "",
    "What each figure includes: client-side wall time from the POST to /api/messages until the response body is read,",
    "over keep-alive HTTP on loopback, through express, the CloudAdapter and the bot.",
    "  - visit request, approval, check-ins: an adaptiveCard/action invoke answered inline with the new card. The time",
    "    includes every storage round trip to Azurite (in memory, a separate process) and the proactive cards to other",
    "    people (request: the head; approval: both visitors), each an HTTP POST to the fake connector, awaited in-turn.",
    "  - echo: message: a bare ActivityHandler that replies with the text: one POST to the fake connector in-turn,",
    "    then an empty 200. This is the baseline the target names.",
    "  - echo: card invoke: the same bare bot answering an adaptiveCard/action inline with a tiny card, no outbound",
    "    call: the like-for-like floor for the card actions above.",
    "  Client, bot, echo bot and fake connector share this one Node process; Azurite runs in a child process.",
    "",
  );

  const echo = stat("echoMessage").median;
  const echoInvoke = stat("echoInvoke").median;
  const missed: string[] = [];
  for (const op of ["leftSchool", "arrived"] as const) {
    const s = stat(op);
    const trips = s.storage.at(-1)!;
    const ratio = s.median / echo;
    const tripsOk = trips <= TARGET_CHECKIN_ROUND_TRIPS;
    const ratioOk = ratio <= TARGET_CHECKIN_VS_ECHO;
    if (!tripsOk) missed.push(`${OPERATIONS[op]} round trips`);
    if (!ratioOk) missed.push(`${OPERATIONS[op]} median vs echo`);
    lines.push(
      `  ${OPERATIONS[op]}: storage round trips ${trips} (target <= ${TARGET_CHECKIN_ROUND_TRIPS}) ${tripsOk ? "PASS" : "FAIL"}; ` +
        `median / echo message median = ${ratio.toFixed(2)}x (target <= ${TARGET_CHECKIN_VS_ECHO}x) ${ratioOk ? "PASS" : "FAIL"}` +
        `  [vs echo card invoke, for information: ${(s.median / echoInvoke).toFixed(2)}x]`,
    );
  }
  lines.push("", missed.length === 0 ? "VERDICT: PASS: every check-in target met." : `VERDICT: FAIL: missed ${missed.join("; ")}.`, "");
  process.stdout.write(lines.join("\n"));
}

async function expectOk(response: Promise<Response>): Promise<void> {
  const res = await response;
  await res.text(); // read the body, so the time covers the whole response and the connection is free again
  if (res.status >= 300) throw new Error(`the bot answered ${res.status}`);
}

function expectCard(result: { status: number; card: Record<string, unknown> }, text: RegExp): void {
  if (result.status !== 200 || !text.test(textOf(result.card ?? {}))) {
    throw new Error(`expected a card saying ${text}, got ${result.status}: ${JSON.stringify(result.card).slice(0, 500)}`);
  }
}

function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Nearest-rank percentile of ascending values. */
function percentile(ascending: number[], p: number): number {
  return ascending[Math.max(0, Math.ceil((p / 100) * ascending.length) - 1)]!;
}

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_ITERATIONS must be a positive whole number, not "${value}"`);
  return n;
}

main().catch((error: unknown) => {
  process.stderr.write(`Benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
