/**
 * The whole visit through real HTTP: three people's Teams clients post activities to the bot on loopback,
 * the real CloudAdapter runs them, Azurite stores them, and a fake Bot Connector records what the bot sends.
 */
import { parseConfig } from "../../src/config/env";
import { startApp, type RunningApp } from "../../src/main";
import { Verbs } from "../../src/cards/verbs";
import { useAzurite, uniqueTablePrefix } from "../support/azurite";
import { button, buttonsOf, textOf } from "../support/card-inspect";
import { FakeConnector } from "../support/fake-connector";
import { people, testPolicy } from "../support/policy-fixture";
import { TeamsClient, TENANT_ID } from "../support/teams-client";
import { setUpSchoolInTeams, staffTeam } from "../support/school-setup";
import { requestForm } from "../support/request-form";
import { quietLog } from "../support/quiet-log";

const connectionString = useAzurite();
const connector = new FakeConnector();
let now = new Date("2026-11-24T08:00:00Z");
const clock = { now: () => now };
// Two approvers, so two people can tap at once; the DSL can approve too in this school.
const policy = testPolicy((p) => {
  p.authorisation.approverRoles = ["headteacher", "dsl"];
});
let app: RunningApp;
let schoolId: string;
let visitor: TeamsClient;
let head: TeamsClient;
let dsl: TeamsClient;
let office: TeamsClient;

const person = (who: keyof typeof people) => ({ aadObjectId: people[who].aadObjectId, name: people[who].displayName });

const goodForm = requestForm();

beforeAll(async () => {
  await connector.start();
  const config = parseConfig({ STORAGE_CONNECTION_STRING: connectionString(), TABLE_PREFIX: uniqueTablePrefix(), PORT: "1", MICROSOFT_APP_TENANT_ID: TENANT_ID });
  app = await startApp({ ...config, port: 0 }, { clock, log: quietLog() });
  schoolId = await setUpSchoolInTeams(app.url, connector, policy, staffTeam("test"));
  visitor = new TeamsClient(app.url, connector, person("visitor"));
  head = new TeamsClient(app.url, connector, person("head"));
  dsl = new TeamsClient(app.url, connector, person("dsl"));
  office = new TeamsClient(app.url, connector, person("office"));
});

afterAll(async () => {
  await app?.stop();
  await connector.stop();
});

