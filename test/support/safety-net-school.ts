/**
 * One school on the safety net, for HTTP tests: the app run with a seed policy profile (its own tables and its own
 * fake Bot Connector), a clock the test moves by hand, no background sweeper, and a Teams client per person.
 * Everyone is fictional: the seed profiles' people, and the staff records below.
 */
import { parseConfig } from "../../src/config/env";
import { startApp, type RunningApp } from "../../src/main";
import { Verbs } from "../../src/cards/verbs";
import type { StaffRecord } from "../../src/domain/staff-prerequisites";
import type { Visit } from "../../src/domain/visit";
import { loadPolicyFile } from "../../src/policy/policy.loader";
import { PolicyProfile } from "../../src/policy/policy.schema";
import { setUpSchoolInTeams, type StaffTeam } from "./school-setup";
import { TableConversationStore } from "../../src/storage/conversation.table-store";
import { TableOutbox } from "../../src/storage/outbox.table-store";
import { TableStaffDirectory } from "../../src/storage/staff.table-store";
import { openTables, type Tables } from "../../src/storage/tables";
import { uniqueTablePrefix } from "./azurite";
import { textOf } from "./card-inspect";
import { type ConnectorCall, FakeConnector } from "./fake-connector";
import { quietLog } from "./quiet-log";
import { BOT, TeamsClient, TENANT_ID } from "./teams-client";

export type Card = Record<string, unknown>;

/** The day every visit in these tests happens. November: London is on GMT, so "10:00" is 10:00Z. */
export const DAY = "2026-11-24";
export const at = (time: string): Date => new Date(`${DAY}T${time.length === 5 ? `${time}:00` : time}Z`);

export const TEAM: StaffTeam = { id: "19:staff-team@thread.tacv2", general: "19:general@thread.tacv2", safeguarding: "19:safeguarding@thread.tacv2" };
export const SAFEGUARDING_CHANNEL = { id: TEAM.safeguarding, teamId: TEAM.id };

/** A fictional R06 record: a drama-range mobile number, a made-up car. */
export function staffRecord(mobile: string, registration: string): StaffRecord {
  return {
    mobile,
    vehicle: { make: "Skoda", model: "Fabia", registration, colour: "Silver", insuranceExpiry: "2027-08-31" },
    dbs: { checkedOn: "2025-09-01", barredListCheckedOn: "2025-09-01" },
    training: [{ name: "Lone working", completedOn: "2025-10-01" }],
  };
}

/** The request form as a visitor fills it in: a lone doorstep visit from 10:00 to 11:00 unless told otherwise. */
export function visitForm(policy: PolicyProfile, change: Record<string, string> = {}): Record<string, string> {
  return {
    pupilReference: "K.T. Y5",
    address: "14 Larch Close, Exampleton EX4 2QT",
    purposeId: policy.purposes[0]!.id,
    date: DAY,
    start: "10:00",
    end: "11:00",
    entry: "doorstep",
    staffing: "lone",
    riskAssessment: "Known family, doorstep only, phone on and charged.",
    announced: "yes",
    knownRisks: "Large dog, usually shut in the kitchen",
    ...change,
  };
}

/** A card the bot posted, or an update of one: where it went, the activity id it has, and its words. */
export interface Sent {
  conversationId: string;
  activityId: string;
  card: Card;
  text: string;
}

/** One school's staff directory, for what a test checks or seeds of it. */
export interface SchoolStaff {
  get(aadObjectId: string): ReturnType<TableStaffDirectory["get"]>;
  list(): ReturnType<TableStaffDirectory["list"]>;
  upsert(members: Parameters<TableStaffDirectory["upsert"]>[1]): ReturnType<TableStaffDirectory["upsert"]>;
}

export class SafetyNetSchool {
  private readonly clients = new Map<string, TeamsClient>();
  readonly staff: SchoolStaff;

  private constructor(
    readonly app: RunningApp,
    /** The school's policy as set up in Teams: the profile file's people and rules, with its id and alert channel. */
    readonly policy: PolicyProfile,
    readonly connector: FakeConnector,
    readonly log: ReturnType<typeof quietLog>,
    private readonly directory: TableStaffDirectory,
    readonly outbox: TableOutbox,
    /** The conversation references the app keeps, for what a test checks was (or was not) kept. */
    readonly conversations: TableConversationStore,
    /** The time the app's clock reads: the test moves it by hand. */
    private readonly time: { now: Date },
    /** The app's tables, to look at what it stored. */
    readonly tables: Tables,
  ) {
    this.staff = {
      get: (id) => directory.get(policy.school.id, id),
      list: () => directory.list(policy.school.id),
      upsert: (members) => directory.upsert(policy.school.id, members),
    };
  }

