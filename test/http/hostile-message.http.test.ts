/**
 * Nothing a person sends can stall anyone else: the longest, most hostile messages Teams allows, sent over real
 * HTTP one after the other while a visitor checks in. The check-in is answered as fast as ever, and the event loop
 * is never held for long (node:perf_hooks measures how late its timers run).
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
import { setUpSchoolInTeams, staffTeam } from "../support/school-setup";
import { TeamsClient, TENANT_ID } from "../support/teams-client";

const connectionString = useAzurite();
const connector = new FakeConnector();
const clock = { now: () => new Date("2026-11-24T09:45:00Z") };
let app: RunningApp;
let visitor: TeamsClient;
let office: TeamsClient;
const client = (who: keyof typeof people) => new TeamsClient(app.url, connector, { aadObjectId: people[who].aadObjectId, name: people[who].displayName });

beforeAll(async () => {
  await connector.start();
  const config = parseConfig({ STORAGE_CONNECTION_STRING: connectionString(), TABLE_PREFIX: uniqueTablePrefix(), MICROSOFT_APP_TENANT_ID: TENANT_ID });
  app = await startApp({ ...config, port: 0 }, { clock, log: quietLog(), sweeper: false });
  await setUpSchoolInTeams(app.url, connector, testPolicy(), staffTeam("hostile"));
  visitor = client("visitor");
  office = client("office");
  await approvedVisit(visitor, client("head"));
});
afterAll(async () => {
  await app?.stop();
  await connector.stop();
});

/** The visitor checks in with `step` while the office's `messages` are sent one after the other. */
async function checkInAmid(step: string, messages: readonly string[]): Promise<{ ms: number; reply: string; statuses: number[] }> {
  const statuses: number[] = [];
  const others = (async () => {
    for (const text of messages) statuses.push((await office.say(text)).status);
  })();
  const started = performance.now();
  const res = await visitor.say(step);
  const ms = performance.now() - started;
  expect(res.status).toBe(200);
  await others;
  return { ms, reply: textOf(visitor.lastCard()), statuses };
}

describe("hostile messages at the size limit", () => {
  it("leave a concurrent check-in answered in its usual time, with the event loop never held for 100 ms", async () => {
    const hostile = Object.values(HOSTILE_TEXTS);
    // The usual time: the same check-in while ordinary messages come in.
    const usual = await checkInAmid("leaving", hostile.map(() => "hello"));
    expect(usual.reply).toMatch(/Left school at \d\d:\d\d: recorded/);

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const amidHostile = await checkInAmid("arrived", hostile);
    delay.disable();

    expect(amidHostile.statuses).toEqual(hostile.map(() => 200));
    expect(amidHostile.reply).toMatch(/Arrived at \d\d:\d\d: recorded/);
    // The first message is 28,672 unclosed "<": the old tag regex held the loop, and the check-in, for over half a
    // second with it, and as long again for the "<a" message.
    expect(amidHostile.ms).toBeLessThan(usual.ms + 300);
    expect(delay.max / 1e6).toBeLessThan(100);
  });
});
