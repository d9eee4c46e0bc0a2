import { StaffService } from "../../src/app/staff.service";
import type { StaffRecord } from "../../src/domain/staff-prerequisites";
import type { Actor } from "../../src/domain/visit";
import { actor, people, testPolicy } from "../support/policy-fixture";
import { quietLog } from "../support/quiet-log";
import { FixedClock, MemoryStaffDirectory } from "./support/memory-ports";
import { schoolsWith } from "./support/memory-schools";

const SCHOOL = "test-school";

const ADMIN = { aadObjectId: "00000000-0000-4000-8000-000000000006", displayName: "Robin Clerk", roles: ["admin" as const] };
const admin: Actor = { id: ADMIN.aadObjectId, name: ADMIN.displayName };
const policy = testPolicy((p) => p.people.push({ ...ADMIN, roles: [...ADMIN.roles] }));
const id = (who: keyof typeof people) => people[who].aadObjectId;

const REFUSED = "Only the school admin can change staff records.";

const alexRecord = (): StaffRecord => ({
  mobile: "07700 900123",
  vehicle: { make: "Ford", model: "Fiesta", registration: "AB12 CDE", colour: "Blue", insuranceExpiry: "2027-03-31" },
  dbs: { checkedOn: "2025-09-01", barredListCheckedOn: "2025-09-01" },
  training: [{ name: "Lone working", completedOn: "2025-09-02" }],
});
const samRecord = (): StaffRecord => ({ mobile: "07700 900456", dbs: { checkedOn: "2024-01-10", barredListCheckedOn: "2024-01-10" } });

function setUp() {
  const staff = new MemoryStaffDirectory();
  const log = quietLog();
  const clock = new FixedClock("2026-11-23T09:00:00.000Z");
  const service = new StaffService(schoolsWith(clock, policy).schools, staff, clock, log);
  return { staff, log, saveRecord: jest.spyOn(staff, "saveRecord"), list: jest.spyOn(staff, "list"), service };
}

afterEach(() => jest.restoreAllMocks());

describe("StaffService (R06)", () => {
  it("only the school admin may maintain records: not the head, the DSL, the office or a visitor", async () => {
    const env = setUp();
    expect(await env.service.maintainedBy(admin)).toEqual([SCHOOL]);
    for (const who of ["head", "dsl", "office", "visitor", "outsider"] as const) expect(await env.service.maintainedBy(actor(who))).toEqual([]);
  });

  it("lists everyone on file for the admin, and nothing for anyone else (the directory is not even read)", async () => {
    const env = setUp();
    await env.staff.saveRecord(SCHOOL, id("visitor"), alexRecord());
    env.list.mockClear();
    expect(await env.service.members(admin, SCHOOL)).toEqual({ policy, members: [expect.objectContaining({ aadObjectId: id("visitor"), mobile: "07700 900123" })] });
    env.list.mockClear();
    expect(await env.service.members(actor("head"), SCHOOL)).toBeUndefined();
    expect(env.list).not.toHaveBeenCalled();
  });

  it("refuses a change from anyone but the admin, and saves nothing", async () => {
    const env = setUp();
    for (const who of ["head", "office", "visitor"] as const) {
      expect(await env.service.save(actor(who), SCHOOL, [{ staffId: id("visitor"), record: alexRecord() }])).toEqual({ ok: false, message: REFUSED });
    }
    expect(env.saveRecord).not.toHaveBeenCalled();
    expect(env.log.lines).toEqual([]);
  });

  it("refuses a batch naming someone not in the school's profile, and saves none of it", async () => {
    const env = setUp();
    const outcome = await env.service.save(admin, SCHOOL, [
      { staffId: id("visitor"), record: alexRecord() },
      { staffId: id("outsider"), record: samRecord() },
    ]);
    expect(outcome).toEqual({ ok: false, message: 'That person holds no role at the school: give them one first (type "roles").' });
    expect(env.saveRecord).not.toHaveBeenCalled();
    expect(await env.staff.list(SCHOOL)).toEqual([]);
  });

  it("saves each record through saveRecord, as a whole, with who and when for the audit trail, and says how many", async () => {
    const env = setUp();
    const outcome = await env.service.save(admin, SCHOOL, [
      { staffId: id("visitor"), record: alexRecord() },
      { staffId: id("secondVisitor"), record: samRecord() },
    ]);
    expect(outcome).toEqual({ ok: true, saved: 2 });
    const change = { by: admin.id, at: "2026-11-23T09:00:00.000Z" };
    expect(env.saveRecord.mock.calls).toEqual([
      [SCHOOL, id("visitor"), alexRecord(), change],
      [SCHOOL, id("secondVisitor"), samRecord(), change],
    ]);
  });

  it("anyone in the profile may have a record, not only home visitors", async () => {
    const env = setUp();
    expect(await env.service.save(admin, SCHOOL, [{ staffId: id("head"), record: { mobile: "07700 900789" } }])).toEqual({ ok: true, saved: 1 });
  });

  it("logs who saved whose record, by id only: nothing of the record itself", async () => {
    const env = setUp();
    await env.service.save(admin, SCHOOL, [
      { staffId: id("visitor"), record: alexRecord() },
      { staffId: id("secondVisitor"), record: samRecord() },
    ]);
    expect(env.log.lines).toEqual([{ level: "info", message: "staff records saved", fields: { by: admin.id, schoolId: SCHOOL, staff: [id("visitor"), id("secondVisitor")] } }]);
    const text = JSON.stringify(env.log.lines);
    for (const personal of ["07700", "AB12 CDE", "Fiesta", "2025-09-01", "Lone working", "Robin Clerk", "Alex Rivers", "Sam Moss"]) expect(text).not.toContain(personal);
  });
});
