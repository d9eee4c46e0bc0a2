/**
 * School times are written in UK local time (Europe/London, with summer time); instants are stored in UTC.
 * Pure: Intl is part of the language, not I/O.
 */
const ZONE = "Europe/London";

const partsFormatter = new Intl.DateTimeFormat("en-GB", {
  timeZone: ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/**
 * The offset is read from Intl (the tz database) once per UTC hour and kept: London changes between GMT and
 * BST only at 01:00 UTC, so it is the same for every instant of an hour. formatToParts is slow enough to show
 * in a check-in's handling time, and a card formats many times.
 */
const offsetByUtcHour = new Map<number, number>();
const MAX_CACHED_HOURS = 24 * 366 * 2;
const HOUR_MS = 3_600_000;

function offsetFromIntl(instant: Date): number {
  const p: Record<string, number> = {};
  for (const part of partsFormatter.formatToParts(instant)) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/** Minutes London is ahead of UTC at this instant: 0 in winter (GMT), 60 in summer (BST). */
export function londonOffsetMinutes(instant: Date): number {
  const hour = Math.floor(instant.getTime() / HOUR_MS);
  let offset = offsetByUtcHour.get(hour);
  if (offset === undefined) {
    offset = offsetFromIntl(new Date(hour * HOUR_MS));
    if (offsetByUtcHour.size >= MAX_CACHED_HOURS) offsetByUtcHour.clear();
    offsetByUtcHour.set(hour, offset);
  }
  return offset;
}

/** London's wall clock at an instant, read from the UTC fields of the shifted instant. */
function londonWallClock(instant: Date): Date {
  return new Date(instant.getTime() + londonOffsetMinutes(instant) * 60_000);
}

/**
 * The UTC instant of a London wall-clock time. In the spring-forward gap (01:00–02:00 on the last Sunday
 * of March) the time does not exist; it resolves to the instant an hour later, as a phone clock would.
 * In the autumn overlap the earlier (summer time) instant wins.
 */
export function londonToUtc(date: string, time: string): Date {
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const naive = Date.UTC(y!, mo! - 1, d!, h!, mi!);
  const summer = new Date(naive - 60 * 60000);
  if (londonOffsetMinutes(summer) === 60) return summer;
  const winter = new Date(naive);
  if (londonOffsetMinutes(winter) === 0) return winter;
  return new Date(naive);
}

/** "2026-11-23" for the London calendar day of an instant. */
export function londonDate(instant: Date): string {
  return londonWallClock(instant).toISOString().slice(0, 10);
}

/** "14:05" London wall-clock time of an instant. */
export function londonTime(instant: Date): string {
  return londonWallClock(instant).toISOString().slice(11, 16);
}
