/**
 * The requests the fuzzer sends, each a pure function of the run's seed and its index: card actions with every verb
 * of the cards (from Verbs, so a new verb is fuzzed without a change here) and every field their schemas and forms
 * read, messages and installs, broken envelopes, bodies that are not activities, and forged tokens.
 */
import type { KeyObject } from "node:crypto";
import { ActivityTypes } from "botbuilder";
import { z } from "zod";
import * as ActionData from "../../src/cards/action-data";
import { RECORD_FORM_INPUT_IDS } from "../../src/cards/record-form.data";
import { REQUEST_FORM_INPUT_IDS } from "../../src/cards/request-form.data";
import { STAFF_CSV_HEADER, STAFF_FORM_INPUT_IDS } from "../../src/cards/staff-record.data";
import { ALL_VERBS } from "../../src/cards/verbs";
import { AGREEMENT_ACTIONS, OUTCOMES } from "../../src/domain/record";
import { visitIdAt } from "../../src/domain/visit-id";
import { CALL_OFF_REASONS, CHECK_IN_STEPS } from "../../src/domain/visit";
import { MESSAGE_TEXT_MAX } from "../../src/teams/activity-schema";
import { hs256Bearer, rs256Bearer, unsignedBearer } from "../support/forged-tokens";
import { HOSTILE_TEXTS } from "../support/hostile-text";
import { hostileString, hostileValue, nested, type Random, randomFor, randomString } from "./fuzz-values";

/** What the requests are built from: the running apps and the school's people and visits. */
export interface FuzzWorld {
  seed: number;
  connectorUrl: string;
  appId: string;
  appPassword: string;
  people: readonly { aadObjectId: string; name: string }[];
  /** Real visits of the school, besides the forged and random ids the fuzzer makes up. */
  visitIds: readonly string[];
}

/** A key of the fuzzer's own: RS256 tokens signed with it look right, but no Bot Framework key validates them. */
export type ForgingKey = KeyObject;

export interface FuzzRequest {
  kind: string;
  /** Sent to the app with app credentials, where nothing may get past 401. */
  credentialed: boolean;
  headers: Record<string, string>;
  body: string | Uint8Array<ArrayBuffer>;
}

/** Every field a card action's data is read for: the verbs' schemas and the forms' inputs. */
const CARD_FIELDS = [
  ...new Set([...Object.values(ActionData).flatMap(fieldsOf), ...REQUEST_FORM_INPUT_IDS, ...RECORD_FORM_INPUT_IDS, ...STAFF_FORM_INPUT_IDS]),
];

function fieldsOf(schema: unknown): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return fieldsOf(schema.in);
  return [];
}

const COMMANDS = ["new visit", "leaving", "arrived", "parent present", "parent not here", "safe", "left", "help", "sos", "false alarm", "status", "record", "staff", "today", "pending", "review", "records 2025-09-01 2026-08-31", "Arrived, Bluebell!"];
const FORGED_VISIT_ID = "ffffffff-ffff-7fff-bfff-ffffffffffff";
const CONVERSATION_TYPES = ["personal", "personal", "personal", "channel", "groupChat"];
/** Activity types besides those built on purpose below: botbuilder's list, so a new type is sent too. */
const OTHER_TYPES = Object.values(ActivityTypes).filter((type) => !["message", "invoke", "installationUpdate", "conversationUpdate"].includes(type));
const ENVELOPE_PATHS = ["type", "id", "channelId", "serviceUrl", "from", "from.id", "from.aadObjectId", "from.name", "recipient", "recipient.id", "conversation", "conversation.id", "conversation.conversationType", "text", "value", "value.action", "value.action.verb", "value.action.data", "name", "entities", "membersAdded", "channelData", "channelData.team", "timestamp", "locale", "action", "replyToId"];
const BAD_SERVICE_URLS = ["", "ftp://127.0.0.1/", "http://", "javascript:alert(1)", "file:///etc/passwd", "//127.0.0.1", "127.0.0.1:3978", "http://[::1", "not a url"];
const guid = (random: Random) => [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, () => "0123456789abcdef"[random.int(16)]).join("")).join("-");
const bytes = (random: Random) => Uint8Array.from({ length: 10 }, () => random.int(256));
const date = (random: Random) => `202${random.int(10)}-${String(1 + random.int(12)).padStart(2, "0")}-${String(1 + random.int(31)).padStart(2, "0")}`;

