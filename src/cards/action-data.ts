import { z } from "zod";
import { AGREEMENT_ACTIONS } from "../domain/record";
import { CALL_OFF_REASONS, CHECK_IN_STEPS } from "../domain/visit";
import { isPlausibleVisitId } from "../domain/visit-id";
import { ROLES } from "../policy/policy.schema";
import { SETTINGS_GROUPS } from "../policy/policy-words";
import { GUID } from "../domain/guid";

/**
 * The data an Action.Execute carries besides the inputs. Teams merges the card's input values into the same
 * object, so these schemas are not strict: inputs are parsed separately (request-form.data.ts), or here when a
 * card has a single free-text input (a note).
 */
/**
 * A visit id the server could have made (visit-id.ts): card data with anything else, forged or from another product,
 * is refused here, before any use case or storage sees it.
 */
const VisitId = z.string().refine((id) => isPlausibleVisitId(id, new Date()), "not a visit id");
const VisitRef = z.object({ visitId: VisitId });
/** A school's id: lower-case letters, digits and dashes (policy.schema.ts). */
export const SchoolId = z.string().regex(/^[a-z0-9-]{1,60}$/);
const SeenVersion = z.coerce.number().int().positive();
const Versioned = VisitRef.extend({ version: SeenVersion });
/** "A1", "A2"…: an alert's id within its visit. */
const AlertId = z.string().regex(/^A\d+$/);
const Note = z.string().max(1000);

/** A new request's form for a school (staff of two schools choose), or the form to change a visit. */
export const OpenFormData = z.object({ visitId: VisitId.optional(), schoolId: SchoolId.optional() });
/** A new request names its school; when amending, the form carries the version the visitor saw, so a stale form can be refused. */
export const SubmitRequestData = z.object({
  visitId: VisitId.optional(),
  version: SeenVersion.optional(),
  schoolId: SchoolId.optional(),
});
export const DecisionData = Versioned.extend({ decisionNote: z.string().max(500).optional() });
/**
 * Check-in buttons carry no version: the server checks the step against the current status, and a visit's
 * version moves when a silent alarm is raised, which must change nothing on the visitor's card. Cards sent
 * before this change still carry one; it is accepted and ignored.
 */
export const CheckInData = VisitRef.extend({ step: z.enum(CHECK_IN_STEPS), version: SeenVersion.optional() });
/**
 * The visitor's card no longer carries a version anywhere (see CheckInData), so its Cancel button sends none;
 * the domain refuses a cancellation once the visit is under way. Older cards still send one.
 */
export const CancelData = VisitRef.extend({ version: SeenVersion.optional(), cancelReason: z.string().max(500).optional() });
export const RefreshData = VisitRef;

/** "I need help" (R18). */
export const HelpData = VisitRef;
/** A child found alone (R19, note optional) or a safeguarding concern (R23, note required by the card and the domain). */
export const ConcernData = VisitRef.extend({ kind: z.enum(["child-alone", "concern"]), concernNote: Note.optional() });
/** "I'm on it" and "Contacted – safe" / "Dealt with" (the latter with the input `resolveNote`). */
export const AlertActionData = VisitRef.extend({ alertId: AlertId, resolveNote: Note.optional() });
/** The refresh of an alert card or an "Are you safe?" card. */
export const AlertRefreshData = VisitRef.extend({ alertId: AlertId });
/** "False alarm: I'm safe" on the visitor's card names the call for help it is about, as a refresh does. */
export const FalseAlarmData = AlertRefreshData;

/**
 * Called off at the door (R11–R14): the reason is the button's; animals and feeling unsafe need the note
 * `callOffNote` (the card requires it, and so does the domain: the head receives it as a written report).
 */
export const CallOffData = VisitRef.extend({ reason: z.enum(CALL_OFF_REASONS), callOffNote: Note.optional() });
/** "Record the visit": opens the record form (R21). */
export const OpenRecordData = VisitRef;
/** The record form's submit: its inputs are parsed by parseRecordForm (record-form.data.ts). */
export const RecordData = VisitRef;
/** An incident or a physical intervention (R24): the kind is the button's, the note (`incidentNote`) the card requires. */
export const IncidentData = VisitRef.extend({ kind: z.enum(["incident", "physical-intervention"]), incidentNote: Note.optional() });
/** Which agreement of the visit's record, from 0. */
const AgreementIndex = z.coerce.number().int().min(0);
/** A step on a broken agreement (R22), with the optional note `agreementNote`. */
export const AgreementActionData = VisitRef.extend({ index: AgreementIndex, action: z.enum(AGREEMENT_ACTIONS), agreementNote: z.string().max(500).optional() });
/** The refresh of an agreement card. */
export const AgreementRefreshData = VisitRef.extend({ index: AgreementIndex });

