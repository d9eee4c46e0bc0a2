/**
 * R14, R21: the visit record's plain-text summary and its CSV export, for a visit that went ahead and for one
 * called off at the door. Fictional data only.
 */
import { RECORD_CSV_HEADER, recordsCsv, recordSummary, type VisitRecord } from "../../src/domain/record";
import type { CallOffReason, Visit } from "../../src/domain/visit";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { actor, testPolicy } from "../support/policy-fixture";
import { apply, NOW, visitIn } from "./visit.builders";

const policy = testPolicy(); // feelingUnsafe.recordOnCpoms: true; parents absent: wait 15 minutes
const offCpoms = testPolicy((p) => void (p.feelingUnsafe.recordOnCpoms = false));
const CALLED_OFF: Omit<VisitRecord, "recordedBy" | "recordedAt"> = { outcome: "called-off", summary: "Called off at the door.", agreements: [] };
const HOUR = 60 * 60_000;

/** A visit called off at the door for `reason` (with `note`, if any), left and recorded, under `school`. */
function calledOff(reason: CallOffReason, note: string | undefined, school: PolicyProfile = policy): Visit {
  const atTheDoor = visitIn(reason === "parent-absent" ? "waiting-for-parent" : "arrived", school);
  // An hour on, any wait for an absent parent has run out.
  return apply(
    atTheDoor,
    school,
    [
      [{ type: "callOff", reason, ...(note !== undefined ? { note } : {}) }, actor("visitor")],
      [{ type: "checkIn", step: "left" }, actor("visitor")],
      [{ type: "recordOutcome", record: CALLED_OFF }, actor("visitor")],
    ],
    new Date(NOW.getTime() + HOUR),
  ).visit;
}

const lines = (visit: Visit, school: PolicyProfile = policy) => recordSummary(visit, school).split("\n");
const reportLines = (visit: Visit, school: PolicyProfile = policy) => lines(visit, school).filter((line) => line.startsWith("Report:"));

describe("recordSummary: a call-off's written report on the record (R14)", () => {
  it("puts the visitor's report right after the outcome for a visit called off as unsafe, where the policy records it on CPOMS", () => {
    const summary = lines(calledOff("unsafe", "Shouting inside; we did not knock."));
    const at = summary.indexOf("Outcome: Called off at the door (unsafe)");
    expect(at).toBeGreaterThan(0);
    expect(summary.slice(at, at + 3)).toEqual(["Outcome: Called off at the door (unsafe)", "Report: Shouting inside; we did not knock.", "Summary: Called off at the door."]);
  });

  it("leaves an unsafe call-off's report off the record where the policy does not put it on CPOMS", () => {
    const visit = calledOff("unsafe", "Shouting inside; we did not knock.", offCpoms);
    expect(lines(visit, offCpoms)).toContain("Outcome: Called off at the door (unsafe)");
    expect(reportLines(visit, offCpoms)).toEqual([]);
    expect(recordSummary(visit, offCpoms)).not.toContain("Shouting inside");
  });

  it("keeps the report of a call-off for any other reason, whatever the CPOMS setting", () => {
    for (const school of [policy, offCpoms]) {
      expect(reportLines(calledOff("animals", "Two dogs loose in the garden.", school), school)).toEqual(["Report: Two dogs loose in the garden."]);
    }
  });

  it("has no Report line for a call-off without a note, nor for a visit that went ahead", () => {
    const absent = calledOff("parent-absent", undefined);
    expect(lines(absent)).toContain("Outcome: Called off at the door (parent absent)");
    expect(reportLines(absent)).toEqual([]);
    expect(reportLines(visitIn("recorded", policy))).toEqual([]);
  });
});

describe("recordsCsv: the called_off_reason column (R21)", () => {
  /** The CSV's rows as cells, on a reading that honours RFC 4180 quotes. */
  function table(csv: string): Record<string, string>[] {
    const rows: string[][] = [];
    let row: string[] = [];
    let cell = "";
    let quoted = false;
    for (let i = 0; i < csv.length; i++) {
      const c = csv[i]!;
      if (quoted && c === '"' && csv[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = !quoted;
      } else if (!quoted && c === ",") {
        row.push(cell);
        cell = "";
      } else if (!quoted && c === "\r" && csv[i + 1] === "\n") {
        row.push(cell);
        rows.push(row);
        row = [];
        cell = "";
        i++;
      } else {
        cell += c;
      }
    }
    const [header, ...body] = rows;
    return body.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i]!])));
  }

  it("comes right after the outcome in the header", () => {
    expect(RECORD_CSV_HEADER.slice(RECORD_CSV_HEADER.indexOf("outcome"), RECORD_CSV_HEADER.indexOf("outcome") + 3)).toEqual(["outcome", "called_off_reason", "summary"]);
    expect(recordsCsv([], policy)).toBe(`${RECORD_CSV_HEADER.join(",")}\r\n`);
  });

  it("is empty for a visit that went ahead, and names the reason for one called off at the door", () => {
    const visits = [visitIn("recorded", policy), calledOff("unsafe", "Shouting inside, so we left."), calledOff("animals", "Dog loose."), calledOff("parent-absent", undefined)];
    const rows = table(recordsCsv(visits, policy));
    expect(rows.map((r) => [r.outcome, r.called_off_reason])).toEqual([
      ["seen", ""],
      ["called-off", "unsafe"],
      ["called-off", "animals"],
      ["called-off", "parent-absent"],
    ]);
    // Every row has a cell for every column: the new column moved the others along, it did not replace one.
    expect(rows.every((r) => Object.keys(r).length === RECORD_CSV_HEADER.length && r.recorded_by === "Alex Rivers")).toBe(true);
    expect(rows[1]!.summary).toBe("Called off at the door.");
  });

  it("names the reason even where the policy keeps the unsafe report off the record", () => {
    expect(table(recordsCsv([calledOff("unsafe", "Shouting inside, so we left.", offCpoms)], offCpoms))[0]!.called_off_reason).toBe("unsafe");
  });
});
