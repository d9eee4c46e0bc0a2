/**
 * ISO 8601 durations as the policy profiles write them (`PT10M`, `PT2H`, `P1D`, `PT5S` in tests).
 * Years and months are refused: their length depends on the calendar, and no safety timer needs them.
 */
const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export type Milliseconds = number;

export function parseDuration(text: string): Milliseconds | undefined {
  const match = PATTERN.exec(text);
  if (!match || text === "P" || text.endsWith("T")) return undefined;
  const [, weeks, days, hours, minutes, seconds] = match;
  const n = (part: string | undefined) => (part === undefined ? 0 : Number(part));
  return ((((n(weeks) * 7 + n(days)) * 24 + n(hours)) * 60 + n(minutes)) * 60 + n(seconds)) * 1000;
}

export function durationMs(text: string): Milliseconds {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`Not an ISO 8601 duration: ${text}`);
  return ms;
}

/** "10 minutes", "2 hours", "1 hour 30 minutes": how a card says a policy duration. */
export function describeDuration(text: string): string {
  const total = Math.round(durationMs(text) / 1000);
  const parts: string[] = [];
  const units: [number, string][] = [
    [86400, "day"],
    [3600, "hour"],
    [60, "minute"],
    [1, "second"],
  ];
  let rest = total;
  for (const [size, name] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${name}${count === 1 ? "" : "s"}`);
  }
  return parts.length > 0 ? parts.join(" ") : "0 seconds";
}
