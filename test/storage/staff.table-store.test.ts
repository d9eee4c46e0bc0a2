import type { StaffRecord } from "../../src/domain/staff-prerequisites";
import { TableStaffDirectory } from "../../src/storage/staff.table-store";
import { openTables, type Tables } from "../../src/storage/tables";
import { uniqueTablePrefix, useAzurite } from "../support/azurite";
import { people } from "../support/policy-fixture";

const SCHOOL = "thorns-primary";

/** Who an audited record change is from, in these tests. */
const BY_ADMIN = { by: "00000000-0000-4000-8000-0000000000ad", at: "2026-11-23T09:00:00.000Z" };

const connectionString = useAzurite();
let tables: Tables;
let directory: TableStaffDirectory;

beforeEach(async () => {
  tables = await openTables(connectionString(), { prefix: uniqueTablePrefix() });
  directory = new TableStaffDirectory(tables);
});

const alex = {
  aadObjectId: people.visitor.aadObjectId,
  name: people.visitor.displayName,
  teamsUserId: "29:1AbCdEfGhIjKlMnOpQrStUvWxYz-0123456789",
  lastSeenAt: "2026-06-15T08:00:00.000Z",
};

describe("TableStaffDirectory", () => {
  it("returns a member as upserted", async () => {
    await directory.upsert(SCHOOL, [alex]);
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual(alex);
  });

  it("finds a member whatever the case of the Entra object id", async () => {
    const shouted = { ...alex, aadObjectId: "ABCDEF01-2345-4678-9ABC-DEF012345678" };
    await directory.upsert(SCHOOL, [shouted]);
    expect(await directory.get(SCHOOL, "abcdef01-2345-4678-9abc-def012345678")).toEqual({ ...shouted, aadObjectId: shouted.aadObjectId.toLowerCase() });
  });

  it("updates a member seen again", async () => {
    await directory.upsert(SCHOOL, [alex]);
    await directory.upsert(SCHOOL, [{ ...alex, name: "Alex Rivers-Moss", lastSeenAt: "2026-06-16T08:00:00.000Z" }]);
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual({ ...alex, name: "Alex Rivers-Moss", lastSeenAt: "2026-06-16T08:00:00.000Z" });
  });

  it("does not know someone never seen", async () => {
    expect(await directory.get(SCHOOL, people.outsider.aadObjectId)).toBeUndefined();
  });
});

const fullRecord = {
  mobile: "07700 900123",
  vehicle: { make: "Ford", model: "Fiesta", registration: "AB12 CDE", colour: "Blue", insuranceExpiry: "2027-03-31" },
  dbs: { checkedOn: "2025-09-01", barredListCheckedOn: "2025-09-02" },
  training: [
    { name: "Lone working", completedOn: "2025-10-10" },
    { name: "Home visits: safeguarding", completedOn: "2026-01-15" },
  ],
} satisfies StaffRecord;

