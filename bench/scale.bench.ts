/**
 * Escalation at trust scale. The bot runs in a process of its own (or several: BENCH_INSTANCES), as production runs
 * it: the real clock, the background sweeper. This process plays everyone else: the Teams clients (check-ins over real
 * HTTP on loopback) and the Bot Connector the alerts arrive at. Azurite runs in a third process. Prints figures and a
 * verdict against the targets of issue 13; it is not a test. bench/README.md says what each figure includes.
 *
 *   npm run bench:scale                                   10,000 visits, deadlines over 10 minutes (about 20 minutes)
 *   BENCH_CASE=burst npm run bench:scale                  1,000 deadlines in the same second (about 4 minutes)
 *   BENCH_CASE=burst BENCH_INSTANCES=1,2,4 npm run bench:scale    the same burst on 1, then 2, then 4 instances
 *
 * Knobs: BENCH_VISITS, BENCH_SCHOOLS=50, BENCH_WINDOW_SECONDS=600 (deadlines fall over this), BENCH_CHECKIN_SECONDS
 * (check-ins are made over this, before the first deadline), BENCH_INSTANCES=1, BENCH_PROBE_EVERY_MS=2000.
 */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Schools } from "../src/app/schools";
import { Verbs } from "../src/cards/verbs";
import { londonDate, londonTime } from "../src/domain/london-time";
import type { Actor, Visit } from "../src/domain/visit";
import type { PolicyProfile, PolicyProfileInput, Role } from "../src/policy/policy.schema";
import { type EmbeddedAzurite, startEmbeddedAzurite } from "../src/storage/embedded-azurite";
import { TableSchoolStore } from "../src/storage/school.table-store";
import { openTables } from "../src/storage/tables";
import { TableVisitStore } from "../src/storage/visit.table-store";
import { buttonsOf, textOf } from "../test/support/card-inspect";
import { FakeConnector } from "../test/support/fake-connector";
import { testPolicyInput } from "../test/support/policy-fixture";
import { loneDetails } from "../test/domain/visit.builders";
import { setUpSchoolInTeams, staffTeam, type StaffTeam } from "../test/support/school-setup";
import { TeamsClient, TENANT_ID } from "../test/support/teams-client";
import { azuriteAlone, type AzuriteCapacity } from "./scale/azurite-alone";
import type { FromParent, ToParent } from "./scale/bot.process";
import { cpuMs, memoryMb } from "./scale/proc-stats";
import { seedApprovedVisit } from "./scale/seed-visits";
import { eachLimited, loadNow, machine, positiveInt, progress, spread } from "./stats";

const BURST = process.env.BENCH_CASE === "burst";
const VISITS = positiveInt("BENCH_VISITS", BURST ? 1_000 : 10_000);
const SCHOOLS = positiveInt("BENCH_SCHOOLS", 50);
const WINDOW_S = BURST ? 1 : positiveInt("BENCH_WINDOW_SECONDS", 600);
const CHECKIN_S = positiveInt("BENCH_CHECKIN_SECONDS", BURST ? 100 : 300);
const INSTANCES = (process.env.BENCH_INSTANCES ?? "1").split(",").map((n) => {
  if (!/^[1-8]$/.test(n.trim())) throw new Error(`BENCH_INSTANCES: "${n}" is not a number of instances from 1 to 8`);
  return Number(n);
});
const PROBE_EVERY_MS = positiveInt("BENCH_PROBE_EVERY_MS", 2_000);
/** How often the run says how far the alerts have got while deadlines fall. */
const LOOK_EVERY_MS = 20_000;
/** Probes (a check-in tapped, one typed; every third a call for help, every third a concern) timed with nothing else going on. */
const IDLE_PROBES = 40;
const SEED_CONCURRENCY = 32;

const TARGETS = { p99AlertMs: 10_000, burstMaxMs: 30_000, checkInVsIdle: 2, rssMb: 256, alarmP99Ms: 2_000 };

/** A school's profile file is at most 60 KB (about 500 people), so the probes' visits are spread over a few schools. */
const PROBE_SCHOOLS = 3;
const VISITORS_PER_PROBE_SCHOOL = 400;
const PROBE_VISITS = PROBE_SCHOOLS * VISITORS_PER_PROBE_SCHOOL;

// ---------------------------------------------------------------------------------------------------------------
// The schools: fictional people with GUID-shaped ids of their own, one office, head and DSL each.
// ---------------------------------------------------------------------------------------------------------------

interface School {
  index: number;
  id: string;
  team: StaffTeam;
  head: Actor;
  office: Actor;
  visitors: Actor[];
  /** Seconds from a "left school" check-in to its periodic deadline. */
  periodicSeconds: number;
  policy: PolicyProfileInput;
}

