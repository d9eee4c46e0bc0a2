import { durationFromInput, parseSettings, settingsValues } from "../../src/cards/policy-settings.data";
import { SETTINGS_GROUPS } from "../../src/policy/policy-words";
import { PolicyProfile } from "../../src/policy/policy.schema";
import { testPolicy } from "../support/policy-fixture";

const policy = testPolicy();

/** The group's change applied to the test policy, checked as a whole profile. */
function applied(group: (typeof SETTINGS_GROUPS)[number], inputs: Record<string, string>) {
  const parsed = parseSettings(group, { ...settingsValues(group, policy), ...inputs }, policy);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return { policy: PolicyProfile.parse(parsed.change(policy)), summary: parsed.summary };
}

describe("durations typed on a card", () => {
  it.each([
    ["15 min", "PT15M"],
    ["15", "PT15M"],
    ["2 h", "PT2H"],
    ["1 h 30 min", "PT1H30M"],
    ["2 hours", "PT2H"],
    ["90 seconds", "PT90S"],
    ["0 min", "PT0S"],
    ["PT10M", "PT10M"],
    ["pt5s", "PT5S"],
  ])("%s reads as %s", (typed, iso) => expect(durationFromInput(typed)).toBe(iso));

  it.each(["soon", "15 minutes please", "P1Y", "-5 min", ""])("%s is no duration", (typed) => expect(durationFromInput(typed)).toBeUndefined());
});

describe("policy settings from a card", () => {
  it("shows each group's current values and, saved unchanged, changes nothing", () => {
    for (const group of SETTINGS_GROUPS) {
      const parsed = parseSettings(group, settingsValues(group, policy), policy);
      if (group === "code-word") continue; // saving needs a new word typed twice
      expect(parsed).toMatchObject({ ok: true });
      if (parsed.ok) expect(parsed.change(policy)).toEqual(policy);
    }
  });

  it("sets the periodic check-in and turns the leaving-school check-in off, saying what changed", () => {
    const { policy: changed, summary } = applied("check-ins", { periodicEvery: "90 min", leavingSchool: "false" });
    expect(changed.checkIns).toEqual({ leavingSchool: false, arrival: true, leaving: true, periodicEvery: "PT90M" });
    expect(summary).toBe("Check-ins: Check in on leaving school: no (was yes); While out, check in every (blank: no periodic check-in): 90 min (was 2 hours).");
  });

  it("changes what staff do at the door, and asks for the wait limit when waiting", () => {
    expect(applied("door", { parentAbsentMode: "enquire-and-leave-card", enquireGuidance: "Post a card and phone the family.", lateLimit: "" }).policy).toMatchObject({
      parentAbsent: { mode: "enquire-and-leave-card", guidance: "Post a card and phone the family." },
      parentLate: null,
    });
    expect(parseSettings("door", { parentAbsentMode: "wait", waitLimit: "" }, policy)).toMatchObject({ ok: false, errors: { waitLimit: "Give a time, e.g. 15 min or 2 h." } });
  });

  it("rebuilds the ladder from its steps, in order, each with the people it alerts", () => {
    const { policy: changed } = applied("ladder", {
      grace: "5 min",
      step1After: "0",
      step1Targets: "visitor,office",
      step2After: "20 min",
      step2Targets: "headteacher,dsl-channel",
      step3After: "",
      step3Targets: "",
    });
    expect(changed.escalation.grace).toBe("PT5M");
    expect(changed.escalation.steps).toEqual([
      { after: "PT0M", targets: ["visitor", "office"] },
      { after: "PT20M", targets: ["headteacher", "dsl-channel"] },
    ]);
    const refused = parseSettings("ladder", { ...settingsValues("ladder", policy), step1After: "30 min", step2After: "10 min", step3Targets: "office", step3After: "" }, policy);
    expect(refused).toMatchObject({ ok: false, errors: { step2After: "Each step comes at or after the one before it.", step3After: "Give a time, e.g. 15 min or 2 h." } });
  });

  it("sets a new code word typed twice, and never writes the word into what changed", () => {
    const parsed = parseSettings("code-word", { codeWord: "Heron", codeWordAgain: "heron" }, policy);
    expect(parsed).toMatchObject({ ok: true, summary: "The code word was changed." });
    if (parsed.ok) expect(parsed.change(policy).codeWord).toEqual({ word: "Heron" });
    const mismatch = parseSettings("code-word", { codeWord: "heron", codeWordAgain: "herron" }, policy);
    expect(mismatch).toEqual({ ok: false, errors: { codeWordAgain: "Type the same word again." }, values: { codeWord: "", codeWordAgain: "", removeCodeWord: "" } });
    expect(JSON.stringify(mismatch)).not.toMatch(/heron/i);
    expect(parseSettings("code-word", { codeWord: "two words", codeWordAgain: "two words" }, policy)).toMatchObject({ ok: false });
    const removed = parseSettings("code-word", { removeCodeWord: "true" }, policy);
    expect(removed).toMatchObject({ ok: true, summary: "The code word was removed." });
  });

  it("keeps a purpose's id while its words stay, and gives a new purpose an id of its own", () => {
    const { policy: changed } = applied("purposes", { purposes: "Welfare check\nHome learning support\n" });
    expect(changed.purposes).toEqual([
      { id: "welfare", label: "Welfare check" },
      { id: "home-learning-support", label: "Home learning support" },
    ]);
    expect(parseSettings("purposes", { purposes: "  \n " }, policy)).toMatchObject({ ok: false, errors: { purposes: "List at least one purpose, one a line." } });
  });

  it("sets the school day, and refuses a day that ends before it starts", () => {
    expect(applied("school-day", { dayStart: "08:45", dayEnd: "15:30:00", responsibleContactRequired: "false" }).policy.outOfHours).toEqual({
      schoolDay: { start: "08:45", end: "15:30" },
      responsibleContactRequired: false,
    });
    expect(parseSettings("school-day", { dayStart: "16:00", dayEnd: "08:30" }, policy)).toMatchObject({ ok: false, errors: { dayEnd: "The school day ends after it starts." } });
  });

  it("changes who approves and the lone-working rules, naming roles in words in what changed", () => {
    const { policy: changed, summary } = applied("approval", { approverRoles: "headteacher,dsl", defaultStaff: "1", twoStaffWhenEntering: "recommended" });
    expect(changed.authorisation.approverRoles).toEqual(["headteacher", "dsl"]);
    expect(changed.loneWorking).toMatchObject({ defaultStaff: 1, twoStaffWhenEntering: "recommended" });
    expect(summary).toContain("Who approves a visit: the headteacher, the DSL (was the headteacher)");
    expect(parseSettings("approval", { ...settingsValues("approval", policy), approverRoles: "" }, policy)).toMatchObject({ ok: false, errors: { approverRoles: "Choose at least one role." } });
  });
});
