/**
 * Never lost across a crash: the real bot runs as a child process (`node --import tsx src/main.ts`, configured by
 * environment variables as in production) against an Azurite the test started, with a fake Bot Connector on
 * loopback. Process A takes N approved visits whose arrival ladder starts a few seconds later, and is killed with
 * SIGKILL before then. Process B starts on the same tables and escalates each visit once to the office, from what A
 * left in storage alone: the due entries are A's, so B takes them once they are TAKEOVER_MS overdue.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { londonDate, londonToUtc } from "../../src/domain/london-time";
import { TAKEOVER_MS } from "../../src/storage/due-index.table-store";
import { openTables } from "../../src/storage/tables";
import { TableVisitStore } from "../../src/storage/visit.table-store";
import { freePort, uniqueTablePrefix, useAzurite } from "../support/azurite";
import { FakeConnector } from "../support/fake-connector";
import { alertsPerVisit, eventually, formAlreadyOverdue, installEveryone, promptProfile, requestAndApprove } from "./harness";
import { TENANT_ID } from "../support/teams-client";

jest.setTimeout(70_000);

const ROOT = path.resolve(__dirname, "../..");
const N = 8;
const B_SWEEP_SECONDS = 0.2;
/** How far ahead of the school's setup the visits' arrival ladder starts: time enough to request, approve and kill A. */
const LADDER_AHEAD_MS = 12_000;
const STOP_GRACE_MS = 5_000;
/** Ends the bot if the test process dies without stopping it (a crash, a SIGKILL of jest), as Azurite does. */
const ORPHAN_WATCH =
  "const parent = process.ppid;" +
  "const timer = setInterval(() => { if (process.ppid !== parent) { clearInterval(timer); process.kill(process.pid, 'SIGKILL'); } }, 500);" +
  "timer.unref();";

const connectionString = useAzurite();
const connector = new FakeConnector();
const prefix = uniqueTablePrefix();
const children = new Set<Bot>();

interface Bot {
  name: string;
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the bot as production does, configured by its environment alone; resolves once it listens. */
async function startBot(name: string, sweepSeconds: number): Promise<Bot> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    MICROSOFT_APP_TENANT_ID: TENANT_ID,
    STORAGE_CONNECTION_STRING: connectionString(),
    TABLE_PREFIX: prefix,
    HOST: "127.0.0.1",
    PORT: String(port),
    SWEEP_INTERVAL_SECONDS: String(sweepSeconds),
    LOG_LEVEL: "warn",
    // Set, though empty, so a developer's .env cannot switch on Bot Framework auth (loadEnvFile never overrides).
    MICROSOFT_APP_ID: "",
  };
  const child = spawn(process.execPath, ["--import", "tsx", "--import", `data:text/javascript,${encodeURIComponent(ORPHAN_WATCH)}`, "src/main.ts"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (text: string) => (output += text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (output += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const bot: Bot = { name, child, url: `http://127.0.0.1:${port}`, output: () => output, exited };
  children.add(bot);
  void exited.then(() => children.delete(bot));
  const ready = await eventually(() => output.includes(`${bot.url}/api/messages`) || child.exitCode !== null, 20_000);
  if (!ready || child.exitCode !== null) throw new Error(`bot ${name} did not start:\n${output}`);
  return bot;
}

/** SIGTERM (its clean stop), then SIGKILL if it has not exited in time. Resolves how it ended. */
async function stopBot(bot: Bot): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (bot.child.exitCode === null && bot.child.signalCode === null) bot.child.kill("SIGTERM");
  const force = setTimeout(() => bot.child.kill("SIGKILL"), STOP_GRACE_MS);
  try {
    return await bot.exited;
  } finally {
    clearTimeout(force);
  }
}

beforeAll(() => connector.start());

afterAll(async () => {
  // Whatever happened above, no bot outlives the test.
  await Promise.all(
    [...children].map(async (bot) => {
      bot.child.kill("SIGKILL");
      await bot.exited;
    }),
  );
  await connector.stop();
});

describe("a bot killed with deadlines waiting in storage", () => {
  const visitIds: string[] = [];
  let officeChat: string;
  let b: Bot;

  it(`process A takes ${N} approved visits due in a few seconds, escalates none yet, and is killed`, async () => {
    const a = await startBot("A", 300);
    // The visits started five minutes ago (to the minute); a grace that long and a little more puts the deadline ahead.
    const started = londonToUtc(londonDate(new Date()), formAlreadyOverdue(new Date()).start!);
    const profile = promptProfile(["office"]);
    profile.escalation.grace = `PT${Math.ceil((Date.now() + LADDER_AHEAD_MS - started.getTime()) / 1000)}S`;
    const school = await installEveryone(a.url, connector, profile);
    officeChat = school.office.conversationId;
    for (let i = 0; i < N; i++) visitIds.push(await requestAndApprove(school, formAlreadyOverdue(new Date(), i)));
    expect(new Set(visitIds).size).toBe(N);
    expect(alertsPerVisit(connector, officeChat).size).toBe(0);

    a.child.kill("SIGKILL");
    expect(await a.exited).toEqual({ code: null, signal: "SIGKILL" });

    const store = new TableVisitStore(await openTables(connectionString(), { prefix }));
    for (const id of visitIds) expect((await store.events(id)).map((e) => e.type)).toEqual(["visit.requested", "visit.approved"]);
  });

  it("process B, started on the same tables, escalates each visit to the office exactly once", async () => {
    b = await startBot("B", B_SWEEP_SECONDS);
    const allArrived = await eventually(() => alertsPerVisit(connector, officeChat).size === N, LADDER_AHEAD_MS + TAKEOVER_MS + 15_000);
    if (!allArrived) throw new Error(`the office got ${alertsPerVisit(connector, officeChat).size} of ${N} alerts. Bot B said:\n${b.output()}`);
    // Several more sweeps of B: nothing may go out twice.
    await new Promise((resolve) => setTimeout(resolve, 5 * B_SWEEP_SECONDS * 1000));

    const perVisit = alertsPerVisit(connector, officeChat);
    expect([...perVisit.keys()].sort()).toEqual([...visitIds].sort());
    expect([...perVisit.values()]).toEqual(visitIds.map(() => 1));

    const store = new TableVisitStore(await openTables(connectionString(), { prefix }));
    for (const id of visitIds) {
      const events = await store.events(id);
      expect(events.filter((e) => e.type === "alert.raised")).toEqual([
        expect.objectContaining({ actor: expect.objectContaining({ id: "system" }), alert: expect.objectContaining({ id: "A1", kind: "overdue", deadline: expect.objectContaining({ kind: "arrival" }) }) }),
      ]);
      expect(events.filter((e) => e.type === "alert.escalated")).toEqual([expect.objectContaining({ alertId: "A1", step: 0, targets: ["office"] })]);
    }
  });

  it("process B stops cleanly on SIGTERM", async () => {
    expect(await stopBot(b)).toEqual({ code: 0, signal: null });
  });
});