const guid = (school: number, person: number) => `${school.toString(16).padStart(8, "0")}-0000-4000-8000-${person.toString(16).padStart(12, "0")}`;

function schoolOf(index: number, visitors: number, periodicSeconds: number): School {
  const person = (n: number, name: string, roles: Role[]) => ({ aadObjectId: guid(index + 1, n), displayName: name, roles });
  const head = person(1, `Head ${index}`, ["headteacher", "slt"]);
  const office = person(3, `Office ${index}`, ["office"]);
  const staff = Array.from({ length: visitors }, (_, i) => person(100 + i, `Visitor ${index}-${i}`, ["visitor"]));
  return {
    index,
    id: "",
    team: staffTeam(`scale-${index}`),
    head: { id: head.aadObjectId, name: head.displayName },
    office: { id: office.aadObjectId, name: office.displayName },
    visitors: staff.map((p) => ({ id: p.aadObjectId, name: p.displayName })),
    periodicSeconds,
    policy: benchPolicy(index, [head, person(2, `DSL ${index}`, ["dsl", "slt"]), office, ...staff], periodicSeconds),
  };
}

/**
 * The test profile with this school's people: a periodic "I'm safe" check-in every `periodicSeconds`, no grace, the
 * ladder's first step at once to the office (its second, to the head and the channel, never within a run), and a
 * school day of the whole day, so a visit at any hour needs no responsible contact.
 */
