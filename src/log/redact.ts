/**
 * What may leave the app in a log line. Callers are meant to log ids and types only; this makes that hold
 * even when one does not: a field is kept only if its name is on the allow-list below and its value has the
 * shape that name promises. Any other field keeps its name with the value "[redacted]" (nested objects are
 * walked the same way), and fields that by name hold personal data are dropped altogether.
 *
 * When you log a new field that is safe, add its name here with the narrowest shape that fits.
 */

export const REDACTED = "[redacted]";

type Shape = "id" | "code" | "count" | "fieldPath" | "errorText";

const SAFE_FIELDS: Readonly<Record<string, Shape>> = {
  // Identifiers: visit and outbox ids, Entra object ids, Teams ids. They point at a record; they hold none of it.
  visitId: "id",
  itemId: "id",
  alertId: "id",
  recipient: "id",
  staff: "id",
  by: "id",
  // Types and codes from the code's own vocabulary.
  kind: "code",
  command: "code",
  events: "code",
  verb: "code",
  code: "code",
  activityType: "code",
  status: "code",
  errorName: "code",
  // Numbers.
  attempts: "count",
  queued: "count",
  handled: "count",
  count: "count",
  statusCode: "count",
  durationMs: "count",
  // What the retention job removed, and what an erasure pseudonymised: how many, never which.
  visits: "count",
  notifications: "count",
  staffRecords: "count",
  conversations: "count",
  policyVersions: "count",
  tables: "count",
  // Names of card fields that failed validation (never their values).
  fields: "fieldPath",
  // An error's text, scrubbed and cut short.
  error: "errorText",
};

/**
 * Field names that carry personal data wherever they appear, nested too: dropped, not even marked. Matched on
 * the name lower-cased without separators, whole or as its ending ("visitorName", "home_address").
 */
const PERSONAL_NAMES = [
  "name",
  "displayname",
  "pupil",
  "pupilreference",
  "address",
  "postcode",
  "mobile",
  "phone",
  "telephone",
  "email",
  "note",
  "notes",
  "text",
  "registration",
  "vehicle",
  "riskassessment",
  "codeword",
  "medical",
  "medicalneeds",
  "pets",
  "socialworker",
  "contact",
  "dateofbirth",
  "dob",
  "comment",
  "comments",
  "concerns",
  "summary",
];

/** The line's own keys: a field cannot overwrite them. */
const RESERVED = new Set(["time", "level", "message"]);

const MAX_DEPTH = 4;
const MAX_TEXT = 300;

const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
// A phone number: 9 to 15 digits with spaces, optionally after a +. Not inside a GUID or a timestamp, whose
// digit groups are joined by dashes or colons.
const PHONE = /(?<![\w:-])\+?\d[\d ]{7,14}\d(?![\w:-])/g;
const UK_POSTCODE = /\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b/g;
// Quoted text in an error is usually a value someone typed or a record held.
const QUOTED = /"[^"]*"|'[^']*'|“[^”]*”|‘[^’]*’/g;

const SHAPES: Readonly<Record<Shape, (value: unknown) => unknown>> = {
  id: (value) => (typeof value === "string" && /^[\w:.@-]{1,200}$/.test(value) && !value.match(EMAIL) ? value : REDACTED),
  code: (value) => (typeof value === "string" && /^[A-Za-z][\w.:-]{0,63}$/.test(value) ? value : REDACTED),
  count: (value) => (typeof value === "number" && Number.isFinite(value) ? value : REDACTED),
  fieldPath: (value) => (typeof value === "string" && /^[\w.[\]-]{1,100}$/.test(value) ? value : REDACTED),
  errorText: (value) => (typeof value === "string" || value instanceof Error ? scrubText(String(value)) : REDACTED),
};

/** Removes what looks like personal data from free text (an error message) and cuts it short. */
export function scrubText(text: string): string {
  const scrubbed = text.replace(QUOTED, REDACTED).replace(EMAIL, REDACTED).replace(UK_POSTCODE, REDACTED).replace(PHONE, REDACTED);
  return scrubbed.length > MAX_TEXT ? `${scrubbed.slice(0, MAX_TEXT)}…` : scrubbed;
}

/** The fields of one log line as they may leave the app. */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redactObject(fields, 0, true);
}

function redactObject(fields: Record<string, unknown>, depth: number, topLevel: boolean): Record<string, unknown> {
  const safe: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (isPersonal(key) || (topLevel && RESERVED.has(key))) continue;
    const shape = Object.hasOwn(SAFE_FIELDS, key) ? SAFE_FIELDS[key] : undefined;
    safe[key] = shape ? keepShape(value, SHAPES[shape]) : redactValue(value, depth + 1);
  }
  return safe;
}

function keepShape(value: unknown, shape: (value: unknown) => unknown): unknown {
  return Array.isArray(value) ? value.map(shape) : shape(value);
}

function redactValue(value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return value;
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (isPlainObject(value)) return redactObject(value, depth, false);
  return REDACTED;
}

function isPersonal(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[^a-z0-9]/g, "");
  return PERSONAL_NAMES.some((name) => normalised === name || normalised.endsWith(name));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
