/**
 * The people's side of the visit-handling benchmark, in a process of its own as Teams is: the Teams client of each
 * person and the Bot Connector the bots answer through. Started by visit-handling.bench.ts, which runs the bots and
 * counts their storage requests; this process times each step from its POST until the response body is read.
 */
import { performance } from "node:perf_hooks";
import { Verbs } from "../src/cards/verbs";
import type { CheckInStep } from "../src/domain/visit";
import { buttonsOf, textOf } from "../test/support/card-inspect";
import { FakeConnector } from "../test/support/fake-connector";
import { people, testPolicy } from "../test/support/policy-fixture";
import { requestForm } from "../test/support/request-form";
import { setUpSchoolInTeams, staffTeam } from "../test/support/school-setup";
import { TeamsClient } from "../test/support/teams-client";
import { type ClientMessage, type Operation, type ServerMessage, STORED_ECHO } from "./visit-handling.protocol";

/**
 * Typed check-ins name no visit: the bot looks for the person's visit today. Each typed visit has a visitor of its
 * own among these, in turn, so a visitor's day holds a few visits, as a real one does, not the whole run's.
 */
const TYPING_VISITORS = Array.from({ length: 10 }, (_, i) => ({
  aadObjectId: `00000000-0000-4000-8000-0000000001${String(i).padStart(2, "0")}`,
  displayName: `Typing Visitor ${i + 1}`,
  roles: ["visitor" as const],
}));

const form = requestForm();
const VISIT_ID = /"visitId":"([0-9a-f-]{36})"/;

type Start = Extract<ServerMessage, { type: "start" }>;