  /**
   * Starts the app on its own tables and connector, and sets the school of the profile in `profileFile` (under
   * policies/) up in its staff team through Teams, as its head would (school-setup.ts); `env` adds settings (the
   * tab's single sign-on).
   */
  static async open(
    connectionString: string,
    profileFile: string,
    start: Date,
    options: { chooseAlertChannel?: boolean; env?: Record<string, string> } = {},
  ): Promise<SafetyNetSchool> {
    const connector = new FakeConnector();
    await connector.start();
    const profile = loadPolicyFile(profileFile);
    const prefix = uniqueTablePrefix();
    const log = quietLog();
    const config = parseConfig({ STORAGE_CONNECTION_STRING: connectionString, TABLE_PREFIX: prefix, PORT: "1", MICROSOFT_APP_TENANT_ID: TENANT_ID, ...options.env });
    const time = { now: start };
    const app = await startApp({ ...config, port: 0 }, { clock: { now: () => time.now }, log, sweeper: false, retention: false });
    const schoolId = await setUpSchoolInTeams(app.url, connector, profile, TEAM, options);
    const school = (await app.schools.get(schoolId))!;
    const tables = await openTables(connectionString, { prefix });
    const policy = PolicyProfile.parse(school.policy);
    return new SafetyNetSchool(app, policy, connector, log, new TableStaffDirectory(tables), new TableOutbox(tables), new TableConversationStore(tables), time, tables);
  }

  get now(): Date {
    return this.time.now;
  }

  set now(at: Date) {
    this.time.now = at;
  }

  /** The school's id, as its setup made it from its name. */
  get schoolId(): string {
    return this.policy.school.id;
  }

  async stop(): Promise<void> {
    await this.app.stop();
    await this.connector.stop();
  }

  setTime(time: string): void {
    this.now = at(time);
  }

  /** The Entra object id of the person the profile names `name`. */
  id(name: string): string {
    const person = this.policy.people.find((p) => p.displayName === name);
    if (!person) throw new Error(`${name} is not in ${this.policy.school.name}'s profile`);
    return person.aadObjectId;
  }

  /** That person's Teams client (their 1:1 chat with the bot). */
  person(name: string): TeamsClient {
    let client = this.clients.get(name);
    if (!client) {
      client = new TeamsClient(this.app.url, this.connector, { aadObjectId: this.id(name), name });
      this.clients.set(name, client);
    }
    return client;
  }

  /** Installs the app in these people's 1:1 chats. */
  async installPersonal(...names: string[]): Promise<void> {
    for (const name of names) {
      const res = await this.person(name).install();
      if (res.status >= 300) throw new Error(`installing for ${name} answered ${res.status}`);
    }
  }

  /** What the school's admin keeps on file for someone (R06): their mobile and vehicle, DBS and training. */
  async seedStaff(name: string, record: StaffRecord): Promise<void> {
    const client = this.person(name);
    const at = this.now.toISOString();
    await this.directory.upsert(this.schoolId, [{ aadObjectId: this.id(name), name, teamsUserId: client.teamsUserId, lastSeenAt: at }]);
    await this.directory.saveRecord(this.schoolId, this.id(name), record, { by: "seeded by the test", at });
  }

