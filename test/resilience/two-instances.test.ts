/**
 * Never lost, never doubled, with two instances of the bot behind one load balancer: both run the sweeper
 * against the same tables, at the same moment, on the same injected clock. Each missed check-in is raised
 * once and each ladder step reaches each of its targets once; and a notification two dispatchers try to
 * deliver at the same instant is sent once.
 */
import { randomBytes } from "node:crypto";
import type { Outbox, StoredOutboxItem } from "../../src/app/ports";
import { visitIdAt } from "../../src/domain/visit-id";
import { OutboxDispatcher, SENDING_LEASE_MS } from "../../src/app/outbox.dispatcher";
import { VisitService } from "../../src/app/visit.service";
import { parseConfig } from "../../src/config/env";
import { startApp, type RunningApp } from "../../src/main";
import { parsePolicy } from "../../src/policy/policy.loader";
import { TableConversationStore } from "../../src/storage/conversation.table-store";
import { TableDueIndex } from "../../src/storage/due-index.table-store";
import { TableOutbox } from "../../src/storage/outbox.table-store";
import { TableStaffDirectory } from "../../src/storage/staff.table-store";
import { openTables, type Tables } from "../../src/storage/tables";
import { TableVisitStore } from "../../src/storage/visit.table-store";
import { createBotAdapter } from "../../src/teams/bot-adapter";
import { CardViews } from "../../src/teams/card-views";
import { TeamsSender } from "../../src/teams/teams-sender";
import { useAzurite, uniqueTablePrefix } from "../support/azurite";
import { FakeConnector } from "../support/fake-connector";
import { actor, people } from "../support/policy-fixture";
import { quietLog } from "../support/quiet-log";
import { TENANT_ID } from "../support/teams-client";
import { Schools } from "../../src/app/schools";
import { TableSchoolStore } from "../../src/storage/school.table-store";
import {
  alertOfCall,
  alertsPerVisit,
  installEveryone,
  promptProfile,
  requestAndApprove,
  SAFEGUARDING_CHANNEL,
  schoolAt,
  visitForm,
  type School,
} from "./harness";

jest.setTimeout(45_000);

const N = 20;
const ROUNDS = 3;
const DAY = "2026-11-24";
const connectionString = useAzurite();
const connector = new FakeConnector();
const log = quietLog();
const policy = parsePolicy("prompt ladder", promptProfile(["office", "dsl-channel"]));
let now = new Date(`${DAY}T08:00:00Z`);
const clock = { now: () => now };
const prefix = uniqueTablePrefix();
let one: RunningApp;
let two: RunningApp;
let tables: Tables;
let atOne: School;
let atTwo: School;
const visitIds: string[] = [];

beforeAll(async () => {
  await connector.start();
  const config = { ...parseConfig({ STORAGE_CONNECTION_STRING: connectionString(), TABLE_PREFIX: prefix, MICROSOFT_APP_TENANT_ID: TENANT_ID }), port: 0 };
  one = await startApp(config, { clock, log, sweeper: false });
  two = await startApp(config, { clock, log, sweeper: false });
  tables = await openTables(connectionString(), { prefix });
  atOne = await installEveryone(one.url, connector, policy);
  atTwo = schoolAt(two.url, connector);
  // Requested and approved through either instance, as a load balancer would spread them; all start at 09:00.
  for (let i = 0; i < N; i++) visitIds.push(await requestAndApprove(i % 2 === 0 ? atOne : atTwo, visitForm(DAY, "09:00", "10:00", i)));
});

afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
  await connector.stop();
});

/** Both instances sweep at the same moment, `rounds` times; resolves how many visits each round handled. */
async function sweepTogether(rounds: number): Promise<number[][]> {
  const handled: number[][] = [];
  for (let round = 0; round < rounds; round++) handled.push(await Promise.all([one.sweepOnce(), two.sweepOnce()]));
  return handled;
}

const exactlyOncePerVisit = (counts: Map<string, number>) => {
  expect([...counts.keys()].sort()).toEqual([...visitIds].sort());
  expect([...counts.values()].every((count) => count === 1)).toBe(true);
};

describe(`${N} visits whose arrival check-in is missed, swept by two instances at once`, () => {
  it("nothing is escalated before the deadline passes", async () => {
    await sweepTogether(1);
    const store = new TableVisitStore(tables);
    for (const id of visitIds) expect((await store.events(id)).map((e) => e.type)).toEqual(["visit.requested", "visit.approved"]);
  });

  it("raises one alert per visit and sends the first step once to each of its targets: the office and the Safeguarding channel", async () => {
    now = new Date(`${DAY}T08:00:30Z`); // the approvals' recovery wakes: each instance wakes the visits it approved
    expect((await sweepTogether(1))[0]!.every((count) => count === N / 2)).toBe(true);
    now = new Date(`${DAY}T09:00:05Z`); // past 09:00 plus a grace of nothing
    const handled = await sweepTogether(ROUNDS);

    exactlyOncePerVisit(alertsPerVisit(connector, atOne.office.conversationId));
    exactlyOncePerVisit(alertsPerVisit(connector, SAFEGUARDING_CHANNEL));
    // Both instances did some of the work: each takes the entries it scheduled (anyone's only once 10 s overdue).
    expect(handled[0]!.every((count) => count > 0)).toBe(true);
    expect(alertsPerVisit(connector, atOne.head.conversationId).size).toBe(0); // step 2 is an hour away

    const store = new TableVisitStore(tables);
    for (const id of visitIds) {
      const events = await store.events(id);
      expect(events.filter((e) => e.type === "alert.raised")).toHaveLength(1);
      expect(events.filter((e) => e.type === "alert.escalated")).toEqual([expect.objectContaining({ alertId: "A1", step: 0, targets: ["office", "dsl-channel"] })]);
      // One writer won each change: the snapshot's version counts the audit trail's events exactly.
      expect((await store.load(id))!.visit.version).toBe(events.length);
    }
  });

  it("sends the second step once per visit an hour later, however often both sweep", async () => {
    now = new Date(`${DAY}T10:00:30Z`);
    await sweepTogether(ROUNDS);
    exactlyOncePerVisit(alertsPerVisit(connector, atOne.head.conversationId));
    // Nobody got a second copy of the first step meanwhile.
    exactlyOncePerVisit(alertsPerVisit(connector, atOne.office.conversationId));
    exactlyOncePerVisit(alertsPerVisit(connector, SAFEGUARDING_CHANNEL));
    const store = new TableVisitStore(tables);
    for (const id of visitIds) {
      const steps = (await store.events(id)).flatMap((e) => (e.type === "alert.escalated" ? [e.step] : []));
      expect(steps).toEqual([0, 1]);
    }
  });
});

