/**
 * Is the escalation sweep's cost flat in the number of schools on a deployment? One sweep with 50 due visits, the
 * visits spread over 1 school and then over 100 schools, each school set up through Teams as schools set themselves
 * up. Counts the sweep's storage requests and times it (median of the runs), and counts a check-in's storage round
 * trips with 100 schools on the deployment (the list of schools is read again at most every 30 s per instance,
 * whatever the number of taps). Prints figures and a verdict; it is not a test.
 *
 *   npm run bench:schools      (BENCH_RUNS=3 by default)
 */
import { performance } from "node:perf_hooks";
import { Verbs } from "../src/cards/verbs";
import { parseConfig } from "../src/config/env";
import { startApp, type RunningApp } from "../src/main";
import type { ObservedRequest } from "../src/storage/tables";
import { type EmbeddedAzurite, startEmbeddedAzurite } from "../src/storage/embedded-azurite";
import { buttonsOf, textOf } from "../test/support/card-inspect";
import { FakeConnector } from "../test/support/fake-connector";
import { people, testPolicy } from "../test/support/policy-fixture";
import { quietLog } from "../test/support/quiet-log";
import { setUpSchoolInTeams, staffTeam } from "../test/support/school-setup";
import { TeamsClient, TENANT_ID } from "../test/support/teams-client";
import { roundTripsWaited } from "./round-trips";
import { loadNow, machine, percentile, positiveInt, sorted } from "./stats";

const RUNS = positiveInt("BENCH_RUNS", 3);
const DUE = 50;
const MANY = 100;
const TARGET_TIME_RATIO = 1.2;
const DAY = "2026-11-24";

interface SweepFigures {
  schools: number;
  handled: number;
  requests: number;
  ms: number;
  /** The first check-in after the list of schools went stale: it reads the list again for the instance. */
  firstCheckIn: CheckInFigures;
  checkIn: CheckInFigures;
}

/** The test profile for one of many schools: its own id and name, nobody informed (only the ladder is measured). */
const schoolPolicy = (n: number) =>
  testPolicy((p) => {
    p.school.id = `bench-school-${n}`;
    p.school.name = `Bench School ${n}`;
    p.authorisation.informRoles = [];
    p.staffPrerequisites.blocking = [];
  });

/** A check-in's storage requests, and the round trips of them the visitor waited for. */
interface CheckInFigures {
  requests: number;
  roundTrips: number;
}

