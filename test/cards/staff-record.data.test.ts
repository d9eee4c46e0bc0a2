import {
  STAFF_CSV_HEADER,
  normaliseMobile,
  normaliseRegistration,
  parseStaffCsv,
  parseStaffRecordForm,
  staffFormValues,
} from "../../src/cards/staff-record.data";
import type { StaffFormInputId } from "../../src/cards/staff-record.data";
import { people, testPolicy } from "../support/policy-fixture";

/** R06: staff records typed by the school admin, or imported as CSV. Fictional people and numbers only. */
const TODAY = "2026-11-20";
const policy = testPolicy();

const good = (): Record<string, unknown> => ({
  staffId: people.visitor.aadObjectId,
  mobile: "07700 900123",
  vehicleMake: "Ford",
  vehicleModel: "Fiesta",
  registration: "ab12cde",
  vehicleColour: "Blue",
  insuranceExpiry: "2027-03-31",
  dbsDate: "2024-09-01",
  barredListDate: "2024-09-02",
  training: "Lone working, 2025-09-01\nSafeguarding level 1, 2024-09-03",
});
/** What the good form (and the same data as a CSV row) becomes: numbers and registrations normalised. */
const goodRecord = {
  mobile: "07700 900123",
  vehicle: { make: "Ford", model: "Fiesta", registration: "AB12 CDE", colour: "Blue", insuranceExpiry: "2027-03-31" },
  dbs: { checkedOn: "2024-09-01", barredListCheckedOn: "2024-09-02" },
  training: [
    { name: "Lone working", completedOn: "2025-09-01" },
    { name: "Safeguarding level 1", completedOn: "2024-09-03" },
  ],
};
const parse = (change: Record<string, unknown>) => parseStaffRecordForm({ ...good(), ...change }, TODAY);
const errorsOf = (change: Record<string, unknown>) => {
  const result = parse(change);
  if (result.ok) throw new Error("expected errors");
  return result.errors;
};

describe("parseStaffRecordForm accepts", () => {
  test("a full record, normalised", () => {
    expect(parse({})).toEqual({
      ok: true,
      record: goodRecord,
    });
  });

  test("an empty form as an empty record (the gaps then say what is missing)", () => {
    expect(parseStaffRecordForm({}, TODAY)).toEqual({ ok: true, record: {} });
  });

  test("insurance without the vehicle details, for a school that asks for insurance only", () => {
    const result = parseStaffRecordForm({ insuranceExpiry: "2027-01-31" }, TODAY);
    expect(result).toEqual({ ok: true, record: { vehicle: { make: "", model: "", registration: "", colour: "", insuranceExpiry: "2027-01-31" } } });
  });

  test("an insurance that has expired (the gaps report it; the record keeps it)", () => {
    expect(parse({ insuranceExpiry: "2025-01-31" })).toMatchObject({ ok: true, record: { vehicle: { insuranceExpiry: "2025-01-31" } } });
  });

  test("a DBS check without a barred-list check, and today's date", () => {
    expect(parse({ dbsDate: TODAY, barredListDate: "" })).toMatchObject({ ok: true, record: { dbs: { checkedOn: TODAY } } });
  });

  test("training lines with blank lines and spaces", () => {
    expect(parse({ training: "\n  First aid,2023-05-05  \n\n" })).toMatchObject({ ok: true, record: { training: [{ name: "First aid", completedOn: "2023-05-05" }] } });
    expect(parse({ training: "First aid ,, \t2023-05-05" })).toMatchObject({ ok: true, record: { training: [{ name: "First aid", completedOn: "2023-05-05" }] } });
  });

  test("the values of a stored record round-trip", () => {
    const first = parse({});
    if (!first.ok) throw new Error("expected a record");
    expect(parseStaffRecordForm(staffFormValues(first.record), TODAY)).toEqual(first);
  });
});

describe("normaliseMobile takes UK mobile numbers as people write them", () => {
  test.each([
    ["07700 900123", "07700 900123"],
    ["07700900123", "07700 900123"],
    ["+44 7700 900123", "07700 900123"],
    ["+44 (0) 7700 900123", "07700 900123"],
    ["0044 7700-900-123", "07700 900123"],
    ["(07700) 900.123", "07700 900123"],
  ])("%s", (typed, stored) => expect(normaliseMobile(typed)).toBe(stored));

  test.each(["01604 123456", "0770090012", "077009001234", "+1 202 555 0100", "mobile", ""])("refuses %j", (typed) => expect(normaliseMobile(typed)).toBeUndefined());
});