describe("TableStaffDirectory.saveRecord", () => {
  it("returns the whole record as saved, with the Teams fields kept", async () => {
    await directory.upsert(SCHOOL, [alex]);
    await directory.saveRecord(SCHOOL, alex.aadObjectId, fullRecord, BY_ADMIN);
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual({ ...alex, ...fullRecord });
  });

  it("keeps optional parts left out and an empty training list as they were given", async () => {
    const sparse: StaffRecord = {
      vehicle: { make: "Toyota", model: "Yaris", registration: "CD34 EFG", colour: "Silver" },
      dbs: { checkedOn: "2025-09-01" },
      training: [],
    };
    await directory.upsert(SCHOOL, [alex]);
    await directory.saveRecord(SCHOOL, alex.aadObjectId, sparse, BY_ADMIN);
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual({ ...alex, ...sparse });
  });

  it("replaces the record: a field left out is cleared", async () => {
    await directory.upsert(SCHOOL, [alex]);
    await directory.saveRecord(SCHOOL, alex.aadObjectId, fullRecord, BY_ADMIN);
    const { vehicle: _sold, training: _lapsed, ...rest } = fullRecord;
    await directory.saveRecord(SCHOOL, alex.aadObjectId, rest, BY_ADMIN);
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual({ ...alex, ...rest });

    await directory.saveRecord(SCHOOL, alex.aadObjectId, {}, BY_ADMIN);
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual(alex);
  });

  it("replaces within a field too: insurance removed from a vehicle, a barred-list check withdrawn", async () => {
    await directory.upsert(SCHOOL, [alex]);
    await directory.saveRecord(SCHOOL, alex.aadObjectId, fullRecord, BY_ADMIN);
    const changed: StaffRecord = {
      ...fullRecord,
      vehicle: { make: "Ford", model: "Fiesta", registration: "AB12 CDE", colour: "Blue" },
      dbs: { checkedOn: "2026-05-01" },
      training: [{ name: "Lone working", completedOn: "2026-05-02" }],
    };
    await directory.saveRecord(SCHOOL, alex.aadObjectId, changed, BY_ADMIN);
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual({ ...alex, ...changed });
  });

  it("finds the record whatever the case of the Entra object id", async () => {
    await directory.upsert(SCHOOL, [alex]);
    await directory.saveRecord(SCHOOL, alex.aadObjectId.toUpperCase(), fullRecord, BY_ADMIN);
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual({ ...alex, ...fullRecord });
  });

  it("keeps someone Teams has never seen, with empty Teams fields", async () => {
    await directory.saveRecord(SCHOOL, people.secondVisitor.aadObjectId, fullRecord, BY_ADMIN);
    expect(await directory.get(SCHOOL, people.secondVisitor.aadObjectId)).toEqual({
      aadObjectId: people.secondVisitor.aadObjectId,
      name: "",
      teamsUserId: "",
      lastSeenAt: "",
      ...fullRecord,
    });
  });

  it("a Teams capture after the record keeps the record", async () => {
    await directory.saveRecord(SCHOOL, alex.aadObjectId, fullRecord, BY_ADMIN);
    await directory.upsert(SCHOOL, [alex]);
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual({ ...alex, ...fullRecord });
  });

  it("a record saved after a Teams capture keeps the capture, and a later capture keeps the record", async () => {
    await directory.upsert(SCHOOL, [alex]);
    await directory.saveRecord(SCHOOL, alex.aadObjectId, fullRecord, BY_ADMIN);
    const seenAgain = { ...alex, name: "Alex Rivers-Moss", teamsUserId: "29:1NewTeamsId", lastSeenAt: "2026-06-16T08:00:00.000Z" };
    await directory.upsert(SCHOOL, [seenAgain]);
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual({ ...seenAgain, ...fullRecord });
  });

  it("a capture and a record written at the same moment both stick", async () => {
    await Promise.all([directory.upsert(SCHOOL, [alex]), directory.saveRecord(SCHOOL, alex.aadObjectId, fullRecord, BY_ADMIN)]);
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual({ ...alex, ...fullRecord });
  });

  it("a record cleared by an admin stays cleared through later Teams captures", async () => {
    await directory.saveRecord(SCHOOL, alex.aadObjectId, fullRecord, BY_ADMIN);
    await directory.saveRecord(SCHOOL, alex.aadObjectId, { mobile: fullRecord.mobile }, BY_ADMIN);
    await directory.upsert(SCHOOL, [alex]);
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual({ ...alex, mobile: fullRecord.mobile });
  });
});

