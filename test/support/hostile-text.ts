import { MESSAGE_TEXT_MAX } from "../../src/teams/activity-schema";

/**
 * Messages as long as Teams allows, each shaped to be slow for a careless parser: tag regexes that retry from
 * every "<", whitespace runs, marks and surrogates that Unicode-aware steps handle one by one, near misses of the
 * code word "bluebell".
 */
export const HOSTILE_TEXTS: Readonly<Record<string, string>> = {
  "unclosed tags": "<".repeat(MESSAGE_TEXT_MAX),
  "tags that open tags": "<a".repeat(MESSAGE_TEXT_MAX / 2),
  "empty tags": "<>".repeat(MESSAGE_TEXT_MAX / 2),
  "one tag never closed": `<${"a".repeat(MESSAGE_TEXT_MAX - 1)}`,
  "closers only": ">".repeat(MESSAGE_TEXT_MAX),
  whitespace: " \t\n\u00a0\u2003\u3000\ufeff\u200b".repeat(MESSAGE_TEXT_MAX / 8),
  "combining marks": `a${"\u0301".repeat(MESSAGE_TEXT_MAX - 1)}`,
  "lone surrogates": "\ud800".repeat(MESSAGE_TEXT_MAX),
  "code word near misses": "bluebel ".repeat(MESSAGE_TEXT_MAX / 8),
};
