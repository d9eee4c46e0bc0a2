import { TableClient, TableServiceClient } from "@azure/data-tables";
import { MonthlyTables, monthOfDate, monthsOfDates } from "../../src/storage/monthly-tables";

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

describe("MonthlyTables: the clients it keeps", () => {
  it("keeps at most twenty years of months, whatever periods are asked about", () => {
    const closed = "http://127.0.0.1:9/devstoreaccount1";
    const made: string[] = [];
    const tables = new MonthlyTables("t", "visitsbyday", new TableServiceClient(closed, { allowInsecureConnection: true }), (name) => {
      made.push(name);
      return new TableClient(closed, name, { allowInsecureConnection: true });
    });
    const thisMonth = tables.of("202612");
    for (const month of monthsOfDates("1900-01-01", "1999-12-31")) tables.of(month);
    expect(made).toHaveLength(1 + 1_200);
    // The month used most recently is kept; one asked about before 240 others is made again.
    expect(tables.of("199912")).toBe(tables.of("199912"));
    expect(tables.of("202612")).not.toBe(thisMonth);
    expect(made.at(-1)).toBe("tvisitsbyday202612");
  });
});