async function scenario(azurite: EmbeddedAzurite, schoolCount: number, run: number): Promise<SweepFigures> {
  let now = new Date(`${DAY}T08:00:00Z`);
  let requests = 0;
  let counting = false;
  const observed: ObservedRequest[] = [];
  const connector = new FakeConnector();
  await connector.start();
  let app: RunningApp | undefined;
  try {
    const config = parseConfig({ STORAGE_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: `s${schoolCount}r${run}`, PORT: "1", MICROSOFT_APP_TENANT_ID: TENANT_ID });
    app = await startApp({ ...config, port: 0 }, { clock: { now: () => now }, log: quietLog(), sweeper: false, onStorageRequest: (request) => {
        if (!counting) return;
        requests++;
        observed.push(request);
      },
    });
    const schoolIds: string[] = [];
    for (let n = 0; n < schoolCount; n++) schoolIds.push(await setUpSchoolInTeams(app.url, connector, schoolPolicy(n), staffTeam(`bench-${n}`)));
    const client = (who: keyof typeof people) => new TeamsClient(app!.url, connector, { aadObjectId: people[who].aadObjectId, name: people[who].displayName });
    const [visitor, head] = [client("visitor"), client("head")];
    for (const person of [visitor, client("secondVisitor"), head]) await person.install();

    // 50 paired visits at 10:00, round-robin over the schools: their arrival check-ins fall due together.
    const visitIds: string[] = [];
    for (let i = 0; i < DUE; i++) {
      const schoolId = schoolIds[i % schoolCount]!;
      const requested = await visitor.tap(Verbs.submitRequest, {
        schoolId,
        pupilReference: "B.N. Y3",
        address: `${i + 1} Bench Road, Testville TE1 1AA`,
        purposeId: "attendance",
        date: DAY,
        start: "10:00",
        end: "11:00",
        entry: "doorstep",
        staffing: "pair",
        secondStaffId: people.secondVisitor.aadObjectId,
        announced: "yes",
        knownRisks: "",
      });
      const visitId = String(buttonsOf(requested.card).find((b) => b.data?.visitId)?.data?.visitId);
      const approved = await head.tap(Verbs.approve, { visitId, version: 1 });
      if (!/Approved/.test(textOf(approved.card))) throw new Error(`not approved: ${textOf(approved.card)}`);
      visitIds.push(visitId);
    }
    now = new Date(`${DAY}T08:00:30Z`);
    await app.sweepOnce(); // the approvals' recovery wakes

    // Check-ins on the instance that approved the visits. The first since the list of schools was read (over 30 s
    // ago) reads it again, once for the instance; the next takes the policy of its school from memory.
    const checkIn = async (visitId: string, at: string) => {
      now = new Date(`${DAY}T${at}Z`);
      requests = 0;
      observed.length = 0;
      counting = true;
      const { card } = await visitor.tap(Verbs.checkIn, { visitId, step: "left-school" });
      const answeredAt = performance.now();
      counting = false;
      if (!/recorded/.test(textOf(card))) throw new Error(`check-in not recorded: ${textOf(card)}`);
      return { requests, roundTrips: roundTripsWaited(observed, answeredAt) };
    };
    const firstCheckIn = await checkIn(visitIds[0]!, "09:40:00");
    const secondCheckIn = await checkIn(visitIds[1]!, "09:40:05");
    requests = 0;

    // The ladder starts at 10:10 (10 minutes' grace): one sweep raises and sends all 50 first steps.
    now = new Date(`${DAY}T10:10:00Z`);
    counting = true;
    const started = performance.now();
    const handled = await app.sweepOnce();
    const ms = performance.now() - started;
    counting = false;
    return { schools: schoolCount, handled, requests, ms, firstCheckIn, checkIn: secondCheckIn };
  } finally {
    await app?.stop();
    await connector.stop();
  }
}

const median = (values: readonly number[]) => percentile(sorted(values), 50);

async function main(): Promise<void> {
  const azurite = await startEmbeddedAzurite({ persistence: { inMemory: true } });
  try {
    const one: SweepFigures[] = [];
    const many: SweepFigures[] = [];
    for (let run = 0; run < RUNS; run++) {
      one.push(await scenario(azurite, 1, run));
      many.push(await scenario(azurite, MANY, run));
      process.stderr.write(`run ${run + 1}/${RUNS} done\n`);
    }
    const row = (label: string, figures: SweepFigures[]) =>
      `${label.padEnd(12)} handled ${figures.map((f) => f.handled).join("/")}  storage requests ${figures.map((f) => f.requests).join("/")}  time ${figures.map((f) => f.ms.toFixed(0)).join("/")} ms (median ${median(figures.map((f) => f.ms)).toFixed(0)})  check-in: round trips waited ${figures.map((f) => f.checkIn.roundTrips).join("/")} of requests ${figures.map((f) => f.checkIn.requests).join("/")} (the first after the list of schools went stale: ${figures.map((f) => f.firstCheckIn.roundTrips).join("/")} of ${figures.map((f) => f.firstCheckIn.requests).join("/")})`;
    const ratio = median(many.map((f) => f.ms)) / median(one.map((f) => f.ms));
    // The count moves by a few between runs of the same case (which notifications share a send): medians compare.
    const flat = median(many.map((f) => f.requests)) <= median(one.map((f) => f.requests));
    const lines = [
      `One sweep with ${DUE} due visits: ${RUNS} runs, in-memory Azurite`,
      `  machine: ${machine()}; load average ${loadNow()}`,
      row("1 school", one),
      row(`${MANY} schools`, many),
      `storage requests with ${MANY} schools no more than with 1 (medians): ${flat ? "PASS" : "FAIL"}`,
      `time ratio ${MANY} schools / 1 school: ${ratio.toFixed(2)} (target at most ${TARGET_TIME_RATIO}): ${ratio <= TARGET_TIME_RATIO ? "PASS" : "FAIL"}`,
      `check-in storage round trips waited with ${MANY} schools: ${many.map((f) => f.checkIn.roundTrips).join("/")} (target 1): ${many.every((f) => f.checkIn.roundTrips === 1) ? "PASS" : "FAIL"}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
