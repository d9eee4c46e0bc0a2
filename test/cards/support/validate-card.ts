import { ALL_VERBS } from "../../../src/cards/verbs";

/**
 * Checks a card the way STYLE.md asks: parsed by the `adaptivecards` library at version 1.5 (any parse or
 * validation event is a problem), plus what that library does not check: every Action.Execute has a verb
 * from verbs.ts and data with nothing but ids (visitId/version/step/kind/alertId/reason/index/action/staffId/schoolId/role/group), every input has an id and a label, input
 * ids are unique, refresh.userIds has at most 60 entries, and no property is silently dropped by the parser. Teams'
 * own `msteams` property, which the library does not know, is accepted at the card's top level only, holding nothing
 * but mention entities, each matching an `<at>…</at>` in the card's text and each such tag matching one.
 */

// `require("adaptivecards")` fails in Node (ESM without extensions); the bundled build works without a DOM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require("adaptivecards/dist/adaptivecards.js") as AdaptiveCardsModule;

interface AdaptiveCardsModule {
  AdaptiveCard: new () => {
    parse(json: unknown, context: SerializationContext): void;
    validateProperties(): { validationEvents: { phase: number; event: number; message: string }[] };
    toJSON(context?: SerializationContext): unknown;
  };
  SerializationContext: new (version: unknown) => SerializationContext;
  Versions: { v1_5: unknown };
  ValidationEvent: Record<number, string>;
}
interface SerializationContext {
  eventCount: number;
  getEventAt(index: number): { phase: number; event: number; message: string };
}

/** Ids only: never roles, names or text (inputs are merged in by Teams, not written into the card). */
export const DATA_KEYS = ["visitId", "version", "step", "kind", "alertId", "reason", "index", "action", "staffId", "schoolId", "role", "group"];
const MAX_REFRESH_USERS = 60;

/** Properties the library reads but does not write back when they hold their default value. */
const DEFAULT_VALUES: Record<string, unknown[]> = {
  wrap: [false],
  isRequired: [false],
  isMultiline: [false],
  isSubtle: [false],
  spacing: ["default"],
  associatedInputs: ["auto"],
};

export function cardProblems(card: unknown): string[] {
  const problems: string[] = [];
  const json = card as Record<string, unknown>;
  if (json.type !== "AdaptiveCard") problems.push(`type is ${String(json.type)}, not AdaptiveCard`);
  if (json.version !== "1.5") problems.push(`version is ${String(json.version)}, not 1.5`);
  if (json.$schema !== "http://adaptivecards.io/schemas/adaptive-card.json") problems.push("$schema is missing or wrong");

  const { msteams, ...adaptive } = json;
  if (msteams !== undefined) problems.push(...mentionProblems(msteams, card));
  else problems.push(...untaggedMentions(card, []));

  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(adaptive, context);
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    problems.push(`adaptivecards parse: ${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}`);
  }
  for (const e of parsed.validateProperties().validationEvents) {
    problems.push(`adaptivecards validate: ${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}`);
  }
  problems.push(...droppedProperties(adaptive, parsed.toJSON(new AC.SerializationContext(AC.Versions.v1_5)), "card"));

  const inputIds: string[] = [];
  walk(card, "card", (node, path) => {
    if (node.type === "Action.Execute") {
      if (typeof node.verb !== "string" || !ALL_VERBS.includes(node.verb)) problems.push(`${path}: Action.Execute verb ${JSON.stringify(node.verb)} is not in verbs.ts`);
      const data = node.data;
      if (data !== undefined && (typeof data !== "object" || data === null || Array.isArray(data))) problems.push(`${path}: data is not an object`);
      for (const key of Object.keys((data as object | undefined) ?? {})) {
        if (!DATA_KEYS.includes(key)) problems.push(`${path}: data carries "${key}" (only ${DATA_KEYS.join(", ")} are allowed)`);
      }
    }
    if (typeof node.type === "string" && node.type.startsWith("Action.") && node.type !== "Action.Execute" && node.type !== "Action.ShowCard") {
      problems.push(`${path}: ${node.type} is not allowed: cards use Action.Execute (Universal Actions)`);
    }
    if (typeof node.type === "string" && node.type.startsWith("Input.")) {
      if (typeof node.id !== "string" || node.id.length === 0) problems.push(`${path}: input has no id`);
      else inputIds.push(node.id);
      if (typeof node.label !== "string" || node.label.trim().length === 0) problems.push(`${path}: input ${String(node.id)} has no label`);
    }
  });
  const duplicates = inputIds.filter((id, i) => inputIds.indexOf(id) !== i);
  if (duplicates.length > 0) problems.push(`duplicate input ids: ${[...new Set(duplicates)].join(", ")}`);

  const refresh = json.refresh as { userIds?: unknown[]; action?: { type?: string } } | undefined;
  if (refresh) {
    if (refresh.action?.type !== "Action.Execute") problems.push("refresh.action is not an Action.Execute");
    if ((refresh.userIds?.length ?? 0) > MAX_REFRESH_USERS) problems.push(`refresh.userIds has ${refresh.userIds?.length} entries (at most ${MAX_REFRESH_USERS})`);
  }
  return problems;
}

const MENTION_TAG = /<at>[^<>]*<\/at>/g;

/**
 * Teams reads `msteams.entities` for the people a card @mentions: each entity names a person (a Teams user id or an
 * Entra object id, and a name) and the `<at>…</at>` text it replaces, which must be in one of the card's TextBlocks.
 */
