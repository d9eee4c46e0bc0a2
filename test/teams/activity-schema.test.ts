import { activityProblem, MESSAGE_TEXT_MAX } from "../../src/teams/activity-schema";

const GUID = "00000000-0000-4000-8000-000000000001";

/** A 1:1 message as Teams posts it (fictional ids). */
const message = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: "message",
  id: "1700000000001",
  channelId: "msteams",
  serviceUrl: "https://smba.trafficmanager.net/uk/",
  timestamp: "2026-11-24T08:00:00.123Z",
  localTimestamp: "2026-11-24T08:00:00.123+00:00",
  from: { id: "29:1abc", name: "Alex Rivers", aadObjectId: GUID },
  recipient: { id: "28:home-visits-bot", name: "Home Visits" },
  conversation: { id: "a:1personal", conversationType: "personal", tenantId: "00000000-0000-4000-8000-00000000fe00" },
  channelData: { tenant: { id: "00000000-0000-4000-8000-00000000fe00" } },
  locale: "en-GB",
  text: "arrived",
  ...extra,
});

const cardAction = (action: unknown) => message({ type: "invoke", name: "adaptiveCard/action", text: undefined, value: { action } });
const execute = (data: unknown) => cardAction({ type: "Action.Execute", verb: "visit.checkIn", data });

