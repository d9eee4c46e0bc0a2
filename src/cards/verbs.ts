/**
 * Every Action.Execute verb the bot understands. Routed on the whole verb, never on a prefix.
 * Card data carries only ids: the verb, the visit id, (for a decision or an amended request) the version the viewer
 * saw, (for a check-in) the step, (for a concern) its kind, and (for an alert) the alert id. Who may act and what
 * the record says come from the server's copy of the visit.
 */
export const Verbs = {
  openForm: "visit.openForm",
  submitRequest: "visit.submitRequest",
  approve: "visit.approve",
  decline: "visit.decline",
  requestChanges: "visit.requestChanges",
  checkIn: "visit.checkIn",
  cancel: "visit.cancel",
  refresh: "visit.refresh",
  /** "I need help" (R18). */
  help: "visit.help",
  /** A child found alone (R19) or a safeguarding concern (R23), by `kind`. */
  concern: "visit.concern",
  /** "I'm on it", by a responder. */
  acknowledgeAlert: "alert.acknowledge",
  /** "Contacted – safe" / "Dealt with", with a note, by a responder. */
  resolveAlert: "alert.resolve",
  /** The user-specific view of an alert card (alert card for responders, "Are you safe?" for the visitor). */
  refreshAlert: "alert.refresh",
} as const;

export type Verb = (typeof Verbs)[keyof typeof Verbs];

export const ALL_VERBS: readonly string[] = Object.values(Verbs);

export function isVerb(value: unknown): value is Verb {
  return typeof value === "string" && ALL_VERBS.includes(value);
}
