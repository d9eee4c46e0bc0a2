import type { StaffMember } from "../../src/app/ports";
import type { CardElement } from "../../src/cards/card-parts";
import { STAFF_FORM_INPUT_IDS } from "../../src/cards/staff-record.data";
import { staffRecordCard } from "../../src/cards/staff-record.card";
import type { StaffRecordView } from "../../src/cards/staff-record.card";
import { Verbs } from "../../src/cards/verbs";
import { people, testPolicy } from "../support/policy-fixture";
import { executeActions, inputs, validateCard, visibleText } from "./support/validate-card";

/** R06: the school admin's staff-record card. Fictional people and numbers only. */
const policy = testPolicy((p) => void (p.staffPrerequisites = { required: ["mobile", "vehicle", "dbs", "training"], blocking: ["dbs"] }));
const alex: StaffMember = {
  aadObjectId: people.visitor.aadObjectId,
  name: "Alex Rivers",
  teamsUserId: "29:alex",
  lastSeenAt: "2026-11-20T08:00:00.000Z",
  mobile: "07700 900123",
  vehicle: { make: "Ford", model: "Fiesta", registration: "AB12 CDE", colour: "Blue", insuranceExpiry: "2027-03-31" },
  training: [{ name: "Lone working", completedOn: "2025-09-01" }],
};
const view = (change: Partial<StaffRecordView> = {}): StaffRecordView => ({ policy, members: [alex], today: "2026-11-20", ...change });
const card = (change: Partial<StaffRecordView> = {}) => {
  const built = staffRecordCard(view(change));
  validateCard(built);
  return built;
};
type Action = { type: string; title: string; verb?: string; data?: unknown; card?: { body: CardElement[]; actions: Action[] } };
const input = (built: { body: CardElement[] }, id: string) => built.body.find((e) => e.id === id) as Record<string, unknown> | undefined;
const importFoldOut = (built: { actions?: unknown[] }) => (built.actions as Action[]).find((a) => a.title === "Import from CSV")!;

describe("staffRecordCard with nobody chosen", () => {
  const built = card();

  test("says what the policy needs on file and what blocks approval", () => {
    const words = visibleText(built);
    expect(words).toContain(
      "Test Primary School needs on file before a visit is approved: mobile number, vehicle make, model, registration and colour, enhanced DBS and barred-list checks and home-visit or lone-working training.",
    );
    expect(words).toContain("Missing enhanced DBS and barred-list checks blocks approval.");
  });

  test("offers everyone in the profile, by name, with how much is missing, and an Open button carrying no id", () => {
    const picker = input(built, "openStaffId")!;
    expect(picker).toMatchObject({ type: "Input.ChoiceSet", label: "Member of staff" });
    expect(picker).not.toHaveProperty("value");
    expect(picker.choices).toEqual([
      { title: "Alex Rivers (1 missing)", value: people.visitor.aadObjectId },
      { title: "Chris Dale (4 missing)", value: people.office.aadObjectId },
      { title: "Jo Fenwick (4 missing)", value: people.head.aadObjectId },
      { title: "Priya Lane (4 missing)", value: people.dsl.aadObjectId },
      { title: "Sam Moss (4 missing)", value: people.secondVisitor.aadObjectId },
    ]);
    const open = executeActions(built).find((a) => a.verb === Verbs.openStaff);
    expect(open).toMatchObject({ title: "Open", data: {} });
  });

  test("has no record inputs and no Save, only the import", () => {
    expect(inputs(built).map((i) => i.id)).toEqual(["openStaffId", "staffCsv"]);
    expect((built.actions as Action[]).map((a) => a.title)).toEqual(["Import from CSV"]);
  });
});