describe("TableStaffDirectory.list", () => {
  it("is empty when nobody is on file", async () => {
    expect(await directory.list(SCHOOL)).toEqual([]);
  });

  it("lists everyone, seen in Teams or only given a record, ordered by Entra object id", async () => {
    const sam = { aadObjectId: people.secondVisitor.aadObjectId, ...fullRecord };
    const head = {
      aadObjectId: people.head.aadObjectId,
      name: people.head.displayName,
      teamsUserId: "29:1HeadTeamsId",
      lastSeenAt: "2026-06-15T09:00:00.000Z",
    };
    await directory.upsert(SCHOOL, [head]);
    await directory.saveRecord(SCHOOL, sam.aadObjectId, fullRecord, BY_ADMIN);
    await directory.upsert(SCHOOL, [alex]);
    await directory.saveRecord(SCHOOL, alex.aadObjectId, { mobile: "07700 900456" }, BY_ADMIN);

    expect(await directory.list(SCHOOL)).toEqual([
      { ...alex, mobile: "07700 900456" },
      { ...sam, name: "", teamsUserId: "", lastSeenAt: "" },
      head,
    ]);
  });

  it("returns the Entra object id in lower case as it is keyed", async () => {
    await directory.upsert(SCHOOL, [{ ...alex, aadObjectId: "ABCDEF01-2345-4678-9ABC-DEF012345678" }]);
    expect((await directory.list(SCHOOL)).map((m) => m.aadObjectId)).toEqual(["abcdef01-2345-4678-9abc-def012345678"]);
  });

  it("reads one partition in one request", async () => {
    const requests: string[] = [];
    const observed = new TableStaffDirectory(
      await openTables(connectionString(), { prefix: uniqueTablePrefix(), onRequest: (r) => requests.push(`${r.method} ${r.url}`) }),
    );
    await observed.upsert(SCHOOL, [alex]);
    await observed.saveRecord(SCHOOL, people.secondVisitor.aadObjectId, fullRecord, BY_ADMIN);
    requests.length = 0;
    expect(await observed.list(SCHOOL)).toHaveLength(2);
    expect(requests).toHaveLength(1);
    expect(decodeURIComponent(requests[0]!)).toMatch(/^GET .*\$filter=PartitionKey eq 'staff_thorns-primary'/);
  });
});

describe("TableStaffDirectory.getMany", () => {
  const member = (i: number) => ({
    aadObjectId: `00000000-0000-4000-8000-${String(100000000000 + i)}`,
    name: `Fictional Member ${i}`,
    teamsUserId: `29:member-${i}`,
    lastSeenAt: "2026-11-23T08:00:00.000Z",
  });

  it("finds the people asked for who are on file, once each, whatever the case of their ids", async () => {
    await directory.upsert(SCHOOL, [alex, member(1)]);
    await directory.upsert("other-school", [member(2)]);
    const found = await directory.getMany(SCHOOL, [alex.aadObjectId.toUpperCase(), alex.aadObjectId, member(1).aadObjectId, member(2).aadObjectId]);
    expect(found.sort((a, b) => a.aadObjectId.localeCompare(b.aadObjectId))).toEqual([alex, member(1)].sort((a, b) => a.aadObjectId.localeCompare(b.aadObjectId)));
    expect(await directory.getMany(SCHOOL, [])).toEqual([]);
  });

  it("asks for up to fourteen people in one request (a filter's fifteen comparisons, one for the school)", async () => {
    const requests: string[] = [];
    const observed = new TableStaffDirectory(await openTables(connectionString(), { prefix: uniqueTablePrefix(), onRequest: (r) => requests.push(r.url) }));
    const team = Array.from({ length: 30 }, (_, i) => member(i));
    await observed.upsert(SCHOOL, team);
    requests.length = 0;
    expect(await observed.getMany(SCHOOL, team.slice(0, 14).map((m) => m.aadObjectId))).toHaveLength(14);
    expect(requests).toHaveLength(1);
    requests.length = 0;
    expect(await observed.getMany(SCHOOL, team.map((m) => m.aadObjectId))).toHaveLength(30);
    expect(requests).toHaveLength(3);
  });

  it("asks for one person with a point read", async () => {
    const requests: string[] = [];
    const observed = new TableStaffDirectory(await openTables(connectionString(), { prefix: uniqueTablePrefix(), onRequest: (r) => requests.push(r.url) }));
    await observed.upsert(SCHOOL, [member(1)]);
    requests.length = 0;
    expect(await observed.getMany(SCHOOL, [member(1).aadObjectId.toUpperCase(), member(1).aadObjectId])).toEqual([member(1)]);
    expect(await observed.getMany(SCHOOL, [member(2).aadObjectId])).toEqual([]);
    expect(requests).toEqual([expect.stringContaining("(PartitionKey="), expect.stringContaining("(PartitionKey=")]);
  });
});

