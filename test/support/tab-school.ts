/**
 * Hunsbury Park Primary's day for the tab's tests, over real HTTP against the real app on Azurite: the app with
 * the tab's single sign-on pointed at a local test identity provider, the fake Bot Connector, the clock moved by
 * hand, and three visits on 24 November 2026 made through the bot as staff make them. Everyone is fictional.
 */
import { Verbs } from "../../src/cards/verbs";
import { at, SafetyNetSchool, staffRecord, visitForm } from "./safety-net-school";
import { TestIdentity } from "./test-identity";

export const ALEX = "Alex Rivers";
export const BEA = "Bea Lindqvist";
export const HEAD = "Jo Fenwick";
export const DSL = "Priya Lane";
export const OFFICE = "Gail Whitcombe";
export const ADMIN = "Ollie Granger";

export const ALEX_MOBILE = "07700 900301";
export const BEA_MOBILE = "07700 900302";

export interface HunsburyDay {
  /** Bea's 08:30 visit: made, left and recorded ("nobody in") by 09:00. */
  recorded: string;
  /** Alex's 10:00 visit, approved: its arrival check-in falls due at 10:00. */
  alexVisit: string;
  /** Bea's 14:00 request, waiting for the head's decision. */
  request: string;
}

export class TabSchool {
  private constructor(
    readonly school: SafetyNetSchool,
    readonly identity: TestIdentity,
  ) {}

  /** Hunsbury Park, unless `profile` names another seed school's file; `env` adds settings (the trust's leads). */
  static async open(connectionString: string, options: { profile?: string; env?: Record<string, string> } = {}): Promise<TabSchool> {
    const identity = await TestIdentity.start();
    const profile = options.profile ?? "policies/hunsbury-park-primary.json";
    const school = await SafetyNetSchool.open(connectionString, profile, at("08:00"), { env: { ...identity.env(), ...options.env } });
    return new TabSchool(school, identity);
  }

  async stop(): Promise<void> {
    await this.school.stop();
    await this.identity.stop();
  }

  get url(): string {
    return this.school.app.url;
  }

  /** A valid single sign-on token for this person of the school's profile. */
  token(name: string): Promise<string> {
    return this.identity.token(this.school.id(name));
  }

  /**
   * Calls the tab's API as this person (by their name in the school's profile, or anyone by their object id), with
   * their token; every call but /me names the school, this one unless the path names another, as the tab does.
   */
  async call(who: string | { objectId: string }, path: string, init: RequestInit = {}): Promise<Response> {
    const token = typeof who === "string" ? await this.token(who) : await this.identity.token(who.objectId);
    const headers = { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${token}` };
    return fetch(`${this.url}/tab/api${this.forSchool(path)}`, { ...init, headers });
  }

  /** The path with `school=` added, except for /me (and a path that names a school already). */
  forSchool(path: string): string {
    if (path === "/me" || /[?&]school=/.test(path)) return path;
    return `${path}${path.includes("?") ? "&" : "?"}school=${encodeURIComponent(this.school.schoolId)}`;
  }

  /** POSTs JSON to the tab's API as this person. */
  post(who: string | { objectId: string }, path: string, body?: unknown): Promise<Response> {
    return this.call(who, path, { method: "POST", ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }) });
  }

  /**
   * The morning up to 09:00: staff records on file, the app installed for everyone and in the staff team, Bea's
   * early visit done and recorded, Alex's approved, and Bea's afternoon request sent to the head.
   */
  async morning(): Promise<HunsburyDay> {
    const { school } = this;
    await school.seedStaff(ALEX, staffRecord(ALEX_MOBILE, "EX24 KLM"));
    await school.seedStaff(BEA, staffRecord(BEA_MOBILE, "EX25 NPR"));
    await school.installPersonal(ALEX, BEA, HEAD, DSL, OFFICE, ADMIN);
    await school.installTeam(HEAD, DSL, OFFICE, ALEX, BEA);

    const recorded = await school.request(BEA, visitForm(school.policy, { start: "08:30", end: "09:00", pupilReference: "R.M. Y3", address: "3 Alder Row, Exampleton EX6 1AA" }));
    await school.approve(HEAD, recorded);
    school.setTime("08:31");
    await school.person(BEA).say("arrived");
    school.setTime("08:40");
    await school.person(BEA).say("left");
    school.setTime("08:45");
    const { card } = await school.person(BEA).tap(Verbs.record, { visitId: recorded, outcome: "not-seen", summary: "Nobody in; a card left through the door." });
    if ((await school.visit(recorded)).status !== "recorded") throw new Error(`the early visit was not recorded: ${JSON.stringify(card)}`);

    const alexVisit = await school.request(ALEX, visitForm(school.policy));
    await school.approve(HEAD, alexVisit);
    const request = await school.request(BEA, visitForm(school.policy, { start: "14:00", end: "15:00", pupilReference: "D.W. Y6", address: "8 Birch Walk, Exampleton EX6 2BB" }));
    school.setTime("09:00");
    return { recorded, alexVisit, request };
  }
}
