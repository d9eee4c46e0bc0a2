import { TableStaffDirectory } from "../../src/storage/staff.table-store";
import { openTables } from "../../src/storage/tables";
import { uniqueTablePrefix, useAzurite } from "../support/azurite";
import { people } from "../support/policy-fixture";

const connectionString = useAzurite();
let directory: TableStaffDirectory;

beforeEach(async () => {
  directory = new TableStaffDirectory(await openTables(connectionString(), { prefix: uniqueTablePrefix() }));
});

const alex = {
  aadObjectId: people.visitor.aadObjectId,
  name: people.visitor.displayName,
  teamsUserId: "29:1AbCdEfGhIjKlMnOpQrStUvWxYz-0123456789",
  lastSeenAt: "2026-06-15T08:00:00.000Z",
};

describe("TableStaffDirectory", () => {
  it("returns a member as upserted", async () => {
    await directory.upsert(alex);
    expect(await directory.get(alex.aadObjectId)).toEqual(alex);
  });

  it("finds a member whatever the case of the Entra object id", async () => {
    const shouted = { ...alex, aadObjectId: "ABCDEF01-2345-4678-9ABC-DEF012345678" };
    await directory.upsert(shouted);
    expect(await directory.get("abcdef01-2345-4678-9abc-def012345678")).toEqual({ ...shouted, aadObjectId: shouted.aadObjectId.toLowerCase() });
  });

  it("updates a member seen again", async () => {
    await directory.upsert(alex);
    await directory.upsert({ ...alex, name: "Alex Rivers-Moss", lastSeenAt: "2026-06-16T08:00:00.000Z" });
    expect(await directory.get(alex.aadObjectId)).toEqual({ ...alex, name: "Alex Rivers-Moss", lastSeenAt: "2026-06-16T08:00:00.000Z" });
  });

  it("keeps a mobile and a vehicle", async () => {
    const equipped = { ...alex, mobile: "07700 900123", vehicle: { make: "Ford", model: "Fiesta", registration: "AB12 CDE", colour: "Blue" } };
    await directory.upsert(equipped);
    expect(await directory.get(alex.aadObjectId)).toEqual(equipped);
  });

  it("never loses a mobile or vehicle to a later Teams capture, nor a capture to a later mobile or vehicle", async () => {
    const vehicle = { make: "Toyota", model: "Yaris", registration: "CD34 EFG", colour: "Silver" };
    await directory.upsert({ ...alex, mobile: "07700 900456" });
    await directory.upsert({ ...alex, vehicle });
    const seenAgain = { ...alex, name: "Alex Rivers-Moss", teamsUserId: "29:1NewTeamsId", lastSeenAt: "2026-06-16T08:00:00.000Z" };
    await directory.upsert(seenAgain);
    expect(await directory.get(alex.aadObjectId)).toEqual({ ...seenAgain, mobile: "07700 900456", vehicle });

    const repainted = { ...vehicle, colour: "Red" };
    await directory.upsert({ ...seenAgain, mobile: "07700 900789", vehicle: repainted });
    expect(await directory.get(alex.aadObjectId)).toEqual({ ...seenAgain, mobile: "07700 900789", vehicle: repainted });
  });

  it("does not know someone never seen", async () => {
    expect(await directory.get(people.outsider.aadObjectId)).toBeUndefined();
  });
});