describe("TableStaffDirectory rows written before dbs and training existed", () => {
  it("reads a row with only Teams fields, a mobile and a vehicle", async () => {
    const vehicle = { make: "Ford", model: "Fiesta", registration: "AB12 CDE", colour: "Blue" };
    await tables.staff.createEntity({
      partitionKey: `staff_${SCHOOL}`,
      rowKey: alex.aadObjectId,
      name: alex.name,
      teamsUserId: alex.teamsUserId,
      lastSeenAt: alex.lastSeenAt,
      mobile: "07700 900123",
      vehicle: JSON.stringify(vehicle),
    });
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual({ ...alex, mobile: "07700 900123", vehicle });
  });
});

describe("the audit trail of staff records", () => {
  it("keeps every change with who made it and when, oldest first, and never rewrites one", async () => {
    const directory = new TableStaffDirectory(await openTables(connectionString(), { prefix: uniqueTablePrefix() }));
    await directory.saveRecord(SCHOOL, people.visitor.aadObjectId, { mobile: "07700 900111" }, { by: "admin-1", at: "2026-11-23T09:00:00.000Z" });
    await directory.saveRecord(SCHOOL, people.visitor.aadObjectId, {}, { by: "admin-2", at: "2026-11-24T09:00:00.000Z" });
    expect(await directory.history(SCHOOL, people.visitor.aadObjectId)).toEqual([
      { by: "admin-1", at: "2026-11-23T09:00:00.000Z", record: { mobile: "07700 900111" } },
      { by: "admin-2", at: "2026-11-24T09:00:00.000Z", record: {} },
    ]);
    expect(await directory.history(SCHOOL, people.secondVisitor.aadObjectId)).toEqual([]);
  });
});

describe("TableStaffDirectory: one school's staff never shows in another's", () => {
  it("keeps each school's Teams details and records apart, for the same person too", async () => {
    await directory.upsert(SCHOOL, [alex]);
    await directory.saveRecord(SCHOOL, alex.aadObjectId, fullRecord, BY_ADMIN);
    await directory.upsert("oakfield-academy", [{ ...alex, name: "A. Rivers" }]);
    expect(await directory.get("oakfield-academy", alex.aadObjectId)).toEqual({ ...alex, name: "A. Rivers" });
    expect(await directory.list("oakfield-academy")).toEqual([{ ...alex, name: "A. Rivers" }]);
    expect(await directory.history("oakfield-academy", alex.aadObjectId)).toEqual([]);
    expect(await directory.get(SCHOOL, alex.aadObjectId)).toEqual({ ...alex, ...fullRecord });
  });

  it("writes a large team's roster in entity-group batches of a hundred, and lists everyone", async () => {
    const roster = Array.from({ length: 250 }, (_, i) => ({
      aadObjectId: `00000000-0000-4000-8000-${String(100000000000 + i)}`,
      name: `Fictional Member ${i}`,
      teamsUserId: `29:member-${i}`,
      lastSeenAt: "2026-11-23T08:00:00.000Z",
    }));
    const transactions = jest.spyOn(tables.staff, "submitTransaction");
    await directory.upsert(SCHOOL, roster);
    expect(transactions.mock.calls.map(([actions]) => actions.length)).toEqual([100, 100, 50]);
    expect(await directory.list(SCHOOL)).toHaveLength(250);
    transactions.mockRestore();
  });
});