  /** Installs the app in the staff team (General and Safeguarding channels), whose roster holds these people. */
  async installTeam(...names: string[]): Promise<void> {
    this.connector.channels = [{ id: TEAM.general }, { id: TEAM.safeguarding, name: "Safeguarding" }];
    this.connector.members = names.map((name) => ({ id: this.person(name).teamsUserId, name, aadObjectId: this.id(name) }));
    const res = await fetch(`${this.app.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "conversationUpdate",
        id: `team-install-${Date.now()}`,
        channelId: "msteams",
        serviceUrl: this.connector.url,
        from: { id: this.person(names[0]!).teamsUserId, name: names[0], aadObjectId: this.id(names[0]!) },
        recipient: BOT,
        membersAdded: [BOT],
        conversation: { id: TEAM.general, conversationType: "channel", tenantId: TENANT_ID, isGroup: true },
        channelData: { tenant: { id: TENANT_ID }, team: { id: TEAM.id, name: "Staff" }, channel: { id: TEAM.general } },
      }),
    });
    if (res.status >= 300) throw new Error(`installing in the team answered ${res.status}`);
  }

  /** The visitor sends the request form; resolves the new visit's id. */
  async request(visitor: string, form: Record<string, string>): Promise<string> {
    const before = new Set((await this.visitsToday()).map((v) => v.id));
    const { card } = await this.person(visitor).tap(Verbs.submitRequest, form);
    const created = (await this.visitsToday()).filter((v) => !before.has(v.id));
    if (created.length !== 1) throw new Error(`the request was not stored: ${textOf(card)}`);
    return created[0]!.id;
  }

  /** An approver taps Approve on the version they were sent. */
  async approve(approver: string, visitId: string): Promise<void> {
    const { visit } = (await this.app.store.load(visitId))!;
    const { card } = await this.person(approver).tap(Verbs.approve, { visitId, version: visit.version });
    const stored = (await this.app.store.load(visitId))!.visit;
    if (stored.status !== "approved") throw new Error(`the visit was not approved: ${textOf(card)}`);
  }

  async visit(visitId: string): Promise<Visit> {
    return (await this.app.store.load(visitId))!.visit;
  }

  visitsToday(): Promise<Visit[]> {
    return this.app.store.listForDay(this.policy.school.id, DAY);
  }

  /** A mark in the connector's record, to ask what was sent since. */
  mark(): number {
    return this.connector.calls.length;
  }

  /** Moves the clock to `time` and runs one sweep; returns a mark from before it, to ask what the sweep sent. */
  async sweepAt(time: string): Promise<number> {
    this.setTime(time);
    const mark = this.mark();
    await this.app.sweepOnce();
    return mark;
  }

  /** Every call the bot made to the Bot Connector since the mark, as "METHOD path" (readable in a failure). */
  callsSince(mark: number): string[] {
    return this.connector.calls.slice(mark).map((c) => `${c.method} ${c.path}`);
  }

  /** Cards posted into a conversation (replies and proactive posts), oldest first, with the id each was given. */
  posts(conversationId: string, since = 0): Sent[] {
    return this.sent(conversationId, "POST", since);
  }

  /** Plain-text messages the bot posted into a conversation (replies without a card), oldest first. */
  messages(conversationId: string, since = 0): string[] {
    return this.connector.calls
      .slice(since)
      .filter((c) => c.method === "POST" && c.conversationId === conversationId && c.path.includes("/activities"))
      .flatMap((c) => (typeof c.body.text === "string" && c.body.text.length > 0 ? [c.body.text] : []));
  }

  /** Moves the clock to any London wall-clock moment in winter (GMT), e.g. a follow-up date weeks later. */
  setMoment(date: string, time: string): void {
    this.now = new Date(`${date}T${time.length === 5 ? `${time}:00` : time}Z`);
  }

  /** Cards updated in place in a conversation (PUT …/activities/{id}), oldest first. */
  updates(conversationId: string, since = 0): Sent[] {
    return this.sent(conversationId, "PUT", since);
  }

  private sent(conversationId: string, method: "POST" | "PUT", since: number): Sent[] {
    return this.connector.calls
      .slice(since)
      .filter((c) => c.method === method && c.conversationId === conversationId && c.path.includes("/activities"))
      .flatMap((c) => cardsOf(c).map((card) => ({ conversationId, activityId: activityIdOf(c, method), card, text: textOf(card) })));
  }
}

function cardsOf(call: ConnectorCall): Card[] {
  const attachments = (call.body.attachments as { contentType: string; content: Card }[] | undefined) ?? [];
  return attachments.filter((a) => a.contentType === "application/vnd.microsoft.card.adaptive").map((a) => a.content);
}

/** A POST's activity id is what the connector answered; a PUT names it in its path. */
function activityIdOf(call: ConnectorCall, method: "POST" | "PUT"): string {
  if (method === "PUT") return call.path.split("/activities/")[1] ?? "";
  return String((call.answer?.body as { id?: unknown } | undefined)?.id ?? "");
}