describe("a home visit from request to left safely, as three people in Teams", () => {
  let visitId: string;

  it("welcomes each person who installs the app with what they can type; the visitor's card opens the request form", async () => {
    for (const client of [visitor, head, dsl]) expect((await client.install()).status).toBeLessThan(300);
    expect(button(visitor.lastCard(), /new visit/i).verb).toBe(Verbs.openForm);
    for (const approver of [head, dsl]) {
      expect(buttonsOf(approver.lastCard())).toEqual([]);
      expect(textOf(approver.lastCard())).toContain("**pending**: the visits waiting for your decision");
    }
  });

  it("opens the request form when the visitor types \"new visit\"", async () => {
    await visitor.say("New visit");
    const form = visitor.lastCard();
    expect(button(form, /send|submit|request/i).verb).toBe(Verbs.submitRequest);
    expect(textOf(form)).toMatch(/pupil reference/i);
  });

  it("sends an invalid request back on the card with what to fix, and stores nothing", async () => {
    const { status, card } = await visitor.tap(Verbs.submitRequest, { ...goodForm, address: "", end: "09:00" });
    expect(status).toBe(200);
    expect(textOf(card)).toMatch(/address/i);
    expect(textOf(card)).toMatch(/end/i);
    expect(await app.store.listForDay(schoolId, "2026-11-24")).toEqual([]);
    expect(connector.cardsTo(head.conversationId)).toHaveLength(1); // only the welcome card
  });

  it("stores a valid request and sends the approvers an approval card with Approve, Decline and Ask for changes", async () => {
    const { card } = await visitor.tap(Verbs.submitRequest, goodForm);
    expect(textOf(card)).toMatch(/sent to .*jo fenwick/i);
    const [stored] = await app.store.listForDay(schoolId, "2026-11-24");
    expect(stored).toMatchObject({ status: "requested", requestedBy: { id: people.visitor.aadObjectId } });
    visitId = stored!.id;
    for (const approver of [head, dsl]) {
      const approval = approver.lastCard();
      expect(buttonsOf(approval).map((b) => b.verb)).toEqual(expect.arrayContaining([Verbs.approve, Verbs.decline, Verbs.requestChanges]));
      expect(approval.refresh).toMatchObject({ action: { verb: Verbs.refresh, data: { visitId } } });
      expect(JSON.stringify(button(approval, /approve/i).data)).toBe(JSON.stringify({ visitId, version: 1 }));
    }
  });

  it("refuses an approval from someone who is not an approver, on the server", async () => {
    const { card } = await office.tap(Verbs.approve, { visitId, version: 1 });
    expect(textOf(card)).toMatch(/only the headteacher or the DSL can decide/i);
    expect(buttonsOf(card).map((b) => b.verb)).not.toContain(Verbs.approve);
    expect((await app.store.load(visitId))!.visit.status).toBe("requested");
  });

  it("records one decision when two approvers tap at once, and tells the other who decided", async () => {
    const [byHead, byDsl] = await Promise.all([head.tap(Verbs.approve, { visitId, version: 1 }), dsl.tap(Verbs.approve, { visitId, version: 1 })]);
    const texts = [textOf(byHead.card), textOf(byDsl.card)];
    const winner = texts.findIndex((t) => /^approved\./im.test(t));
    expect(winner).toBeGreaterThanOrEqual(0);
    const loser = texts[1 - winner]!;
    expect(loser).toMatch(/already approved by (jo fenwick|priya lane)/i);
    const events = await app.store.events(visitId);
    expect(events.filter((e) => e.type === "visit.approved")).toHaveLength(1);
  });

  it("tells the approver who taps twice that it is already decided, and changes nothing", async () => {
    const again = await head.tap(Verbs.approve, { visitId, version: 1 });
    expect(textOf(again.card)).toMatch(/already approved by/i);
    expect((await app.store.events(visitId)).filter((e) => e.type === "visit.approved")).toHaveLength(1);
  });

  it("sends the visitor a check-in card whose next step is leaving school", async () => {
    const card = visitor.lastCardWithButton(/leaving school/i);
    expect(textOf(card)).toMatch(/approved by/i);
    expect(button(card, /leaving school/i).data).toEqual({ visitId, step: "left-school" });
  });

  it("records each check-in before confirming it, by button or by text", async () => {
    now = new Date("2026-11-24T09:40:00Z");
    const left = await visitor.tap(Verbs.checkIn, { visitId, version: 2, step: "left-school" });
    expect(textOf(left.card)).toMatch(/left school at 09:40: recorded/i);
    expect(button(left.card, /arrived/i).data).toMatchObject({ step: "arrived" });

    now = new Date("2026-11-24T10:00:00Z");
    await visitor.say("Arrived");
    expect(textOf(visitor.lastCard())).toMatch(/arrived at 10:00: recorded/i);
    expect(buttonsOf(visitor.lastCard()).map((b) => b.data?.step)).toEqual(expect.arrayContaining(["parent-present", "parent-absent"]));

    const present = await visitor.tap(Verbs.checkIn, { visitId, version: 4, step: "parent-present" });
    expect(textOf(present.card)).toMatch(/parent present/i);

    now = new Date("2026-11-24T11:05:00Z");
    await visitor.say("left");
    expect(textOf(visitor.lastCard())).toMatch(/left safely at 11:05/i);
  });

  it("keeps the whole audit trail: who did what, when", async () => {
    const { visit } = (await app.store.load(visitId))!;
    expect(visit.status).toBe("left");
    const trail = (await app.store.events(visitId)).map((e) => [e.type, e.actor.id, e.at, "step" in e ? e.step : undefined]);
    expect(trail).toEqual([
      ["visit.requested", people.visitor.aadObjectId, "2026-11-24T08:00:00.000Z", undefined],
      ["visit.approved", expect.stringMatching(/-00000000000[34]$/), "2026-11-24T08:00:00.000Z", undefined],
      ["visit.checkedIn", people.visitor.aadObjectId, "2026-11-24T09:40:00.000Z", "left-school"],
      ["visit.checkedIn", people.visitor.aadObjectId, "2026-11-24T10:00:00.000Z", "arrived"],
      ["visit.checkedIn", people.visitor.aadObjectId, "2026-11-24T10:00:00.000Z", "parent-present"],
      ["visit.checkedIn", people.visitor.aadObjectId, "2026-11-24T11:05:00.000Z", "left"],
    ]);
  });

  it("refuses a check-in from someone not on the visit", async () => {
    const { card } = await head.tap(Verbs.checkIn, { visitId, version: 6, step: "safe" });
    expect(textOf(card)).toMatch(/only the staff on this visit/i);
  });

  it("answers a body that is not an activity with 400 and what is wrong, not a server error", async () => {
    for (const body of ["{}", "[]", JSON.stringify({ type: "" }), JSON.stringify({ text: "arrived" })]) {
      const res = await fetch(`${app.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body });
      expect({ body, status: res.status, answer: await res.json() }).toEqual({ body, status: 400, answer: { error: expect.stringMatching(/not a Bot Framework activity/) } });
    }
  });

  it("answers a malformed card action with 400, not a crash", async () => {
    const res = await fetch(`${app.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "invoke",
        name: "adaptiveCard/action",
        channelId: "msteams",
        serviceUrl: connector.url,
        from: { id: visitor.teamsUserId, aadObjectId: people.visitor.aadObjectId },
        recipient: { id: "28:bot" },
        conversation: { id: visitor.conversationId, conversationType: "personal", tenantId: TENANT_ID },
        value: {},
      }),
    });
    expect(res.status).toBe(400);
  });
});
