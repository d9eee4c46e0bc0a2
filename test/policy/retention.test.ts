import { RETENTION_DEFAULTS } from "../../src/policy/retention";
import { testPolicy } from "../support/policy-fixture";

describe("the policy's retention section", () => {
  it("takes the documented defaults when a profile has none, so profiles written before it still load", () => {
    expect(testPolicy().retention).toEqual({ visits: "P6Y", safeguardingVisits: "P25Y", alerts: "P1Y", staffRecords: "P6Y", conversationReferences: "P1Y", logs: "P30D" });
    expect(testPolicy().retention).toEqual(RETENTION_DEFAULTS);
  });

  it("takes the default for each period a school leaves out", () => {
    const policy = testPolicy((input) => void (input.retention = { visits: "P3Y", logs: "P14D" }));
    expect(policy.retention).toEqual({ ...RETENTION_DEFAULTS, visits: "P3Y", logs: "P14D" });
  });

  it("refuses a period that is not years, months, weeks or days", () => {
    expect(() => testPolicy((input) => void (input.retention = { staffRecords: "PT6H" }))).toThrow(/retention\.staffRecords: must be an ISO 8601 period/);
  });

  it("never keeps safeguarding visits for less time than ordinary ones", () => {
    expect(() => testPolicy((input) => void (input.retention = { visits: "P10Y", safeguardingVisits: "P7Y" }))).toThrow(
      /retention\.safeguardingVisits: must be at least as long as visits \(P10Y\)/,
    );
  });
});
