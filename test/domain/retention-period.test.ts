import { addPeriod, describePeriod, isRetentionPeriod, longerPeriod } from "../../src/domain/retention-period";

describe("retention periods", () => {
  it.each(["P6Y", "P25Y", "P18M", "P1Y6M", "P30D", "P2W", "P1Y2M3W4D"])("accepts %j", (text) => expect(isRetentionPeriod(text)).toBe(true));

  it.each(["P", "P0D", "P0Y0M", "PT10M", "P1DT2H", "6 years", "p6y", "P6Y ", "-P6Y", "P1.5Y"])("refuses %j", (text) => expect(isRetentionPeriod(text)).toBe(false));

  it("counts years and months on the calendar: six years from 29 February ends on 1 March", () => {
    expect(addPeriod(new Date("2024-02-29T10:00:00Z"), "P6Y").toISOString()).toBe("2030-03-01T10:00:00.000Z");
    expect(addPeriod(new Date("2026-01-31T00:00:00Z"), "P1M").toISOString()).toBe("2026-03-03T00:00:00.000Z");
    expect(addPeriod(new Date("2026-11-24T09:30:00Z"), "P1Y2M3W4D").toISOString()).toBe("2028-02-18T09:30:00.000Z");
  });

  it("compares two periods from the same start", () => {
    expect(longerPeriod("P25Y", "P6Y")).toBe("P25Y");
    expect(longerPeriod("P6Y", "P73M")).toBe("P73M");
    expect(longerPeriod("P12M", "P1Y")).toBe("P12M");
  });

  it("says a period in words", () => {
    expect(describePeriod("P6Y")).toBe("6 years");
    expect(describePeriod("P1Y1M")).toBe("1 year 1 month");
    expect(describePeriod("P2W3D")).toBe("17 days");
  });

  it("refuses to count with what is not a period", () => {
    expect(() => addPeriod(new Date(0), "PT10M")).toThrow("Not a retention period: PT10M");
  });
});
