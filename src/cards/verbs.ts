/**
 * Every Action.Execute verb the bot understands. Routed on the whole verb, never on a prefix.
 * Card data carries only the verb, the visit id, the version the viewer saw and (for a check-in) the step;
 * who may act and what the record says come from the server's copy of the visit.
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
} as const;

export type Verb = (typeof Verbs)[keyof typeof Verbs];

export const ALL_VERBS: readonly string[] = Object.values(Verbs);

export function isVerb(value: unknown): value is Verb {
  return typeof value === "string" && ALL_VERBS.includes(value);
}
