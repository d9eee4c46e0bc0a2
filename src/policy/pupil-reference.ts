import { z } from "zod";

/**
 * How a school writes a pupil reference on a visit: a form that cannot carry a name (R21 records the pupil, but the
 * bot's cards travel through phones, channels and logs; the name lives in the school's own record system). The
 * form is a regular expression the whole reference must match, with words that say it to staff.
 */
export const DEFAULT_PUPIL_REFERENCE = {
  /** Two or three capital initials, each with or without a dot, a space, and the year group: Y1 to Y13, R or N. */
  pattern: "[A-Z]\\.?[A-Z]\\.?(?:[A-Z]\\.?)? (?:Y(?:[1-9]|1[0-3])|R|N)",
  description: "initials and year group, e.g. J.S. Y4 or JS Y4",
} as const;

/** Letters of fictional names, cut to every length, to build what a name looks like written every way. */
const NAME_LETTERS = ["Wilhelmina", "Kingsbridge"];
const YEAR_GROUPS = ["", " Y5", " Y10", " Year 5", " R"];

const cases = (word: string) => [word, word.toUpperCase(), word.toLowerCase()];
const cuts = (letters: string, from: number) => Array.from({ length: letters.length - from + 1 }, (_, i) => letters.slice(0, from + i));

/**
 * References a school's pattern must refuse: a first name, and two words of letters (a first name and a surname),
 * each in capitals, small letters or both, with and without a year group. A capitalised or small word has three
 * letters or more, a capital one four, so initials such as "JS" or "JST" are not taken for a name.
 */
const NAME_PROBES: readonly string[] = (() => {
  const [first, second] = NAME_LETTERS as [string, string];
  const firstNames = [...cuts(first, 3).flatMap((w) => [w, w.toLowerCase()]), ...cuts(first, 4).map((w) => w.toUpperCase())];
  const fullNames = cuts(first, 2).flatMap((a) => cuts(second, 3).flatMap((b) => cases(`${a} ${b}`)));
  return [...firstNames, ...fullNames].flatMap((name) => YEAR_GROUPS.map((year) => `${name}${year}`));
})();

/**
 * Whether the pattern puts an unbounded repeat (`*`, `+`, `{n,}`) on a group that itself repeats or alternates: the
 * shape that makes a regular expression backtrack for ages on a short input, which would hold the bot up.
 */
function repeatsARepeat(pattern: string): boolean {
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      inClass = char !== "]";
      continue;
    }
    if (char === "[") inClass = true;
    else if (char === "(") {
      groups.push(false);
      // "(?:", "(?=", "(?<=", "(?<name>": the group's own syntax, not a repeat.
      const syntax = /^\(\?(?:<[=!]|<[^>]*>|.)/.exec(pattern.slice(i));
      if (syntax) i += syntax[0].length - 1;
    } else if (char === ")") {
      const repeats = groups.pop() ?? false;
      if (repeats && /^(?:[*+]|\{\d+,\})/.test(pattern.slice(i + 1))) return true;
      if (groups.length > 0 && repeats) groups[groups.length - 1] = true;
    } else if (/[*+?{|]/.test(char) && groups.length > 0) groups[groups.length - 1] = true;
  }
  return false;
}

/** The whole reference must match: the pattern is anchored here, so a school cannot forget to. */
export function pupilReferenceMatcher(pattern: string): (reference: string) => boolean {
  const regex = new RegExp(`^(?:${pattern})$`, "u");
  return (reference) => regex.test(reference);
}

/** Why a school's pattern cannot be used, or undefined when it can. */
export function pupilPatternProblem(pattern: string): string | undefined {
  let matches: (reference: string) => boolean;
  try {
    matches = pupilReferenceMatcher(pattern);
  } catch {
    return "is not a regular expression";
  }
  if (repeatsARepeat(pattern)) return "repeats a group that repeats (such as (a+)+): write it without the nested repeat";
  const name = NAME_PROBES.find(matches);
  return name === undefined ? undefined : `accepts what could be a name ("${name}"): a pupil reference must not be able to carry one`;
}

/** Whether what someone typed has words of letters in it, as a name would, rather than initials. */
export function looksLikeName(reference: string): boolean {
  return /\p{Ll}{2}/u.test(reference) || /\p{Lu}{4}/u.test(reference) || /\p{L}{2,}\s+\p{L}{2,}/u.test(reference);
}

export const PupilReferenceFormat = z
  .object({
    pattern: z
      .string()
      .min(1)
      .max(200, "must be at most 200 characters")
      .superRefine((pattern, ctx) => {
        const problem = pupilPatternProblem(pattern);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    /** What staff are told to write, after "use": "initials and year group, e.g. J.S. Y4". */
    description: z.string().min(5).max(120),
  })
  .default(DEFAULT_PUPIL_REFERENCE);
export type PupilReferenceFormat = z.infer<typeof PupilReferenceFormat>;
