/**
 * Nothing a person sends can stall anyone else: the longest, most hostile messages Teams allows, sent over real
 * HTTP all at once, while a visitor checks in. The check-in is answered as fast as ever, and the event loop is
 * never held for long (node:perf_hooks measures how late its timers run).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseConfig } from "../../src/config/env";
import { startApp, type RunningApp } from "../../src/main";
import { approvedVisit } from "../support/approved-visit";
import { useAzurite, uniqueTablePrefix } from "../support/azurite";
import { textOf } from "../support/card-inspect";
import { FakeConnector } from "../support/fake-connector";
import { HOSTILE_TEXTS } from "../support/hostile-text";
import { people, testPolicy } from "../support/policy-fixture";
import { quietLog } from "../support/quiet-log";
import { TeamsClient } from "../support/teams-client";

const connectionString = useAzurite();
const connector = new FakeConnector();
const clock = { now: () => new Date("2026-11-24T09:45:00Z") };
let app: RunningApp;
let visitor: TeamsClient;
let office: TeamsClient;
const client = (who: keyof typeof people) => new TeamsClient(app.url, connector, { aadObjectId: people[who].aadObjectId, name: people[who].displayName });

beforeAll(async () => {
  await connector.start();
  const config = parseConfig({ STORAGE_CONNECTION_STRING: connectionString(), TABLE_PREFIX: uniqueTablePrefix() });
  app = await startApp({ ...config, port: 0 }, { clock, policy: testPolicy(), log: quietLog(), sweeper: false });
  visitor = client("visitor");
  office = client("office");
  await approvedVisit(visitor, client("head"));
});
afterAll(async () => {
  await app?.stop();
  await connector.stop();
});

/** Says `text` as `who`; resolves how long the answer took and the card the bot replied with. */
async function timedSay(who: TeamsClient, text: string): Promise<{ status: number; ms: number; reply: string }> {
  const started = performance.now();
  const res = await who.say(text);
  const ms = performance.now() - started;
  return { status: res.status, ms, reply: textOf(who.lastCard()) };
}

describe("hostile messages at the size limit", () => {
  it("leave a concurrent check-in answered in its usual time, with the event loop never held for 100 ms", async () => {
    const usual = await timedSay(visitor, "leaving");
    expect(usual).toMatchObject({ status: 200, reply: expect.stringMatching(/Left school at \d\d:\d\d: recorded/) });

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    // Every hostile message twice, all in flight while the visitor checks in.
    const hostile = [...Object.values(HOSTILE_TEXTS), ...Object.values(HOSTILE_TEXTS)].map((text) => office.say(text));
    const checkIn = timedSay(visitor, "arrived");
    const statuses = (await Promise.all(hostile)).map((res) => res.status);
    const arrived = await checkIn;
    delay.disable();

    expect(statuses).toEqual(hostile.map(() => 200));
    expect(arrived).toMatchObject({ status: 200, reply: expect.stringMatching(/Arrived at \d\d:\d\d: recorded/) });
    // The old tag regex took over half a second per message of unclosed "<": eighteen of them held the loop for
    // seconds. A second covers a check-in on a busy two-core machine many times over (it takes tens of ms).
    expect(arrived.ms).toBeLessThan(Math.max(1000, usual.ms * 5));
    expect(delay.max / 1e6).toBeLessThan(100);
  });
});
