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

function londonParts(instant: Date): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const part of partsFormatter.formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return parts;
}

/** Minutes London is ahead of UTC at this instant: 0 in winter (GMT), 60 in summer (BST). */
export function londonOffsetMinutes(instant: Date): number {
  const p = londonParts(instant);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
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
  const p = londonParts(instant);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/** "14:05" London wall-clock time of an instant. */
export function londonTime(instant: Date): string {
  const p = londonParts(instant);
  return `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
}
