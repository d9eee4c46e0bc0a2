import { describeDuration, durationMs, parseDuration } from "../../src/domain/duration";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

describe("parseDuration reads the ISO 8601 durations policy profiles use", () => {
  it.each([
    ["PT10M", 10 * MINUTE],
    ["PT2H", 2 * HOUR],
    ["P1D", 24 * HOUR],
    ["PT1H30M", HOUR + 30 * MINUTE],
    ["PT5S", 5 * SECOND],
    ["PT0.5S", 500],
    ["PT0S", 0],
    ["P1W", 7 * 24 * HOUR],
    ["P1DT2H", 26 * HOUR],
  ])("%s is %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(durationMs(text)).toBe(ms);
  });

  it.each([
    ["prose", "10 minutes"],
    ["years (calendar-dependent)", "P1Y"],
    ["months (calendar-dependent)", "P1M"],
    ["a bare time designator", "PT"],
    ["a bare period designator", "P"],
    ["a trailing time designator", "P1DT"],
    ["the empty string", ""],
    ["lower case", "pt10m"],
    ["surrounding spaces", " PT10M "],
    ["a fractional hour", "PT1.5H"],
  ])("refuses %s (%j)", (_what, text) => {
    expect(parseDuration(text)).toBeUndefined();
    expect(() => durationMs(text)).toThrow(`Not an ISO 8601 duration: ${text}`);
  });
});

describe("describeDuration says a policy duration the way a card shows it", () => {
  it.each([
    ["PT10M", "10 minutes"],
    ["PT2H", "2 hours"],
    ["P1D", "1 day"],
    ["PT1H30M", "1 hour 30 minutes"],
    ["PT5S", "5 seconds"],
    ["PT1M1S", "1 minute 1 second"],
    ["P1DT1H", "1 day 1 hour"],
    ["P1W", "7 days"],
    ["PT0S", "0 seconds"],
  ])("%s reads %j", (text, words) => {
    expect(describeDuration(text)).toBe(words);
  });

  it("refuses text that is not a duration rather than guessing", () => {
    expect(() => describeDuration("10 minutes")).toThrow("Not an ISO 8601 duration");
  });
});
