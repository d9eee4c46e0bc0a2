/**
 * The tab's JSON API over real HTTP, against the real app on Azurite with Hunsbury Park's day (test/support/
 * tab-school.ts): who gets in, what each role sees, and that actions go through the same use case as the cards.
 */
import { RECORD_CSV_HEADER } from "../../../src/domain/record";
import { visitReference } from "../../../src/domain/visit";
import type { Approvals, Board, Me, Records, StaffList } from "../../../src/http/tab-api/contract";
import { useAzurite } from "../../support/azurite";
import { SafetyNetSchool, TEAM, at, visitForm } from "../../support/safety-net-school";
import { ADMIN, ALEX, ALEX_MOBILE, BEA, DSL, HEAD, type HunsburyDay, OFFICE, TabSchool } from "../../support/tab-school";
import { OTHER_TENANT } from "../../support/test-identity";

const connectionString = useAzurite();

/** Every call the API has, as the tab makes them. */
const CALLS: [string, string][] = [
  ["GET", "/me"],
  ["GET", "/today"],
  ["GET", "/approvals"],
  ["GET", "/records?from=2026-11-01&to=2026-11-30"],
  ["GET", "/records.csv?from=2026-11-01&to=2026-11-30"],
  ["GET", "/review?from=2026-09-01&to=2026-11-30"],
  ["GET", "/staff"],
  ["GET", "/staff/00000000-0000-4000-8000-000000000e01/export"],
  ["POST", "/visits/x/alerts/A1/acknowledge"],
  ["POST", "/visits/x/alerts/A1/resolve"],
  ["POST", "/visits/x/decision"],
];

