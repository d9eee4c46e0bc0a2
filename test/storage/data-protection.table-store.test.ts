import type { ErasureRecord, RetentionRecord } from "../../src/app/data-protection-ports";
import { pseudonymOf } from "../../src/domain/pseudonym";
import { RETENTION_DEFAULTS } from "../../src/policy/retention";
import { TableDataProtectionLedger } from "../../src/storage/data-protection.table-store";
import { openTables, type Tables } from "../../src/storage/tables";
import { uniqueTablePrefix, useAzurite } from "../support/azurite";
import { retentionRecords } from "../support/retention-records";

const connectionString = useAzurite();
const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

const run = (when: string): RetentionRecord => ({
  at: when,
  day: when.slice(0, 10),
  periods: { "test-school": RETENTION_DEFAULTS },
  removed: { visits: 0, safeguardingVisits: 0, notifications: 0, staffRecords: 0, conversationReferences: 0, policyVersions: 0, records: 0, monthTables: [] },
  bySchool: {},
  logsKeptTooLong: [],
});

describe("TableDataProtectionLedger", () => {
  let ledger: TableDataProtectionLedger;
  let other: TableDataProtectionLedger;
  let tables: Tables;

  beforeEach(async () => {
    const prefix = uniqueTablePrefix();
    tables = await openTables(connectionString(), { prefix });
    ledger = new TableDataProtectionLedger(tables);
    // A second instance of the app on the same tables.
    other = new TableDataProtectionLedger(await openTables(connectionString(), { prefix }));
  });

  it("lets one instance claim a day's run; nobody claims it again that day once it is done", async () => {
    const now = at("2026-12-03T03:00:00Z");
    const claims = await Promise.all([ledger.claimRun("2026-12-03", now, at("2026-12-03T04:00:00Z")), other.claimRun("2026-12-03", now, at("2026-12-03T04:00:00Z"))]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    await ledger.completeRun(claims.find(Boolean)!);
    expect(await other.claimRun("2026-12-03", at("2026-12-03T05:00:00Z"), at("2026-12-03T06:00:00Z"))).toBeUndefined();
    expect(await other.claimRun("2026-12-04", at("2026-12-04T03:00:00Z"), at("2026-12-04T04:00:00Z"))).toMatchObject({ day: "2026-12-04" });
  });

  it("leaves a claimed run alone until its lease runs out, then lets another instance take it over", async () => {
    const now = at("2026-12-03T03:00:00Z");
    const stalled = await ledger.claimRun("2026-12-03", now, new Date(now.getTime() + HOUR));
    expect(stalled).toBeDefined();
    expect(await other.claimRun("2026-12-03", new Date(now.getTime() + HOUR / 2), new Date(now.getTime() + 2 * HOUR))).toBeUndefined();
    const taken = await other.claimRun("2026-12-03", new Date(now.getTime() + HOUR + 1), new Date(now.getTime() + 3 * HOUR));
    expect(taken).toBeDefined();
    // The stalled instance finishing late changes nothing: the day is the new holder's to mark done.
    await ledger.completeRun(stalled!);
    await other.completeRun(taken!);
    expect(await ledger.claimRun("2026-12-03", new Date(now.getTime() + 4 * HOUR), new Date(now.getTime() + 5 * HOUR))).toBeUndefined();
  });

  it("keeps each month's progress and each gone school's date until told to forget them", async () => {
    await ledger.saveMonthProgress("202001", { nextCheckAt: "2026-01-15T10:45:00.000Z", settings: "[]" });
    expect(await other.monthProgress("202001")).toEqual({ nextCheckAt: "2026-01-15T10:45:00.000Z", settings: "[]" });
    await ledger.forgetMonth("202001");
    expect(await other.monthProgress("202001")).toBeUndefined();
    await ledger.markSchoolGone("old-school", "2026-12-03T03:00:00.000Z");
    expect(await other.schoolGoneSince("old-school")).toBe("2026-12-03T03:00:00.000Z");
    await ledger.forgetSchoolGone("old-school");
    expect(await other.schoolGoneSince("old-school")).toBeUndefined();
  });

  it("carries on an erasure that stopped half-way with its own pseudonym, and keeps the person's id only until it is done", async () => {
    const person = "00000000-0000-4000-8000-000000000001";
    const first = await ledger.startErasure({ schoolId: "test-school", personId: person, pseudonym: pseudonymOf("3f2a0000-0000-4000-8000-000000000001") });
    const again = await other.startErasure({ schoolId: "test-school", personId: person.toUpperCase(), pseudonym: pseudonymOf("91bc0000-0000-4000-8000-000000000002") });
    expect(again.pseudonym).toEqual(first.pseudonym);
    const record: ErasureRecord = {
      schoolId: "test-school",
      at: "2026-12-03T10:00:00.000Z",
      by: "00000000-0000-4000-8000-000000000003",
      pseudonym: first.pseudonym.name,
      removed: { staffRows: 2, conversationReferences: 1, roles: 1 },
      pseudonymised: { visits: 3, policyRows: 2, staffRecordChanges: 0 },
    };
    await ledger.finishErasure(again, record);
    expect(await other.erasures("test-school")).toEqual([record]);
    // Done: a new erasure of the same id starts afresh.
    const fresh = await ledger.startErasure({ schoolId: "test-school", personId: person, pseudonym: pseudonymOf("77770000-0000-4000-8000-000000000003") });
    expect(fresh.pseudonym.name).toBe("Former member of staff #7777");
  });

  it("removes run and erasure records made before an instant", async () => {
    await ledger.recordRun(run("2000-01-01T03:00:00.000Z"));
    await ledger.recordRun(run("2026-12-03T03:00:00.000Z"));
    expect((await retentionRecords(tables)).map((r) => r.at)).toEqual(["2000-01-01T03:00:00.000Z", "2026-12-03T03:00:00.000Z"]);
    expect(await ledger.removeRecordsBefore("2001-12-03T00:00:00.000Z")).toBe(1);
    expect((await retentionRecords(tables)).map((r) => r.at)).toEqual(["2026-12-03T03:00:00.000Z"]);
  });
});
