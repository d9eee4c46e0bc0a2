import { cardProblems } from "./support/validate-card";

/** The checker the card tests rely on must itself catch what it claims to. */
const card = (extra: Record<string, unknown>) => ({
  type: "AdaptiveCard",
  $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
  version: "1.5",
  body: [{ type: "TextBlock", text: "Hello", wrap: true }],
  ...extra,
});
const execute = (extra: Record<string, unknown> = {}) => ({ type: "Action.Execute", title: "Go", verb: "visit.approve", data: { visitId: "v", version: 1 }, ...extra });

describe("validateCard", () => {
  test("a clean card with Action.Execute, a verb and refresh has no problems: adaptivecards 1.5 supports them", () => {
    const clean = card({
      refresh: { action: { type: "Action.Execute", verb: "visit.refresh", data: { visitId: "v" } }, userIds: ["29:a"] },
      actions: [execute()],
    });
    expect(cardProblems(clean)).toEqual([]);
  });

  test("reports the library's parse events: an unknown element type", () => {
    expect(cardProblems(card({ body: [{ type: "TextBlok", text: "x" }] })).join("\n")).toMatch(/Unknown element type "TextBlok"/);
  });

  test("reports the library's validation events: duplicate input ids", () => {
    const body = [
      { type: "Input.Text", id: "note", label: "Note" },
      { type: "Input.Text", id: "note", label: "Note again" },
    ];
    const problems = cardProblems(card({ body })).join("\n");
    expect(problems).toMatch(/Duplicate Id "note"/);
    expect(problems).toMatch(/duplicate input ids: note/);
  });

  test("catches a missing or unknown verb, which the library itself accepts", () => {
    expect(cardProblems(card({ actions: [execute({ verb: undefined })] })).join("\n")).toMatch(/verb undefined is not in verbs.ts/);
    expect(cardProblems(card({ actions: [execute({ verb: "visit.approv" })] })).join("\n")).toMatch(/"visit.approv" is not in verbs.ts/);
  });

  test("catches card data carrying anything but ids (visitId, version, step, kind, alertId)", () => {
    const problems = cardProblems(card({ actions: [execute({ data: { visitId: "v", name: "Jo Fenwick" } })] }));
    expect(problems.join("\n")).toMatch(/data carries "name"/);
  });

  test("accepts the other ids a card may carry (reason, index, action, staffId) and the new verbs, and still refuses text", () => {
    const ids = card({
      actions: [
        execute({ verb: "visit.callOff", data: { visitId: "v", reason: "animals" } }),
        execute({ verb: "agreement.action", data: { visitId: "v", index: 0, action: "met" } }),
        execute({ verb: "staff.save", data: { staffId: "00000000-0000-4000-8000-000000000001" } }),
      ],
    });
    expect(cardProblems(ids)).toEqual([]);
    expect(cardProblems(card({ actions: [execute({ verb: "visit.callOff", data: { visitId: "v", callOffNote: "typed" } })] })).join("\n")).toMatch(/data carries "callOffNote"/);
    expect(cardProblems(card({ actions: [execute({ verb: "staff.delete" })] })).join("\n")).toMatch(/"staff.delete" is not in verbs.ts/);
  });

  test("catches an input without a label", () => {
    expect(cardProblems(card({ body: [{ type: "Input.Text", id: "x" }] })).join("\n")).toMatch(/input x has no label/);
  });

  test("catches more than 60 refresh users", () => {
    const userIds = Array.from({ length: 61 }, (_, i) => `29:user-${i}`);
    const problems = cardProblems(card({ refresh: { action: { type: "Action.Execute", verb: "visit.refresh", data: { visitId: "v" } }, userIds } }));
    expect(problems.join("\n")).toMatch(/61 entries/);
  });

  test("catches a misspelt property the library silently ignores", () => {
    expect(cardProblems(card({ body: [{ type: "Input.Text", id: "x", label: "X", isMultiLine: true }] })).join("\n")).toMatch(/isMultiLine: not read/);
  });

  test("catches Action.Submit: cards use Universal Actions only", () => {
    expect(cardProblems(card({ actions: [{ type: "Action.Submit", title: "Go" }] })).join("\n")).toMatch(/Action.Submit is not allowed/);
  });

  test("looks inside Action.ShowCard cards too", () => {
    const showCard = { type: "Action.ShowCard", title: "More", card: { type: "AdaptiveCard", body: [{ type: "Input.Text", id: "r" }], actions: [execute({ verb: "x" })] } };
    const problems = cardProblems(card({ actions: [showCard] })).join("\n");
    expect(problems).toMatch(/input r has no label/);
    expect(problems).toMatch(/"x" is not in verbs.ts/);
  });

  test("catches a wrong version or a missing $schema", () => {
    expect(cardProblems(card({ version: "1.6", $schema: undefined }))).toEqual(expect.arrayContaining(["version is 1.6, not 1.5", "$schema is missing or wrong"]));
  });

  describe("Teams' msteams property, which adaptivecards 1.5 does not know", () => {
    const jo = { type: "mention", text: "<at>Jo Fenwick</at>", mentioned: { id: "29:jo", name: "Jo Fenwick" } };
    const mentioning = (msteams: unknown, line = "For <at>Jo Fenwick</at>") => card({ body: [{ type: "TextBlock", text: line, wrap: true }], msteams });

    test("is accepted at the top level with mention entities that match the card's <at> tags", () => {
      expect(cardProblems(mentioning({ entities: [jo] }))).toEqual([]);
    });

    test("is refused holding anything but mention entities, or an entity of another shape", () => {
      expect(cardProblems(mentioning({ entities: [jo], width: "Full" })).join("\n")).toMatch(/msteams.width: not expected/);
      expect(cardProblems(mentioning({ entities: [] })).join("\n")).toMatch(/msteams.entities: not a non-empty list/);
      expect(cardProblems(mentioning({ entities: [{ ...jo, type: "hashtag" }] })).join("\n")).toMatch(/type is hashtag, not mention/);
      expect(cardProblems(mentioning({ entities: [{ ...jo, mentioned: { name: "Jo Fenwick" } }] })).join("\n")).toMatch(/mentioned.id is missing/);
      expect(cardProblems(mentioning({ entities: [{ ...jo, text: "Jo Fenwick" }] })).join("\n")).toMatch(/text is not one <at>…<\/at> tag/);
      expect(cardProblems(mentioning({ entities: [{ ...jo, extra: 1 }] })).join("\n")).toMatch(/unexpected extra/);
    });

    test("catches an entity whose tag is in no TextBlock, and a tag with no entity", () => {
      expect(cardProblems(mentioning({ entities: [jo] }, "For Jo")).join("\n")).toMatch(/<at>Jo Fenwick<\/at> is in no TextBlock/);
      expect(cardProblems(mentioning({ entities: [jo] }, "For <at>Jo Fenwick</at> and <at>Priya Lane</at>")).join("\n")).toMatch(
        /<at>Priya Lane<\/at> has no mention entity/,
      );
      expect(cardProblems(card({ body: [{ type: "TextBlock", text: "For <at>Jo Fenwick</at>", wrap: true }] })).join("\n")).toMatch(/has no mention entity/);
    });

    test("is still a dropped property anywhere but the top level", () => {
      const nested = card({ body: [{ type: "TextBlock", text: "Hello", wrap: true, msteams: { entities: [jo] } }] });
      expect(cardProblems(nested).join("\n")).toMatch(/body\[0\]\.msteams: not read by adaptivecards 1.5/);
    });
  });
});
