/** What the two processes of the visit-handling benchmark say to each other, and what it times. */

export const OPERATIONS = {
  request: { label: "visit request (submitRequest)" },
  approve: { label: "approval (approve)" },
  cardSame: { label: "check-in, card, same instance", checkIn: "card" },
  cardCold: { label: "check-in, card, cold instance", checkIn: "card" },
  cardStale: { label: "check-in, card, stale instance", checkIn: "card" },
  typedSame: { label: "check-in, typed, same instance", checkIn: "typed" },
  typedCold: { label: "check-in, typed, cold instance", checkIn: "typed" },
  typedStale: { label: "check-in, typed, stale instance", checkIn: "typed" },
  echoInvoke: { label: "echo: card invoke" },
  echoStored: { label: "echo: card invoke, stored first" },
  echoMessage: { label: "echo: message" },
} as const satisfies Record<string, { label: string; checkIn?: "card" | "typed" }>;
export type Operation = keyof typeof OPERATIONS;

/** The echo bot's verb for a card invoke it answers only after storing one check-in's worth of rows (the floor). */
export const STORED_ECHO = "echo-stored";

/** Whether a step is a check-in, and which kind: what its like-for-like echo is. */
export function checkInKind(op: Operation): "card" | "typed" | undefined {
  const spec: { label: string; checkIn?: "card" | "typed" } = OPERATIONS[op];
  return spec.checkIn;
}

/** From the bot's process to the client's. */
export type ServerMessage =
  | { type: "start"; a: string; b: string; echo: string; iterations: number; warmup: number }
  /** The storage requests are being counted (after "begin") or were counted (after "end"). */
  | { type: "ack" };

/** From the client's process to the bot's. */
export type ClientMessage =
  | { type: "begin" }
  | { type: "end"; op: Operation; ms: number; connector: number }
  | { type: "done"; seconds: number }
  | { type: "failed"; error: string };
