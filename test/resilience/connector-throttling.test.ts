/**
 * Never lost, when Teams pushes back: an escalation alert the Bot Connector throttles (429 + Retry-After) and
 * then fails (500) reaches the office exactly once, and an alert the connector keeps refusing is never dropped:
 * it stays pending, is flagged after five attempts for the office's dashboard, logged without personal data,
 * and tried again until it goes through. Real HTTP bot, real botbuilder pipeline, Azurite; the clock is injected.
 */
import type { OutboxItem } from "../../src/app/notifications";
import { parseConfig } from "../../src/config/env";
import { startApp, type RunningApp } from "../../src/main";
import { parsePolicy } from "../../src/policy/policy.loader";
import { outboxRowsOf, toStoredOutboxItem } from "../../src/storage/outbox-rows";
import { TableOutbox } from "../../src/storage/outbox.table-store";
import { openTables, type Tables } from "../../src/storage/tables";
import { TableVisitStore } from "../../src/storage/visit.table-store";
import { useAzurite, uniqueTablePrefix } from "../support/azurite";
import { FakeConnector, type ConnectorCall } from "../support/fake-connector";
import { people } from "../support/policy-fixture";
import { quietLog } from "../support/quiet-log";
import { TENANT_ID } from "../support/teams-client";
import { alertOfCall, installEveryone, promptProfile, requestAndApprove, visitForm, type School } from "./harness";

const connectionString = useAzurite();
const connector = new FakeConnector();
const log = quietLog();
const policy = parsePolicy("prompt ladder", promptProfile(["office"]));
const DAY = "2026-11-24";
let now = new Date(`${DAY}T07:30:00Z`);
const clock = { now: () => now };
let app: RunningApp;
let tables: Tables;
let outbox: TableOutbox;
let school: School;
let schoolId: string;

beforeAll(async () => {
  await connector.start();
  const prefix = uniqueTablePrefix();
  const config = parseConfig({ STORAGE_CONNECTION_STRING: connectionString(), TABLE_PREFIX: prefix, MICROSOFT_APP_TENANT_ID: TENANT_ID });
  app = await startApp({ ...config, port: 0 }, { clock, log, sweeper: false });
  tables = await openTables(connectionString(), { prefix });
  outbox = new TableOutbox(tables);
  school = await installEveryone(app.url, connector, policy);
  schoolId = (await app.schools.list())[0]!.id;
});

afterAll(async () => {
  await app?.stop();
  await connector.stop();
});

/** The outbox item of the visit's alert to the office, as stored. */
async function officeAlertItem(visitId: string): Promise<OutboxItem> {
  const rows = tables.visits.of(visitId).listEntities<Record<string, unknown>>({ queryOptions: { filter: outboxRowsOf(visitId) } });
  const items: OutboxItem[] = [];
  for await (const row of rows) items.push(toStoredOutboxItem(row).item);
  const found = items.filter((item) => item.notification.kind === "alert" && "to" in item.notification && "person" in item.notification.to);
  if (found.length !== 1) throw new Error(`expected one office alert item for the visit, found ${found.length}`);
  return found[0]!;
}

/** POSTs of an alert card about `visitId` into the office's chat: every attempt, accepted or not. */
const alertAttempts = (visitId: string): ConnectorCall[] =>
  connector.calls.filter((call) => call.method === "POST" && call.conversationId === school.office.conversationId && alertOfCall(call)?.visitId === visitId);

describe("an alert the connector throttles, then fails, then accepts", () => {
  it("reaches the office exactly once, whichever layer does the retrying", async () => {
    const visitId = await requestAndApprove(school, visitForm(DAY, "09:00", "10:00", 1));
    const answers = [
      { status: 429, headers: { "Retry-After": "1" }, body: { error: { code: "Throttled", message: "Too many requests" } } },
      { status: 500, body: { error: { code: "ServiceError", message: "Internal error" } } },
    ];
    let answered = 0;
    const accepted: ConnectorCall[] = [];
    connector.script = (call) => {
      if (call.method !== "POST" || call.conversationId !== school.office.conversationId || alertOfCall(call)?.visitId !== visitId) return undefined;
      const answer = answers[answered++];
      if (!answer) accepted.push(call);
      return answer;
    };

    now = new Date(`${DAY}T09:00:30Z`);
    const started = Date.now();
    await app.sweepOnce();
    const blockedMs = Date.now() - started;

    // Whatever the SDK did not retry itself is the outbox's to retry: follow it, by the injected clock.
    const outboxAttempts: { at: string; nextAttemptAt: string }[] = [];
    for (let round = 0; round < 5; round++) {
      const item = await officeAlertItem(visitId);
      if (item.status === "delivered") break;
      outboxAttempts.push({ at: now.toISOString(), nextAttemptAt: item.nextAttemptAt });
      now = new Date(Math.max(now.getTime(), Date.parse(item.nextAttemptAt)));
      await app.sweepOnce();
    }

    const attempts = alertAttempts(visitId);
    expect(attempts).toHaveLength(3); // 429, 500, accepted
    expect(accepted).toHaveLength(1);
    const item = await officeAlertItem(visitId);
    expect(item).toMatchObject({ status: "delivered", posts: [{ conversation: { kind: "personal", key: people.office.aadObjectId } }] });
    expect(item.posts![0]!.activityId).toMatch(/^activity-\d+$/);
    expect(await outbox.pending(visitId)).toEqual([]);

    // Retry-After was honoured by whichever layer retried: the SDK waits in real time inside one send;
    // the outbox waits on the clock, by moving nextAttemptAt on.
    if (item.attempts === 1) {
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
      expect(blockedMs).toBeGreaterThanOrEqual(950);
    } else {
      expect(Date.parse(outboxAttempts[0]!.nextAttemptAt) - Date.parse(outboxAttempts[0]!.at)).toBeGreaterThanOrEqual(1_000);
    }
    const observed = { outboxAttempts: item.attempts, httpAttempts: attempts.length, sendBlockedMs: blockedMs, gapsMs: attempts.slice(1).map((a, i) => a.at - attempts[i]!.at) };
    if (process.env.RESILIENCE_REPORT) process.stdout.write(`connector-throttling: ${JSON.stringify(observed)}\n`);

    const events = await new TableVisitStore(tables).events(visitId);
    expect(events.filter((e) => e.type === "alert.raised")).toHaveLength(1);
    expect(events.filter((e) => e.type === "alert.escalated")).toEqual([expect.objectContaining({ step: 0, targets: ["office"] })]);
    connector.script = () => undefined;
  });
});

