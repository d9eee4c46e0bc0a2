import type { StaffMember } from "../app/ports";
import { describePeriod } from "../domain/retention-period";
import type { Prerequisite } from "../domain/staff-prerequisites";
import { formerStaff, prerequisiteGaps } from "../domain/staff-prerequisites";
import type { PolicyProfile } from "../policy/policy.schema";
import { STAFF_CSV_MAX } from "./action-data";
import type { AdaptiveCard, Banner, CardAction, CardElement } from "./card-parts";
import { actionSet, adaptiveCard, banner, bullets, capitalise, heading, inputWithError, joinWords, sameId, showCard, execute, text } from "./card-parts";
import type { StaffFormErrors, StaffFormInputId, StaffFormValues } from "./staff-record.data";
import { STAFF_CSV_HEADER, STAFF_LIMITS, staffFormValues } from "./staff-record.data";
import { Verbs } from "./verbs";

export interface StaffRecordView {
  policy: PolicyProfile;
  /** The staff the directory knows (StaffService.members), with their records. */
  members: readonly StaffMember[];
  /** Entra object id of the person whose record is open; none: only the picker and the import. */
  selectedId?: string;
  /** What was typed before an error (parseStaffRecordForm's values); else the stored record is shown. */
  values?: Partial<StaffFormValues>;
  /** One message per input id, in red under that input; `form` is a general problem shown at the top. */
  errors?: StaffFormErrors & { form?: string };
  /** A banner at the top: the result of the last action, or why it was refused. */
  message?: Banner;
  /** London date, to tell an expired insurance from a current one; without it expiry dates are not compared. */
  today?: string;
  /** parseStaffCsv's errors, shown in the import fold-out with the CSV as it was pasted. */
  importErrors?: readonly string[];
  csv?: string;
  /** Why the last erasure was refused, shown in the erase fold-out. */
  eraseError?: string;
}

/** What the admin types to confirm an erasure: a tap alone must never erase anyone. */
export const ERASE_CONFIRMATION = "ERASE";

const PREREQUISITE_WORDS: Record<Prerequisite, string> = {
  mobile: "mobile number",
  vehicle: "vehicle make, model, registration and colour",
  insurance: "business car insurance",
  dbs: "enhanced DBS and barred-list checks",
  training: "home-visit or lone-working training",
};

/**
 * R06: the school admin keeps each member of staff's record for home visits: choose a person from the
 * school's profile, see what is missing under this policy, and change their mobile, vehicle, insurance, DBS and
 * barred-list checks and training; or import many at once from CSV. Only for the admin's 1:1 chat.
 */
