import type { SchoolRecord } from "../../src/app/ports";
import { TableSchoolStore } from "../../src/storage/school.table-store";
import { openTables, type Tables } from "../../src/storage/tables";
import { uniqueTablePrefix, useAzurite } from "../support/azurite";
import { actor, testPolicy } from "../support/policy-fixture";

const connectionString = useAzurite();
let tables: Tables;
let store: TableSchoolStore;

beforeEach(async () => {
  tables = await openTables(connectionString(), { prefix: uniqueTablePrefix() });
  store = new TableSchoolStore(tables);
});

const AT = "2026-11-23T09:00:00.000Z";
const setUpBy = { by: actor("head"), at: AT, change: "School set up." };

function newSchool(id: string, teamId: string): Omit<SchoolRecord, "etag" | "version"> {
  const policy = testPolicy();
  return { id, name: `School ${id}`, teamId, state: "active", policy: { ...policy, school: { ...policy.school, id } }, createdAt: AT, createdBy: actor("head") };
}

describe("TableSchoolStore", () => {
  it("creates a school at version 1, with the version recorded as its first audit entry", async () => {
    const created = await store.create(newSchool("thorns-primary", "19:team-a"), setUpBy);
    expect(created).toMatchObject({ ok: true, school: { id: "thorns-primary", version: 1, teamId: "19:team-a", state: "active" } });
    expect(await store.get("thorns-primary")).toEqual(created.ok && created.school);
    expect(await store.history("thorns-primary")).toEqual([{ schoolId: "thorns-primary", version: 1, by: actor("head"), at: AT, change: "School set up.", policy: newSchool("thorns-primary", "").policy }]);
  });

  it("refuses a second school in the same team, and a school id already taken", async () => {
    await store.create(newSchool("thorns-primary", "19:team-a"), setUpBy);
    expect(await store.create(newSchool("another", "19:team-a"), setUpBy)).toEqual({ ok: false, reason: "team-taken" });
    expect(await store.create(newSchool("thorns-primary", "19:team-b"), setUpBy)).toEqual({ ok: false, reason: "id-taken" });
    expect((await store.list()).map((s) => s.id)).toEqual(["thorns-primary"]);
  });

  it("saves each change as the next version, guarded by the ETag: two admins saving at once cannot both win", async () => {
    const created = await store.create(newSchool("thorns-primary", "19:team-a"), setUpBy);
    if (!created.ok) throw new Error("not created");
    const renamed = { ...created.school.policy, purposes: [{ id: "welfare", label: "Welfare check" }] };
    const first = await store.update(created.school, { name: created.school.name, state: "active", policy: renamed }, { by: actor("dsl"), at: AT, change: "Purposes changed." });
    expect(first).toMatchObject({ ok: true, school: { version: 2, policy: { purposes: [{ id: "welfare" }] } } });
    expect(await store.update(created.school, { name: "Other", state: "active", policy: renamed }, { by: actor("head"), at: AT, change: "late" })).toEqual({ ok: false, reason: "conflict" });
    expect((await store.history("thorns-primary")).map((v) => [v.version, v.change, v.by.id])).toEqual([
      [1, "School set up.", actor("head").id],
      [2, "Purposes changed.", actor("dsl").id],
    ]);
    expect((await store.version("thorns-primary", 1))?.policy.purposes).toHaveLength(2);
    expect(await store.version("thorns-primary", 3)).toBeUndefined();
  });

  it("lists every school with its current policy in one request, not their versions or team claims", async () => {
    const requests: string[] = [];
    const observed = new TableSchoolStore(await openTables(connectionString(), { prefix: uniqueTablePrefix(), onRequest: (r) => requests.push(r.method) }));
    for (const [id, team] of [["a-school", "19:a"], ["b-school", "19:b"]] as const) await observed.create(newSchool(id, team), setUpBy);
    requests.length = 0;
    expect((await observed.list()).map((s) => [s.id, s.version])).toEqual([["a-school", 1], ["b-school", 1]]);
    expect(requests).toEqual(["GET"]);
  });

  it("removes a school and frees its team, keeping its versions as the audit trail; removing one leaves the other untouched", async () => {
    const a = await store.create(newSchool("a-school", "19:a"), setUpBy);
    await store.create(newSchool("b-school", "19:b"), setUpBy);
    if (!a.ok) throw new Error("not created");
    expect(await store.remove(a.school)).toMatchObject({ ok: true });
    expect(await store.get("a-school")).toBeUndefined();
    expect((await store.list()).map((s) => s.id)).toEqual(["b-school"]);
    expect(await store.history("a-school")).toHaveLength(1);
    expect(await store.create(newSchool("a-school-2", "19:a"), setUpBy)).toMatchObject({ ok: true });
  });

  it("lets a team go whose school was removed half-way (its claim left behind)", async () => {
    await tables.schools.createEntity({ partitionKey: "schools", rowKey: "team_19:orphan", schoolId: "long-gone" });
    expect(await store.create(newSchool("new-school", "19:orphan"), setUpBy)).toMatchObject({ ok: true, school: { teamId: "19:orphan" } });
  });
});