function visitId(random: Random, world: FuzzWorld): string {
  const roll = random.int(6);
  if (roll < 2 && world.visitIds.length > 0) return random.pick(world.visitIds);
  if (roll === 2) return FORGED_VISIT_ID;
  if (roll === 3) return guid(random);
  return visitIdAt(new Date(Date.UTC(2000 + random.int(8000), random.int(12), 1)), bytes(random));
}

function person(random: Random, world: FuzzWorld): { id: string; name?: unknown; aadObjectId?: unknown } {
  if (random.chance(0.7)) {
    const { aadObjectId, name } = random.pick(world.people);
    return { id: `29:${aadObjectId}`, name, aadObjectId };
  }
  return random.chance(0.5) ? { id: `29:${random.int(1e9)}`, aadObjectId: guid(random) } : { id: `29:anonymous-${random.int(1e9)}` };
}

/** A value for a card field that the verb's schema may well accept, so the fuzz reaches the use cases. */
function plausible(field: string, random: Random, world: FuzzWorld): unknown {
  switch (field) {
    case "visitId":
      return visitId(random, world);
    case "version":
      return random.pick([1, 2, 3, 4, "3", 0]);
    case "step":
      return random.pick(CHECK_IN_STEPS);
    case "kind":
      return random.pick(["child-alone", "concern", "incident", "physical-intervention"]);
    case "alertId":
      return `A${1 + random.int(4)}`;
    case "reason":
      return random.pick(CALL_OFF_REASONS);
    case "index":
      return random.int(4);
    case "action":
      return random.pick(AGREEMENT_ACTIONS);
    case "outcome":
      return random.pick(OUTCOMES);
    case "staffCsv":
      return staffCsv(random, world);
    case "entry":
      return random.pick(["doorstep", "enter"]);
    case "staffing":
      return random.pick(["pair", "lone"]);
    case "announced":
      return random.pick(["yes", "no"]);
    case "purposeId":
      return random.pick(["attendance", "welfare"]);
    case "start":
    case "end":
      return `${String(random.int(24)).padStart(2, "0")}:${random.pick(["00", "30", "59"])}`;
  }
  if (/Id$/.test(field)) return random.pick(world.people).aadObjectId;
  if (/date|Date|Expiry|By$/.test(field)) return date(random);
  if (/Confirmed$/.test(field)) return random.pick(["true", "false"]);
  return random.pick(["Fictional note.", "Parent seen at the door.", "J.S. Y4", "12 Example Road, Testville TE1 2ST", "07700 900123", "AB12 CDE"]);
}

function staffCsv(random: Random, world: FuzzWorld): string {
  const rows = Array.from({ length: random.chance(0.1) ? 600 : random.int(4) }, () =>
    [random.pick(world.people).aadObjectId, ...STAFF_CSV_HEADER.slice(1).map(() => (random.chance(0.5) ? hostileString(random, 200) : ""))].join(","),
  );
  return [STAFF_CSV_HEADER.join(","), ...rows].join(random.pick(["\n", "\r\n"]));
}

function cardData(random: Random, world: FuzzWorld): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const field of CARD_FIELDS) {
    // Almost every verb needs a visit id first: with one more often, more actions get past their schema.
    if (random.chance(field === "visitId" ? 0.8 : 0.35)) data[field] = random.chance(0.6) ? plausible(field, random, world) : hostileValue(random);
  }
  return data;
}

function verb(random: Random): string {
  if (random.chance(0.9)) return random.pick(ALL_VERBS);
  const known = random.pick(ALL_VERBS);
  return random.pick(["", "visit.", known.toUpperCase(), `${known} `, `${known}.x`, hostileString(random, 200)]);
}

