import { openTables, TABLE_NAMES, type ObservedRequest } from "../../src/storage/tables";
import { uniqueTablePrefix, useAzurite } from "../support/azurite";

const connectionString = useAzurite();

describe("openTables", () => {
  it("opens tables that already exist", async () => {
    const prefix = uniqueTablePrefix();
    await openTables(connectionString(), { prefix });
    const tables = await openTables(connectionString(), { prefix });
    await tables.staff.createEntity({ partitionKey: "p", rowKey: "r" });
    expect((await tables.staff.getEntity("p", "r")).rowKey).toBe("r");
  });

  it("keeps tables with different prefixes apart", async () => {
    const one = await openTables(connectionString(), { prefix: uniqueTablePrefix() });
    const two = await openTables(connectionString(), { prefix: uniqueTablePrefix() });
    await one.staff.createEntity({ partitionKey: "p", rowKey: "r" });
    await expect(two.staff.getEntity("p", "r")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("reports every request to the observer", async () => {
    const seen: ObservedRequest[] = [];
    const tables = await openTables(connectionString(), { prefix: uniqueTablePrefix(), onRequest: (r) => seen.push(r) });
    expect(seen.map((r) => r.method)).toEqual(Object.values(TABLE_NAMES).map(() => "POST")); // one createTable per table; visits' come with use
    seen.length = 0;
    await tables.staff.submitTransaction([
      ["create", { partitionKey: "p", rowKey: "a" }],
      ["create", { partitionKey: "p", rowKey: "b" }],
    ]);
    expect(seen).toEqual([{ method: "POST", url: expect.stringContaining("$batch"), startedAt: expect.any(Number), endedAt: expect.any(Number), status: 202 }]);
    expect(seen[0]!.endedAt).toBeGreaterThanOrEqual(seen[0]!.startedAt);
  });

  it("refuses a prefix that would make an invalid table name", async () => {
    await expect(openTables(connectionString(), { prefix: "1st" })).rejects.toThrow(/prefix/);
    await expect(openTables(connectionString(), { prefix: "with-dash" })).rejects.toThrow(/prefix/);
  });
});
