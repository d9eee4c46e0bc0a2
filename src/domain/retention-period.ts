/**
 * Retention periods as ISO 8601 durations in calendar units (`P6Y`, `P25Y`, `P18M`, `P30D`), the way retention
 * schedules are written. Unlike the policy's timers (duration.ts) they count years and months on the calendar: six
 * years from 29 February 2024 ends on 1 March 2030, as it would in a filing cabinet.
 */
const PATTERN = /^P(?:(\d{1,3})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?$/;

interface CalendarPeriod {
  years: number;
  months: number;
  days: number;
}

function parse(text: string): CalendarPeriod | undefined {
  const match = PATTERN.exec(text);
  if (!match || text === "P") return undefined;
  const [, years, months, weeks, days] = match.map((part) => (part === undefined ? 0 : Number(part)));
  const period = { years: years!, months: months!, days: weeks! * 7 + days! };
  return period.years + period.months + period.days > 0 ? period : undefined;
}

/** Whether this is a retention period: years, months, weeks and days only, and longer than nothing. */
export function isRetentionPeriod(text: string): boolean {
  return parse(text) !== undefined;
}

/** The instant `period` after `from`, counted on the UTC calendar; a day that does not exist rolls into the next month. */
export function addPeriod(from: Date, period: string): Date {
  const parsed = parse(period);
  if (!parsed) throw new Error(`Not a retention period: ${period}`);
  const end = new Date(from.getTime());
  end.setUTCFullYear(end.getUTCFullYear() + parsed.years, end.getUTCMonth() + parsed.months, end.getUTCDate() + parsed.days);
  return end;
}

/** The instant `period` before `to`: whatever happened before it has been kept for longer than `period` by `to`. */
export function periodBefore(to: Date, period: string): Date {
  const parsed = parse(period);
  if (!parsed) throw new Error(`Not a retention period: ${period}`);
  const start = new Date(to.getTime());
  start.setUTCFullYear(start.getUTCFullYear() - parsed.years, start.getUTCMonth() - parsed.months, start.getUTCDate() - parsed.days);
  return start;
}

/** Which of two periods keeps data longer, measured from the same instant. */
export function longerPeriod(a: string, b: string): string {
  const from = new Date(0);
  return addPeriod(from, a).getTime() >= addPeriod(from, b).getTime() ? a : b;
}

/** The longest of these periods. */
export const longestOf = (periods: readonly string[]): string => periods.reduce(longerPeriod);

/** The shortest of these periods. */
export const shortestOf = (periods: readonly string[]): string => periods.reduce((a, b) => (longerPeriod(a, b) === a ? b : a));

/** "6 years", "1 year 6 months", "30 days": how a card or a record says a period. */
export function describePeriod(period: string): string {
  const parsed = parse(period);
  if (!parsed) throw new Error(`Not a retention period: ${period}`);
  const part = (n: number, unit: string) => (n > 0 ? `${n} ${unit}${n === 1 ? "" : "s"}` : "");
  return [part(parsed.years, "year"), part(parsed.months, "month"), part(parsed.days, "day")].filter(Boolean).join(" ");
}