describe("the activities the bot takes", () => {
  it("include what Teams sends: messages, @-mentions, installs, team events and card actions, with nulls for what is absent", () => {
    expect(activityProblem(message())).toBeUndefined();
    expect(activityProblem(message({ text: "<at>Home Visits</at> arrived", entities: [{ type: "mention", text: "<at>Home Visits</at>", mentioned: { id: "28:home-visits-bot" } }, { type: "clientInfo", locale: "en-GB" }] }))).toBeUndefined();
    expect(activityProblem(message({ type: "installationUpdate", action: "add", text: undefined }))).toBeUndefined();
    expect(activityProblem(message({ type: "conversationUpdate", text: null, membersAdded: [{ id: "28:home-visits-bot" }], channelData: { team: { id: "19:team@thread.tacv2", name: "Staff" }, eventType: "teamMemberAdded" } }))).toBeUndefined();
    expect(activityProblem(execute({ visitId: "x", step: "arrived" }))).toBeUndefined();
    expect(activityProblem(cardAction({ type: "Action.Execute", verb: "visit.openForm" }))).toBeUndefined();
    expect(activityProblem(message({ text: "x".repeat(MESSAGE_TEXT_MAX), replyToId: null, localTimestamp: null }))).toBeUndefined();
  });

  it("have a known type, ids, a sender, a recipient, a conversation and a channel", () => {
    expect(activityProblem(message({ type: "hack" }))).toBe("type: is not a Bot Framework activity type");
    expect(activityProblem(message({ id: undefined }))).toBe("id: is missing");
    expect(activityProblem(message({ id: "" }))).toMatch(/^id: /);
    expect(activityProblem(message({ id: 7 }))).toBe("id: should be string");
    expect(activityProblem(message({ from: undefined }))).toBe("from: is missing");
    expect(activityProblem(message({ from: "29:1abc" }))).toBe("from: should be object");
    expect(activityProblem(message({ from: { id: 29 } }))).toBe("from.id: should be string");
    expect(activityProblem(message({ from: { id: "29:1abc", aadObjectId: "Robert'); DROP TABLE visits;--" } }))).toBe("from.aadObjectId: is not an Entra object id");
    expect(activityProblem(message({ recipient: null }))).toBe("recipient: should be object");
    expect(activityProblem(message({ conversation: { conversationType: "personal" } }))).toBe("conversation.id: is missing");
    expect(activityProblem(message({ channelId: undefined }))).toBe("channelId: is missing");
    expect(activityProblem(message({ id: "x".repeat(513) }))).toMatch(/^id: /);
    // botbuilder sends the conversation id as a header: a control or non-ASCII character made every reply throw.
    for (const id of ["\u0000", "a:visitor\r\nX-Injected: yes", "a:vísitor", "a: visitor"]) {
      expect(activityProblem(message({ conversation: { id } }))).toBe("conversation.id: is not a Teams id (visible ASCII characters)");
    }
  });

  it("name an http(s) service URL to answer on", () => {
    for (const serviceUrl of [undefined, 42, "", "smba.trafficmanager.net", "ftp://smba.example/", "javascript:alert(1)", "file:///etc/passwd", "http://"]) {
      expect(activityProblem(message({ serviceUrl }))).toMatch(/^serviceUrl: (is missing|should be string|is not an http\(s\) URL)$/);
    }
    expect(activityProblem(message({ serviceUrl: "http://127.0.0.1:3979" }))).toBeUndefined();
  });

  it("carry text only as a string no longer than Teams allows", () => {
    expect(activityProblem(message({ text: 5 }))).toBe("text: should be string");
    expect(activityProblem(message({ text: ["arrived"] }))).toBe("text: should be string");
    expect(activityProblem(message({ text: "x".repeat(MESSAGE_TEXT_MAX + 1) }))).toBe(`text: is longer than Teams allows (${MESSAGE_TEXT_MAX} characters)`);
    expect(activityProblem(message({ text: undefined, entities: [{ type: "mention", text: "<at>Bot</at>", mentioned: { id: "28:home-visits-bot" } }] }))).toBe("text: is missing, but the activity mentions someone in it");
    expect(activityProblem(message({ entities: [{ type: "Mention" }] }))).toBe("entities.0: is a mention without the text and the id of who is mentioned");
    expect(activityProblem(message({ entities: [{}] }))).toBe("entities.0.type: is missing");
    expect(activityProblem(message({ entities: "mention" }))).toBe("entities: should be array");
    expect(activityProblem(message({ entities: null }))).toBe("entities: should be array");
  });

  it("are card actions when they are invokes: Action.Execute with a verb and object data", () => {
    expect(activityProblem(message({ type: "invoke", name: "task/fetch", value: {} }))).toBe("name: is not an invoke this bot handles (only adaptiveCard/action)");
    expect(activityProblem(message({ type: "invoke", name: undefined }))).toBe("name: is not an invoke this bot handles (only adaptiveCard/action)");
    const notAnAction = "value: is not an Action.Execute with a verb and object data";
    expect(activityProblem(message({ type: "invoke", name: "adaptiveCard/action" }))).toBe(notAnAction);
    expect(activityProblem(message({ type: "invoke", name: "adaptiveCard/action", value: "visit.checkIn" }))).toBe(notAnAction);
    expect(activityProblem(cardAction(null))).toBe(notAnAction);
    expect(activityProblem(cardAction({ type: "Action.Submit", verb: "visit.checkIn", data: {} }))).toBe(notAnAction);
    expect(activityProblem(cardAction({ type: "Action.Execute", data: {} }))).toBe(notAnAction);
    expect(activityProblem(cardAction({ type: "Action.Execute", verb: 7, data: {} }))).toBe(notAnAction);
    expect(activityProblem(execute(["visitId"]))).toBe(notAnAction);
    expect(activityProblem(execute("visitId"))).toBe(notAnAction);
  });

  it("never pose as botbuilder's own proactive events", () => {
    expect(activityProblem(message({ type: "event", name: "ContinueConversation" }))).toBe("name: is botbuilder's own event, never a channel's");
    expect(activityProblem(message({ type: "event", name: "application/vnd.microsoft.meetingStart" }))).toBeUndefined();
  });

  it("have times botbuilder can read as dates", () => {
    expect(activityProblem(message({ timestamp: "yesterday" }))).toBe("timestamp: is not a date and time");
    expect(activityProblem(message({ localTimestamp: 1700000000 }))).toBe("localTimestamp: should be string");
  });

  it("are refused in one line that never repeats what was sent", () => {
    expect(activityProblem([])).toBe("the body: should be object");
    expect(activityProblem(null)).toBe("the body: should be object");
    const secret = "Robert'); DROP TABLE visits;-- <script>";
    const problem = activityProblem(message({ from: { id: secret, aadObjectId: secret }, text: { secret } }));
    expect(problem).toBeDefined();
    expect(problem).not.toContain(secret);
    expect(problem).not.toContain("\n");
  });
});