describe("staffRecordCard for one person", () => {
  const built = card({ selectedId: people.visitor.aadObjectId });

  test("shows their stored record in the inputs, and the picker on them", () => {
    expect(input(built, "openStaffId")!.value).toBe(people.visitor.aadObjectId);
    expect(inputs(built).map((i) => i.id)).toEqual(["openStaffId", ...STAFF_FORM_INPUT_IDS, "confirmErase", "staffCsv"]);
    expect(input(built, "mobile")).toMatchObject({ type: "Input.Text", value: "07700 900123" });
    expect(input(built, "registration")!.value).toBe("AB12 CDE");
    expect(input(built, "insuranceExpiry")).toMatchObject({ type: "Input.Date", value: "2027-03-31" });
    expect(input(built, "dbsDate")).toMatchObject({ type: "Input.Date", max: "2026-11-20" });
    expect(input(built, "dbsDate")).not.toHaveProperty("value");
    expect(input(built, "training")).toMatchObject({ isMultiline: true, value: "Lone working, 2025-09-01" });
  });

  test("shows what is missing for them under this policy, blocking gaps in the attention colour", () => {
    const words = visibleText(built);
    expect(words).toContain("Alex Rivers");
    expect(words).toContain("Missing under this policy:\n- No enhanced DBS check on file: blocks approval");
    const blocking = built.body.find((e) => typeof e.text === "string" && e.text.startsWith("- No enhanced DBS"));
    expect(blocking?.color).toBe("attention");
  });

  test("says when nothing is missing", () => {
    const complete: StaffMember = { ...alex, dbs: { checkedOn: "2024-09-01", barredListCheckedOn: "2024-09-02" } };
    expect(visibleText(card({ members: [complete], selectedId: alex.aadObjectId }))).toContain("Nothing missing under this policy.");
  });

  test("an expired insurance is a gap only where the policy asks for insurance, and only with today's date", () => {
    const insurance = testPolicy((p) => void (p.staffPrerequisites = { required: ["insurance"], blocking: [] }));
    const expired: StaffMember = { ...alex, vehicle: { ...alex.vehicle!, insuranceExpiry: "2026-01-31" } };
    expect(visibleText(card({ policy: insurance, members: [expired], selectedId: alex.aadObjectId }))).toContain("- Car insurance expired on 2026-01-31");
    expect(visibleText(card({ policy: insurance, members: [expired], selectedId: alex.aadObjectId, today: undefined }))).toContain("Nothing missing");
  });

  test("Save carries their Entra object id only, the picker has its own id so it cannot redirect a save", () => {
    expect((built.actions as Action[])[0]).toMatchObject({ type: "Action.Execute", title: "Save record", verb: Verbs.saveStaff, data: { staffId: people.visitor.aadObjectId } });
    expect(inputs(built).map((i) => i.id)).not.toContain("staffId");
  });

  test("someone in the profile the bot has not met yet: an empty record and a note", () => {
    const sam = card({ selectedId: people.secondVisitor.aadObjectId.toUpperCase() });
    expect(visibleText(sam)).toContain("Not seen in Teams yet");
    expect(input(sam, "mobile")).not.toHaveProperty("value");
    expect((sam.actions as Action[])[0]!.data).toEqual({ schoolId: "test-school", staffId: people.secondVisitor.aadObjectId });
  });

  test("someone not in the profile: no form, and says so", () => {
    const unknown = card({ selectedId: people.outsider.aadObjectId });
    expect(visibleText(unknown)).toContain("That person is not in the school's home-visit profile.");
    expect(inputs(unknown).map((i) => i.id)).toEqual(["openStaffId", "staffCsv"]);
  });

  test("shows what was typed and each error under its input", () => {
    const again = card({ selectedId: alex.aadObjectId, values: { mobile: "01604 123456" }, errors: { mobile: "Enter a UK mobile number.", form: "Not saved." } });
    expect(input(again, "mobile")!.value).toBe("01604 123456");
    expect(input(again, "vehicleMake")!.value).toBe("Ford");
    const at = again.body.findIndex((e) => e.id === "mobile");
    expect(again.body[at + 1]).toMatchObject({ text: "Enter a UK mobile number.", color: "attention" });
    expect(visibleText(again)).toContain("Not saved.");
  });
});

