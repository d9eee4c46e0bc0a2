import { londonTime } from "../domain/london-time";
import type { AgreementAction } from "../domain/record";
import type { CallOffReason, CheckInStep, IncidentKind, Visit } from "../domain/visit";
import type { EscalationTarget, PolicyProfile, Role } from "../policy/policy.schema";
import type { Verb } from "./verbs";
import { Verbs } from "./verbs";
import { joinWords } from "../domain/role-words";
import type { SettingsGroup } from "../policy/policy-words";
import type { TeamsCardExtras } from "./mentions";

export { joinWords, ROLE_WORDS, rolesInWords } from "../domain/role-words";

/**
 * The small pieces every card is built from, so no card repeats raw JSON. Pure: no I/O, no clock.
 * The types are loose where Adaptive Cards is open-ended (elements), and tight where our contract is
 * (actions: a verb from verbs.ts and data with nothing but ids: visitId, version, step, kind, alertId, reason,
 * index, action, staffId).
 */

export const CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json";
export const CARD_VERSION = "1.5";
/** Teams shows a user-specific view (refresh) to at most 60 people. */
export const MAX_REFRESH_USERS = 60;

export interface CardElement {
  type: string;
  [property: string]: unknown;
}

/** What an Action.Execute may carry. Never roles, names or details: the server reloads the visit. */
export interface ActionData {
  visitId?: string;
  version?: number;
  step?: CheckInStep;
  /** Which kind of concern a visitor raises (R19, R23), or which kind of incident they report (R24). */
  kind?: "child-alone" | "concern" | IncidentKind;
  /** "A1", "A2"…: the alert a responder acts on. */
  alertId?: string;
  /** Why a visit is called off at the door (R11–R14). */
  reason?: CallOffReason;
  /** Which agreement of the visit's record (R22), from 0. */
  index?: number;
  /** What is done about a broken agreement (R22). */
  action?: AgreementAction;
  /** The Entra object id of the member of staff whose record an admin opens or saves (R06). */
  staffId?: string;
  /** The school a card that is not about one visit acts on: a new request, staff records, the school's settings. */
  schoolId?: string;
  /** The role whose holders a school's manager changes. */
  role?: Role;
  /** The group of policy settings a school's manager changes. */
  group?: SettingsGroup;
}

export interface ExecuteAction {
  type: "Action.Execute";
  title: string;
  verb: Verb;
  data: ActionData;
  style?: "positive" | "destructive";
  associatedInputs?: "auto" | "none";
}

export interface ShowCardAction {
  type: "Action.ShowCard";
  title: string;
  card: { type: "AdaptiveCard"; body: CardElement[]; actions?: ExecuteAction[] };
}

/** Buttons inside the body (the card's own actions are limited to five by the host config). */
export interface ActionSet extends CardElement {
  type: "ActionSet";
  actions: CardAction[];
}

export type CardAction = ExecuteAction | ShowCardAction;

export interface Refresh {
  action: { type: "Action.Execute"; verb: Verb; data: ActionData };
  userIds: string[];
}

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: typeof CARD_SCHEMA;
  version: typeof CARD_VERSION;
  body: CardElement[];
  actions?: CardAction[];
  refresh?: Refresh;
  /** Teams' own extension of the card: the people its text @mentions (mentions.ts). */
  msteams?: TeamsCardExtras;
}

/**
 * A line at the top of a card: tone "attention" (red) for a refusal or problem, "good" (green) for a success.
 * A plain string, or no tone, is shown neutral (emphasis) because its meaning is not known here.
 */
export interface CardMessage {
  text: string;
  tone?: "attention" | "good";
}
export type Banner = string | CardMessage;

export function adaptiveCard(parts: { body: (CardElement | undefined)[]; actions?: CardAction[]; refresh?: Refresh }): AdaptiveCard {
  const card: AdaptiveCard = { type: "AdaptiveCard", $schema: CARD_SCHEMA, version: CARD_VERSION, body: present(parts.body) };
  if (parts.actions && parts.actions.length > 0) card.actions = parts.actions;
  if (parts.refresh) card.refresh = parts.refresh;
  return card;
}

interface TextOptions {
  weight?: "bolder";
  size?: "small" | "medium" | "large";
  color?: "attention" | "good" | "warning" | "accent";
  isSubtle?: boolean;
  spacing?: "none" | "small" | "medium";
}

/** A wrapped TextBlock: cards are read on phones, so text never truncates. */
export function text(content: string, options: TextOptions = {}): CardElement {
  return { type: "TextBlock", text: content, wrap: true, ...options };
}

/** A section's title inside a card. */
export function section(title: string): CardElement {
  return text(title, { weight: "bolder", spacing: "medium" });
}

/** A form's input with its value filled in (when it has one), then the error about it right under it. */
export function inputWithError(input: CardElement, value: string | undefined, error: string | undefined): CardElement[] {
  const shown = value ? { ...input, value } : input;
  return error ? [shown, text(error, { color: "attention", size: "small", spacing: "none" })] : [shown];
}

/** At the top of a form sent back: the error about the whole form, and how many answers need fixing. */
export function errorSummary(errors: Readonly<Record<string, string | undefined>> & { form?: string }): CardElement[] {
  const count = Object.entries(errors).filter(([key, message]) => key !== "form" && message).length;
  const lines: CardElement[] = [];
  if (errors.form) lines.push(text(errors.form, { color: "attention", weight: "bolder" }));
  if (count > 0) lines.push(text(count === 1 ? "Please fix the answer marked below." : `Please fix the ${count} answers marked below.`, { color: "attention", weight: "bolder" }));
  return lines;
}

export function heading(content: string): CardElement {
  return text(content, { weight: "bolder", size: "medium" });
}