describe("normaliseRegistration reads plates loosely", () => {
  test.each([
    ["ab12cde", "AB12 CDE"],
    ["AB12 CDE", "AB12 CDE"],
    [" a123  bcd ", "A123 BCD"],
    ["ABC 123D", "ABC 123D"],
    ["ABZ 1234", "ABZ 1234"],
    ["1 A", "1 A"],
  ])("%s", (typed, stored) => expect(normaliseRegistration(typed)).toBe(stored));

  test.each(["ABCDEFGH", "12345", "AB-12-CDE", "AB12 CDE XY", "A"])("refuses %j", (typed) => expect(normaliseRegistration(typed)).toBeUndefined());
});

describe("parseStaffRecordForm reports, for the input to fix", () => {
  const cases: [string, Record<string, unknown>, StaffFormInputId, RegExp][] = [
    ["a number that is not a UK mobile", { mobile: "01604 123456" }, "mobile", /UK mobile number/],
    ["a vehicle without its make", { vehicleMake: "" }, "vehicleMake", /Enter the make as well, or clear the vehicle details/],
    ["a vehicle without its colour", { vehicleColour: " " }, "vehicleColour", /the colour as well/],
    ["a vehicle without its registration", { registration: "" }, "registration", /the registration as well/],
    ["a registration that is not a plate", { registration: "NOT A PLATE" }, "registration", /as on the plate/],
    ["a model over 40 characters", { vehicleModel: "m".repeat(41) }, "vehicleModel", /40 characters/],
    ["an insurance expiry that is not a date", { insuranceExpiry: "31/03/2027" }, "insuranceExpiry", /real date/],
    ["a DBS date that does not exist", { dbsDate: "2024-02-30" }, "dbsDate", /real date/],
    ["a DBS date in the future", { dbsDate: "2026-11-21" }, "dbsDate", /cannot be in the future/],
    ["a barred-list date in the future", { barredListDate: "2027-01-01" }, "barredListDate", /cannot be in the future/],
    ["a barred-list check without the DBS date", { dbsDate: "" }, "dbsDate", /DBS check date as well/],
    ["a training line without a date", { training: "Lone working, 2025-09-01\nFirst aid" }, "training", /^Line 2 of the training: write the course, then the date/],
    ["a training line with an impossible date", { training: "First aid, 2025-13-01" }, "training", /Line 1 of the training: 2025-13-01 is not a real date/],
    ["a training date in the future", { training: "First aid, 2027-01-01" }, "training", /Line 1 of the training: the date cannot be in the future/],
    ["a course name over 100 characters", { training: `${"c".repeat(101)}, 2025-01-01` }, "training", /100 characters/],
    ["a course without a separator before its date", { training: "First aid2025-01-01" }, "training", /^Line 1 of the training: write the course/],
    ["a course name of one letter", { training: "A, 2025-01-01" }, "training", /^Line 1 of the training: write the course/],
    // A megabyte of separators once took minutes to read: the line is now read from its end.
    ["a line of a million commas", { training: `a${",".repeat(1_000_000)}x` }, "training", /^Line 1 of the training: write the course/],
    ["a line of a million spaces before its date", { training: `a${" ".repeat(1_000_000)}2025-01-01` }, "training", /^Line 1 of the training: write the course/],
  ];

  test.each(cases)("%s", (_name, change, id, message) => {
    const errors = errorsOf(change);
    expect(errors[id]).toMatch(message);
    expect(Object.keys(errors)).toEqual([id]);
  });

  test("every problem at once, and the values as typed", () => {
    const result = parseStaffRecordForm({ mobile: "12345", vehicleMake: "Ford", dbsDate: "2030-01-01", training: "nothing" }, TODAY);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(["dbsDate", "mobile", "registration", "training", "vehicleColour", "vehicleModel"]);
    expect(result.values).toMatchObject({ mobile: "12345", vehicleMake: "Ford", training: "nothing" });
  });
});