describe("the tab's API", () => {
  let tab: TabSchool;
  let day: HunsburyDay;
  /** Bea's 15:00 request, declined while her chat could not be reached. */
  let declined: string;
  const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

  beforeAll(async () => {
    tab = await TabSchool.open(connectionString());
    day = await tab.morning();
  });
  afterAll(() => tab?.stop());

  describe("sign-in", () => {
    const raw = (path: string, method: string, authorization?: string) =>
      fetch(`${tab.url}/tab/api${path}`, { method, headers: authorization ? { authorization } : {} });

    it("answers every call without a token 401 with a short JSON error and nothing else", async () => {
      for (const [method, path] of CALLS) {
        const res = await raw(path, method);
        expect([method, path, res.status, res.headers.get("www-authenticate")]).toEqual([method, path, 401, "Bearer"]);
        expect(await res.json()).toEqual({ error: "Sign in first: the request carries no token." });
      }
    });

    it("answers forged, expired, other-tenant and other-app tokens 401, with no data", async () => {
      const alex = tab.school.id(ALEX);
      const bad = [
        await tab.identity.token(alex, { signer: "stranger" }),
        tab.identity.unsigned(alex),
        await tab.identity.hmacWithPublicKey(alex),
        await tab.identity.token(alex, { expiresIn: -600 }),
        await tab.identity.token(alex, { claims: { iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`, tid: OTHER_TENANT } }),
        await tab.identity.token(alex, { claims: { aud: "11111111-2222-4333-8444-555555555555" } }),
      ];
      for (const token of bad) {
        const res = await raw("/today", "GET", `Bearer ${token}`);
        expect(res.status).toBe(401);
        const body = await json<Record<string, unknown>>(res);
        expect(Object.keys(body)).toEqual(["error"]);
        expect(JSON.stringify(body)).not.toContain("HV-");
      }
    });

    it("refuses a signed-in person the school's profile does not list", async () => {
      const res = await raw("/me", "GET", `Bearer ${await tab.identity.token("00000000-0000-4000-8000-00000000abcd")}`);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: "You are not on the staff of a school that uses Home Visits here. Ask your school's admin to give you a role." });
    });

    it("refuses every call with 503 and says what to set when single sign-on is not configured", async () => {
      const unconfigured = await SafetyNetSchool.open(connectionString(), "policies/hunsbury-park-primary.json", at("09:00"));
      try {
        const res = await fetch(`${unconfigured.app.url}/tab/api/today`, { headers: { authorization: `Bearer ${await tab.token(OFFICE)}` } });
        expect(res.status).toBe(503);
        expect(await res.json()).toEqual({ error: "Sign-in for the tab is not set up on this server: set TAB_SSO_CLIENT_ID and MICROSOFT_APP_TENANT_ID." });
      } finally {
        await unconfigured.stop();
      }
    });
  });

  it("opens the views each role allows", async () => {
    const views = async (name: string) => (await json<Me>(await tab.call(name, "/me"))).schools[0]!.views;
    expect(await views(ALEX)).toEqual(["today"]);
    expect(await views(OFFICE)).toEqual(["today", "alerts"]);
    expect(await views(HEAD)).toEqual(["today", "alerts", "approvals", "records", "review", "school"]);
    expect(await views(ADMIN)).toEqual(["today", "records", "review", "staff", "school"]);
    expect(await views(DSL)).toEqual(["today", "alerts", "records", "review", "school"]);
    expect(await json<Me>(await tab.call(HEAD, "/me"))).toEqual({
      name: HEAD,
      today: "2026-11-24",
      schools: [
        {
          id: tab.school.schoolId,
          name: "Hunsbury Park Primary School",
          teamId: TEAM.id,
          state: "running",
          roles: ["headteacher", "slt"],
          trustLead: false,
          views: ["today", "alerts", "approvals", "records", "review", "school"],
        },
      ],
    });
  });

  it("refuses a call about a school the person is not on the staff of, and one that names no school", async () => {
    const other = await tab.call(OFFICE, "/today?school=another-school");
    expect(other.status).toBe(403);
    expect(await other.json()).toEqual({ error: "You are not on the staff of that school. Ask its admin to give you a role." });
    const unnamed = await fetch(`${tab.url}/tab/api/today`, { headers: { authorization: `Bearer ${await tab.token(OFFICE)}` } });
    expect(unnamed.status).toBe(400);
  });

  describe("today", () => {
    it("shows the office every visit of the day, and a visitor only their own", async () => {
      const office = await json<Board>(await tab.call(OFFICE, "/today"));
      expect(office.scope).toBe("school");
      expect(office.visits.map((v) => [v.reference, v.staff, v.statusText])).toEqual([
        [visitReference(day.recorded), [BEA], "finished and recorded"],
        [visitReference(day.alexVisit), [ALEX], "approved"],
        [visitReference(day.request), [BEA], "waiting for approval"],
      ]);
      expect(office.visits[1]!.nextCheckIn).toEqual({ label: "Arrival check-in", due: at("10:00").toISOString() });

      const alex = await json<Board>(await tab.call(ALEX, "/today"));
      expect(alex.scope).toBe("mine");
      expect(alex.visits.map((v) => v.id)).toEqual([day.alexVisit]);
      expect(alex.undelivered).toEqual([]);
    });

    it("answers 304 with no body while the board is unchanged, and the new board once it changes", async () => {
      const first = await tab.call(OFFICE, "/today");
      const etag = first.headers.get("etag")!;
      expect(first.headers.get("cache-control")).toBe("private, no-cache");
      const unchanged = await tab.call(OFFICE, "/today", { headers: { "if-none-match": etag } });
      expect(unchanged.status).toBe(304);
      expect(await unchanged.text()).toBe("");

      tab.school.setTime("09:50");
      await tab.school.person(ALEX).say("arrived");
      const changed = await tab.call(OFFICE, "/today", { headers: { "if-none-match": etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get("etag")).not.toBe(etag);
      const board = await json<Board>(changed);
      expect(board.visits.find((v) => v.id === day.alexVisit)?.statusText).toBe("at the address");
    });
  });

  describe("alerts", () => {
    beforeAll(async () => {
      // Arrived at 09:50; nothing after: the leaving check-in falls due at 11:00, the ladder starts at 11:10.
      await tab.school.sweepAt("11:10");
      await tab.school.sweepAt("11:15");
    });

    it("puts the visit with a missed check-in first, with what the office needs to find the visitor", async () => {
      const board = await json<Board>(await tab.call(OFFICE, "/today"));
      const [first] = board.visits;
      expect(first).toMatchObject({
        id: day.alexVisit,
        alerts: [{ id: "A1", kind: "overdue", title: "Missed check-in", missed: "Check-in on leaving, due 11:00", silent: false, canAct: true, resolveLabel: "Contacted – safe" }],
        whereabouts: { pupil: "K.T. Y5", address: "14 Larch Close, Exampleton EX4 2QT", staff: [{ name: ALEX, mobile: ALEX_MOBILE }] },
      });
    });

    it("shows the visitor their own alert without the buttons or the responders' details", async () => {
      const [visit] = (await json<Board>(await tab.call(ALEX, "/today"))).visits;
      expect(visit!.alerts).toEqual([expect.objectContaining({ id: "A1", canAct: false })]);
      expect(visit!.whereabouts).toBeUndefined();
    });

    it("lets the domain refuse the visitor, answers the first responder, and tells the second who has it", async () => {
      const byVisitor = await tab.post(ALEX, `/visits/${day.alexVisit}/alerts/A1/acknowledge`);
      expect([byVisitor.status, await byVisitor.json()]).toEqual([403, { error: "Only the office, the headteacher, the senior leadership team, the DSL or the deputy DSL can act on this alert." }]);

      tab.school.setTime("11:16");
      const mark = tab.school.mark();
      const byOffice = await tab.post(OFFICE, `/visits/${day.alexVisit}/alerts/A1/acknowledge`);
      expect([byOffice.status, await byOffice.json()]).toEqual([200, { message: "You are dealing with this: everyone else can see that." }]);
      // The cards already posted about the alert are updated in place: the visitor's "Are you safe?" and the office's.
      for (const name of [ALEX, OFFICE]) expect(tab.school.updates(tab.school.person(name).conversationId, mark)).toHaveLength(1);

      const byHead = await tab.post(HEAD, `/visits/${day.alexVisit}/alerts/A1/acknowledge`);
      expect([byHead.status, await byHead.json()]).toEqual([409, { error: "Gail Whitcombe is already dealing with this." }]);
    });

    it("refuses to resolve without a note, with the domain's words", async () => {
      const res = await tab.post(OFFICE, `/visits/${day.alexVisit}/alerts/A1/resolve`, { note: " " });
      expect([res.status, await res.json()]).toEqual([400, { error: "Add a short note: who you spoke to and what was done." }]);
      const malformed = await tab.call(OFFICE, `/visits/${day.alexVisit}/alerts/A1/resolve`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
      expect([malformed.status, await malformed.json()]).toEqual([400, { error: "The body is not valid JSON." }]);
    });

    it("shows a call for help the visitor said was a false alarm, with who said so and when, still open", async () => {
      tab.school.setTime("11:20");
      await tab.school.person(ALEX).say("help");
      tab.school.setTime("11:22");
      await tab.school.person(ALEX).say("false alarm");
      const visit = (await json<Board>(await tab.call(OFFICE, "/today"))).visits.find((v) => v.id === day.alexVisit)!;
      expect(visit.alerts.map((a) => [a.kind, a.falseAlarm])).toEqual([
        ["overdue", undefined],
        ["help", { by: ALEX, at: at("11:22").toISOString() }],
      ]);
      expect(visit.alerts[1]!.canAct).toBe(true);
    });
  });

  describe("approvals", () => {
    it("lists the request waiting for the head, with what the visitor's record lacks", async () => {
      const { visits } = await json<Approvals>(await tab.call(HEAD, "/approvals"));
      expect(visits.map((v) => v.id)).toEqual([day.request]);
      expect(visits[0]).toMatchObject({ requestedBy: BEA, staffing: "lone", pupil: "D.W. Y6", start: "14:00", staffGaps: [] });
    });

    it("is not for a visitor", async () => {
      const res = await tab.call(BEA, "/approvals");
      expect([res.status, await res.json()]).toEqual([403, { error: "Only the people who approve home visits have approvals." }]);
    });

    it("refuses a decision on a version the approver did not see, then approves the one shown and tells the visitor", async () => {
      const [shown] = (await json<Approvals>(await tab.call(HEAD, "/approvals"))).visits;
      const stale = await tab.post(HEAD, `/visits/${day.request}/decision`, { decision: "approve", version: shown!.version + 1 });
      expect([stale.status, await stale.json()]).toEqual([409, { error: "This visit changed since you opened it. The list now shows the latest: check it and decide again." }]);

      const mark = tab.school.mark();
      const res = await tab.post(HEAD, `/visits/${day.request}/decision`, { decision: "approve", version: shown!.version, note: "Take the school phone." });
      expect([res.status, await res.json()]).toEqual([200, { message: "Approved. The visitor has been told." }]);
      expect((await tab.school.visit(day.request)).decision).toMatchObject({ outcome: "approved", by: { name: HEAD }, note: "Take the school phone." });
      expect(tab.school.posts(tab.school.person(BEA).conversationId, mark).map((p) => p.text).join("\n")).toContain("Approved");
      expect((await json<Approvals>(await tab.call(HEAD, "/approvals"))).visits).toEqual([]);
    });

    it("names the visitor a decision could not reach, so the approver can tell them", async () => {
      tab.school.setTime("11:30");
      declined = await tab.school.request(BEA, visitForm(tab.school.policy, { start: "15:00", end: "15:45", pupilReference: "L.N. Y2", address: "2 Rowan Court, Exampleton EX6 3CC" }));
      const [shown] = (await json<Approvals>(await tab.call(HEAD, "/approvals"))).visits;
      const bea = tab.school.person(BEA).conversationId;
      tab.school.connector.script = (call) => (call.method === "POST" && call.conversationId === bea ? { status: 403, body: { error: { code: "BotNotInConversationRoster" } } } : undefined);
      try {
        const res = await tab.post(HEAD, `/visits/${declined}/decision`, { decision: "decline", version: shown!.version, note: "Not this week." });
        expect([res.status, await res.json()]).toEqual([200, { message: `Declined. ${BEA} could not be reached in Teams: please tell them.` }]);
      } finally {
        tab.school.connector.script = () => undefined;
      }
    });

    it("reads a decision's body with its schema", async () => {
      const res = await tab.post(HEAD, `/visits/${day.request}/decision`, { decision: "maybe", version: 1 });
      expect(res.status).toBe(400);
    });
  });

  describe("records", () => {
    it("lists the period's visits for the head, and finds one by its reference typed any way", async () => {
      const all = await json<Records>(await tab.call(HEAD, "/records?from=2026-11-24&to=2026-11-24"));
      expect(all.visits.map((v) => v.id).sort()).toEqual([day.recorded, day.alexVisit, day.request, declined].sort());
      const ref = visitReference(day.recorded);
      const found = await json<Records>(await tab.call(HEAD, `/records?from=2026-11-01&to=2026-11-30&reference=${ref.slice(3).toLowerCase()}`));
      expect(found.visits).toEqual([expect.objectContaining({ reference: ref, outcome: "not-seen", recordedBy: BEA, pupil: "R.M. Y3" })]);
    });

    it("refuses a visitor, a period back to front and a reference that is not one", async () => {
      const cases: [string, string, number, string][] = [
        [ALEX, "/records?from=2026-11-01&to=2026-11-30", 403, "Only the head, SLT, the DSL and the school admin can see visit records and review figures."],
        [HEAD, "/records?from=2026-11-30&to=2026-11-01", 400, "Give the period as two dates, the first not after the second."],
        [HEAD, "/records?from=2026-11-01&to=2026-11-30&reference=HV-XYZ", 400, "A visit reference looks like HV-1A2B3C."],
        [HEAD, "/records?from=2026-11-01", 400, expect.any(String) as unknown as string],
      ];
      for (const [name, path, status, error] of cases) {
        const res = await tab.call(name, path);
        expect([path, res.status, await res.json()]).toEqual([path, status, { error }]);
      }
    });

    it("sends the period's recorded visits as a CSV file to save, never to show", async () => {
      const res = await tab.call(HEAD, "/records.csv?from=2026-11-24&to=2026-11-24");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(res.headers.get("content-disposition")).toBe('attachment; filename="home-visit-records-hunsbury-park-primary-school-2026-11-24-to-2026-11-24.csv"');
      const [header, ...rows] = (await res.text()).trim().split("\r\n");
      expect(header).toBe(RECORD_CSV_HEADER.join(","));
      expect(rows).toEqual([expect.stringMatching(new RegExp(`^${visitReference(day.recorded)},2026-11-24,08:30,09:00,R\\.M\\. Y3,`))]);

      const refused = await tab.call(BEA, "/records.csv?from=2026-11-24&to=2026-11-24");
      expect([refused.status, refused.headers.get("content-disposition")]).toEqual([403, null]);
    });
  });

  it("gives the head the governors' figures and refuses them to the office", async () => {
    const res = await tab.call(HEAD, "/review?from=2026-09-01&to=2026-11-30");
    expect(await res.json()).toMatchObject({ from: "2026-09-01", to: "2026-11-30", visits: 4, escalations: expect.arrayContaining([expect.objectContaining({ kind: "overdue", raised: 1 })]) });
    expect((await tab.call(OFFICE, "/review?from=2026-09-01&to=2026-11-30")).status).toBe(403);
  });

  it("lists the staff in the profile with the gaps in their records for the admin only", async () => {
    const { staff } = await json<StaffList>(await tab.call(ADMIN, "/staff"));
    expect(staff.find((s) => s.name === ALEX)).toEqual(expect.objectContaining({ roles: ["visitor"], inTeams: true, gaps: [] }));
    expect(staff.find((s) => s.name === HEAD)).toEqual(expect.objectContaining({ gaps: [] }));
    const granger = await tab.call(HEAD, "/staff");
    expect([granger.status, await granger.json()]).toEqual([403, { error: "Only the school admin can see staff records." }]);
  });

  it("answers a call it does not have with 404", async () => {
    const res = await tab.call(HEAD, "/visits");
    expect([res.status, await res.json()]).toEqual([404, { error: "There is no such call in the tab's API." }]);
  });
});
