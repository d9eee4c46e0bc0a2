import type { CheckInStep } from "../domain/visit";

/** What a free-text message in the 1:1 chat asks for. */
export type TextCommand = { kind: "new-visit" } | { kind: "check-in"; step: CheckInStep } | { kind: "status" } | { kind: "unknown" };

const PHRASES: [string[], TextCommand][] = [
  [["new visit", "new", "request", "request a visit", "book a visit"], { kind: "new-visit" }],
  [["leaving school", "leaving", "on my way", "setting off", "left school"], { kind: "check-in", step: "left-school" }],
  [["arrived", "here", "arrived outside", "i am here", "im here"], { kind: "check-in", step: "arrived" }],
  [["parent present", "parent here", "parents here", "parent is here"], { kind: "check-in", step: "parent-present" }],
  [["parent not here", "no answer", "nobody home", "no one home", "not in"], { kind: "check-in", step: "parent-absent" }],
  [["parent arrived", "parent has arrived"], { kind: "check-in", step: "parent-arrived" }],
  [["safe", "im safe", "i am safe", "all ok", "all good"], { kind: "check-in", step: "safe" }],
  [["left", "left safely", "done", "finished", "left the address"], { kind: "check-in", step: "left" }],
  [["status", "my visit", "visit", "card"], { kind: "status" }],
];

/** Lower case, no punctuation, single spaces: "I'm safe!" and "im safe" read the same. */
export function normaliseText(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, " ")
    .replace(/[^\p{L}\p{N}\s]/gu, "")
    .replace(/\s+/g, " ")
    .trim();
}

export function parseTextCommand(text: string): TextCommand {
  const said = normaliseText(text);
  for (const [phrases, command] of PHRASES) if (phrases.includes(said)) return command;
  return { kind: "unknown" };
}
