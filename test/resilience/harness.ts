/**
 * Shared pieces of the "never lost" tests: a school profile whose ladder starts at once, the Teams clients of
 * everyone involved, visits requested and approved over real HTTP, and ways to read what reached the office.
 * Every person, pupil and address is fictional.
 */
import { setTimeout as delay } from "node:timers/promises";
import { Verbs } from "../../src/cards/verbs";
import { londonDate, londonTime } from "../../src/domain/london-time";
import type { PolicyProfileInput } from "../../src/policy/policy.schema";
import { button, textOf } from "../support/card-inspect";
import type { ConnectorCall, FakeConnector } from "../support/fake-connector";
import { people, testPolicyInput } from "../support/policy-fixture";
import { TeamsClient } from "../support/teams-client";
import { setUpSchoolInTeams, staffTeam } from "../support/school-setup";

export type Who = keyof typeof people;
export const person = (who: Who) => ({ aadObjectId: people[who].aadObjectId, name: people[who].displayName });

/** The school's staff team; its Safeguarding channel is the one the school chooses for alerts. */
const TEAM = staffTeam("resilience");
export const SAFEGUARDING_CHANNEL = TEAM.safeguarding;

/**
 * The test school with a ladder that starts the moment a check-in is missed: no grace, the first step (PT0S)
 * alerts `firstTargets` at once, and a second step an hour later that no test here may reach.
 */
export function promptProfile(firstTargets: PolicyProfileInput["escalation"]["steps"][number]["targets"] = ["office"]): PolicyProfileInput {
  const input = testPolicyInput();
  // Nobody is kept informed (R01): the DSL, who holds SLT, has no Teams client here, so an itinerary for them
  // would wait undelivered in the outbox and muddle these tests' counts of what is pending or failing.
  input.authorisation = { ...input.authorisation, informRoles: [] };
  input.escalation = {
    ...input.escalation,
    grace: "PT0S",
    steps: [
      { after: "PT0S", targets: firstTargets },
      { after: "PT1H", targets: ["headteacher"] },
    ],
  };
  return input;
}

/** The request form as the visitor fills it in: a paired doorstep visit on `date`, from `start` to `end` (London). */
export function visitForm(date: string, start: string, end: string, n = 0): Record<string, string> {
  return {
    pupilReference: `T.${String.fromCharCode(65 + (n % 26))}. Y${(n % 6) + 1}`,
    address: `${n + 1} Fictional Lane, Testville TE1 ${n % 10}XX`,
    purposeId: "welfare",
    date,
    start,
    end,
    entry: "doorstep",
    staffing: "pair",
    secondStaffId: people.secondVisitor.aadObjectId,
    announced: "yes",
    knownRisks: "",
    // These visits run whenever the tests do, often outside the school day (R05): the office (already
    // alerted first by this ladder) is the responsible contact, so no extra recipient changes the counts.
    responsibleContactId: people.office.aadObjectId,
  };
}

/**
 * Today in London, with a start time already past (so the arrival check-in is overdue the moment the visit is
 * approved) that the form still accepts: it refuses only dates before today.
 */
export function formAlreadyOverdue(now = new Date(), n = 0): Record<string, string> {
  const today = londonDate(now);
  const earlier = new Date(now.getTime() - 5 * 60_000);
  const start = londonDate(earlier) === today ? londonTime(earlier) : "00:00";
  return visitForm(today, start, "23:59", n);
}

export interface School {
  visitor: TeamsClient;
  secondVisitor: TeamsClient;
  head: TeamsClient;
  office: TeamsClient;
}

/** The Teams clients of everyone involved, talking to the bot at `botUrl` (installing nothing). */
export function schoolAt(botUrl: string, connector: FakeConnector): School {
  return {
    visitor: new TeamsClient(botUrl, connector, person("visitor")),
    secondVisitor: new TeamsClient(botUrl, connector, person("secondVisitor")),
    head: new TeamsClient(botUrl, connector, person("head")),
    office: new TeamsClient(botUrl, connector, person("office")),
  };
}

/**
 * The school is set up in its staff team through Teams, as its head would (school-setup.ts), with its Safeguarding
 * channel chosen for alerts; then everyone opens the bot in a personal chat, so proactive cards can reach them.
 */
export async function installEveryone(botUrl: string, connector: FakeConnector, profile: PolicyProfileInput): Promise<School> {
  await setUpSchoolInTeams(botUrl, connector, profile, TEAM);
  const school = schoolAt(botUrl, connector);
  for (const client of Object.values(school)) {
    const res = await client.install();
    if (res.status >= 300) throw new Error(`installing for ${client.person.name} answered ${res.status}`);
  }
  return school;
}

/**
 * The visitor requests a visit with `form` and the headteacher approves it from the approval card they were
 * sent, both over HTTP; resolves the visit id. One at a time: the approval card is the head's latest.
 */
export async function requestAndApprove(school: School, form: Record<string, string>): Promise<string> {
  const requested = await school.visitor.tap(Verbs.submitRequest, form);
  if (requested.status !== 200 || !/for approval/i.test(textOf(requested.card))) {
    throw new Error(`the request was not accepted: ${textOf(requested.card)}`);
  }
  const approve = button(school.head.lastCard(), /approve/i);
  const visitId = String(approve.data?.visitId);
  const approved = await school.head.tap(Verbs.approve, approve.data!);
  if (!/approved\./i.test(textOf(approved.card))) throw new Error(`the approval was not recorded: ${textOf(approved.card)}`);
  return visitId;
}

/** Alert cards posted into a conversation (not updates of them), with the visit each is about. */
export function alertPosts(connector: FakeConnector, conversationId: string): { visitId: string; alertId: string; card: Record<string, unknown> }[] {
  return connector.cardsTo(conversationId).flatMap((card) => {
    const refresh = card.refresh as { action?: { verb?: string; data?: { visitId?: string; alertId?: string } } } | undefined;
    if (refresh?.action?.verb !== Verbs.refreshAlert) return [];
    return [{ visitId: String(refresh.action.data?.visitId), alertId: String(refresh.action.data?.alertId), card }];
  });
}

/** The alert a connector call carries (a post or an update of an alert card), if any. */
export function alertOfCall(call: ConnectorCall): { visitId: string; alertId: string } | undefined {
  const attachments = (call.body.attachments as { content?: Record<string, unknown> }[] | undefined) ?? [];
  for (const { content } of attachments) {
    const refresh = content?.refresh as { action?: { verb?: string; data?: { visitId?: string; alertId?: string } } } | undefined;
    if (refresh?.action?.verb === Verbs.refreshAlert) return { visitId: String(refresh.action.data?.visitId), alertId: String(refresh.action.data?.alertId) };
  }
  return undefined;
}

/** How many alert cards each visit got in that conversation. */
export function alertsPerVisit(connector: FakeConnector, conversationId: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { visitId } of alertPosts(connector, conversationId)) counts.set(visitId, (counts.get(visitId) ?? 0) + 1);
  return counts;
}

/** Polls `check` until it holds or `timeoutMs` runs out; resolves whether it held. Never sleeps for a policy duration. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await delay(everyMs);
  }
}
