/**
 * Over real HTTP: alerts reach the channel the school chose, by its ids, and the people each alert is for, and
 * nobody else. Another team of the same tenant and a team of another tenant both have a channel named "Safeguarding";
 * neither hears anything, and renaming the chosen channel changes nothing. Someone from another tenant is refused and
 * nothing about them is kept. Every proactive message says what it is about without personal data.
 */
import { visitReference } from "../../src/domain/visit";
import { Verbs } from "../../src/cards/verbs";
import { useAzurite } from "../support/azurite";
import { leaks, proactivePosts } from "../support/proactive-posts";
import { staffTeam } from "../support/school-setup";
import { at, SafetyNetSchool, staffRecord, TEAM, visitForm } from "../support/safety-net-school";
import { BOT, TENANT_ID } from "../support/teams-client";

const connectionString = useAzurite();

const OTHER_TENANT = "00000000-0000-4000-8000-0000000000f9";
/** Someone signed in to another organisation's Teams (fictional). */
const STRANGER = { id: "29:stranger", name: "Casey Outland", aadObjectId: "00000000-0000-4000-8000-0000000000c9" };
const SECOND_TEAM = staffTeam("second");
const FOREIGN_TEAM = staffTeam("foreign");
/** A channel made in the school's own team after the alert channel was chosen, and given the chosen channel's old name. */
const LOOKALIKE = "19:lookalike-safeguarding@thread.tacv2";

