/**
 * A tap is answered within its budget whatever storage does: Azurite is paused (SIGSTOP), so it takes connections and
 * requests and answers nothing, which is what a storage account that has stopped answering looks like from here. A
 * check-in during a 15 s pause is answered inside Teams' ten seconds, saying plainly that it is NOT recorded; the
 * sweeper keeps sweeping; when Azurite resumes, the write it had already taken in lands; the visitor's retry is told
 * it is recorded, and the audit trail has the check-in once. An approval whose reads hang (the list of schools due
 * for a re-read) is answered in time too. RESILIENCE_REPORT=1 prints the timings.
 */
import { setTimeout as delay } from "node:timers/promises";
import { Verbs } from "../../src/cards/verbs";
import { parseConfig } from "../../src/config/env";
import { SCHOOLS_CACHE_MS } from "../../src/app/schools";
import { PERSON_DEADLINE_MS } from "../../src/app/visit.service";
import { startApp, type RunningApp } from "../../src/main";
import { parsePolicy } from "../../src/policy/policy.loader";
import { startEmbeddedAzurite, type EmbeddedAzurite } from "../../src/storage/embedded-azurite";
import { button, textOf } from "../support/card-inspect";
import { FakeConnector } from "../support/fake-connector";
import { quietLog } from "../support/quiet-log";
import { TENANT_ID } from "../support/teams-client";
import { eventually, installEveryone, promptProfile, requestAndApprove, visitForm, type School } from "./harness";

jest.setTimeout(90_000);

const DAY = "2026-11-24";
const PAUSE_MS = 15_000;
/** Teams gives up on a card action after about ten seconds; the answer must come well before. */
const TEAMS_PATIENCE_MS = 10_000;
/** The change's deadline, a second for the card that says it was refused, and the turn around it. */
const TAP_BUDGET_MS = PERSON_DEADLINE_MS + 2_000;
const SWEEP_DEADLINE_MS = 4_000;

const connector = new FakeConnector();
const log = quietLog();
let now = new Date(`${DAY}T08:00:00Z`);
const clock = { now: () => now };
let azurite: EmbeddedAzurite;
let app: RunningApp;
let school: School;
let visitId: string;
let paused = false;

const pause = () => {
  process.kill(azurite.pid, "SIGSTOP");
  paused = true;
};
const resume = () => {
  process.kill(azurite.pid, "SIGCONT");
  paused = false;
};

beforeAll(async () => {
  await connector.start();
  azurite = await startEmbeddedAzurite({ persistence: { inMemory: true } });
  const config = parseConfig({ STORAGE_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: "hang", MICROSOFT_APP_TENANT_ID: TENANT_ID });
  // The real background sweeper, every 100 ms of real time, each sweep bounded by a short deadline.
  app = await startApp({ ...config, port: 0 }, { clock, log, sweeper: { intervalMs: 100, deadlineMs: SWEEP_DEADLINE_MS } });
  school = await installEveryone(app.url, connector, parsePolicy("prompt ladder", promptProfile(["office"])));
  visitId = await requestAndApprove(school, visitForm(DAY, "09:00", "10:00"));
});

afterAll(async () => {
  if (paused) resume();
  await app?.stop();
  await azurite?.stop();
  await connector.stop();
});

const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> => {
  const started = performance.now();
  const result = await work();
  return { result, ms: Math.round(performance.now() - started) };
};

const report = (name: string, figures: Record<string, number>) => {
  if (process.env.RESILIENCE_REPORT) process.stdout.write(`storage-hang, ${name}: ${JSON.stringify(figures)}\n`);
};

const sweepsEnded = () => log.lines.filter((line) => line.message === "sweep failed" || line.message === "sweep stopped at its deadline").length;

describe("storage that stops answering (Azurite paused) while a visitor checks in", () => {
  it("answers the tap in time, NOT recorded; keeps sweeping; records the late write once; tells the retry it is recorded", async () => {
    const arrived = { visitId, step: "arrived" };
    const sweepsBefore = sweepsEnded();
    pause();
    const pausedAt = performance.now();

    const tap = await timed(() => school.visitor.tap(Verbs.checkIn, arrived));
    expect(tap.result.status).toBe(200);
    expect(textOf(tap.result.card)).toMatch(/NOT recorded/);
    expect(textOf(tap.result.card)).not.toMatch(/: recorded/);
    expect(tap.ms).toBeLessThan(TAP_BUDGET_MS);
    expect(TAP_BUDGET_MS).toBeLessThan(TEAMS_PATIENCE_MS);

    await delay(Math.max(0, PAUSE_MS - (performance.now() - pausedAt)));
    // Each sweep during the pause ended at its deadline or failed: none held the sweeper.
    const sweepsDuringPause = sweepsEnded() - sweepsBefore;
    expect(sweepsDuringPause).toBeGreaterThanOrEqual(2);
    resume();
    const resumedAt = performance.now();

    // The transaction Azurite had taken in before the tap's answer is carried out now that it runs again.
    const checkIns = async () => (await app.store.events(visitId)).filter((event) => event.type === "visit.checkedIn");
    expect(await eventually(async () => (await checkIns()).length > 0, 10_000)).toBe(true);
    const landedAfterResumeMs = Math.round(performance.now() - resumedAt);

    now = new Date(`${DAY}T08:01:00Z`);
    const retry = await timed(() => school.visitor.tap(Verbs.checkIn, arrived));
    expect(textOf(retry.result.card)).toMatch(/Arrived at 08:00: recorded/);

    expect(await checkIns()).toEqual([expect.objectContaining({ step: "arrived", at: `${DAY}T08:00:00.000Z` })]);
    expect((await app.store.load(visitId))?.visit).toMatchObject({ status: "arrived", version: 3 });
    // And the sweeper is sweeping again.
    const sweepsAfterResume = sweepsEnded();
    await delay(SWEEP_DEADLINE_MS + 500);
    expect(sweepsEnded()).toBe(sweepsAfterResume);

    report("check-in", { tapAnswerMs: tap.ms, pauseMs: PAUSE_MS, sweepsEndedDuringPause: sweepsDuringPause, lateWriteLandedAfterResumeMs: landedAfterResumeMs, retryAnswerMs: retry.ms });
  });

  it("answers an approval in time when the reads before the save hang too; nothing is written, and the retry goes through", async () => {
    const requested = await school.visitor.tap(Verbs.submitRequest, visitForm(DAY, "11:00", "12:00", 1));
    expect(textOf(requested.card)).toMatch(/for approval/i);
    const approve = button(school.head.lastCard(), /approve/i);
    pause();
    now = new Date(now.getTime() + SCHOOLS_CACHE_MS + 1_000); // the list of schools is read again at its next use, and that read hangs

    const tap = await timed(() => school.head.tap(Verbs.approve, approve.data!));
    expect(tap.result.status).toBe(200);
    expect(textOf(tap.result.card)).toMatch(/NOT recorded/);
    expect(tap.ms).toBeLessThan(TAP_BUDGET_MS);
    resume();

    const retry = await timed(() => school.head.tap(Verbs.approve, approve.data!));
    expect(textOf(retry.result.card)).toMatch(/Approved\./);
    expect((await app.store.events(String(approve.data!.visitId))).map((event) => event.type)).toEqual(["visit.requested", "visit.approved"]);
    report("approval", { tapAnswerMs: tap.ms, retryAnswerMs: retry.ms });
  });
});
