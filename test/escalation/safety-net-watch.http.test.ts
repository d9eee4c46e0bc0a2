/**
 * The watchdog that pages someone, against the real app: /healthz says whether storage answers, how long ago a sweep
 * completed and how many notifications keep failing, and turns 503 when the safety net is not running; the sweeper's
 * stall is logged as "escalation sweeper stalled" (the text infra/main.bicep's alert rule looks for). Azurite, on disk at
 * a fixed address, stops under the running app and comes back. The clock is injected: no test waits for the stall.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseConfig } from "../../src/config/env";
import type { HealthReport } from "../../src/escalation/safety-net-watch";
import { startApp, type RunningApp } from "../../src/main";
import { startEmbeddedAzurite, type EmbeddedAzurite } from "../../src/storage/embedded-azurite";
import { freePort } from "../support/azurite";
import { quietLog } from "../support/quiet-log";
import { TENANT_ID } from "../support/teams-client";

jest.setTimeout(45_000);

const SWEEP_MS = 50;
const log = quietLog();
let now = new Date("2026-11-24T08:00:00Z");
const clock = { now: () => now };
const dataDir = mkdtempSync(path.join(tmpdir(), "hv-watch-"));
let port: number;
let azurite: EmbeddedAzurite | undefined;
let app: RunningApp;

/** Waits (in real time) until `check` holds, up to a few seconds. */
async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await check()); waited += SWEEP_MS) {
    if (waited > 10_000) throw new Error("it never happened");
    await new Promise((resolve) => setTimeout(resolve, SWEEP_MS));
  }
}

const healthz = async (): Promise<{ status: number; report: HealthReport }> => {
  const res = await fetch(`${app.url}/healthz`);
  return { status: res.status, report: (await res.json()) as HealthReport };
};
const stalledLines = () => log.lines.filter((line) => line.level === "error" && line.message === "escalation sweeper stalled");

beforeAll(async () => {
  port = await freePort();
  azurite = await startEmbeddedAzurite({ persistence: { location: dataDir }, port });
  const config = parseConfig({ STORAGE_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: "watch", MICROSOFT_APP_TENANT_ID: TENANT_ID });
  // The real background sweeper and its watchdog, every 50 ms of real time, reading the injected clock.
  app = await startApp({ ...config, port: 0 }, { clock, log, sweeper: { intervalMs: SWEEP_MS }, retention: false });
});

afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the safety net's health and its watchdog", () => {
  it("answers 200 while sweeps complete and storage answers, with counts and times only", async () => {
    await eventually(async () => (await healthz()).report.sweeper.lastCompletedSecondsAgo !== null);
    const { status, report } = await healthz();
    expect(status).toBe(200);
    expect(report).toEqual({ healthy: true, storage: { reachable: true }, sweeper: { running: true, lastCompletedSecondsAgo: 0, stalled: false }, failingNotifications: 0 });
    expect(stalledLines()).toEqual([]);
  });

  it("answers 503 at once when storage stops answering", async () => {
    await azurite!.stop();
    const { status, report } = await healthz();
    expect(status).toBe(503);
    expect(report).toMatchObject({ healthy: false, storage: { reachable: false }, failingNotifications: null });
  });

  it("logs the stall, once, when no sweep has completed for several intervals, and answers 503 for it", async () => {
    // Half a minute with storage gone: every sweep fails, none completes.
    now = new Date(now.getTime() + 31_000);
    await eventually(() => stalledLines().length > 0);
    expect(stalledLines()).toEqual([{ level: "error", message: "escalation sweeper stalled", fields: { durationMs: expect.any(Number) } }]);
    expect(stalledLines()[0]!.fields!.durationMs).toBeGreaterThan(30_000);
    const { status, report } = await healthz();
    expect([status, report.sweeper]).toEqual([503, { running: true, lastCompletedSecondsAgo: expect.any(Number), stalled: true }]);
    // The line is not repeated on every tick while the stall lasts.
    await new Promise((resolve) => setTimeout(resolve, 5 * SWEEP_MS));
    expect(stalledLines()).toHaveLength(1);
  });

  it("logs the stall again while it lasts, so the alert keeps firing", async () => {
    now = new Date(now.getTime() + 15 * 60_000);
    await eventually(() => stalledLines().length === 2);
  });

  it("recovers once storage is back: a sweep completes, the recovery is logged and /healthz answers 200", async () => {
    azurite = await startEmbeddedAzurite({ persistence: { location: dataDir }, port });
    await eventually(() => log.lines.some((line) => line.message === "escalation sweeper recovered"));
    const { status, report } = await healthz();
    expect([status, report.healthy, report.storage, report.sweeper.stalled]).toEqual([200, true, { reachable: true }, false]);
  });
});
