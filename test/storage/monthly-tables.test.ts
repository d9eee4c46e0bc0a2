import { monthOfDate, monthsOfDates } from "../../src/storage/monthly-tables";

describe("the months a period of days covers", () => {
  it("names a day's month as its table does", () => {
    expect(monthOfDate("2026-11-24")).toBe("202611");
  });

  it("lists every month from the first day's to the last's, across a new year", () => {
    expect(monthsOfDates("2026-11-24", "2026-11-24")).toEqual(["202611"]);
    expect(monthsOfDates("2026-11-30", "2027-02-01")).toEqual(["202611", "202612", "202701", "202702"]);
    expect(monthsOfDates("2026-12-03", "2027-12-03")).toHaveLength(13);
  });

  it("lists none for a period that ends before it starts", () => {
    expect(monthsOfDates("2026-12-01", "2026-11-30")).toEqual([]);
  });
});
