import type { StaffRecord } from "../domain/staff-prerequisites";
import type { PolicyProfile } from "../policy/policy.schema";
import { isRealDate } from "./record-form.data";
import { GUID } from "../domain/guid";

/**
 * R06: a member of staff's record for home visits, as the school admin types it on the staff-record card or
 * imports it as CSV. Every value arrives as a string; checks live here, at the card edge.
 */
export const STAFF_FORM_INPUT_IDS = [
  "mobile",
  "vehicleMake",
  "vehicleModel",
  "registration",
  "vehicleColour",
  "insuranceExpiry",
  "dbsDate",
  "barredListDate",
  "training",
] as const;
export type StaffFormInputId = (typeof STAFF_FORM_INPUT_IDS)[number];
export type StaffFormValues = Record<StaffFormInputId, string>;
export type StaffFormErrors = Partial<Record<StaffFormInputId, string>>;

export type ParsedStaffRecordForm = { ok: true; record: StaffRecord } | { ok: false; errors: StaffFormErrors; values: StaffFormValues };
export type ParsedStaffCsv = { ok: true; rows: { staffId: string; record: StaffRecord }[] } | { ok: false; errors: string[] };

export const STAFF_LIMITS = { vehicleText: 40, course: 100, courses: 30, csvRows: 500 } as const;

/**
 * The CSV header an import must start with, exactly (any letter case). People are matched by their Entra object
 * id, never by e-mail or name: two staff can share a name, and an e-mail can change. `training` lists courses as
 * "Course 2025-09-01; Other 2024-01-10". Dates are YYYY-MM-DD. Fields may be quoted ("…", with "" for a quote).
 */
export const STAFF_CSV_HEADER = [
  "aad_object_id",
  "mobile",
  "vehicle_make",
  "vehicle_model",
  "registration",
  "colour",
  "insurance_expiry",
  "dbs_date",
  "barred_list_date",
  "training",
] as const;

/** Which form input each CSV column fills. */
const COLUMN_INPUT: Record<Exclude<(typeof STAFF_CSV_HEADER)[number], "aad_object_id">, StaffFormInputId> = {
  mobile: "mobile",
  vehicle_make: "vehicleMake",
  vehicle_model: "vehicleModel",
  registration: "registration",
  colour: "vehicleColour",
  insurance_expiry: "insuranceExpiry",
  dbs_date: "dbsDate",
  barred_list_date: "barredListDate",
  training: "training",
};

/**
 * A UK mobile number as "07700 900123": accepts 07…, +44 7…, 0044 7… and +44 (0) 7…, with spaces, dashes, dots or
 * brackets. Undefined when it is not one.
 */
export function normaliseMobile(value: string): string | undefined {
  let digits = value.replace(/\(0\)/g, "").replace(/[\s\-.()]/g, "");
  if (digits.startsWith("+44")) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith("0044")) digits = `0${digits.slice(4)}`;
  if (!/^07\d{9}$/.test(digits)) return undefined;
  return `${digits.slice(0, 5)} ${digits.slice(5)}`;
}

/**
 * A registration plate, loosely: letters and digits (both), 2 to 8 of them, upper case, spaces kept as typed
 * (one at most between groups). Current-style plates get their usual space ("AB12CDE" → "AB12 CDE").
 */
export function normaliseRegistration(value: string): string | undefined {
  const upper = value.toUpperCase().trim().replace(/\s+/g, " ");
  const compact = upper.replace(/ /g, "");
  if (!/^[A-Z0-9]{2,8}$/.test(compact) || !/[A-Z]/.test(compact) || !/\d/.test(compact)) return undefined;
  if (/^[A-Z]{2}\d{2}[A-Z]{3}$/.test(compact)) return `${compact.slice(0, 4)} ${compact.slice(4)}`;
  return upper;
}

const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}$/;
const SEPARATOR = /[\s,]/;

/**
 * A course and when it was completed: "Lone working, 2025-09-01" or "Lone working 2025-09-01". Read from the end
 * rather than with /^(.*?)[\s,]+(date)$/, which tries the separators again from every position: quadratic in a
 * long run of commas or spaces, and anyone can send the staff form.
 */
function trainingItem(item: string): { name: string; completedOn: string } | undefined {
  const line = item.trim();
  const completedOn = line.slice(-10);
  let end = line.length - completedOn.length;
  if (!DATE_SHAPE.test(completedOn) || end === 0 || !SEPARATOR.test(line[end - 1]!)) return undefined;
  while (end > 0 && SEPARATOR.test(line[end - 1]!)) end -= 1;
  const name = line.slice(0, end).trim();
  return name.length < 2 ? undefined : { name, completedOn };
}

function readValues(raw: unknown): StaffFormValues {
  const source = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const values = {} as StaffFormValues;
  for (const id of STAFF_FORM_INPUT_IDS) {
    const value = source[id];
    values[id] = typeof value === "string" ? value.trim() : typeof value === "number" ? String(value) : "";
  }
  return values;
}

type Check = { record: StaffRecord; errors: StaffFormErrors };

