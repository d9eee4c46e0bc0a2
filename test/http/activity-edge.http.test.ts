/**
 * The edge of /api/messages over real HTTP, into the real app on Azurite with the fake Bot Connector: with app
 * credentials every request without a token botbuilder can validate is 401; an activity without what the bot
 * needs is 400 before any turn runs; a failure on our side is a 500 that says nothing of the error.
 */
import { generateKeyPairSync } from "node:crypto";
import { parseConfig } from "../../src/config/env";
import { startApp, type RunningApp } from "../../src/main";
import { useAzurite, uniqueTablePrefix } from "../support/azurite";
import { FakeConnector } from "../support/fake-connector";
import { hs256Bearer, rs256Bearer, unsignedBearer } from "../support/forged-tokens";
import { people, testPolicy } from "../support/policy-fixture";
import { quietLog } from "../support/quiet-log";
import { setUpSchoolInTeams, staffTeam } from "../support/school-setup";
import { BOT, TENANT_ID } from "../support/teams-client";

const APP_ID = "11111111-2222-4333-8444-555555555555";
const connectionString = useAzurite();
const connector = new FakeConnector();
beforeAll(() => connector.start());
afterAll(() => connector.stop());

async function start(env: Record<string, string>): Promise<{ app: RunningApp; log: ReturnType<typeof quietLog> }> {
  const log = quietLog();
  const config = parseConfig({ STORAGE_CONNECTION_STRING: connectionString(), TABLE_PREFIX: uniqueTablePrefix(), MICROSOFT_APP_TENANT_ID: TENANT_ID, ...env });
  const app = await startApp({ ...config, port: 0 }, { log, sweeper: false });
  // The test school, set up through Teams; an app with credentials has none (setting one up needs Teams' tokens).
  if (!env.MICROSOFT_APP_ID) await setUpSchoolInTeams(app.url, connector, testPolicy(), staffTeam("edge"));
  return { app, log };
}

/** A 1:1 message from the visitor, as Teams posts it. */
const message = (extra: Record<string, unknown> = {}) => ({
  type: "message",
  id: `edge-${Math.random()}`,
  channelId: "msteams",
  serviceUrl: connector.url,
  from: { id: "29:visitor", name: people.visitor.displayName, aadObjectId: people.visitor.aadObjectId },
  recipient: BOT,
  conversation: { id: "a:edge-visitor", conversationType: "personal", tenantId: TENANT_ID },
  text: "hello",
  ...extra,
});

function post(app: RunningApp, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}/api/messages`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
const channelClaims = (extra: Record<string, unknown> = {}) => ({ iss: "https://api.botframework.com", aud: APP_ID, exp: inAnHour(), serviceurl: connector.url, ...extra });
const { privateKey: ourOwnKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const rs256 = (claims: Record<string, unknown>) => rs256Bearer(claims, ourOwnKey);

describe("with app credentials configured", () => {
  let app: RunningApp;
  let log: ReturnType<typeof quietLog>;
  beforeAll(async () => {
    ({ app, log } = await start({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: "fictional-password" }));
  });
  afterAll(() => app.stop());

  it("answers 401 to every token it cannot validate, the same plain way, and runs no turn", async () => {
    // botbuilder reports some refusals on console.error; that is expected here.
    jest.spyOn(console, "error").mockImplementation(() => {});
    const forged: Record<string, string | undefined> = {
      "no header": undefined,
      garbage: "Bearer garbage",
      basic: "Basic dXNlcjpwYXNzd29yZA==",
      'unsigned ("alg": "none")': unsignedBearer(channelClaims()),
      "HS256 with the app password as secret": hs256Bearer(channelClaims(), "fictional-password"),
      "RS256 with a key of our own (keys botbuilder cannot fetch here)": rs256(channelClaims()),
      "RS256, expired": rs256(channelClaims({ exp: Math.floor(Date.now() / 1000) - 3600 })),
      "RS256, for another app": rs256(channelClaims({ aud: "99999999-2222-4333-8444-555555555555" })),
    };
    for (const [kind, authorization] of Object.entries(forged)) {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      for (const body of [message(), message({ serviceUrl: undefined, from: "nobody" }), { type: 42 }]) {
        const res = await post(app, body, headers);
        expect({ kind, status: res.status, body: await res.json() }).toEqual({
          kind,
          status: 401,
          body: { error: "Not authorised: the request needs a valid Bot Framework token." },
        });
      }
    }
    expect(connector.sentTo("a:edge-visitor")).toEqual([]);
    expect(log.lines.filter((line) => line.level !== "warn")).toEqual([]);
  });
});

describe("without app credentials (loopback)", () => {
  let app: RunningApp;
  let log: ReturnType<typeof quietLog>;
  beforeAll(async () => {
    ({ app, log } = await start({}));
  });
  afterAll(() => app.stop());
  beforeEach(() => {
    log.lines.length = 0;
    connector.reset();
  });

  it("answers an activity without what the bot needs with 400 and what is missing, at once and before any turn", async () => {
    const { serviceUrl: _none, ...noServiceUrl } = message();
    const broken: [unknown, string][] = [
      [noServiceUrl, "serviceUrl: is missing"],
      [message({ serviceUrl: 3978 }), "serviceUrl: should be string"],
      [message({ serviceUrl: "file:///etc/passwd" }), "serviceUrl: is not an http(s) URL"],
      [message({ conversation: "a:edge-visitor" }), "conversation: should be object"],
      [message({ from: undefined }), "from: is missing"],
      [message({ text: 42 }), "text: should be string"],
      [message({ type: "invoke", name: "adaptiveCard/action", text: undefined }), "value: is not an Action.Execute with a verb and object data"],
      [message({ type: "invoke", name: "composeExtension/query", value: {} }), "name: is not an invoke this bot handles (only adaptiveCard/action)"],
    ];
    for (const [body, problem] of broken) {
      const started = Date.now();
      const res = await post(app, body);
      expect({ problem, status: res.status, body: await res.json() }).toEqual({
        problem,
        status: 400,
        body: { error: `This is not a Bot Framework activity the bot can take: ${problem}` },
      });
      // A missing serviceUrl used to send the reply towards the public Bot Connector: seconds of DNS retries, then a 500.
      expect(Date.now() - started).toBeLessThan(1000);
    }
    expect(connector.calls).toEqual([]);
    expect(log.lines).toEqual([]);
  });

  it("answers a turn that fails on our side with 500 and a plain reason, never the error's own message", async () => {
    connector.script = (call) => (call.conversationId === "a:edge-failing" ? { status: 403, body: { error: { code: "BotNotInConversationRoster", message: "internal detail" } } } : undefined);
    try {
      const res = await post(app, message({ conversation: { id: "a:edge-failing", conversationType: "personal", tenantId: TENANT_ID }, text: "new visit" }));
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: "Something went wrong on our side." });
      expect(text).not.toMatch(/internal detail|BotNotInConversationRoster|Error|at /);
      expect(log.lines.map((line) => line.message)).toEqual(["turn failed", "activity request failed"]);
    } finally {
      connector.script = () => undefined;
    }
  });
});