export function staffRecordCard(view: StaffRecordView): AdaptiveCard {
  const { policy, selectedId } = view;
  const errors = view.errors ?? {};
  const required = policy.staffPrerequisites.required;
  const blocking = policy.staffPrerequisites.blocking;
  const person = selectedId ? policy.people.find((p) => sameId(p.aadObjectId, selectedId)) : undefined;
  const memberOf = (id: string) => view.members.find((m) => sameId(m.aadObjectId, id));
  const withoutRole = formerStaff(policy, view.members);
  const former = selectedId && !person ? withoutRole.find((m) => sameId(m.aadObjectId, selectedId)) : undefined;

  const body: (CardElement | undefined)[] = [
    banner(view.message),
    heading("Staff records for home visits"),
    text(
      required.length > 0
        ? `${policy.school.name} needs on file before a visit is approved: ${joinWords(required.map((r) => PREREQUISITE_WORDS[r]), "and")}.`
        : `${policy.school.name}'s policy asks for nothing on file before a visit.`,
      { spacing: "none", isSubtle: true },
    ),
    blocking.length > 0
      ? text(`Missing ${joinWords(blocking.map((r) => PREREQUISITE_WORDS[r]), "or")} blocks approval.`, { spacing: "none", isSubtle: true })
      : undefined,
    errors.form ? text(errors.form, { color: "attention", weight: "bolder" }) : undefined,
    {
      type: "Input.ChoiceSet",
      id: "openStaffId",
      label: "Member of staff",
      placeholder: "Choose a person",
      choices: [
        ...[...policy.people]
          .sort((a, b) => a.displayName.localeCompare(b.displayName))
          .map((p) => {
            const gaps = view.today ? prerequisiteGaps(p.aadObjectId, memberOf(p.aadObjectId), policy, view.today).length : 0;
            return { title: gaps > 0 ? `${p.displayName} (${gaps} missing)` : p.displayName, value: p.aadObjectId };
          }),
        ...withoutRole.sort((a, b) => a.name.localeCompare(b.name)).map((m) => ({ title: `${m.name || "Not seen in Teams"} (no role)`, value: m.aadObjectId })),
      ],
      ...(person ? { value: person.aadObjectId } : former ? { value: former.aadObjectId } : {}),
    },
    actionSet([execute(person || former ? "Open another" : "Open", Verbs.openStaff, { schoolId: view.policy.school.id })]),
  ];
  if (selectedId && !person && !former) body.push(text("That person is not in the school's home-visit profile.", { color: "attention" }));

  const actions: CardAction[] = [];
  if (former) {
    body.push(
      text(former.name || "Not seen in Teams", { weight: "bolder", size: "medium", spacing: "medium" }),
      text(
        `Holds no role at the school. Their record is kept until ${describePeriod(policy.retention.staffRecords)} after they were last seen in Teams or it last changed, unless they are erased sooner.`,
        { isSubtle: true },
      ),
    );
  }
  if (person) {
    const member = memberOf(person.aadObjectId);
    const gaps = prerequisiteGaps(person.aadObjectId, member, policy, view.today ?? "");
    body.push(
      text(person.displayName, { weight: "bolder", size: "medium", spacing: "medium" }),
      member ? undefined : text("Not seen in Teams yet: they get visit cards once they open the Home Visits app.", { isSubtle: true, size: "small", spacing: "none" }),
      gaps.length === 0
        ? text("Nothing missing under this policy.", { color: "good", weight: "bolder" })
        : text("Missing under this policy:", { weight: "bolder" }),
      bullets(gaps.filter((g) => g.blocking).map((g) => `${capitalise(g.problem)}: blocks approval`), { color: "attention", spacing: "none" }),
      bullets(gaps.filter((g) => !g.blocking).map((g) => capitalise(g.problem)), { spacing: "none" }),
    );
    const values = { ...staffFormValues(member), ...(view.values ?? {}) };
    const field = (input: CardElement & { id: StaffFormInputId; label: string }) => body.push(...inputWithError(input, values[input.id], errors[input.id]));
    field({ type: "Input.Text", id: "mobile", label: "Mobile number", placeholder: "e.g. 07700 900123", style: "tel", maxLength: 20 });
    body.push(text("Vehicle", { weight: "bolder", spacing: "medium" }));
    field({ type: "Input.Text", id: "vehicleMake", label: "Make", maxLength: STAFF_LIMITS.vehicleText });
    field({ type: "Input.Text", id: "vehicleModel", label: "Model", maxLength: STAFF_LIMITS.vehicleText });
    field({ type: "Input.Text", id: "registration", label: "Registration", placeholder: "e.g. AB12 CDE", maxLength: 10 });
    field({ type: "Input.Text", id: "vehicleColour", label: "Colour", maxLength: STAFF_LIMITS.vehicleText });
    field({ type: "Input.Date", id: "insuranceExpiry", label: "Business car insurance expires on" });
    body.push(text("Checks and training", { weight: "bolder", spacing: "medium" }));
    field({ type: "Input.Date", id: "dbsDate", label: "Enhanced DBS check date", ...(view.today ? { max: view.today } : {}) });
    field({ type: "Input.Date", id: "barredListDate", label: "Barred-list check date", ...(view.today ? { max: view.today } : {}) });
    field({
      type: "Input.Text",
      id: "training",
      label: "Training: one course a line, as “Course name, YYYY-MM-DD”",
      placeholder: "Lone working, 2025-09-01",
      isMultiline: true,
      maxLength: 3000,
    });
    actions.push(execute("Save record", Verbs.saveStaff, { schoolId: view.policy.school.id, staffId: person.aadObjectId }, { style: "positive" }));
  }
  const chosen = person ? { id: person.aadObjectId, name: person.displayName } : former ? { id: former.aadObjectId, name: former.name || "them" } : undefined;
  if (chosen) actions.push(exportData(view, chosen.name), erase(view, chosen));

  actions.push(importFromCsv(view));
  return adaptiveCard({ body, actions });
}

