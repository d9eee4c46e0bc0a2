import type { CheckInStep } from "../domain/visit";
import { MESSAGE_TEXT_MAX } from "./activity-schema";

/** What a free-text message in the 1:1 chat asks for. */
export type TextCommand =
  | { kind: "new-visit" }
  | { kind: "check-in"; step: CheckInStep }
  /** "help": what you can do, by role; while out on a visit it raises the alarm. */
  | { kind: "help" }
  /** "sos", "I need help", "emergency": the alarm, always. */
  | { kind: "alarm" }
  | { kind: "false-alarm" }
  | { kind: "status" }
  | { kind: "pending" }
  | { kind: "record" }
  | { kind: "staff" }
  | { kind: "today" }
  | { kind: "review" | "records"; from?: string; to?: string }
  | { kind: "settings" }
  | { kind: "unknown" };

const PHRASES: [string[], TextCommand][] = [
  [["new visit", "new", "request", "request a visit", "book a visit"], { kind: "new-visit" }],
  [["leaving school", "leaving", "on my way", "setting off", "left school"], { kind: "check-in", step: "left-school" }],
  [["arrived", "here", "arrived outside", "i am here", "im here"], { kind: "check-in", step: "arrived" }],
  [["parent present", "parent here", "parents here", "parent is here"], { kind: "check-in", step: "parent-present" }],
  [["parent not here", "no answer", "nobody home", "no one home", "not in"], { kind: "check-in", step: "parent-absent" }],
  [["parent arrived", "parent has arrived"], { kind: "check-in", step: "parent-arrived" }],
  // "All fine here" while out is the periodic "I'm safe" check-in: it is what someone says to mean it (README).
  [["safe", "im safe", "i am safe", "all ok", "all good", "all fine", "all fine here", "im fine", "i am fine"], { kind: "check-in", step: "safe" }],
  [["left", "left safely", "done", "finished", "left the address"], { kind: "check-in", step: "left" }],
  [["help", "commands", "what can i do"], { kind: "help" }],
  [["sos", "i need help", "need help", "help me", "emergency"], { kind: "alarm" }],
  [["false alarm", "it was a false alarm", "false alarm im safe", "false alarm i am safe"], { kind: "false-alarm" }],
  [["pending", "approvals", "to approve", "waiting for me"], { kind: "pending" }],
  [["status", "my visit", "visit", "card"], { kind: "status" }],
  [["record", "record visit", "record the visit", "outcome"], { kind: "record" }],
  [["staff", "staff records"], { kind: "staff" }],
  [["today", "dashboard", "todays visits", "who is out"], { kind: "today" }],
  [["settings", "setup", "set up", "roles", "alert channel"], { kind: "settings" }],
];

/**
 * Lower case, no markup, no punctuation, single spaces: "I'm safe!" and "<p>im safe</p>" read the same. Every step
 * is linear in the text, and only Teams' message limit of it is read (the edge refuses longer text), so no
 * message can hold the event loop.
 */
function normaliseText(text: string): string {
  return withoutTags(text.slice(0, MESSAGE_TEXT_MAX).toLowerCase())
    .replace(/[^\p{L}\p{N}\s]/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Each "<…>" (Teams' HTML and @-mention tags) as a space, by a scan rather than /<[^>]*>/g: that regex looks for a
 * ">" from every "<" to the end of the text when none follows, quadratic time (28,672 "<" held the event loop
 * for over half a second). Once no ">" follows a "<", none follows a later one either: the rest stays as it is.
 */
function withoutTags(text: string): string {
  let kept = "";
  let from = 0;
  for (let open = text.indexOf("<"); open !== -1; open = text.indexOf("<", from)) {
    const close = text.indexOf(">", open + 1);
    if (close === -1) break;
    kept += `${text.slice(from, open)} `;
    from = close + 1;
  }
  return kept + text.slice(from);
}

export function parseTextCommand(text: string): TextCommand {
  const said = normaliseText(text);
  // "review 2025-09-01 2026-08-31" (and "records …") reads "review 20250901 20260831" once normalised.
  const period = /^(review|records)(?: (\d{8}) (\d{8}))?$/.exec(said);
  if (period) {
    const kind = period[1] as "review" | "records";
    const date = (digits: string) => `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6)}`;
    return period[2] && period[3] ? { kind, from: date(period[2]), to: date(period[3]) } : { kind };
  }
  for (const [phrases, command] of PHRASES) if (phrases.includes(said)) return command;
  return { kind: "unknown" };
}

/**
 * Finds the school's code word inside a message, whatever the case and punctuation, as whole words, and
 * returns the message without it: "Arrived, Bluebell!" reads as "arrived" plus a silent alarm.
 */
export function withoutCodeWord(text: string, codeWord: string | undefined): { said: string; codeWordUsed: boolean } {
  const said = normaliseText(text);
  const word = codeWord ? normaliseText(codeWord) : "";
  if (word === "") return { said, codeWordUsed: false };
  // Normalised text holds only letters, digits and single spaces, so the word needs no escaping, and the
  // pattern is a literal after a space: the word is compared once per position, linear in the message.
  const pattern = new RegExp(`(^| )${word}(?= |$)`, "gu");
  const rest = said.replace(pattern, " ").replace(/\s+/g, " ").trim();
  return { said: rest, codeWordUsed: rest !== said };
}

/** withoutCodeWord for each of several schools' code words: any one of them raises the alarm. */
export function withoutCodeWords(text: string, codeWords: readonly (string | undefined)[]): { said: string; codeWordUsed: boolean } {
  let found = { said: withoutCodeWord(text, undefined).said, codeWordUsed: false };
  for (const word of codeWords) {
    const next = withoutCodeWord(found.said, word);
    found = { said: next.said, codeWordUsed: found.codeWordUsed || next.codeWordUsed };
  }
  return found;
}
