import { londonDate, londonOffsetMinutes, londonTime, londonToUtc } from "../../src/domain/london-time";

const iso = (date: Date) => date.toISOString();

describe("londonToUtc turns a London wall-clock time into a UTC instant", () => {
  it("in winter (GMT) London time is UTC", () => {
    expect(iso(londonToUtc("2026-11-23", "14:05"))).toBe("2026-11-23T14:05:00.000Z");
    expect(iso(londonToUtc("2026-01-01", "00:00"))).toBe("2026-01-01T00:00:00.000Z");
  });

  it("in summer (BST) London is an hour ahead of UTC", () => {
    expect(iso(londonToUtc("2026-07-01", "10:00"))).toBe("2026-07-01T09:00:00.000Z");
  });

  it("just after midnight in summer is still the previous UTC day", () => {
    expect(iso(londonToUtc("2026-07-02", "00:30"))).toBe("2026-07-01T23:30:00.000Z");
  });

  describe("on the spring-forward day (2026-03-29, clocks go 01:00 → 02:00)", () => {
    it("a time before the change is GMT", () => {
      expect(iso(londonToUtc("2026-03-29", "00:30"))).toBe("2026-03-29T00:30:00.000Z");
    });
    it("a time in the gap, which does not exist, resolves an hour later (01:30 → 01:30Z, i.e. 02:30 BST)", () => {
      const instant = londonToUtc("2026-03-29", "01:30");
      expect(iso(instant)).toBe("2026-03-29T01:30:00.000Z");
      expect(londonTime(instant)).toBe("02:30");
    });
    it("a time after the change is BST", () => {
      expect(iso(londonToUtc("2026-03-29", "02:30"))).toBe("2026-03-29T01:30:00.000Z");
    });
  });

  describe("on the fall-back day (2026-10-25, clocks go 02:00 → 01:00)", () => {
    it("a time in the overlap, which happens twice, takes the earlier (BST) instant: 01:30 → 00:30Z", () => {
      expect(iso(londonToUtc("2026-10-25", "01:30"))).toBe("2026-10-25T00:30:00.000Z");
    });
    it("a time before the overlap is BST", () => {
      expect(iso(londonToUtc("2026-10-25", "00:30"))).toBe("2026-10-24T23:30:00.000Z");
    });
    it("a time after the overlap is GMT", () => {
      expect(iso(londonToUtc("2026-10-25", "02:30"))).toBe("2026-10-25T02:30:00.000Z");
    });
  });
});

describe("londonOffsetMinutes", () => {
  it("is 0 in winter and 60 in summer", () => {
    expect(londonOffsetMinutes(new Date("2026-01-15T12:00:00Z"))).toBe(0);
    expect(londonOffsetMinutes(new Date("2026-07-15T12:00:00Z"))).toBe(60);
  });
  it("switches at 01:00 UTC on the change days", () => {
    expect(londonOffsetMinutes(new Date("2026-03-29T00:59:59Z"))).toBe(0);
    expect(londonOffsetMinutes(new Date("2026-03-29T01:00:00Z"))).toBe(60);
    expect(londonOffsetMinutes(new Date("2026-10-25T00:59:59Z"))).toBe(60);
    expect(londonOffsetMinutes(new Date("2026-10-25T01:00:00Z"))).toBe(0);
  });
});

describe("londonDate and londonTime read an instant on a London clock and calendar", () => {
  it("23:30 London on 2026-07-01 is 22:30Z and still 2026-07-01", () => {
    const instant = new Date("2026-07-01T22:30:00Z");
    expect(londonDate(instant)).toBe("2026-07-01");
    expect(londonTime(instant)).toBe("23:30");
    expect(iso(londonToUtc("2026-07-01", "23:30"))).toBe("2026-07-01T22:30:00.000Z");
  });

  it("23:30Z in summer is already the next London day, just after midnight", () => {
    const instant = new Date("2026-07-01T23:30:00Z");
    expect(londonDate(instant)).toBe("2026-07-02");
    expect(londonTime(instant)).toBe("00:30");
  });

  it("in winter the London day and time are the UTC ones", () => {
    const instant = new Date("2026-12-31T23:59:00Z");
    expect(londonDate(instant)).toBe("2026-12-31");
    expect(londonTime(instant)).toBe("23:59");
  });

  it("pads single-digit months, days, hours and minutes", () => {
    const instant = new Date("2026-02-03T04:05:00Z");
    expect(londonDate(instant)).toBe("2026-02-03");
    expect(londonTime(instant)).toBe("04:05");
  });

  it("round-trips every whole-hour wall time on an ordinary summer day", () => {
    for (let hour = 0; hour < 24; hour++) {
      const time = `${String(hour).padStart(2, "0")}:15`;
      const instant = londonToUtc("2026-06-10", time);
      expect({ date: londonDate(instant), time: londonTime(instant) }).toEqual({ date: "2026-06-10", time });
    }
  });

  it("agrees with the tz database at every quarter hour of two years, both clock changes of each included", () => {
    const reference = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    const mismatches: string[] = [];
    for (let t = Date.parse("2026-01-01T00:00:00Z"); t < Date.parse("2028-01-01T00:00:00Z"); t += 15 * 60_000) {
      const instant = new Date(t + 7 * 60_000);
      const expected = reference.format(instant).replace(", ", " ");
      const actual = `${londonDate(instant)} ${londonTime(instant)}`;
      if (actual !== expected) mismatches.push(`${instant.toISOString()}: ${actual}, not ${expected}`);
    }
    expect(mismatches).toEqual([]);
  });
});