function benchPolicy(index: number, people: PolicyProfileInput["people"], periodicSeconds: number): PolicyProfileInput {
  const p = testPolicyInput();
  p.school.id = `scale-${index}`;
    p.school.name = `Scale School ${index}`;
  p.people = people;
  p.authorisation.informRoles = [];
  p.checkIns.periodicEvery = `PT${periodicSeconds}S`;
  p.escalation.grace = "PT0S";
  p.escalation.steps = [
    { after: "PT0S", targets: ["office"] },
    { after: "PT2H", targets: ["headteacher", "dsl-channel"] },
  ];
  p.outOfHours = { schoolDay: { start: "00:00", end: "23:59" }, responsibleContactRequired: false };
  p.staffPrerequisites.blocking = [];
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
// The bot processes
// ---------------------------------------------------------------------------------------------------------------

interface Bot {
  url: string;
  pid: number;
  child: ChildProcess;
  stats(): Promise<Extract<ToParent, { type: "stats" }>>;
  stop(): Promise<void>;
}

/** The Node flags production starts the bot with: infra/main.bicep's appCommandLine, "node <flags> dist/main.js". */
const PRODUCTION_NODE_FLAGS = (() => {
  const bicep = readFileSync(path.join(__dirname, "../../infra/main.bicep"), "utf8");
  const command = /appCommandLine: 'node ((?:--\S+ )*)dist\/main\.js'/.exec(bicep);
  if (!command) throw new Error("infra/main.bicep has no appCommandLine of the form 'node <flags> dist/main.js'");
  return command[1]!.split(" ").filter(Boolean);
})();

async function startBot(connection: string, prefix: string): Promise<Bot> {
  const child = fork(`${__dirname}/scale/bot.process.js`, [], {
    execArgv: PRODUCTION_NODE_FLAGS,
    env: { ...process.env, STORAGE_CONNECTION_STRING: connection, TABLE_PREFIX: prefix, MICROSOFT_APP_TENANT_ID: TENANT_ID, LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("message", (message: ToParent) => (message.type === "ready" ? resolve(message.url) : reject(new Error("unexpected first message"))));
    child.once("exit", (code) => reject(new Error(`the bot process exited with ${code} before it was ready`)));
  });
  const ask = <T extends ToParent["type"]>(message: FromParent, type: T) =>
    new Promise<Extract<ToParent, { type: T }>>((resolve) => {
      const listen = (reply: ToParent) => {
        if (reply.type !== type) return;
        child.off("message", listen);
        resolve(reply as Extract<ToParent, { type: T }>);
      };
      child.on("message", listen);
      child.send(message);
    });
  return {
    url,
    pid: child.pid!,
    child,
    stats: () => ask({ type: "stats" }, "stats"),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.send({ type: "stop" } satisfies FromParent);
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// What arrives at the connector
// ---------------------------------------------------------------------------------------------------------------

const VISIT_ID = /"visitId":"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/;

/** Reads the connector's calls as they come and lets go of them, keeping only when each card about a visit arrived where. */
class Arrivals {
  /** First arrival of an alert card (one with "I'm on it") per conversation and visit, and how many came. */
  readonly alerts = new Map<string, { at: number; count: number; alertId: string }>();
  /** Every card or text about a visit posted to a conversation, by time: probes look for what came after a tap. */
  readonly posts = new Map<string, number[]>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly connector: FakeConnector) {
    this.timer = setInterval(() => this.catchUp(), 50);
  }

  catchUp(): void {
    const calls = this.connector.calls.splice(0);
    for (const call of calls) {
      if (call.method !== "POST" || !call.conversationId || !call.path.includes("/activities")) continue;
      const attachments = (call.body.attachments as { content: Record<string, unknown> }[] | undefined) ?? [];
      for (const { content } of attachments) {
        const visitId = VISIT_ID.exec(JSON.stringify(content))?.[1];
        if (!visitId) continue;
        const key = `${call.conversationId} ${visitId}`;
        this.posts.set(key, [...(this.posts.get(key) ?? []), call.at]);
        const ack = buttonsOf(content).find((b) => b.verb === Verbs.acknowledgeAlert);
        if (!ack) continue;
        const known = this.alerts.get(key);
        if (known) known.count++;
        else this.alerts.set(key, { at: call.at, count: 1, alertId: String(ack.data?.alertId) });
      }
    }
  }

  /** When the first post about the visit reached the conversation at or after `since`. */
  firstAfter(conversationId: string, visitId: string, since: number): number | undefined {
    return this.posts.get(`${conversationId} ${visitId}`)?.find((at) => at >= since);
  }

  stop(): void {
    clearInterval(this.timer);
    this.catchUp();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A run
// ---------------------------------------------------------------------------------------------------------------

interface ProbeFigures {
  tap: number[];
  typed: number[];
  /** Tap → each target's alert card received, for calls for help and concerns. */
  alarm: number[];
  failures: number;
}

interface Phase {
  seconds: number;
  botCpuMs: number;
  azuriteCpuMs: number;
  requests: number;
  conflicts: number;
  byKind: Record<string, number>;
  load: string;
}

interface RunResult {
  instances: number;
  setupSeconds: number;
  seedSeconds: number;
  idle: ProbeFigures;
  duringCheckIns: ProbeFigures;
  duringDeadlines: ProbeFigures;
  checkIns: { ms: number[]; failed: number };
  deadlineSpreadMs: number;
  lateness: number[];
  pickup: number[];
  delivery: number[];
  /** Visits whose check-in was recorded, so a deadline and an alert were due. */
  expected: number;
  delivered: number;
  missing: number;
  duplicates: number;
  escalations: Phase;
  /** First deadline to last alert: escalations per second. */
  throughput: number;
  peakRssMb: number[];
  azuritePeakRssMb: number;
  problems: string[];
  sweeps: number;
}

/** Azurite may still be working through a backlog when the run ends: the figures' own reads try again. */
async function patiently<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt === 5) throw error;
      await sleep(2_000);
    }
  }
}

async function run(instances: number): Promise<RunResult> {
  const azurite: EmbeddedAzurite = await startEmbeddedAzurite({ persistence: { inMemory: true } });
  const connector = new FakeConnector();
  await connector.start();
  const prefix = "scale";
  const bots: Bot[] = [];
  const arrivals = new Arrivals(connector);
  try {
    for (let i = 0; i < instances; i++) bots.push(await startBot(azurite.connectionString, prefix));
    const tables = await openTables(azurite.connectionString, { prefix });

    // The timeline, in seconds from the first check-in: school s checks in from CHECKIN_S·s/S and its visits' deadlines
    // fall in the s-th slice of [T0, T0 + WINDOW_S), so deadlines spread evenly (or all fall in one second, a burst).
    const margin = Math.max(10, Math.ceil(WINDOW_S / SCHOOLS));
    const firstDeadline = CHECKIN_S + margin;
    const perSchool = Math.ceil(VISITS / SCHOOLS);
    const schools = Array.from({ length: SCHOOLS }, (_, s) => schoolOf(s, perSchool, Math.round(firstDeadline + ((WINDOW_S - CHECKIN_S) * s) / SCHOOLS)));
    const probeSchools = Array.from({ length: PROBE_SCHOOLS }, (_, i) => schoolOf(SCHOOLS + i, VISITORS_PER_PROBE_SCHOOL, 7_200));

    progress(`setting up ${SCHOOLS + PROBE_SCHOOLS} schools through Teams, ${perSchool} visitors each (the probes' ${PROBE_SCHOOLS} ${VISITORS_PER_PROBE_SCHOOL} each)…`);
    const setupStart = performance.now();
    for (const school of [...schools, ...probeSchools]) {
      school.id = await setUpSchoolInTeams(bots[0]!.url, connector, school.policy, school.team);
      // The office and the head have opened their chat with the bot: alerts reach them 1:1.
      for (const who of [school.office, school.head]) {
        const res = await new TeamsClient(bots[0]!.url, connector, { aadObjectId: who.id, name: who.name }).install();
        await res.text();
      }
      arrivals.catchUp();
    }
    const setupSeconds = (performance.now() - setupStart) / 1000;

    progress(`seeding ${VISITS} approved visits and ${PROBE_VISITS} for the probes…`);
    const seedStart = performance.now();
    const running = new Schools(new TableSchoolStore(tables), { now: () => new Date() });
    const now = new Date();
    const startsAt = new Date(now.getTime() + 60 * 60_000);
    if (londonDate(startsAt) !== londonDate(new Date(startsAt.getTime() + 60 * 60_000)) || londonDate(startsAt) !== londonDate(now)) {
      throw new Error("run this benchmark before 22:00 London time: its visits start in an hour, today, and typed check-ins find today's");
    }
    const details = loneDetails({ date: londonDate(startsAt), start: londonTime(startsAt), end: londonTime(new Date(startsAt.getTime() + 60 * 60_000)), pupilReference: "B.N. Y3" });
    const store = new TableVisitStore(tables);
    const seed = async (school: School, count: number): Promise<{ visitId: string; visitor: Actor }[]> => {
      const active = await running.active(school.id);
      if (!active) throw new Error(`school ${school.id} is not running`);
      const seeded: { visitId: string; visitor: Actor }[] = new Array(count);
      await eachLimited(Array.from({ length: count }, (_, i) => i), SEED_CONCURRENCY, async (i) => {
        const visitor = school.visitors[i]!;
        seeded[i] = { visitId: await seedApprovedVisit(store, { policy: active.policy as PolicyProfile, version: active.school.version }, visitor, school.head, details, now), visitor };
      });
      return seeded;
    };
    const visits: { visitId: string; visitor: Actor; school: School; checkInAt: number }[] = [];
    for (const school of schools) {
      const first = school.index * perSchool;
      const count = Math.min(perSchool, VISITS - first);
      if (count <= 0) break;
      for (const [j, v] of (await seed(school, count)).entries()) {
        // Its deadline's place in the window, less the school's periodic interval: when to check in.
        const deadline = firstDeadline + (WINDOW_S * (first + j)) / VISITS;
        visits.push({ ...v, school, checkInAt: (deadline - school.periodicSeconds) * 1000 });
      }
    }
    const bySchool = await Promise.all(probeSchools.map(async (school) => (await seed(school, VISITORS_PER_PROBE_SCHOOL)).map((v) => ({ ...v, school }))));
    // Round-robin over the probes' schools, so every school's staff see alarms throughout.
    const probes = Array.from({ length: PROBE_VISITS }, (_, n) => bySchool[n % PROBE_SCHOOLS]![Math.floor(n / PROBE_SCHOOLS)]!);
    await store.settled();
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const client = (who: Actor, instance: number) => new TeamsClient(bots[instance % bots.length]!.url, connector, { aadObjectId: who.id, name: who.name });
    let nextProbe = 0;
    /** One probe: "left school" tapped on a cache-cold visit, "arrived" typed on the next instance, then maybe an alarm. */
    const probe = async (figures: ProbeFigures, alarm: "help" | "concern" | undefined): Promise<void> => {
      const n = nextProbe++;
      const visit = probes[n];
      if (!visit) throw new Error("out of probe visits: raise PROBE_SCHOOLS");
      try {
        const tapStart = performance.now();
        const tapped = await client(visit.visitor, n).tap(Verbs.checkIn, { visitId: visit.visitId, step: "left-school" });
        figures.tap.push(performance.now() - tapStart);
        if (tapped.status !== 200 || !/recorded/i.test(textOf(tapped.card ?? {}))) throw new Error(`tap: ${tapped.status} ${textOf(tapped.card ?? {})}`);
        const typedStart = performance.now();
        const typed = await client(visit.visitor, n + 1).say("arrived");
        await typed.text();
        figures.typed.push(performance.now() - typedStart);
        if (typed.status >= 300) throw new Error(`typed: ${typed.status}`);
        if (!alarm) return;
        const since = Date.now();
        const raised = await client(visit.visitor, n).tap(alarm === "help" ? Verbs.help : Verbs.concern, {
          visitId: visit.visitId,
          ...(alarm === "concern" ? { kind: "concern", concernNote: "Bench concern: fictional." } : {}),
        });
        if (raised.status !== 200) throw new Error(`${alarm}: ${raised.status}`);
        const { school } = visit;
        const targets = alarm === "help" ? [`a:personal-${school.office.id}`, `a:personal-${school.head.id}`, school.team.safeguarding] : [school.team.safeguarding];
        const giveUp = Date.now() + 30_000;
        const arrived = new Map<string, number>();
        while (arrived.size < targets.length && Date.now() < giveUp) {
          arrivals.catchUp();
          for (const target of targets) {
            const at = arrivals.firstAfter(target, visit.visitId, since);
            if (at !== undefined) arrived.set(target, at - since);
          }
          if (arrived.size < targets.length) await sleep(10);
        }
        if (arrived.size < targets.length) throw new Error(`${alarm}: ${targets.length - arrived.size} targets never received it`);
        figures.alarm.push(...arrived.values());
      } catch (error) {
        figures.failures++;
        progress(`probe failed: ${String(error)}`);
      }
    };
    const newFigures = (): ProbeFigures => ({ tap: [], typed: [], alarm: [], failures: 0 });

    progress(`idle: ${IDLE_PROBES} probes with nothing else going on…`);
    const idle = newFigures();
    for (let i = 0; i < IDLE_PROBES; i++) await probe(idle, i % 3 === 1 ? "help" : i % 3 === 2 ? "concern" : undefined);

    // Probes every PROBE_EVERY_MS while the check-ins are made and while the deadlines fall, so their figures are under load.
    let probing = true;
    let probeFigures = newFigures();
    const probeLoop = (async () => {
      let i = 0;
      while (probing) {
        const started = Date.now();
        await probe(probeFigures, i % 3 === 1 ? "help" : i % 3 === 2 ? "concern" : undefined);
        i++;
        await sleep(Math.max(0, PROBE_EVERY_MS - (Date.now() - started)));
      }
    })();

    let heaps = "";
    const snapshot = async (): Promise<Omit<Phase, "seconds">> => {
      const stats = await Promise.all(bots.map((bot) => bot.stats()));
      heaps = stats.map((st) => `${st.heapUsedMb.toFixed(0)} of ${st.heapTotalMb.toFixed(0)} MB heap, ${st.externalMb.toFixed(0)} MB external`).join("/");
      const byKind: Record<string, number> = {};
      for (const s of stats) for (const [kind, n] of Object.entries(s.byKind)) byKind[kind] = (byKind[kind] ?? 0) + n;
      return {
        botCpuMs: bots.reduce((sum, bot) => sum + cpuMs(bot.pid), 0),
        azuriteCpuMs: cpuMs(azurite.pid),
        requests: stats.reduce((sum, s) => sum + s.requests, 0),
        conflicts: stats.reduce((sum, s) => sum + s.conflicts, 0),
        byKind,
        load: loadNow(),
      };
    };

    progress(`check-ins: ${visits.length} "left school" taps over ${CHECKIN_S} s, round-robin over ${bots.length} instance(s)…`);
    const officeKey = (v: (typeof visits)[number]) => `a:personal-${v.school.office.id} ${v.visitId}`;
    const alertCount = () => visits.filter((v) => arrivals.alerts.has(officeKey(v))).length;
    // What is going on, as it goes: a run that falls behind shows where while it still runs.
    let lastLook = { at: Date.now(), ...(await snapshot()) };
    const watching = setInterval(() => {
      void snapshot().then((look) => {
        const now = Date.now();
        const seconds = (now - lastLook.at) / 1000;
        const duePassed = visits.filter((v) => checkedIn.has(v.visitId) && t0 + v.checkInAt + v.school.periodicSeconds * 1000 <= now).length;
        progress(
          `check-ins answered ${checkIns.ms.length} (not recorded ${checkIns.failed}); alerts ${alertCount()} of ${duePassed} due so far; ` +
            `${((look.requests - lastLook.requests) / seconds).toFixed(0)} storage requests/s (conflicts ${look.conflicts}); ` +
            `CPU bot ${((look.botCpuMs - lastLook.botCpuMs) / 10 / seconds).toFixed(0)}% Azurite ${((look.azuriteCpuMs - lastLook.azuriteCpuMs) / 10 / seconds).toFixed(0)}%; ` +
            `bot RSS ${bots.map((bot) => memoryMb(bot.pid).rss.toFixed(0)).join("/")} MB (${heaps}); load ${look.load}`,
        );
        lastLook = { at: now, ...look };
      });
    }, LOOK_EVERY_MS);
    const checkIns = { ms: [] as number[], failed: 0 };
    /** The visits whose "left school" was recorded: only they have a deadline, and an alert to wait for. */
    const checkedIn = new Set<string>();
    const t0 = Date.now();
    const taps: Promise<void>[] = [];
    const order = visits.map((v, k) => ({ v, k })).sort((a, b) => a.v.checkInAt - b.v.checkInAt);
    for (const { v, k } of order) {
      const wait = t0 + v.checkInAt - Date.now();
      if (wait > 0) await sleep(wait);
      taps.push(
        (async () => {
          const started = performance.now();
          const tapped = await client(v.visitor, k).tap(Verbs.checkIn, { visitId: v.visitId, step: "left-school" });
          checkIns.ms.push(performance.now() - started);
          if (tapped.status !== 200 || !/recorded/i.test(textOf(tapped.card ?? {})) || /NOT recorded/.test(textOf(tapped.card ?? {}))) checkIns.failed++;
          else checkedIn.add(v.visitId);
        })(),
      );
    }
    await Promise.all(taps);
    const duringCheckIns = probeFigures;
    probeFigures = newFigures();

    const wait = t0 + firstDeadline * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
    const atFirstDeadline = await snapshot();
    const escalationStart = Date.now();
    progress(`deadlines: from now for ${WINDOW_S} s; waiting for the offices' alerts…`);
    const giveUpAt = escalationStart + (WINDOW_S + 120) * 1000;
    while (alertCount() < checkedIn.size && Date.now() < giveUpAt) await sleep(200);
    clearInterval(watching);
    const lastAlertSeen = Date.now();
    const atEnd = await snapshot();
    probing = false;
    await probeLoop;
    const duringDeadlines = probeFigures;
    await sleep(15_000); // a second alert from a later sweep would come by now
    arrivals.catchUp();

    const peakRssMb = bots.map((bot) => memoryMb(bot.pid).peak);
    const azuritePeakRssMb = memoryMb(azurite.pid).peak;
    const finalStats = await Promise.all(bots.map((bot) => bot.stats()));

    progress("reading every visit's deadline and alert from storage…");
    const lateness: number[] = [];
    const pickup: number[] = [];
    const delivery: number[] = [];
    const deadlines: number[] = [];
    let missing = 0;
    let duplicates = 0;
    await eachLimited(visits, 32, async (v) => {
      const visit: Visit | undefined = (await patiently(() => store.load(v.visitId)))?.visit;
      if (!visit) throw new Error(`visit ${v.visitId} is not in storage`);
      if (!visit.lastContactAt) {
        // Its check-in was refused (the person was told it is NOT recorded): no deadline, so no alert is due.
        if (arrivals.alerts.has(officeKey(v))) throw new Error(`visit ${v.visitId} was never checked in, yet alerted`);
        return;
      }
      const deadline = Date.parse(visit.lastContactAt) + v.school.periodicSeconds * 1000;
      deadlines.push(deadline);
      const received = arrivals.alerts.get(officeKey(v));
      if (!received) {
        missing++;
        return;
      }
      duplicates += received.count - 1;
      const alert = visit.alerts.find((a) => a.id === received.alertId);
      if (!alert?.deadline || Date.parse(alert.deadline.due) !== deadline) throw new Error(`visit ${v.visitId}: its alert's deadline ${alert?.deadline?.due} is not the one expected`);
      lateness.push(received.at - deadline);
      pickup.push(Date.parse(alert.raisedAt) - deadline);
      delivery.push(received.at - Date.parse(alert.raisedAt));
    });
    const lastReceived = Math.max(...[...arrivals.alerts.values()].map((a) => a.at));
    const firstDue = Math.min(...deadlines);
    const escalations: Phase = {
      seconds: (lastAlertSeen - escalationStart) / 1000,
      botCpuMs: atEnd.botCpuMs - atFirstDeadline.botCpuMs,
      azuriteCpuMs: atEnd.azuriteCpuMs - atFirstDeadline.azuriteCpuMs,
      requests: atEnd.requests - atFirstDeadline.requests,
      conflicts: atEnd.conflicts - atFirstDeadline.conflicts,
      byKind: Object.fromEntries(Object.entries(atEnd.byKind).map(([kind, n]) => [kind, n - (atFirstDeadline.byKind[kind] ?? 0)]).filter(([, n]) => Number(n) > 0)),
      load: atEnd.load,
    };
    return {
      instances,
      setupSeconds,
      seedSeconds,
      idle,
      duringCheckIns,
      duringDeadlines,
      checkIns,
      deadlineSpreadMs: Math.max(...deadlines) - firstDue,
      lateness,
      pickup,
      delivery,
      expected: deadlines.length,
      delivered: deadlines.length - missing,
      missing,
      duplicates,
      escalations,
      throughput: (deadlines.length - missing) / ((lastReceived - firstDue) / 1000),
      peakRssMb,
      azuritePeakRssMb,
      problems: finalStats.flatMap((s) => s.problems),
      sweeps: finalStats.reduce((sum, s) => sum + s.sweeps, 0),
    };
  } finally {
    arrivals.stop();
    for (const bot of bots) await bot.stop();
    await connector.stop();
    await azurite.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------------------------

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const msText = (ms: number) => `${ms.toFixed(1)} ms`;

function row(name: string, values: readonly number[], unit: (ms: number) => string = s): string {
  const f = spread(values);
  return `    ${name.padEnd(50)}${unit(f.median).padStart(11)}${unit(f.p99).padStart(11)}${unit(f.max).padStart(11)}   n=${f.n}`;
}

function report(results: RunResult[], capacity: AzuriteCapacity | undefined, started: number, loadAtStart: string): void {
  const missed: string[] = [];
  const lines = [
    "",
    `Escalation at scale: ${BURST ? `burst, ${VISITS} deadlines in the same second` : `${VISITS} active visits, deadlines over ${WINDOW_S} s`} (${SCHOOLS} schools)`,
    `  machine: ${machine()}; load average at start ${loadAtStart}, at end ${loadNow()}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
    "  processes: this one plays the Teams clients and the Bot Connector; each bot instance and Azurite (in memory) run in their own.",
    "",
  ];
  for (const r of results) {
    const e = r.escalations;
    const perEscalation = (n: number) => (n / r.delivered).toFixed(2);
    const lateness = spread(r.lateness);
    const allOnce = r.missing === 0 && r.duplicates === 0 && r.delivered === r.expected;
    const latencyOk = BURST ? lateness.max < TARGETS.burstMaxMs : lateness.p99 < TARGETS.p99AlertMs;
    const idleTap = spread(r.idle.tap).median;
    const loadTap = [spread(r.duringCheckIns.tap).median, spread(r.duringDeadlines.tap).median];
    const idleTyped = spread(r.idle.typed).median;
    const loadTyped = [spread(r.duringCheckIns.typed).median, spread(r.duringDeadlines.typed).median];
    const checkInOk = Math.max(...loadTap) <= TARGETS.checkInVsIdle * idleTap && Math.max(...loadTyped) <= TARGETS.checkInVsIdle * idleTyped;
    const rssOk = Math.max(...r.peakRssMb) <= TARGETS.rssMb;
    const alarms = spread([...r.duringCheckIns.alarm, ...r.duringDeadlines.alarm]);
    const alarmOk = alarms.p99 < TARGETS.alarmP99Ms;
    const tag = `${r.instances} instance${r.instances === 1 ? "" : "s"}`;
    if (!allOnce) missed.push(`${tag}: every alert exactly once`);
    if (!latencyOk) missed.push(`${tag}: deadline → alert ${BURST ? "max" : "p99"}`);
    if (!BURST && !checkInOk) missed.push(`${tag}: check-in median within ${TARGETS.checkInVsIdle}x idle`);
    if (!rssOk) missed.push(`${tag}: bot RSS`);
    if (r.checkIns.failed > 0) missed.push(`${tag}: every check-in recorded`);
    if (!alarmOk) missed.push(`${tag}: alarms p99`);
    lines.push(
      `  ${tag}: schools set up through Teams in ${r.setupSeconds.toFixed(0)} s; ${VISITS + PROBE_VISITS} approved visits seeded in ${r.seedSeconds.toFixed(0)} s;`,
      `  ${VISITS} "left school" check-ins over HTTP over ${CHECKIN_S} s (failed ${r.checkIns.failed}); the deadlines they set spread over ${s(r.deadlineSpreadMs)}.`,
      `    ${"".padEnd(50)}${"median".padStart(11)}${"p99".padStart(11)}${"max".padStart(11)}`,
      row("deadline → alert received by the connector", r.lateness),
      row("  of which deadline → the sweep raised it", r.pickup),
      row("  of which raised → received", r.delivery),
      `    alerts delivered ${r.delivered} of ${r.expected} due: missing ${r.missing}, twice or more ${r.duplicates} (watched 15 s past the last) ${allOnce ? "PASS" : "FAIL"}`,
      `    ${BURST ? `max ${s(lateness.max)} (target < ${s(TARGETS.burstMaxMs)})` : `p99 ${s(lateness.p99)} (target < ${s(TARGETS.p99AlertMs)})`} ${latencyOk ? "PASS" : "FAIL"}` +
        `; throughput from the first deadline to the last alert ${r.throughput.toFixed(1)} escalations/s; ${r.sweeps} sweeps handled visits`,
      "  Check-ins, one person's turn over HTTP (client-side):",
      row("\"left school\" taps that set the deadlines (cold)", r.checkIns.ms, msText),
      row("probe tap, idle (cold cache)", r.idle.tap, msText),
      row("probe tap, during the check-ins", r.duringCheckIns.tap, msText),
      row("probe tap, while deadlines fall", r.duringDeadlines.tap, msText),
      row("probe typed \"arrived\" (next instance), idle", r.idle.typed, msText),
      row("probe typed, during the check-ins", r.duringCheckIns.typed, msText),
      row("probe typed, while deadlines fall", r.duringDeadlines.typed, msText),
      `    median under load / idle: tap ${(Math.max(...loadTap) / idleTap).toFixed(2)}x, typed ${(Math.max(...loadTyped) / idleTyped).toFixed(2)}x (target <= ${TARGETS.checkInVsIdle}x)` +
        ` ${BURST ? "(not a target of the burst)" : checkInOk ? "PASS" : "FAIL"}; probe failures ${r.idle.failures + r.duringCheckIns.failures + r.duringDeadlines.failures}`,
      row("call for help / concern → each target's card, idle", r.idle.alarm),
      row("call for help / concern → each target's card, under load", [...r.duringCheckIns.alarm, ...r.duringDeadlines.alarm]),
      `    alarms under load p99 ${s(alarms.p99)} (target < ${s(TARGETS.alarmP99Ms)}) ${alarmOk ? "PASS" : "FAIL"}`,
      `  Cost while deadlines fell (${e.seconds.toFixed(0)} s, load average then ${e.load}; includes the probes' own turns):`,
      `    storage requests per escalation ${perEscalation(e.requests)} (${e.requests} in all; refused as conflicts: ${e.conflicts})`,
      `      by kind, per escalation: ${Object.entries(e.byKind).sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => `${kind} ${perEscalation(n)}`).join(", ")}`,
      `    CPU per escalation: bot ${(e.botCpuMs / r.delivered).toFixed(2)} ms, Azurite ${(e.azuriteCpuMs / r.delivered).toFixed(2)} ms` +
        ` (bot ${((e.botCpuMs / 1000 / e.seconds) * 100).toFixed(0)}% of a core, Azurite ${((e.azuriteCpuMs / 1000 / e.seconds) * 100).toFixed(0)}%)`,
      `    peak RSS (VmHWM): bot ${r.peakRssMb.map((mb) => `${mb.toFixed(0)} MB`).join(", ")} (target <= ${TARGETS.rssMb} MB) ${rssOk ? "PASS" : "FAIL"}; Azurite ${r.azuritePeakRssMb.toFixed(0)} MB`,
      ...(r.problems.length > 0 ? [`    the bot logged: ${r.problems.slice(0, 5).join(" | ")}`] : []),
      "",
    );
  }
  if (results.length > 1) {
    lines.push(`  Throughput by instances (escalations/s, first deadline to last alert): ${results.map((r) => `${r.instances}: ${r.throughput.toFixed(1)} (conflicts ${r.escalations.conflicts})`).join("; ")}`, "");
  }
  if (capacity) {
    lines.push(
      `  Azurite alone (${capacity.concurrency} requests in flight from this process, ${capacity.seconds} s of the sweep's mix: point read, merge, a transaction):`,
      `    ${capacity.perSecond.toFixed(0)} requests/s with Azurite at ${capacity.azuriteCorePercent.toFixed(0)}% of a core: at the requests per escalation above, Azurite alone tops out near` +
        ` ${results.map((r) => (capacity.perSecond / (r.escalations.requests / r.delivered)).toFixed(0)).join(" / ")} escalations/s.`,
      "",
    );
  }
  lines.push(missed.length === 0 ? "VERDICT: PASS: every target met." : `VERDICT: FAIL: missed ${missed.join("; ")}.`, "");
  process.stdout.write(lines.join("\n"));
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAtStart = loadNow();
  const results: RunResult[] = [];
  for (const instances of INSTANCES) results.push(await run(instances));
  progress("Azurite alone: its request rate with nothing else in the way…");
  const capacity = await azuriteAlone();
  report(results, capacity, started, loadAtStart);
  if (results.some((r) => r.problems.length > 0 || r.checkIns.failed > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`Benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
