import { createdAtOfVisitId, isPlausibleVisitId, visitIdAt } from "../../src/domain/visit-id";
import { visitReference } from "../../src/domain/visit";

const bytes = (...values: number[]) => Uint8Array.from({ length: 10 }, (_, i) => values[i] ?? 0);
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("visit ids (UUID version 7)", () => {
  it("are version-7 UUIDs that carry the time the visit was requested, to the millisecond", () => {
    const at = new Date("2026-11-23T09:41:07.123Z");
    const id = visitIdAt(at, bytes(0xff, 0xee, 0xdd, 1, 2, 3, 4, 5, 6, 7));
    expect(id).toMatch(UUID_V7);
    expect(id).toBe(`${at.getTime().toString(16).padStart(12, "0").replace(/^(.{8})/, "$1-")}-7fee-9d01-020304050607`);
    expect(createdAtOfVisitId(id)).toEqual(at);
  });

  it("take their other 74 bits from the random bytes, so ids made in the same millisecond differ", () => {
    const at = new Date("2026-11-23T09:41:07.123Z");
    const ids = new Set(Array.from({ length: 100 }, (_, i) => visitIdAt(at, bytes(i, i * 7, i * 13, i, i, i, i, i, i, i * 3))));
    expect(ids.size).toBe(100);
  });

  it("sort in the order the visits were requested", () => {
    const times = ["2024-01-01T00:00:00Z", "2026-06-15T08:00:00Z", "2026-06-15T08:00:00.001Z", "2031-12-31T23:59:59Z"];
    const ids = times.map((t) => visitIdAt(new Date(t), bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)));
    expect([...ids].sort()).toEqual(ids);
  });

  it("need ten random bytes and a time a UUID can carry", () => {
    expect(() => visitIdAt(new Date(), new Uint8Array(9))).toThrow(/10 random bytes/);
    expect(() => visitIdAt(new Date(-1), bytes())).toThrow(/cannot carry/);
    expect(() => visitIdAt(new Date(Date.UTC(10000, 0, 1)), bytes())).toThrow(/cannot carry/);
  });

  it("are told apart from anything else: other UUID versions and free text carry no time", () => {
    expect(createdAtOfVisitId("3f2a9c4e-0000-4000-8000-00000000abcd")).toBeUndefined();
    expect(createdAtOfVisitId("visit-1")).toBeUndefined();
    expect(createdAtOfVisitId("")).toBeUndefined();
    // The largest time 48 bits hold is in the year 10889, past any visit: a forged id names no month's table.
    expect(createdAtOfVisitId("ffffffff-ffff-7fff-bfff-ffffffffffff")).toBeUndefined();
    expect(createdAtOfVisitId(visitIdAt(new Date("9999-12-31T23:59:59.999Z"), bytes()))).toEqual(new Date("9999-12-31T23:59:59.999Z"));
    expect(createdAtOfVisitId("019ab3c4-7b1e-7c2d-9a55-0e9d8c3f6c2a")).toEqual(new Date(0x019ab3c47b1e));
  });

  it("are plausible only when requested from 2024 to a year after now: anything else is forged, and storage is not asked", () => {
    const now = new Date("2026-12-03T09:00:00Z");
    const id = (at: string) => visitIdAt(new Date(at), bytes());
    expect(isPlausibleVisitId(id("2024-01-01T00:00:00Z"), now)).toBe(true);
    expect(isPlausibleVisitId(id("2026-12-03T09:00:00Z"), now)).toBe(true);
    expect(isPlausibleVisitId(id("2027-12-04T09:00:00Z"), now)).toBe(true);
    expect(isPlausibleVisitId(id("2023-12-31T23:59:59.999Z"), now)).toBe(false);
    expect(isPlausibleVisitId(id("2027-12-04T09:00:00.001Z"), now)).toBe(false);
    expect(isPlausibleVisitId(id("9999-12-31T23:59:59Z"), now)).toBe(false);
    expect(isPlausibleVisitId("3f2a9c4e-0000-4000-8000-00000000abcd", now)).toBe(false);
    expect(isPlausibleVisitId("visit-1", now)).toBe(false);
  });

  it("give references from their random end, so visits requested together are told apart", () => {
    const at = new Date("2026-11-23T09:41:07.123Z");
    const one = visitIdAt(at, bytes(0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd, 0xef));
    const two = visitIdAt(at, bytes(0, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0x56));
    expect([visitReference(one), visitReference(two)]).toEqual(["HV-ABCDEF", "HV-123456"]);
  });
});
