/**
 * docs/DATA-PROTECTION.md against the code: every table the code creates (TABLE_NAMES in src/storage/tables.ts, and
 * the visits table of each month) is described in the document's "What is held" and kept by the retention job
 * (HOW_EACH_TABLE_IS_KEPT), nothing else is described as a table, and every retention setting is in "How long" with its
 * default. Add a table and this fails until the document and the job say what it holds and for how long.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { HOW_EACH_TABLE_IS_KEPT } from "../../src/app/retention.service";
import { DEFAULT_PUPIL_REFERENCE } from "../../src/policy/pupil-reference";
import { RETENTION_DEFAULTS } from "../../src/policy/retention";
import { MONTHLY_TABLE_FAMILIES, TABLE_NAMES } from "../../src/storage/tables";

const root = path.resolve(__dirname, "../..");
const doc = readFileSync(path.join(root, "docs/DATA-PROTECTION.md"), "utf8");

/** The first cells of the markdown table under a "## " heading, without their backticks. */
function firstCells(heading: string): string[] {
  const section = doc.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  if (!section) throw new Error(`docs/DATA-PROTECTION.md has no section "## ${heading}"`);
  return section
    .split("\n")
    .filter((line) => /^\| `[^`]+` \|/.test(line))
    .map((line) => /^\| `([^`]+)` \|/.exec(line)![1]!);
}

/** Every table the code creates, by its name without the deployment's prefix; a month's table as visits<yyyymm>. */
const codeTables = [...Object.values(TABLE_NAMES), ...Object.values(MONTHLY_TABLE_FAMILIES).map((family) => `${family}<yyyymm>`)].sort();

describe("docs/DATA-PROTECTION.md and the retention job cover every table the code creates", () => {
  it("describes each table in \"What is held\", and no table the code does not create", () => {
    expect(firstCells("What is held").sort()).toEqual(codeTables);
  });

  it("says how the retention job keeps each table, and names no other", () => {
    expect(Object.keys(HOW_EACH_TABLE_IS_KEPT).sort()).toEqual(codeTables);
  });

  it("creates tables in two places only: the fixed ones at start (tables.ts) and a month's on its first write (monthly-tables.ts)", () => {
    const storage = path.join(root, "src/storage");
    const creating = readdirSync(storage).filter((file) => /\bcreateTable\(/.test(readFileSync(path.join(storage, file), "utf8")));
    expect(creating.sort()).toEqual(["monthly-tables.ts", "tables.ts"]);
  });

  it("lists every retention setting in \"How long\" with its default", () => {
    const rows = doc.split("\n").filter((line) => /^\| `[a-zA-Z]+` \| `P/.test(line));
    const documented = Object.fromEntries(rows.map((line) => /^\| `([a-zA-Z]+)` \| `([^`]+)` \|/.exec(line)!.slice(1, 3) as [string, string]));
    expect(documented).toEqual(RETENTION_DEFAULTS);
  });
});

describe("docs/POLICY.md", () => {
  it("shows the default pupil reference form as the schema has it", () => {
    expect(readFileSync(path.join(root, "docs/POLICY.md"), "utf8")).toContain(`"pattern": ${JSON.stringify(DEFAULT_PUPIL_REFERENCE.pattern)}`);
  });
});