function send(message: ClientMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

/** Sends a message to the bots' process and waits for its acknowledgement. */
function ask(message: ClientMessage): Promise<void> {
  return new Promise((resolve) => {
    process.once("message", () => resolve());
    void send(message);
  });
}

async function run({ a, b, echo, iterations, warmup }: Start): Promise<number> {
  const connector = new FakeConnector();
  await connector.start();
  try {
    const policy = testPolicy((p) => {
      p.authorisation.informRoles = [];
      p.people.push(...TYPING_VISITORS.map((person) => ({ ...person, roles: [...person.roles] })));
    });
    await setUpSchoolInTeams(a, connector, policy, staffTeam("bench"));
    const client = (person: { aadObjectId: string; displayName: string }, url: string) =>
      new TeamsClient(url, connector, { aadObjectId: person.aadObjectId, name: person.displayName });
    const on = (person: { aadObjectId: string; displayName: string }) => ({ a: client(person, a), b: client(person, b) });
    const visitor = on(people.visitor);
    const head = client(people.head, a);
    const typing = TYPING_VISITORS.map(on);
    const echoUser = client(people.visitor, echo);
    // Installing stores the conversation references the bots need to message the head and the visitors.
    for (const person of [visitor.a, client(people.secondVisitor, a), head, ...typing.map((t) => t.a)]) await expectOk(person.install());

    /** Times one step from the POST until its response body is read; the bots' process counts its storage round trips. */
    const measure = async <T>(op: Operation, counted: boolean, step: () => Promise<T>): Promise<T> => {
      if (counted) await ask({ type: "begin" });
      const calls = connector.calls.length;
      const start = performance.now();
      const result = await step();
      const answered = performance.now();
      if (counted) await ask({ type: "end", op, ms: answered - start, connector: connector.calls.length - calls });
      return result;
    };

    /** Requested by `who` and approved by the head, both on instance A, each tapping the card the bot delivered. */
    const requestAndApprove = async (who: TeamsClient, counted: boolean): Promise<string> => {
      const submitted = await measure("request", counted, () => who.tap(Verbs.submitRequest, form));
      expectCard(submitted, /sent to jo fenwick for approval/i);
      const visitId = VISIT_ID.exec(JSON.stringify(submitted.card))?.[1];
      if (!visitId) throw new Error("the request's card names no visit");
      const approve = buttonsOf(cardAbout(head, visitId)).find((button) => button.verb === Verbs.approve);
      if (!approve) throw new Error("the head's card has no Approve button");
      expectCard(await measure("approve", counted, () => head.tap(Verbs.approve, approve.data!)), /approved\. the visitor has been told/i);
      return visitId;
    };

    /** Taps the check-in button for `step` on `card`, as `who`; resolves the card that replaced it. */
    const tapStep = async (op: Operation, counted: boolean, who: TeamsClient, card: Record<string, unknown>, step: CheckInStep) => {
      const tapped = buttonsOf(card).find((button) => button.verb === Verbs.checkIn && button.data?.step === step);
      if (!tapped) throw new Error(`no ${step} button on the card: ${textOf(card)}`);
      const answer = await measure(op, counted, () => who.tap(Verbs.checkIn, tapped.data!));
      expectCard(answer, RECORDED[step]);
      return answer.card;
    };

    /** Says `text` as `who`; the bot answers with a card POSTed to the connector before the turn ends. */
    const say = async (op: Operation, counted: boolean, who: TeamsClient, text: string, step: CheckInStep) => {
      await measure(op, counted, () => expectOk(who.say(text)));
      expectCard({ status: 200, card: who.lastCard() }, RECORDED[step]);
    };

    let started = performance.now();
    for (let i = 0; i < warmup + iterations; i++) {
      if (i === warmup) started = performance.now();
      const counted = i >= warmup;

      // Tapped: on the card each answer brought, as people in Teams do.
      const tapped = await requestAndApprove(visitor.a, counted);
      let card = cardAbout(visitor.a, tapped);
      card = await tapStep("cardSame", counted, visitor.a, card, "left-school");
      card = await tapStep("cardCold", counted, visitor.b, card, "arrived");
      card = await tapStep("cardStale", counted, visitor.a, card, "safe");
      await tapStep("cardSame", counted, visitor.a, card, "left");

      // Typed, by a visitor whose earlier visits today have all ended, so "leaving school" means this one.
      const typist = typing[i % typing.length]!;
      await requestAndApprove(typist.a, counted);
      await say("typedSame", counted, typist.a, "leaving school", "left-school");
      await say("typedCold", counted, typist.b, "arrived", "arrived");
      await say("typedStale", counted, typist.a, "safe", "safe");
      await say("typedSame", counted, typist.a, "left", "left");

      await measure("echoInvoke", counted, async () => expectCard(await echoUser.tap("echo", { i }), new RegExp(`"i":${i}\\b`)));
      await measure("echoStored", counted, async () => expectCard(await echoUser.tap(STORED_ECHO, { i }), new RegExp(`"i":${i}\\b`)));
      await measure("echoMessage", counted, () => expectOk(echoUser.say(`echo ${i}`)));
    }
    return (performance.now() - started) / 1000;
  } finally {
    await connector.stop();
  }
}

const RECORDED: Record<CheckInStep, RegExp> = {
  "left-school": /left school at .*: recorded/i,
  arrived: /arrived at .*: recorded/i,
  safe: /safe at .*: recorded/i,
  left: /left .*at .*: recorded/i,
  "parent-present": /recorded/i,
  "parent-absent": /recorded/i,
  "parent-late": /recorded/i,
  "parent-arrived": /recorded/i,
};

/** The latest card the bot sent this person about this visit. */
function cardAbout(who: TeamsClient, visitId: string): Record<string, unknown> {
  const card = who
    .cards()
    .filter((c) => JSON.stringify(c).includes(visitId) && buttonsOf(c).length > 0)
    .at(-1);
  if (!card) throw new Error(`no card about visit ${visitId} was sent to ${who.person.name}`);
  return card;
}

async function expectOk(response: Promise<Response>): Promise<void> {
  const res = await response;
  await res.text(); // read the body, so the time covers the whole response and the connection is free again
  if (res.status >= 300) throw new Error(`the bot answered ${res.status}`);
}

function expectCard(result: { status: number; card: Record<string, unknown> }, text: RegExp): void {
  if (result.status !== 200 || !text.test(textOf(result.card ?? {}))) {
    throw new Error(`expected a card saying ${text}, got ${result.status}: ${JSON.stringify(result.card).slice(0, 500)}`);
  }
}

process.once("message", (start: Start) => {
  run(start).then(
    async (seconds) => {
      await send({ type: "done", seconds });
      process.disconnect();
    },
    async (error: unknown) => {
      process.exitCode = 1;
      await send({ type: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.disconnect();
    },
  );
});