/** A well-formed activity from a person in Teams, with `extra` on top. */
function envelope(random: Random, world: FuzzWorld, extra: Record<string, unknown>): Record<string, unknown> {
  const from = person(random, world);
  const conversationType = random.pick(CONVERSATION_TYPES);
  const conversationId = conversationType === "personal" ? `a:fuzz-${String(from.aadObjectId ?? from.id)}` : `19:fuzz-${random.int(50)}@thread.tacv2`;
  return {
    type: "message",
    id: `fuzz-${random.int(1e9)}`,
    channelId: "msteams",
    serviceUrl: world.connectorUrl,
    timestamp: new Date(Date.UTC(2026, 10, 24, 9, 45)).toISOString(),
    from,
    recipient: { id: "28:home-visits-bot", name: "Home Visits" },
    conversation: { id: conversationId, conversationType, tenantId: "00000000-0000-4000-8000-00000000fe00", ...(conversationType === "personal" ? {} : { isGroup: true }) },
    channelData: { tenant: { id: "00000000-0000-4000-8000-00000000fe00" }, ...(conversationType === "channel" ? { team: { id: `19:fuzz-team-${random.int(3)}@thread.tacv2`, name: "Staff" } } : {}) },
    locale: random.pick(["en-GB", "cy-GB", "ar-SA"]),
    ...extra,
  };
}

function messageText(random: Random): string {
  const roll = random.int(5);
  if (roll === 0) return random.pick(COMMANDS);
  if (roll === 1) return random.pick(Object.values(HOSTILE_TEXTS));
  if (roll === 2) return randomString(random, random.int(MESSAGE_TEXT_MAX + 1));
  return hostileString(random, MESSAGE_TEXT_MAX);
}

function message(random: Random, world: FuzzWorld): Record<string, unknown> {
  const text = messageText(random);
  if (!random.chance(0.2)) return envelope(random, world, { text });
  const mention = "<at>Home Visits</at>";
  return envelope(random, world, { text: `${mention} ${text}`.slice(0, MESSAGE_TEXT_MAX), entities: [{ type: "mention", text: mention, mentioned: { id: "28:home-visits-bot", name: "Home Visits" } }] });
}

function cardAction(random: Random, world: FuzzWorld): Record<string, unknown> {
  const data = random.chance(0.95) ? cardData(random, world) : undefined;
  return envelope(random, world, { type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb: verb(random), ...(data ? { data } : {}) } } });
}

function install(random: Random, world: FuzzWorld): Record<string, unknown> {
  const members = Array.from({ length: random.int(4) }, () => (random.chance(0.3) ? { id: "28:home-visits-bot" } : person(random, world)));
  if (random.chance(0.5)) return envelope(random, world, { type: "installationUpdate", action: random.pick(["add", "remove", "add-upgrade", "remove-upgrade", "other"]) });
  return envelope(random, world, {
    type: "conversationUpdate",
    ...(random.chance(0.7) ? { membersAdded: members } : { membersRemoved: members }),
    channelData: { tenant: { id: "00000000-0000-4000-8000-00000000fe00" }, team: { id: `19:fuzz-team-${random.int(3)}@thread.tacv2` }, eventType: random.pick(["teamMemberAdded", "teamRenamed", "channelCreated", "teamDeleted", "unknown"]) },
  });
}

function otherActivity(random: Random, world: FuzzWorld): Record<string, unknown> {
  const type = random.pick(OTHER_TYPES);
  return envelope(random, world, {
    type,
    name: random.pick(["application/vnd.microsoft.meetingStart", "application/vnd.microsoft.readReceipt", "tokens/response", "anything"]),
    value: hostileValue(random),
    reactionsAdded: [{ type: "like" }],
  });
}

/** A valid-looking activity with one to three of its fields removed or replaced by something hostile. */
function brokenEnvelope(random: Random, world: FuzzWorld): Record<string, unknown> {
  const activity = random.chance(0.5) ? message(random, world) : cardAction(random, world);
  for (let n = 1 + random.int(3); n > 0; n--) {
    const path = random.pick(ENVELOPE_PATHS).split(".");
    let parent: Record<string, unknown> = activity;
    for (const key of path.slice(0, -1)) {
      const child = parent[key];
      if (typeof child !== "object" || child === null) break;
      parent = child as Record<string, unknown>;
    }
    const last = path.at(-1)!;
    if (random.chance(0.3)) delete parent[last];
    else parent[last] = last === "serviceUrl" && random.chance(0.5) ? random.pick([...BAD_SERVICE_URLS, 3978]) : hostileValue(random);
  }
  return activity;
}