describe("an alert the connector keeps refusing", () => {
  it("is retried, flagged failing after five attempts, listed for the office, logged without personal data, and never dropped", async () => {
    now = new Date(`${DAY}T09:30:00Z`);
    const form = visitForm(DAY, "10:00", "11:00", 2);
    const visitId = await requestAndApprove(school, form);
    let refusing = true;
    // Service unavailable, "try again now": the SDK's own pipeline gives up quickly, so each outbox attempt is quick.
    connector.script = (call) =>
      refusing && call.method === "POST" && call.conversationId === school.office.conversationId && alertOfCall(call)?.visitId === visitId
        ? { status: 503, headers: { "Retry-After": "0" }, body: { error: { code: "ServiceUnavailable", message: "Try again" } } }
        : undefined;

    now = new Date(`${DAY}T10:00:30Z`);
    await app.sweepOnce();
    const seen: OutboxItem[] = [await officeAlertItem(visitId)];
    const waits = [Date.parse(seen[0]!.nextAttemptAt) - now.getTime()];
    // Each later attempt comes from the sweeper, through the due index, once the clock reaches nextAttemptAt.
    while (seen.at(-1)!.status === "pending" && seen.at(-1)!.attempts < 6) {
      now = new Date(Math.max(now.getTime(), Date.parse(seen.at(-1)!.nextAttemptAt)));
      await app.sweepOnce();
      seen.push(await officeAlertItem(visitId));
      waits.push(Date.parse(seen.at(-1)!.nextAttemptAt) - now.getTime());
    }

    // The connector accepted none of its POSTs, so it must not be recorded as delivered (nor as posted anywhere).
    expect({ status: seen[0]!.status, posts: seen[0]!.posts ?? [] }).toEqual({ status: "pending", posts: [] });
    expect(seen.map((item) => [item.status, item.attempts, item.failing === true])).toEqual([
      ["pending", 1, false],
      ["pending", 2, false],
      ["pending", 3, false],
      ["pending", 4, false],
      ["pending", 5, true],
      ["pending", 6, true], // still tried after it was flagged
    ]);
    // The back-off grows between attempts: 2 s, 4 s, 8 s, 16 s… each jittered by ±20%.
    waits.slice(0, 5).forEach((wait, i) => {
      expect(wait).toBeGreaterThanOrEqual(0.8 * 2_000 * 2 ** i);
      expect(wait).toBeLessThanOrEqual(1.2 * 2_000 * 2 ** i);
    });
    expect(alertAttempts(visitId).length).toBeGreaterThanOrEqual(6);

    const failing = await new TableOutbox(tables).failing(schoolId, 10);
    expect(failing).toEqual([expect.objectContaining({ visitId, id: seen[0]!.id, status: "pending", failing: true })]);

    const flagged = log.lines.filter((line) => line.level === "error" && line.message === "notification keeps failing");
    expect(flagged).toHaveLength(1);
    expect(flagged[0]!.fields).toMatchObject({ visitId, itemId: seen[0]!.id, kind: "alert", attempts: 5 });
    const logged = JSON.stringify(log.lines);
    for (const personal of [
      form.pupilReference,
      form.address,
      ...Object.values(people).map((p) => p.displayName),
    ]) {
      expect(logged).not.toContain(personal!);
    }

    // The connector recovers: the next retry delivers it once, and it leaves the office's failing list.
    refusing = false;
    const before = alertAttempts(visitId).length;
    now = new Date(Math.max(now.getTime(), Date.parse(seen.at(-1)!.nextAttemptAt)));
    await app.sweepOnce();
    const delivered = await officeAlertItem(visitId);
    expect(delivered).toMatchObject({ status: "delivered", attempts: 7 });
    expect(delivered.failing).toBeUndefined();
    expect(alertAttempts(visitId).length - before).toBe(1);
    expect(await new TableOutbox(tables).failing(schoolId, 10)).toEqual([]);
    connector.script = () => undefined;
  });
});
