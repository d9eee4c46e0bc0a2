import { fromJsonColumns, toJsonColumns } from "../../src/storage/json-columns";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("JSON columns", () => {
  it("keeps short JSON in one column", () => {
    expect(toJsonColumns({ a: 1 })).toEqual({ json: '{"a":1}' });
  });

  it("spreads long JSON over columns of at most 32K code units and joins it back", () => {
    const value = { text: "x".repeat(70_000) };
    const columns = toJsonColumns(value);
    expect(Object.keys(columns)).toEqual(["json", "json1", "json2"]);
    for (const part of Object.values(columns)) expect(part.length).toBeLessThanOrEqual(32_768);
    expect(fromJsonColumns(columns)).toEqual(value);
  });

  it("never splits an emoji between two columns", () => {
    // '{"text":"' is 9 code units, so the emoji's first half would be the 30,000th.
    const value = { text: `${"x".repeat(30_000 - 9 - 1)}😀${"y".repeat(10)}` };
    const columns = toJsonColumns(value);
    for (const part of Object.values(columns)) expect(part).not.toMatch(LONE_SURROGATE);
    expect(fromJsonColumns(columns)).toEqual(value);
  });
});