/** A bulleted list in one TextBlock (Teams renders markdown lists); undefined when empty. */
export function bullets(lines: readonly string[], options: TextOptions = {}): CardElement | undefined {
  if (lines.length === 0) return undefined;
  return text(lines.map((line) => `- ${line}`).join("\r"), options);
}

/** Title/value pairs; pairs with an empty value are left out. */
export function facts(pairs: readonly (readonly [string, string | undefined])[]): CardElement | undefined {
  const shown = pairs.filter((pair): pair is readonly [string, string] => typeof pair[1] === "string" && pair[1].trim().length > 0);
  if (shown.length === 0) return undefined;
  return { type: "FactSet", facts: shown.map(([title, value]) => ({ title, value })) };
}

export function banner(message: Banner | undefined): CardElement | undefined {
  const { text: words, tone } = typeof message === "string" ? { text: message, tone: undefined } : (message ?? { text: "" });
  if (words.trim().length === 0) return undefined;
  return {
    type: "Container",
    style: tone ?? "emphasis",
    items: [text(words, { weight: "bolder", ...(tone ? { color: tone } : {}) })],
  };
}

export function execute(
  title: string,
  verb: Verb,
  data: ActionData,
  options: { style?: ExecuteAction["style"]; associatedInputs?: ExecuteAction["associatedInputs"] } = {},
): ExecuteAction {
  return { type: "Action.Execute", title, verb, data, ...options };
}

/** A fold-out form: its body (inputs) and the buttons that submit it. */
export function showCard(title: string, body: (CardElement | undefined)[], actions: ExecuteAction[] = []): ShowCardAction {
  return { type: "Action.ShowCard", title, card: { type: "AdaptiveCard", body: present(body), ...(actions.length > 0 ? { actions } : {}) } };
}

/** An ActionSet in the body; undefined when there are no buttons. */
export function actionSet(actions: readonly CardAction[]): ActionSet | undefined {
  return actions.length > 0 ? { type: "ActionSet", actions: [...actions] } : undefined;
}

/**
 * The card refreshes itself for these people (Teams: user MRIs, e.g. "29:…", as the Bot Framework sends
 * them in `from.id`). Deduplicated and cut to the 60 Teams honours; others see the base card.
 */
export function refreshFor(visitId: string, userIds: readonly string[]): Refresh {
  return {
    action: { type: "Action.Execute", verb: Verbs.refresh, data: { visitId } },
    userIds: refreshUsers(userIds),
  };
}

/** The refresh of a card about one alert: each responder (or the visitor) gets their own view of it. */
export function alertRefreshFor(visitId: string, alertId: string, userIds: readonly string[]): Refresh {
  return {
    action: { type: "Action.Execute", verb: Verbs.refreshAlert, data: { visitId, alertId } },
    userIds: refreshUsers(userIds),
  };
}

/** The refresh of an agreement card (R22): each person who follows agreements up gets their own view. */
export function agreementRefreshFor(visitId: string, index: number, userIds: readonly string[]): Refresh {
  return {
    action: { type: "Action.Execute", verb: Verbs.refreshAgreement, data: { visitId, index } },
    userIds: refreshUsers(userIds),
  };
}

function refreshUsers(userIds: readonly string[]): string[] {
  return [...new Set(userIds)].slice(0, MAX_REFRESH_USERS);
}

/** "14:05", London wall-clock, of an ISO instant. */
export function clockOf(instant: string): string {
  return londonTime(new Date(instant));
}

const dayFormatter = new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** "Mon 23 Nov 2026" for a "2026-11-23" calendar date (already London). */
/** Formatted days, kept: Intl formatting is slow and a card shows the same few days many times. */
const formattedDays = new Map<string, string>();

export function dayOf(date: string): string {
  const known = formattedDays.get(date);
  if (known !== undefined) return known;
  const [y, m, d] = date.split("-").map(Number);
  if (!y || !m || !d) return date;
  const formatted = dayFormatter.format(new Date(Date.UTC(y, m - 1, d))).replace(/,/g, "");
  if (formattedDays.size >= 1_000) formattedDays.clear();
  formattedDays.set(date, formatted);
  return formatted;
}

export function sameId(a: string, b: string | undefined): boolean {
  return b !== undefined && a.toLowerCase() === b.toLowerCase();
}

export function personName(policy: PolicyProfile, id: string): string | undefined {
  return policy.people.find((p) => sameId(p.aadObjectId, id))?.displayName;
}

/** The name of someone on a visit: from the profile, else the name the requester gave, else `otherwise`. */
export function staffName(policy: PolicyProfile, visit: Pick<Visit, "requestedBy">, id: string, otherwise: string): string {
  return personName(policy, id) ?? (sameId(visit.requestedBy.id, id) ? visit.requestedBy.name : otherwise);
}

const TARGET_WORDS: Record<EscalationTarget, string | undefined> = {
  visitor: undefined,
  "responsible-contact": "the responsible contact",
  office: "the office",
  headteacher: "the headteacher",
  "dsl-channel": "the safeguarding team",
};

/** "the office, the headteacher and the safeguarding team": who an alert goes to, the visitor left out. */
export function targetsInWords(targets: readonly EscalationTarget[], joiner: "or" | "and" = "and"): string {
  const words = targets.map((target) => TARGET_WORDS[target]).filter((w): w is string => w !== undefined);
  return joinWords([...new Set(words)], joiner);
}

export function capitalise(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function present<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

/** A ladder's targets without the responsible contact when the visit names none (an in-hours visit). */
export function targetsThatExist(targets: readonly EscalationTarget[], visit: Pick<Visit, "details">): EscalationTarget[] {
  return targets.filter((t) => t !== "responsible-contact" || visit.details.responsibleContactId !== undefined);
}