/** An outbox that holds each caller of pending() until `parties` callers have read: so they race on the same rows. */
class BarrierOutbox implements Outbox {
  constructor(
    private readonly inner: Outbox,
    private readonly shared: { arrived: number; release: (() => void)[] },
    private readonly parties: number,
  ) {}

  async pending(visitId: string): Promise<StoredOutboxItem[]> {
    const rows = await this.inner.pending(visitId);
    this.shared.arrived++;
    await new Promise<void>((resolve) => {
      this.shared.release.push(resolve);
      if (this.shared.arrived >= this.parties) this.shared.release.splice(0).forEach((go) => go());
    });
    return rows;
  }

  update = (stored: StoredOutboxItem, item: Parameters<Outbox["update"]>[1]) => this.inner.update(stored, item);
  posts = (visitId: string, alertId: string) => this.inner.posts(visitId, alertId);
  failing = (schoolId: string, limit: number) => this.inner.failing(schoolId, limit);
}

/** The notification side of one instance, wired as src/main.ts wires it, on its own table clients. */
async function dispatcherOf(barrier: { arrived: number; release: (() => void)[] }): Promise<OutboxDispatcher> {
  const own = await openTables(connectionString(), { prefix });
  const conversations = new TableConversationStore(own);
  const staff = new TableStaffDirectory(own);
  const adapter = createBotAdapter(undefined, log);
  const schools = new Schools(new TableSchoolStore(own), clock);
  const sender = new TeamsSender(adapter, "", TENANT_ID, schools, conversations, staff, new CardViews(schools, staff, clock), log);
  return new OutboxDispatcher(new BarrierOutbox(new TableOutbox(own), barrier, 2), sender, clock, log);
}

describe("one visit's outbox delivered by two dispatchers at the same instant", () => {
  it("sends each notification once, and records one delivery of each", async () => {
    now = new Date(`${DAY}T11:00:00Z`);
    const visitId = visitIds[0]!;
    // The visitor calls for help; the instance saves the alert and its notifications, then fails to send any
    // (as if it died right after the save): they wait in the outbox, held for it until the hold runs out.
    const crashing = new OutboxDispatcher(new TableOutbox(tables), { send: () => Promise.reject(new Error("never called")) }, clock, log);
    crashing.deliver = () => Promise.reject(new Error("instance stopped before delivering"));
    const service = new VisitService({ schools: new Schools(new TableSchoolStore(tables), clock), store: new TableVisitStore(tables), due: new TableDueIndex(tables), staff: new TableStaffDirectory(tables), dispatcher: crashing, clock, newId: () => visitIdAt(clock.now(), randomBytes(10)), log });
    const help = await service.act(visitId, actor("visitor"), { type: "requestHelp", silent: false });
    expect(help.ok).toBe(true);
    const queued = await new TableOutbox(tables).pending(visitId);
    expect(queued.map((s) => s.item.notification)).toEqual([
      { kind: "alert", to: { person: people.office.aadObjectId }, alertId: "A2" },
      { kind: "alert", to: { person: people.head.aadObjectId }, alertId: "A2" },
      { kind: "alert", to: { channel: "safeguarding" }, alertId: "A2", mention: [people.office.aadObjectId, people.head.aadObjectId, people.dsl.aadObjectId] },
    ]);

    now = new Date(now.getTime() + SENDING_LEASE_MS);
    const barrier = { arrived: 0, release: [] as (() => void)[] };
    const [first, second] = await Promise.all([dispatcherOf(barrier), dispatcherOf(barrier)]);
    const visit = (await new TableVisitStore(tables).load(visitId))!.visit;
    const before = connector.calls.length;
    await Promise.all([first.deliver(visit), second.deliver(visit)]);

    const posts = connector.calls.slice(before).filter((call) => call.method === "POST" && alertOfCall(call)?.alertId === "A2");
    expect(posts.map((call) => call.conversationId).sort()).toEqual(
      [atOne.office.conversationId, atOne.head.conversationId, SAFEGUARDING_CHANNEL].sort(),
    );
    const rows = tables.visits.of(visitId).listEntities<Record<string, unknown>>({ queryOptions: { filter: `PartitionKey eq '${visitId}' and alertId eq 'A2'` } });
    const items = [];
    for await (const row of rows) items.push(JSON.parse(String(row.json)) as { status: string; attempts: number });
    // Attempt 1 was the dead instance's hold; attempt 2 is the one of the two that claimed it.
    expect(items.map((item) => [item.status, item.attempts])).toEqual([
      ["delivered", 2],
      ["delivered", 2],
      ["delivered", 2],
    ]);
  });
});
