/** The school's clock: every time on the tab is London time, wherever the reader's device thinks it is. */
const clock = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", hour: "2-digit", minute: "2-digit" });
const clockWithSeconds = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", hour: "2-digit", minute: "2-digit", second: "2-digit" });
const day = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric" });

/** "10:05" for an ISO instant. */
export const timeOf = (instant: string | Date): string => clock.format(typeof instant === "string" ? new Date(instant) : instant);

/** "10:05:42", for "last updated". */
export const preciseTimeOf = (instant: Date): string => clockWithSeconds.format(instant);

/** "Tuesday 24 November 2026" for a London date, put together from parts: ICU versions differ on the comma. */
export function dayOf(date: string): string {
  const parts = Object.fromEntries(day.formatToParts(new Date(`${date}T12:00:00Z`)).map((part) => [part.type, part.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
}

const londonDate = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" });

/** "Tuesday 24 November 2026 at 08:00" for an ISO instant. */
export const momentOf = (instant: string): string => `${dayOf(londonDate.format(new Date(instant)))} at ${timeOf(instant)}`;
