import { formerStaff } from "../../src/domain/staff-prerequisites";

describe("formerStaff: members with a record on file and no role", () => {
  const policy = { people: [{ aadObjectId: "AAAAAAAA-0000-4000-8000-000000000001", displayName: "Robin Ash", roles: ["visitor" as const] }] };

  it("leaves out a role holder whatever the case of their object id, and anyone with nothing on file", () => {
    const members = [
      { aadObjectId: "aaaaaaaa-0000-4000-8000-000000000001", mobile: "07700 900001" },
      { aadObjectId: "bbbbbbbb-0000-4000-8000-000000000002", mobile: "07700 900002" },
      { aadObjectId: "cccccccc-0000-4000-8000-000000000003" },
    ];
    expect(formerStaff(policy, members).map((m) => m.aadObjectId)).toEqual(["bbbbbbbb-0000-4000-8000-000000000002"]);
  });
});