describe("Hunsbury Park: alerts reach the chosen channel and the people they are for, and only them", () => {
  let school: SafetyNetSchool;
  let visitId: string;
  const [visitor, head, dsl, deputy, office] = ["Alex Rivers", "Jo Fenwick", "Priya Lane", "Tomasz Reyburn", "Gail Whitcombe"];
  const teamsId = (name: string) => school.person(name).teamsUserId;

  /** An activity as Teams would send it, from anyone in any tenant. */
  async function send(activity: Record<string, unknown>, tenant = TENANT_ID): Promise<Response> {
    return fetch(`${school.app.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        id: `activity-${Math.random()}`,
        channelId: "msteams",
        serviceUrl: school.connector.url,
        recipient: BOT,
        channelData: { tenant: { id: tenant } },
        ...activity,
      }),
    });
  }

  /** A channel event in the school's staff team (Teams sends these as conversationUpdate). */
  const channelEvent = (eventType: string, channel: { id: string; name: string }) =>
    send({
      type: "conversationUpdate",
      from: { id: teamsId(head), name: head, aadObjectId: school.id(head) },
      conversation: { id: TEAM.general, conversationType: "channel", tenantId: TENANT_ID, isGroup: true },
      channelData: { tenant: { id: TENANT_ID }, eventType, channel, team: { id: TEAM.id } },
    });

  beforeAll(async () => {
    school = await SafetyNetSchool.open(connectionString(), "policies/hunsbury-park-primary.json", at("08:00"));
    await school.seedStaff(visitor, staffRecord("07700 900801", "EX30 FGH"));
    await school.installPersonal(visitor, head, dsl, office);

    // The app is in a second team of the school's tenant, with its own "Safeguarding" channel.
    school.connector.channels = [{ id: SECOND_TEAM.general }, { id: SECOND_TEAM.safeguarding, name: "Safeguarding" }];
    expect((await school.person(head).addAppToTeam(SECOND_TEAM)).status).toBeLessThan(300);
    // And someone adds it to a team of another tenant, which has one too.
    school.connector.channels = [{ id: FOREIGN_TEAM.general }, { id: FOREIGN_TEAM.safeguarding, name: "Safeguarding" }];
    const foreign = await send(
      {
        type: "conversationUpdate",
        from: STRANGER,
        membersAdded: [BOT],
        conversation: { id: FOREIGN_TEAM.general, conversationType: "channel", tenantId: OTHER_TENANT, isGroup: true },
        channelData: { tenant: { id: OTHER_TENANT }, team: { id: FOREIGN_TEAM.id, name: "Staff" }, channel: { id: FOREIGN_TEAM.general } },
      },
      OTHER_TENANT,
    );
    expect(foreign.status).toBeLessThan(300);
    // The chosen channel is renamed, and a new channel of the school's team takes its old name.
    expect((await channelEvent("channelRenamed", { id: TEAM.safeguarding, name: "Safeguarding (old)" })).status).toBeLessThan(300);
    expect((await channelEvent("channelCreated", { id: LOOKALIKE, name: "Safeguarding" })).status).toBeLessThan(300);

    visitId = await school.request(visitor, visitForm(school.policy));
    await school.approve(head, visitId);
    school.setTime("09:45");
    await school.person(visitor).say("leaving");
    school.setTime("10:00");
    await school.person(visitor).say("arrived");
  });
  afterAll(() => school?.stop());

  it("knows the other team of the tenant, and keeps nothing of the other tenant's team", async () => {
    const channels = (await school.conversations.list("channel")).map((c) => c.key);
    expect(channels).toEqual(expect.arrayContaining([SECOND_TEAM.safeguarding, LOOKALIKE, TEAM.safeguarding]));
    expect(channels.filter((id) => id.includes("foreign"))).toEqual([]);
    expect(school.policy.alertChannel).toMatchObject({ teamId: TEAM.id, channelId: TEAM.safeguarding });
  });

  it("posts a safeguarding concern to the chosen channel only, @mentioning exactly the DSL and the deputy DSL", async () => {
    school.setTime("10:05");
    const mark = school.mark();
    await school.person(visitor).tap(Verbs.concern, { visitId, kind: "concern", concernNote: "Fictional: the pupil mentioned a locked room." });
    const posts = proactivePosts(school.connector.calls.slice(mark));
    expect(posts.map((c) => c.conversationId)).toEqual([TEAM.safeguarding]);
    const [post] = school.posts(TEAM.safeguarding, mark);
    expect(post!.text).toMatch(/^Safeguarding concern\nFor <at>Priya Lane<\/at> and <at>Tomasz Reyburn<\/at>/);
    expect(post!.card.msteams).toEqual({
      entities: [
        { type: "mention", text: "<at>Priya Lane</at>", mentioned: { id: teamsId(dsl), name: dsl } },
        { type: "mention", text: "<at>Tomasz Reyburn</at>", mentioned: { id: teamsId(deputy), name: deputy } },
      ],
    });
    expect(posts[0]!.body.summary).toBe(`Safeguarding concern on visit ${visitReference(visitId)}`);
  });

  it("posts the ladder's last step (the head and the safeguarding channel) to the channel, @mentioning the head, the DSL and the deputy", async () => {
    school.setTime("10:10");
    await school.person(visitor).say("parent present");
    await school.sweepAt("11:10");
    await school.sweepAt("11:15");
    const mark = await school.sweepAt("11:25");
    const posts = proactivePosts(school.connector.calls.slice(mark));
    expect(posts.map((c) => c.conversationId).sort()).toEqual([school.person(head).conversationId, TEAM.safeguarding].sort());
    const [post] = school.posts(TEAM.safeguarding, mark);
    const mentioned = (post!.card.msteams as { entities: { mentioned: { id: string } }[] }).entities.map((e) => e.mentioned.id);
    expect(mentioned).toEqual([teamsId(head), teamsId(dsl), teamsId(deputy)]);
    for (const call of posts) expect(call.body.summary).toBe(`Missed check-in on visit ${visitReference(visitId)}`);
  });

  it("updates the channel's card in place when the alert is resolved, mentioning nobody again", async () => {
    school.setTime("11:30");
    const mark = school.mark();
    await school.person(office).tap(Verbs.resolveAlert, { visitId, alertId: "A2", resolveNote: "Fictional: phoned Alex, who is safe." });
    const [update, ...more] = school.updates(TEAM.safeguarding, mark);
    expect(more).toEqual([]);
    expect(update!.text).toMatch(/Resolved by Gail Whitcombe/);
    expect(update!.card.msteams).toBeUndefined();
    expect(update!.text).not.toContain("<at>");
    expect(proactivePosts(school.connector.calls.slice(mark))).toEqual([]);
  });

  it("mentions only people Teams knows: someone the staff directory has no Teams id for is left out", async () => {
    await school.staff.upsert([{ aadObjectId: school.id(deputy), name: deputy, teamsUserId: "", lastSeenAt: at("11:30").toISOString() }]);
    school.setTime("11:35");
    const mark = school.mark();
    await school.person(visitor).tap(Verbs.concern, { visitId, kind: "concern", concernNote: "Fictional: a second concern." });
    const [post] = school.posts(TEAM.safeguarding, mark);
    expect(post!.card.msteams).toEqual({ entities: [{ type: "mention", text: "<at>Priya Lane</at>", mentioned: { id: teamsId(dsl), name: dsl } }] });
    expect(post!.text).toMatch(/^Safeguarding concern\nFor <at>Priya Lane<\/at>\n/);
  });

  it("never posts into the other team's channel, the other tenant's, or the new channel that took the old name", () => {
    const posted = new Set(proactivePosts(school.connector.calls).map((c) => c.conversationId));
    for (const elsewhere of [SECOND_TEAM.safeguarding, SECOND_TEAM.general, FOREIGN_TEAM.safeguarding, FOREIGN_TEAM.general, LOOKALIKE]) expect(posted).not.toContain(elsewhere);
  });

  it("refuses someone from another tenant, and keeps no row about them in the staff or conversations tables", async () => {
    const personal = { id: "a:stranger-chat", conversationType: "personal", tenantId: OTHER_TENANT };
    for (const activity of [
      { type: "installationUpdate", action: "add" },
      { type: "message", text: "new visit" },
    ]) {
      expect((await send({ ...activity, from: STRANGER, conversation: personal }, OTHER_TENANT)).status).toBeLessThan(300);
    }
    const replies = school.connector.calls.filter((c) => c.conversationId === personal.id).map((c) => c.body.text);
    expect(replies).toEqual([expect.stringMatching(/serves one organisation's schools only.*Nothing was recorded/)]);
    expect((await school.staff.list()).map((m) => m.aadObjectId)).not.toContain(STRANGER.aadObjectId);
    expect(await school.conversations.get("personal", STRANGER.aadObjectId)).toBeUndefined();
    for (const kind of ["personal", "channel", "groupChat"] as const) {
      expect(JSON.stringify(await school.conversations.list(kind))).not.toMatch(/stranger|foreign|0000000000f9/);
    }
  });

  it("gives every proactive message a summary naming what happened, with no pupil reference, address or name in it", () => {
    const posts = proactivePosts(school.connector.calls);
    expect(posts.length).toBeGreaterThan(8);
    const secrets = ["K.T.", "Y5", "Larch Close", "EX4", ...school.policy.people.map((p) => p.displayName)];
    for (const call of posts) expect({ path: call.path, summary: call.body.summary }).toEqual({ path: call.path, summary: expect.stringMatching(/HV-[0-9A-F]{6}/) });
    expect(leaks(posts, secrets)).toEqual([]);
  });
});