const JSON_TYPE = { "content-type": "application/json" };

/** A body that is not an activity at all, or one sent in a way the front door cannot read. */
function unreadable(random: Random, world: FuzzWorld): Omit<FuzzRequest, "credentialed"> {
  const activity = JSON.stringify(message(random, world));
  switch (random.int(8)) {
    case 0:
      return { kind: "not JSON", headers: JSON_TYPE, body: random.pick(["{", "arrived", '{"type":', "{'type':'message'}", hostileString(random)]) };
    case 1:
      return { kind: "JSON that is not an object", headers: JSON_TYPE, body: random.pick(["[]", "42", '"message"', "null", "true", `[${activity}]`]) };
    case 2:
      return { kind: "over 1 MB", headers: JSON_TYPE, body: JSON.stringify({ type: "message", text: "x".repeat(1_100_000) }) };
    case 3:
      return { kind: "nested 100,000 deep", headers: JSON_TYPE, body: `${"[".repeat(100_000)}${"]".repeat(100_000)}` };
    case 4:
      return { kind: "not application/json", headers: { "content-type": random.pick(["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"]) }, body: activity };
    case 5:
      return { kind: "unknown charset", headers: { "content-type": random.pick(["application/json; charset=latin-9000", "application/json; charset=iso-8859-1", "application/json; charset=utf-16"]) }, body: activity };
    case 6:
      return { kind: "unknown content-encoding", headers: { ...JSON_TYPE, "content-encoding": random.pick(["x-unknown", "compress", "br, x-unknown"]) }, body: activity };
    default:
      return { kind: "content-encoding that lies", headers: { ...JSON_TYPE, "content-encoding": random.pick(["gzip", "br", "deflate"]) }, body: activity };
  }
}

/** Every kind of token that must not get past 401: none, not a JWT, unsigned, HS256, RS256 under a key of our own. */
function forgedAuthorization(random: Random, world: FuzzWorld, forgingKey: ForgingKey): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: "https://api.botframework.com", aud: world.appId, exp: now + 3600, serviceurl: world.connectorUrl };
  const kid = `fuzz-${random.int(5)}`;
  const forgeries: (() => string | undefined)[] = [
    () => undefined,
    () => "Bearer garbage",
    () => "Basic dXNlcjpwYXNzd29yZA==",
    () => unsignedBearer(claims),
    () => hs256Bearer(claims, world.appPassword),
    () => rs256Bearer(claims, forgingKey, kid),
    () => rs256Bearer({ ...claims, exp: now - 3600 }, forgingKey, kid),
    () => rs256Bearer({ ...claims, aud: "99999999-2222-4333-8444-555555555555" }, forgingKey, kid),
    () => `Bearer ${randomString(random, 7000).replace(/[^\x21-\x7e]/g, "a")}`,
  ];
  const authorization = random.pick(forgeries)();
  return authorization === undefined ? {} : { authorization };
}

/** Request `index` of the run seeded `world.seed`. */
export function fuzzRequest(world: FuzzWorld, forgingKey: ForgingKey, index: number): FuzzRequest {
  const random = randomFor(world.seed, index);
  const credentialed = random.chance(0.15);
  const roll = random.int(100);
  if (roll < 8 && !credentialed) return { ...unreadable(random, world), credentialed };
  const [kind, activity] =
    roll < 40 ? ["card action", cardAction(random, world)] : roll < 60 ? ["message", message(random, world)] : roll < 70 ? ["install", install(random, world)] : roll < 78 ? ["other activity", otherActivity(random, world)] : ["broken envelope", brokenEnvelope(random, world)];
  // A polluted or deeply nested value at the top, now and then, besides those inside fields.
  if (random.chance(0.03)) activity.extra = random.chance(0.5) ? nested(2000, false) : JSON.parse('{"__proto__":{"polluted":"yes"}}');
  return { kind, credentialed, headers: { ...JSON_TYPE, ...(credentialed ? forgedAuthorization(random, world, forgingKey) : {}) }, body: JSON.stringify(activity) };
}
