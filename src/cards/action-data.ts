import { z } from "zod";
import { CHECK_IN_STEPS } from "../domain/visit";

/**
 * The data an Action.Execute carries besides the inputs. Teams merges the card's input values into the same
 * object, so these schemas are not strict: inputs are parsed separately (request-form.data.ts), or here when a
 * card has a single free-text input (a note).
 */
const VisitRef = z.object({ visitId: z.string().uuid() });
const SeenVersion = z.coerce.number().int().positive();
const Versioned = VisitRef.extend({ version: SeenVersion });
/** "A1", "A2"…: an alert's id within its visit. */
const AlertId = z.string().regex(/^A\d+$/);
const Note = z.string().max(1000);

export const OpenFormData = z.object({ visitId: z.string().uuid().optional() });
/** When amending, the form also carries the version the visitor saw, so a stale form can be refused. */
export const SubmitRequestData = z.object({
  visitId: z.string().uuid().optional(),
  version: SeenVersion.optional(),
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

export type DecisionData = z.infer<typeof DecisionData>;
export type CheckInData = z.infer<typeof CheckInData>;
export type CancelData = z.infer<typeof CancelData>;
export type HelpData = z.infer<typeof HelpData>;
export type ConcernData = z.infer<typeof ConcernData>;
export type AlertActionData = z.infer<typeof AlertActionData>;
export type AlertRefreshData = z.infer<typeof AlertRefreshData>;