/** An Entra object id, as the policy writes it (lower case). */
const StaffIdPattern = z.string().regex(GUID);
const StaffId = StaffIdPattern.transform((id) => id.toLowerCase());
/**
 * Opens the staff-record card (R06) for one person: `staffId` from a button, or the picker input `openStaffId`
 * (its own id, so that a changed picker can never redirect a Save). Neither: the card with nobody chosen.
 */
export const OpenStaffData = z
  .object({
    schoolId: SchoolId,
    staffId: StaffId.optional(),
    openStaffId: z.preprocess((value) => (value === "" ? undefined : value), StaffId.optional()),
  })
  .transform(({ schoolId, staffId, openStaffId }) => {
    const chosen = staffId ?? openStaffId;
    return chosen ? { schoolId, staffId: chosen } : { schoolId };
  });
/** Saves the record of the person the card was opened for; its inputs are parsed by parseStaffRecordForm. */
export const SaveStaffData = z.object({ schoolId: SchoolId, staffId: StaffId });
/** Imports staff records from the CSV pasted into `staffCsv` (parsed by parseStaffCsv). */
export const STAFF_CSV_MAX = 20000;
export const ImportStaffData = z.object({ schoolId: SchoolId, staffCsv: z.string().max(STAFF_CSV_MAX).optional() });
/** Erases the member of staff the card was opened for, with what the admin typed to confirm it (`confirmErase`). */
export const EraseStaffData = z.object({ schoolId: SchoolId, staffId: StaffId, confirmErase: z.string().max(100).default("") });

/** Cards about a school rather than a visit: its settings, roles, alert channel and policy file. */
export const SchoolData = z.object({ schoolId: SchoolId });
/** Sets a school up in the team the card is in. */
export const CreateSchoolData = z.object({
  schoolName: z.string().max(200).default(""),
  templateId: z.string().max(60).default(""),
  creatorRole: z.enum(["headteacher", "admin"]).default("admin"),
});
/** The roles card: the role to change, from a button (`role`) or the picker input `editRole`. */
export const SchoolRolesData = SchoolData.extend({ role: z.enum(ROLES).optional(), editRole: z.enum(ROLES).optional() });
/** Saves who holds `role`: the multi-select input `holders`, Entra object ids joined by commas. */
export const SaveRoleData = SchoolData.extend({
  role: z.enum(ROLES),
  holders: z
    .string()
    .max(40_000)
    .default("")
    .transform((value) => value.split(",").map((id) => id.trim()).filter(Boolean))
    .pipe(z.array(StaffIdPattern).max(500)),
});
/** Pins the alert channel to the picker input `channelId` (empty until one is chosen). */
export const SaveAlertChannelData = SchoolData.extend({ channelId: z.string().max(200).default("") });
/** One group of policy settings: from a button (`group`) or the picker input `settingsGroup`. */
export const PolicySettingsData = SchoolData.extend({ group: z.enum(SETTINGS_GROUPS).optional(), settingsGroup: z.enum(SETTINGS_GROUPS).optional() });
/** Saves one group of policy settings; its inputs are parsed by parseSettings (policy-settings.data.ts). */
export const SavePolicyData = SchoolData.extend({ group: z.enum(SETTINGS_GROUPS) });
/** Taking a school off the deployment: the input `confirmName` must be the school's name. */
export const RemoveSchoolData = SchoolData.extend({ confirmName: z.string().max(200).default("") });
export const POLICY_FILE_MAX = 60_000;
export const ImportPolicyData = SchoolData.extend({ profileJson: z.string().max(POLICY_FILE_MAX).default("") });

export type DecisionData = z.infer<typeof DecisionData>;
export type CheckInData = z.infer<typeof CheckInData>;
export type CancelData = z.infer<typeof CancelData>;
export type HelpData = z.infer<typeof HelpData>;
export type ConcernData = z.infer<typeof ConcernData>;
export type AlertActionData = z.infer<typeof AlertActionData>;
export type AlertRefreshData = z.infer<typeof AlertRefreshData>;
export type CallOffData = z.infer<typeof CallOffData>;
export type OpenRecordData = z.infer<typeof OpenRecordData>;
export type RecordData = z.infer<typeof RecordData>;
export type IncidentData = z.infer<typeof IncidentData>;
export type AgreementActionData = z.infer<typeof AgreementActionData>;
export type AgreementRefreshData = z.infer<typeof AgreementRefreshData>;
export type OpenStaffData = z.infer<typeof OpenStaffData>;
export type SaveStaffData = z.infer<typeof SaveStaffData>;
export type ImportStaffData = z.infer<typeof ImportStaffData>;
export type EraseStaffData = z.infer<typeof EraseStaffData>;