function mentionProblems(msteams: unknown, card: unknown): string[] {
  if (typeof msteams !== "object" || msteams === null || Array.isArray(msteams)) return ["msteams: not an object"];
  const problems = Object.keys(msteams)
    .filter((key) => key !== "entities")
    .map((key) => `msteams.${key}: not expected (only mention entities are)`);
  const entities = (msteams as { entities?: unknown }).entities;
  if (!Array.isArray(entities) || entities.length === 0) return [...problems, "msteams.entities: not a non-empty list"];
  const texts = textBlockTexts(card);
  const tags: string[] = [];
  entities.forEach((entity: unknown, i) => {
    const path = `msteams.entities[${i}]`;
    const e = entity as { type?: unknown; text?: unknown; mentioned?: { id?: unknown; name?: unknown } };
    if (typeof entity !== "object" || entity === null) return void problems.push(`${path}: not an object`);
    const unknownKeys = Object.keys(entity).filter((key) => !["type", "text", "mentioned"].includes(key));
    if (unknownKeys.length > 0) problems.push(`${path}: unexpected ${unknownKeys.join(", ")}`);
    if (e.type !== "mention") problems.push(`${path}: type is ${String(e.type)}, not mention`);
    if (typeof e.text !== "string" || !/^<at>[^<>]+<\/at>$/.test(e.text)) return void problems.push(`${path}: text is not one <at>…</at> tag`);
    tags.push(e.text);
    if (typeof e.mentioned?.id !== "string" || e.mentioned.id.length === 0) problems.push(`${path}: mentioned.id is missing`);
    if (typeof e.mentioned?.name !== "string" || e.mentioned.name.length === 0) problems.push(`${path}: mentioned.name is missing`);
    if (!texts.some((t) => t.includes(e.text as string))) problems.push(`${path}: ${e.text} is in no TextBlock`);
  });
  return [...problems, ...untaggedMentions(card, tags)];
}

/** `<at>…</at>` in a TextBlock with no entity for it: Teams would show the tags as they are. */
function untaggedMentions(card: unknown, tags: readonly string[]): string[] {
  const used = textBlockTexts(card).flatMap((t) => t.match(MENTION_TAG) ?? []);
  return [...new Set(used)].filter((tag) => !tags.includes(tag)).map((tag) => `${tag} has no mention entity in msteams.entities`);
}

function textBlockTexts(card: unknown): string[] {
  const texts: string[] = [];
  walk(card, "card", (node) => {
    if (node.type === "TextBlock" && typeof node.text === "string") texts.push(node.text);
  });
  return texts;
}

/** Jest-friendly: an empty list prints nothing; a non-empty one says exactly what is wrong. */
export function validateCard(card: unknown): void {
  expect(cardProblems(card)).toEqual([]);
}

/** Every Action.Execute in a card (top-level, nested in ShowCards, and the refresh action). */
export function executeActions(card: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  walk(card, "card", (node) => {
    if (node.type === "Action.Execute") found.push(node);
  });
  return found;
}

/** Every input in a card, in order, nested ShowCards included. */
export function inputs(card: unknown): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  walk(card, "card", (node) => {
    if (typeof node.type === "string" && node.type.startsWith("Input.")) found.push(node);
  });
  return found;
}

/** All the text a person can read on the card (TextBlocks, facts, button titles), joined by newlines. */
export function visibleText(card: unknown): string {
  const lines: string[] = [];
  walk(card, "card", (node) => {
    if (node.type === "TextBlock" && typeof node.text === "string") lines.push(node.text);
    if (node.type === "FactSet") for (const f of node.facts as { title: string; value: string }[]) lines.push(`${f.title}: ${f.value}`);
    if (typeof node.type === "string" && node.type.startsWith("Action.") && typeof node.title === "string") lines.push(`[${node.title}]`);
    if (typeof node.type === "string" && node.type.startsWith("Input.") && typeof node.label === "string") lines.push(`<${node.label}>`);
  });
  return lines.join("\n");
}

function walk(node: unknown, path: string, visit: (node: Record<string, unknown>, path: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, `${path}[${i}]`, visit));
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const record = node as Record<string, unknown>;
  visit(record, path);
  for (const [key, child] of Object.entries(record)) {
    if (key === "data") continue; // action data is ours, not card structure
    walk(child, `${path}.${key}`, visit);
  }
}

/**
 * The library ignores properties it does not know (a typo such as `isMultiLine` would vanish without an
 * event), so compare what we wrote with what it serialises back: a key it dropped is one it did not read.
 */
function droppedProperties(original: unknown, reserialised: unknown, path: string): string[] {
  if (Array.isArray(original)) {
    const back = Array.isArray(reserialised) ? reserialised : [];
    return original.flatMap((item, i) => droppedProperties(item, back[i], `${path}[${i}]`));
  }
  if (typeof original !== "object" || original === null) return [];
  if (typeof reserialised !== "object" || reserialised === null) return [`${path}: dropped by adaptivecards`];
  const back = reserialised as Record<string, unknown>;
  const problems: string[] = [];
  for (const [key, value] of Object.entries(original as Record<string, unknown>)) {
    if (key === "data") continue;
    if (!(key in back)) {
      if (!(DEFAULT_VALUES[key] ?? []).includes(value)) problems.push(`${path}.${key}: not read by adaptivecards 1.5 (unknown or misspelt property?)`);
      continue;
    }
    problems.push(...droppedProperties(value, back[key], `${path}.${key}`));
  }
  return problems;
}