describe("parseStaffCsv", () => {
  const header = STAFF_CSV_HEADER.join(",");
  const alex = people.visitor.aadObjectId;
  const sam = people.secondVisitor.aadObjectId;
  const csv = (...rows: string[]) => [header, ...rows].join("\r\n");

  test("documents its header: matched by Entra object id, never by name or e-mail", () => {
    expect(header).toBe("aad_object_id,mobile,vehicle_make,vehicle_model,registration,colour,insurance_expiry,dbs_date,barred_list_date,training");
  });

  test("reads rows for people in the profile, normalised like the form", () => {
    const result = parseStaffCsv(
      csv(
        `${alex},+44 7700 900123,Ford,Fiesta,ab12cde,Blue,2027-03-31,2024-09-01,2024-09-02,Lone working 2025-09-01; Safeguarding level 1 2024-09-03`,
        `${sam.toUpperCase()},07700 900456,,,,,,,,`,
      ),
      policy,
      TODAY,
    );
    expect(result).toEqual({
      ok: true,
      rows: [
        {
          staffId: alex,
          record: goodRecord,
        },
        { staffId: sam, record: { mobile: "07700 900456" } },
      ],
    });
  });

  test("supports quoted fields: commas, doubled quotes and line breaks inside quotes, LF line ends, a BOM and a header in capitals", () => {
    const text = [
      `\uFEFF${header.toUpperCase()}`,
      `"${alex}","07700 900123","Vauxhall","Corsa ""SE""","AB12 CDE","Red, dark",,,,"First aid, 2023-05-05; Lone working 2025-09-01"`,
      `${sam},07700 900456,Ford,"Ka`,
      `Plus",AB13 CDE,Blue,,,,`,
    ].join("\n");
    const result = parseStaffCsv(text, policy, TODAY);
    expect(result).toMatchObject({
      ok: true,
      rows: [
        { staffId: alex, record: { vehicle: { model: 'Corsa "SE"', colour: "Red, dark" }, training: [{ name: "First aid", completedOn: "2023-05-05" }, { name: "Lone working" }] } },
        { staffId: sam, record: { vehicle: { model: "Ka\nPlus" } } },
      ],
    });
  });

  test("drops the apostrophe a spreadsheet puts before a leading +, and skips blank lines", () => {
    expect(parseStaffCsv(csv("", `${alex},'+447700900123,,,,,,,,`, ",,,,,,,,,"), policy)).toEqual({ ok: true, rows: [{ staffId: alex, record: { mobile: "07700 900123" } }] });
  });

  test("refuses rows for people not in the profile, with their line numbers, and imports nothing", () => {
    const result = parseStaffCsv(csv(`${alex},07700 900123,,,,,,,,`, `${people.outsider.aadObjectId},07700 900999,,,,,,,,`), policy, TODAY);
    expect(result).toEqual({ ok: false, errors: [`Line 3: ${people.outsider.aadObjectId} is not in the school's home-visit profile.`] });
  });

  test("refuses names or e-mails in place of the Entra object id", () => {
    const result = parseStaffCsv(csv("alex.rivers@example.org,07700 900123,,,,,,,,", "Alex Rivers,07700 900123,,,,,,,,"), policy);
    expect(result).toEqual({
      ok: false,
      errors: ["Line 2: aad_object_id must be the person's Entra object id (a GUID).", "Line 3: aad_object_id must be the person's Entra object id (a GUID)."],
    });
  });

  test("reports each field's problem with its line and column, counting lines inside quoted fields", () => {
    const result = parseStaffCsv(
      csv(`${alex},01604 123456,"Ford`, `Focus",,,,,,,`, `${sam},07700 900456,Ford,Ka,AB12 CDE,Blue,2027-01-01,2030-01-01,,First aid`),
      policy,
      TODAY,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      "Line 2: mobile: Enter a UK mobile number, e.g. 07700 900123 or +44 7700 900123.",
      "Line 2: vehicle_model: Enter the model as well, or clear the vehicle details.",
      "Line 2: registration: Enter the registration as well, or clear the vehicle details.",
      "Line 2: colour: Enter the colour as well, or clear the vehicle details.",
      "Line 4: dbs_date: The DBS check date cannot be in the future.",
      "Line 4: training: Course 1: write the course, then the date it was completed, e.g. Lone working 2025-09-01; Safeguarding 2024-09-03.",
    ]);
  });

  test("refuses the same person twice, a wrong number of columns, an unclosed quote, a wrong header and an empty file", () => {
    expect(parseStaffCsv(csv(`${alex},,,,,,,,,`, `${alex},,,,,,,,,`), policy)).toEqual({ ok: false, errors: [`Line 3: ${alex} appears again (first on line 2).`] });
    expect(parseStaffCsv(csv(`${alex},07700 900123`), policy)).toEqual({ ok: false, errors: ["Line 2: expected 10 columns, found 2."] });
    expect(parseStaffCsv(csv(`${alex},"07700 900123,,,,,,,,`), policy)).toEqual({ ok: false, errors: ["Line 2: a quoted field is not closed."] });
    const wrongHeader = parseStaffCsv("email,mobile\r\nalex@example.org,07700 900123", policy);
    expect(wrongHeader).toEqual({ ok: false, errors: [`Line 1: the first line must be the header ${header}`] });
    expect(parseStaffCsv(header, policy)).toEqual({ ok: false, errors: ["The CSV has no rows under the header."] });
    expect(parseStaffCsv("", policy)).toMatchObject({ ok: false, errors: [expect.stringMatching(/^Line 1: the first line must be the header/)] });
  });

  test("without today, does not compare check dates with it", () => {
    expect(parseStaffCsv(csv(`${alex},,,,,,,2030-01-01,,`), policy).ok).toBe(true);
  });
});
