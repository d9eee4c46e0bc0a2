import { DEFAULT_PUPIL_REFERENCE, looksLikeName, pupilPatternProblem, pupilReferenceMatcher } from "../../src/policy/pupil-reference";
import { testPolicy } from "../support/policy-fixture";

describe("the default pupil reference", () => {
  const matches = pupilReferenceMatcher(DEFAULT_PUPIL_REFERENCE.pattern);

  it.each(["JS Y4", "J.S. Y4", "K.T. Y5", "JST Y10", "J.S.T. Y13", "AB R", "AB N"])("accepts initials and the year group: %j", (reference) => {
    expect(matches(reference)).toBe(true);
  });

  it.each(["Kai Thomas Y5", "EMMA STONE Y5", "Kai Y5", "kai thomas y5", "J.S.", "J Y4", "JSTW Y4", "J.S. Y14", "J.S.Y4", "J.S. Year 4", " J.S. Y4", "J.S. Y4 and more"])(
    "refuses %j",
    (reference) => expect(matches(reference)).toBe(false),
  );

  it("is a pattern a school could set itself", () => {
    expect(pupilPatternProblem(DEFAULT_PUPIL_REFERENCE.pattern)).toBeUndefined();
  });
});

describe("a school's own pattern", () => {
  it.each([
    ["a pupil number from the school's MIS", "P-\\d{4}"],
    ["a number with initials", "[A-Z]{2}\\d{3}"],
    ["initials and year, lower case allowed", "[A-Za-z]\\.?[A-Za-z]\\.? Y\\d{1,2}"],
    ["a bounded repeat of a group", "(?:[A-Z]\\.){2,3} Y\\d"],
  ])("is accepted when it cannot carry a name: %s", (_what, pattern) => {
    expect(pupilPatternProblem(pattern)).toBeUndefined();
  });

  it.each([
    ["words of letters with spaces between them", "[A-Za-z ]+", /accepts what could be a name/],
    ["a first name and surname with the year", "[A-Z][a-z]+ [A-Z][a-z]+ Y\\d{1,2}", /accepts what could be a name \("Wi Kin Y5"\): a pupil reference must not be able to carry one/],
    ["names in capitals", "[A-Z]+ [A-Z]+ Y\\d", /accepts what could be a name/],
    ["a first name and the year", "\\p{L}+ Y\\d", /accepts what could be a name/],
    ["anything at all", ".*", /accepts what could be a name/],
    ["an anchor escaped to accept anything", "x)|(?:.*", /accepts what could be a name/],
    ["a repeat of a repeat", "(?:[A-Z]+\\.)+ Y\\d", /repeats a group that repeats/],
    ["a repeat of an alternation", "(?:A|B)* Y\\d", /repeats a group that repeats/],
    ["a repeat of a nested repeat", "(?:(?:[A-Z]\\.?)+)* Y\\d", /repeats a group that repeats/],
    ["no regular expression", "[A-Z", /is not a regular expression/],
  ])("is refused: %s", (_what, pattern, problem) => {
    expect(pupilPatternProblem(pattern)).toMatch(problem);
  });

  it("is checked where the policy is: a profile with a pattern that accepts names does not load", () => {
    expect(() => testPolicy((input) => void (input.pupilReference = { pattern: "[A-Za-z ]+ Y\\d", description: "anything" }))).toThrow(/pupilReference\.pattern: accepts what could be a name/);
  });

  it("defaults when the profile has no pupilReference section, so existing profiles still load", () => {
    expect(testPolicy().pupilReference).toEqual(DEFAULT_PUPIL_REFERENCE);
  });
});

describe("looksLikeName", () => {
  it.each(["Kai Thomas Y5", "EMMA STONE Y5", "Kai", "kai y5", "Jo Li"])("takes %j for a name", (text) => expect(looksLikeName(text)).toBe(true));
  it.each(["J.S. Y4", "JS Y4", "JST", "J.S.Y4", "P-1042"])("takes %j for initials or a code", (text) => expect(looksLikeName(text)).toBe(false));
});
