/**
 * Visit ids are UUIDs of version 7 (RFC 9562): the first 48 bits are the time the visit was requested, in Unix
 * milliseconds, and the rest is random. So an id alone tells storage which month's table holds the visit, and
 * ids sort by age.
 */
const VERSION_7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const RANDOM_BYTES = 10;
/**
 * The last time a visit id may carry. 48 bits reach the year 10889, but a visit's table is named by the year and
 * month of its time in four digits (visit-tables.ts): a later "time" is a forged id, not a visit.
 */
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** No visit was requested before this product kept them. */
const EARLIEST_PLAUSIBLE_MS = Date.UTC(2024, 0, 1);
/** A visit id is made when the visit is requested; this much ahead leaves room for clocks that differ, and no more. */
const PLAUSIBLE_AHEAD_MS = 366 * 86_400_000;

/** A new visit id for `createdAt`, from 10 random bytes (74 of their bits are used). */
export function visitIdAt(createdAt: Date, random: Uint8Array): string {
  if (random.length < RANDOM_BYTES) throw new Error(`A visit id needs ${RANDOM_BYTES} random bytes, not ${random.length}`);
  const ms = createdAt.getTime();
  if (!Number.isInteger(ms) || ms < 0 || ms > LATEST_MS) throw new Error(`A visit id cannot carry the time ${createdAt.toISOString()}`);
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 6; i++) bytes[i] = Math.floor(ms / 2 ** (8 * (5 - i))) % 256;
  bytes[6] = 0x70 | (random[0]! & 0x0f);
  bytes[7] = random[1]!;
  bytes[8] = 0x80 | (random[2]! & 0x3f);
  bytes.set(random.subarray(3, RANDOM_BYTES), 9);
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** When the visit was requested, read from its id; undefined for anything that is not a visit id. */
export function createdAtOfVisitId(visitId: string): Date | undefined {
  if (!VERSION_7.test(visitId)) return undefined;
  const ms = parseInt(visitId.slice(0, 8) + visitId.slice(9, 13), 16);
  return ms <= LATEST_MS ? new Date(ms) : undefined;
}

/**
 * Whether an id can name a visit: a UUID version 7 requested between 2024 and a year after `now`. Anything else is
 * forged or garbled and names no visit, so it is answered without asking storage. It also bounds what an id can
 * make storage open: the months in that range, one table each.
 */
export function isPlausibleVisitId(visitId: string, now: Date): boolean {
  const createdAt = createdAtOfVisitId(visitId)?.getTime();
  return createdAt !== undefined && createdAt >= EARLIEST_PLAUSIBLE_MS && createdAt <= now.getTime() + PLAUSIBLE_AHEAD_MS;
}
