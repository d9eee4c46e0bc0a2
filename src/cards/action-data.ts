import { z } from "zod";
import { CHECK_IN_STEPS } from "../domain/visit";

/**
 * The data an Action.Execute carries besides the inputs. Teams merges the card's input values into the same
 * object, so these schemas are not strict: inputs are parsed separately (request-form.data.ts).
 */
const VisitRef = z.object({ visitId: z.string().uuid() });
const Versioned = VisitRef.extend({ version: z.coerce.number().int().positive() });

export const OpenFormData = z.object({ visitId: z.string().uuid().optional() });
/** When amending, the form also carries the version the visitor saw, so a stale form can be refused. */
export const SubmitRequestData = z.object({
  visitId: z.string().uuid().optional(),
  version: z.coerce.number().int().positive().optional(),
});
export const DecisionData = Versioned.extend({ decisionNote: z.string().max(500).optional() });
export const CheckInData = Versioned.extend({ step: z.enum(CHECK_IN_STEPS) });
export const CancelData = Versioned.extend({ cancelReason: z.string().max(500).optional() });
export const RefreshData = VisitRef;

export type DecisionData = z.infer<typeof DecisionData>;
export type CheckInData = z.infer<typeof CheckInData>;