/**
 * The shared checks of the form and the CSV. `today` (London date) refuses check and training dates in the
 * future; without it they are not compared. `trainingSeparator` is how courses are separated: lines on the
 * form, ";" in a CSV cell.
 */
function checkValues(values: StaffFormValues, today: string | undefined, trainingSeparator: "line" | "semicolon"): Check {
  const errors: StaffFormErrors = {};
  const problem = (id: StaffFormInputId, message: string) => void (errors[id] ??= message);
  const record: StaffRecord = {};

  if (values.mobile) {
    const mobile = normaliseMobile(values.mobile);
    if (mobile) record.mobile = mobile;
    else problem("mobile", "Enter a UK mobile number, e.g. 07700 900123 or +44 7700 900123.");
  }

  const pastDate = (id: StaffFormInputId, what: string): string | undefined => {
    const value = values[id];
    if (!value) return undefined;
    if (!isRealDate(value)) return void problem(id, `Enter ${what} as a real date, e.g. 2025-09-01.`);
    if (today && value > today) return void problem(id, `${what.charAt(0).toUpperCase()}${what.slice(1)} cannot be in the future.`);
    return value;
  };

  // Vehicle: make, model, registration and colour together, or none of them (R06).
  const vehicleIds = ["vehicleMake", "vehicleModel", "registration", "vehicleColour"] as const;
  const vehicleWords: Record<(typeof vehicleIds)[number], string> = {
    vehicleMake: "the make",
    vehicleModel: "the model",
    registration: "the registration",
    vehicleColour: "the colour",
  };
  const anyVehicle = vehicleIds.some((id) => values[id].length > 0);
  if (anyVehicle) {
    for (const id of vehicleIds) {
      if (!values[id]) problem(id, `Enter ${vehicleWords[id]} as well, or clear the vehicle details.`);
      else if (id !== "registration" && values[id].length > STAFF_LIMITS.vehicleText) problem(id, `Shorten ${vehicleWords[id]} to ${STAFF_LIMITS.vehicleText} characters or fewer.`);
    }
  }
  const registration = values.registration ? normaliseRegistration(values.registration) : "";
  if (registration === undefined) problem("registration", "Enter the registration as on the plate, e.g. AB12 CDE.");

  let insuranceExpiry: string | undefined;
  if (values.insuranceExpiry) {
    if (isRealDate(values.insuranceExpiry)) insuranceExpiry = values.insuranceExpiry;
    else problem("insuranceExpiry", "Enter the insurance expiry as a real date, e.g. 2026-08-31.");
  }
  if (anyVehicle || insuranceExpiry) {
    record.vehicle = {
      make: values.vehicleMake,
      model: values.vehicleModel,
      registration: registration ?? values.registration,
      colour: values.vehicleColour,
      ...(insuranceExpiry ? { insuranceExpiry } : {}),
    };
  }

  const dbs = pastDate("dbsDate", "the DBS check date");
  const barred = pastDate("barredListDate", "the barred-list check date");
  if (values.barredListDate && !values.dbsDate) problem("dbsDate", "Enter the enhanced DBS check date as well as the barred-list check.");
  if (dbs) record.dbs = { checkedOn: dbs, ...(barred ? { barredListCheckedOn: barred } : {}) };

  if (values.training) {
    const items = values.training.split(trainingSeparator === "line" ? /\r?\n/ : /;|\r?\n/).map((item) => item.trim()).filter(Boolean);
    const example = trainingSeparator === "line" ? "Lone working, 2025-09-01" : "Lone working 2025-09-01; Safeguarding 2024-09-03";
    const courses: { name: string; completedOn: string }[] = [];
    items.forEach((item, i) => {
      const course = trainingItem(item);
      const which = trainingSeparator === "line" ? `Line ${i + 1} of the training` : `Course ${i + 1}`;
      if (!course) return problem("training", `${which}: write the course, then the date it was completed, e.g. ${example}.`);
      if (!isRealDate(course.completedOn)) return problem("training", `${which}: ${course.completedOn} is not a real date.`);
      if (today && course.completedOn > today) return problem("training", `${which}: the date cannot be in the future.`);
      if (course.name.length > STAFF_LIMITS.course) return problem("training", `${which}: shorten the course name to ${STAFF_LIMITS.course} characters or fewer.`);
      courses.push(course);
    });
    if (items.length > STAFF_LIMITS.courses) problem("training", `List at most ${STAFF_LIMITS.courses} courses.`);
    if (courses.length > 0) record.training = courses;
  }

  return { record, errors };
}

/**
 * Checks the staff-record form (R06). `today` is the London calendar date: check and training dates cannot be
 * after it (an insurance expiry can, and should). Empty inputs leave that part of the record empty, which
 * prerequisiteGaps then reports.
 */
export function parseStaffRecordForm(raw: unknown, today: string): ParsedStaffRecordForm {
  const values = readValues(raw);
  const { record, errors } = checkValues(values, today, "line");
  return Object.keys(errors).length > 0 ? { ok: false, errors, values } : { ok: true, record };
}