describe("staffRecordCard export and erasure", () => {
  const robin: StaffMember = { aadObjectId: "00000000-0000-4000-8000-00000000c0de", name: "Robin Former", teamsUserId: "", lastSeenAt: "2020-01-15T08:00:00.000Z", mobile: "07700 900999" };
  const foldOut = (built: { actions?: unknown[] }, title: string) => (built.actions as Action[]).find((a) => a.title === title);

  test("for a chosen person: Export says where the file is, Erase asks for the typed confirmation and says what it does", () => {
    const built = card({ selectedId: people.visitor.aadObjectId });
    expect((built.actions as Action[]).map((a) => a.title)).toEqual(["Save record", "Export", "Erase (has left)", "Import from CSV"]);
    expect(visibleText(foldOut(built, "Export")!.card)).toContain("open the Home Visits tab in Teams, choose Staff, then Export next to Alex Rivers");
    const erase = foldOut(built, "Erase (has left)")!.card!;
    expect(visibleText(erase)).toContain("This removes Alex Rivers's staff record and its history, who Teams says they are, their chat with the bot and their roles.");
    expect(visibleText(erase)).toContain("“Former member of staff #3f2a” takes their place");
    expect(inputs(erase)).toEqual([expect.objectContaining({ id: "confirmErase", label: "Type ERASE to confirm", isRequired: true })]);
    expect(erase.actions).toEqual([expect.objectContaining({ verb: Verbs.eraseStaff, style: "destructive", data: { schoolId: "test-school", staffId: people.visitor.aadObjectId } })]);
  });

  test("shows why an erasure was refused in its fold-out", () => {
    const erase = foldOut(card({ selectedId: people.visitor.aadObjectId, eraseError: "Nothing was erased: fictional reason." }), "Erase (has left)")!.card!;
    expect(visibleText(erase)).toContain("Nothing was erased: fictional reason.");
  });

  test("offers someone with a record and no role (who has left), with Export and Erase but no record form", () => {
    const picker = input(card({ members: [alex, robin] }), "openStaffId")!;
    expect((picker.choices as { title: string }[]).at(-1)).toEqual({ title: "Robin Former (no role)", value: robin.aadObjectId });
    const built = card({ members: [alex, robin], selectedId: robin.aadObjectId });
    expect(visibleText(built)).toContain("Holds no role at the school. Their record is kept until 6 years after they were last seen in Teams or it last changed, unless they are erased sooner.");
    expect(inputs(built).map((i) => i.id)).toEqual(["openStaffId", "confirmErase", "staffCsv"]);
    expect((built.actions as Action[]).map((a) => a.title)).toEqual(["Export", "Erase (has left)", "Import from CSV"]);
  });
});

describe("staffRecordCard import from CSV", () => {
  test("documents the header, and submits staff.import with the school's id alone", () => {
    const foldOut = importFoldOut(card());
    expect(foldOut.type).toBe("Action.ShowCard");
    expect(JSON.stringify(foldOut.card)).toContain("aad_object_id,mobile,vehicle_make,vehicle_model,registration,colour,insurance_expiry,dbs_date,barred_list_date,training");
    expect(visibleText(foldOut.card)).toContain("names and e-mails are not enough");
    expect(inputs(foldOut.card)).toEqual([expect.objectContaining({ id: "staffCsv", isMultiline: true, isRequired: true, maxLength: 20000 })]);
    expect(foldOut.card!.actions).toEqual([expect.objectContaining({ verb: Verbs.importStaff, data: { schoolId: "test-school" } })]);
  });

  test("shows the problems of a refused import and the CSV as pasted", () => {
    const foldOut = importFoldOut(card({ importErrors: ["Line 3: fictional problem."], csv: "aad_object_id,mobile" }));
    expect(visibleText(foldOut.card)).toContain("Nothing was imported:\n- Line 3: fictional problem.");
    expect(inputs(foldOut.card)[0]!.value).toBe("aad_object_id,mobile");
  });
});