/** Where to get everything held about them: a file from the tab (a bot cannot hand a file over in a chat). */
function exportData(view: StaffRecordView, name: string): CardAction {
  return showCard("Export", [
    text(`Everything held about ${name} at ${view.policy.school.name}, as a JSON file: their staff record and its history, who Teams says they are, their chat with the bot, their roles and every visit they appear on, with its audit trail.`),
    text(`To download it, open the Home Visits tab in Teams, choose Staff, then Export next to ${name}. Only the school admin can.`, { weight: "bolder" }),
  ]);
}

/** Erasure of someone who has left, behind a typed confirmation. */
function erase(view: StaffRecordView, person: { id: string; name: string }): CardAction {
  return showCard(
    "Erase (has left)",
    [
      text(`For someone who has left the school. This removes ${person.name}'s staff record and its history, who Teams says they are, their chat with the bot and their roles.`),
      text(
        "On the school's visit records and audit trail, a pseudonym such as “Former member of staff #3f2a” takes their place, so the safeguarding record keeps every step. Notes people wrote in their own words stay as written. This cannot be undone.",
        { weight: "bolder" },
      ),
      view.eraseError ? text(view.eraseError, { color: "attention", weight: "bolder" }) : undefined,
      {
        type: "Input.Text",
        id: "confirmErase",
        label: `Type ${ERASE_CONFIRMATION} to confirm`,
        isRequired: true,
        errorMessage: `Type ${ERASE_CONFIRMATION} to confirm.`,
        maxLength: 20,
      },
    ],
    [execute(`Erase ${person.name}`, Verbs.eraseStaff, { schoolId: view.policy.school.id, staffId: person.id }, { style: "destructive" })],
  );
}

/** Many records at once: the documented header, any problems by line, and the CSV as pasted. */
function importFromCsv(view: StaffRecordView): CardAction {
  const problems = view.importErrors ?? [];
  return showCard(
    "Import from CSV",
    [
      text("One row per person, under this header:", { spacing: "none" }),
      {
        type: "RichTextBlock",
        inlines: [{ type: "TextRun", text: STAFF_CSV_HEADER.join(","), fontType: "monospace" }],
      },
      text(
        "aad_object_id is the person's Entra object id, as in the school's profile (names and e-mails are not enough). Dates as YYYY-MM-DD. Training as “Course 2025-09-01; Other 2024-01-10”. Put a field in double quotes if it has a comma.",
        { isSubtle: true, size: "small" },
      ),
      problems.length > 0 ? text("Nothing was imported:", { color: "attention", weight: "bolder" }) : undefined,
      bullets(problems, { color: "attention", size: "small", spacing: "none" }),
      {
        type: "Input.Text",
        id: "staffCsv",
        label: "CSV, with the header line",
        isMultiline: true,
        isRequired: true,
        errorMessage: "Paste the CSV, starting with the header line.",
        maxLength: STAFF_CSV_MAX,
        ...(view.csv ? { value: view.csv } : {}),
      },
    ],
    [execute("Import", Verbs.importStaff, { schoolId: view.policy.school.id }, { style: "positive" })],
  );
}