/** The form's values for a stored record, to show it. */
export function staffFormValues(record: StaffRecord | undefined): StaffFormValues {
  return {
    mobile: record?.mobile ?? "",
    vehicleMake: record?.vehicle?.make ?? "",
    vehicleModel: record?.vehicle?.model ?? "",
    registration: record?.vehicle?.registration ?? "",
    vehicleColour: record?.vehicle?.colour ?? "",
    insuranceExpiry: record?.vehicle?.insuranceExpiry ?? "",
    dbsDate: record?.dbs?.checkedOn ?? "",
    barredListDate: record?.dbs?.barredListCheckedOn ?? "",
    training: (record?.training ?? []).map((t) => `${t.name}, ${t.completedOn}`).join("\n"),
  };
}

/**
 * Reads staff records from CSV text (R06), all or nothing: any problem refuses the whole import, with one
 * message per problem naming its line. The header must be STAFF_CSV_HEADER; each row names a person in the
 * school's profile by Entra object id, at most once. `today`, when given, refuses check dates in the future.
 */
export function parseStaffCsv(text: string, policy: PolicyProfile, today?: string): ParsedStaffCsv {
  if (typeof text !== "string") return { ok: false, errors: ["Paste the CSV as text."] };
  const parsed = csvRecords(text.replace(/^\uFEFF/, ""));
  if (!parsed.ok) return { ok: false, errors: [parsed.error] };
  const records = parsed.records.filter((r) => r.fields.some((f) => f.trim().length > 0));
  const [header, ...rows] = records;
  const expected = STAFF_CSV_HEADER.join(",");
  if (!header || header.fields.map((f) => f.trim().toLowerCase()).join(",") !== expected) {
    return { ok: false, errors: [`Line ${header?.line ?? 1}: the first line must be the header ${expected}`] };
  }
  if (rows.length === 0) return { ok: false, errors: ["The CSV has no rows under the header."] };
  if (rows.length > STAFF_LIMITS.csvRows) return { ok: false, errors: [`Import at most ${STAFF_LIMITS.csvRows} rows at a time.`] };

  const errors: string[] = [];
  const seen = new Map<string, number>();
  const out: { staffId: string; record: StaffRecord }[] = [];
  for (const row of rows) {
    const at = `Line ${row.line}`;
    if (row.fields.length !== STAFF_CSV_HEADER.length) {
      errors.push(`${at}: expected ${STAFF_CSV_HEADER.length} columns, found ${row.fields.length}.`);
      continue;
    }
    const cells = row.fields.map(cell);
    const id = cells[0]!.toLowerCase();
    if (!GUID.test(id)) {
      errors.push(`${at}: aad_object_id must be the person's Entra object id (a GUID).`);
      continue;
    }
    const person = policy.people.find((p) => p.aadObjectId.toLowerCase() === id);
    if (!person) {
      errors.push(`${at}: ${id} is not in the school's home-visit profile.`);
      continue;
    }
    const first = seen.get(id);
    if (first !== undefined) {
      errors.push(`${at}: ${id} appears again (first on line ${first}).`);
      continue;
    }
    seen.set(id, row.line);
    const values = {} as StaffFormValues;
    STAFF_CSV_HEADER.slice(1).forEach((column, i) => {
      values[COLUMN_INPUT[column as keyof typeof COLUMN_INPUT]] = cells[i + 1]!;
    });
    const checked = checkValues(values, today, "semicolon");
    const problems = Object.entries(checked.errors);
    if (problems.length > 0) {
      const columnOf = (inputId: string) => Object.entries(COLUMN_INPUT).find(([, v]) => v === inputId)?.[0] ?? inputId;
      for (const [inputId, message] of problems) errors.push(`${at}: ${columnOf(inputId)}: ${message}`);
      continue;
    }
    out.push({ staffId: person.aadObjectId, record: checked.record });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rows: out };
}

/** A cell as typed: trimmed, and without the apostrophe a spreadsheet export puts before = + - @. */
function cell(value: string): string {
  const trimmed = value.trim();
  return /^'[=+\-@]/.test(trimmed) ? trimmed.slice(1) : trimmed;
}

type CsvRecord = { line: number; fields: string[] };

/** RFC 4180: comma-separated, "quoted" fields with "" for a quote and line breaks inside quotes; CRLF or LF. */
function csvRecords(text: string): { ok: true; records: CsvRecord[] } | { ok: false; error: string } {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 1;
  let i = 0;
  const endField = () => {
    fields.push(field);
    field = "";
  };
  const endRecord = () => {
    endField();
    records.push({ line: recordLine, fields });
    fields = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      if (ch === "\n") line += 1;
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"' && field.trim().length === 0) {
      quoted = true;
      quoteLine = line;
      field = "";
      i += 1;
      continue;
    }
    if (ch === ",") {
      endField();
      i += 1;
      continue;
    }
    if (ch === "\r" || ch === "\n") {
      endRecord();
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line += 1;
      recordLine = line;
      continue;
    }
    field += ch;
    i += 1;
  }
  if (quoted) return { ok: false, error: `Line ${quoteLine}: a quoted field is not closed.` };
  if (field.length > 0 || fields.length > 0) endRecord();
  return { ok: true, records };
}
