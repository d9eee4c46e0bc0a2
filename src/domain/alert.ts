/**
 * Safety alerts on a visit: a missed check-in (overdue), a call for help (button, text or the silent code
 * word), a child found alone, a safeguarding concern. They overlay the visit's status until someone who may
 * respond resolves them; a late check-in resolves an overdue alert by itself.
 */
import type { PolicyProfile, Role } from "../policy/policy.schema";
import type { DeadlineKind } from "./deadlines";
import type { Actor } from "./visit";

export type AlertKind = "overdue" | "help" | "child-alone" | "concern";

export type AlertResolution = "checked-in" | "contacted-safe" | "dealt-with";

export interface Alert {
  /** "A1", "A2"…: unique within the visit. */
  id: string;
  kind: AlertKind;
  raisedAt: string;
  /** Absent for an overdue alert, which the sweeper raises. */
  raisedBy?: Actor;
  /** Raised by the code word: nothing in the visitor's own chat may show it. */
  silent?: boolean;
  /** The missed check-in behind an overdue alert. */
  deadline?: { kind: DeadlineKind; due: string };
  /** What the visitor wrote with a concern; shown only to the DSL and deputies. */
  note?: string;
  /** Ladder steps already sent, by index into the policy's escalation steps (overdue only). */
  stepsSent: number[];
  /** The visitor said a visible call for help was a false alarm; it stays open until someone who has spoken to them closes it. */
  falseAlarm?: { by: Actor; at: string };
  acknowledged?: { by: Actor; at: string };
  resolved?: { by: Actor; at: string; how: AlertResolution; note?: string };
}

export const isOpen = (alert: Alert): boolean => alert.resolved === undefined;

/** The actor recorded for what the sweeper does on its own. */
export const SYSTEM: Actor = { id: "system", name: "Home Visits (automatic)" };

/**
 * Who may acknowledge and resolve an alert. Concerns and a child found alone are safeguarding matters for
 * the DSL and deputies (R19, R23); a missed check-in or a call for help is for whoever answers for staff
 * safety: the office, the head, SLT and the DSLs (R18, R20).
 */
export function responderRoles(kind: AlertKind): Role[] {
  return kind === "concern" || kind === "child-alone" ? ["dsl", "deputy-dsl"] : ["office", "headteacher", "slt", "dsl", "deputy-dsl"];
}

/** Entra object ids of the people who may act on an alert of this kind. */
export function respondersOf(kind: AlertKind, policy: PolicyProfile): string[] {
  const roles = responderRoles(kind);
  return policy.people.filter((p) => p.roles.some((role) => roles.includes(role))).map((p) => p.aadObjectId);
}
