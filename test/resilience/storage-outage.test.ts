/**
 * Never lost, when storage goes away: Azurite (on disk, at a fixed address) stops under a running bot while
 * check-in deadlines fall due. A check-in during the outage is refused plainly and never acknowledged; the
 * background sweeps fail, are logged, and the bot keeps answering; once Azurite is back at the same address
 * every missed deadline is escalated exactly once, the refused check-in has left no trace, and a check-in
 * after recovery is recorded. The clock is injected: no test waits for a policy duration.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Verbs } from "../../src/cards/verbs";
import { parseConfig } from "../../src/config/env";
import { startApp, type RunningApp } from "../../src/main";
import { parsePolicy } from "../../src/policy/policy.loader";
import { startEmbeddedAzurite, type EmbeddedAzurite } from "../../src/storage/embedded-azurite";
import { freePort } from "../support/azurite";
import { textOf } from "../support/card-inspect";
import { FakeConnector } from "../support/fake-connector";
import { quietLog } from "../support/quiet-log";
import { TENANT_ID } from "../support/teams-client";
import { alertsPerVisit, eventually, installEveryone, promptProfile, requestAndApprove, visitForm, type School } from "./harness";

jest.setTimeout(45_000);

const DAY = "2026-11-24";
const SWEEP_MS = 100;
const connector = new FakeConnector();
const log = quietLog();
const policy = parsePolicy("prompt ladder", promptProfile(["office"]));
let now = new Date(`${DAY}T08:00:00Z`);
const clock = { now: () => now };
const dataDir = mkdtempSync(path.join(tmpdir(), "hv-outage-"));
let port: number;
let azurite: EmbeddedAzurite | undefined;
let app: RunningApp;
let school: School;
const visitIds: string[] = [];

beforeAll(async () => {
  await connector.start();
  port = await freePort();
  azurite = await startEmbeddedAzurite({ persistence: { location: dataDir }, port });
  const config = parseConfig({ STORAGE_CONNECTION_STRING: azurite.connectionString, TABLE_PREFIX: "outage", MICROSOFT_APP_TENANT_ID: TENANT_ID });
  // The real background sweeper, every 100 ms of real time, reading the injected clock.
  app = await startApp({ ...config, port: 0 }, { clock, log, sweeper: { intervalMs: SWEEP_MS } });
  school = await installEveryone(app.url, connector, policy);
  for (let i = 0; i < 3; i++) visitIds.push(await requestAndApprove(school, visitForm(DAY, "09:00", "10:00", i)));
});

afterAll(async () => {
  await app?.stop();
  await azurite?.stop();
  await connector.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every text the visitor was sent (replies and proactive cards) after `from` connector calls. */
const sentToVisitorSince = (from: number): string[] =>
  connector.calls
    .slice(from)
    .filter((call) => call.method === "POST" && call.conversationId === school.visitor.conversationId)
    .map((call) => {
      const attachments = (call.body.attachments as { content: Record<string, unknown> }[] | undefined) ?? [];
      return [String(call.body.text ?? ""), ...attachments.map((a) => textOf(a.content))].join("\n");
    });

describe("storage stops while check-in deadlines fall due", () => {
  let callsAtOutage = 0;
  let refusedTap: string;

  it("refuses a check-in during the outage plainly, and never says it was recorded", async () => {
    await azurite!.stop(); // SIGINT: Azurite saves to disk and exits
    azurite = undefined;
    callsAtOutage = connector.calls.length;
    now = new Date(`${DAY}T09:05:00Z`); // every visit's 09:00 arrival check-in is now missed

    const tapped = await school.visitor.tap(Verbs.checkIn, { visitId: visitIds[0], step: "arrived" });
    expect(tapped.status).toBe(200);
    refusedTap = textOf(tapped.card);
    expect(refusedTap).toMatch(/NOT recorded/);
    expect(refusedTap).not.toMatch(/: recorded/);

    await school.visitor.say("arrived");
    const said = sentToVisitorSince(callsAtOutage);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/nothing is recorded|NOT recorded/);
    expect(said[0]).not.toMatch(/: recorded/);
  });

  it("keeps sweeping while storage is down: each failed sweep is logged, nothing is sent, and the bot keeps answering", async () => {
    const failedSweeps = () => log.lines.filter((line) => line.level === "error" && line.message === "sweep failed").length;
    const before = failedSweeps();
    expect(await eventually(() => failedSweeps() >= before + 2, 15_000)).toBe(true);
    expect(alertsPerVisit(connector, school.office.conversationId).size).toBe(0);
    // Still alive and answering over HTTP.
    const res = await school.head.say("status");
    expect(res.status).toBeLessThan(300);
    // The sweep error names the failure, not a person.
    const line = log.lines.find((l) => l.message === "sweep failed")!;
    expect(JSON.stringify(line)).not.toMatch(/Alex Rivers|Sam Moss|Fictional Lane/);
  });

  it("escalates every missed deadline exactly once when storage is back at the same address", async () => {
    azurite = await startEmbeddedAzurite({ persistence: { location: dataDir }, port });
    const reached = await eventually(() => alertsPerVisit(connector, school.office.conversationId).size === visitIds.length, 15_000);
    expect(reached).toBe(true);
    // A few more sweeps must not send anything twice.
    await new Promise((resolve) => setTimeout(resolve, 6 * SWEEP_MS));
    const perVisit = alertsPerVisit(connector, school.office.conversationId);
    expect([...perVisit.keys()].sort()).toEqual([...visitIds].sort());
    expect([...perVisit.values()]).toEqual(visitIds.map(() => 1));

    for (const visitId of visitIds) {
      const events = await app.store.events(visitId);
      // The check-in refused during the outage left no trace.
      expect(events.map((e) => e.type)).toEqual(["visit.requested", "visit.approved", "alert.raised", "alert.escalated"]);
      expect(events.at(-1)).toMatchObject({ step: 0, targets: ["office"] });
    }
  });

  it("records a check-in after recovery, and it answers the missed-check-in alarm", async () => {
    now = new Date(`${DAY}T09:10:00Z`);
    const { card } = await school.visitor.tap(Verbs.checkIn, { visitId: visitIds[0], step: "arrived" });
    expect(textOf(card)).toMatch(/arrived at 09:10: recorded/i);
    const events = await app.store.events(visitIds[0]!);
    expect(events.slice(-2)).toEqual([
      expect.objectContaining({ type: "visit.checkedIn", step: "arrived", at: `${DAY}T09:10:00.000Z` }),
      expect.objectContaining({ type: "alert.resolved", alertId: "A1", how: "checked-in" }),
    ]);
  });
});
