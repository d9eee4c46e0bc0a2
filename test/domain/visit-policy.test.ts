import { isPinned, visitPolicy } from "../../src/domain/visit-policy";
import { approverIdsFor, peopleWith } from "../../src/domain/roles";
import { people, testPolicy } from "../support/policy-fixture";
import { visitIn } from "./visit.builders";

describe("the policy a visit runs on", () => {
  it("is pinned once approved under a version, not before", () => {
    const approved = { ...visitIn("approved", testPolicy()), policyVersion: 3 };
    expect(isPinned(approved)).toBe(true);
    expect(isPinned({ ...approved, policyVersion: undefined })).toBe(false);
    expect(isPinned({ ...visitIn("requested", testPolicy()), policyVersion: 3 })).toBe(false);
  });

  it("keeps the approved-under rules and timers, with today's people and alert channel", () => {
    const approvedUnder = testPolicy((p) => void (p.parentAbsent = { mode: "wait", waitLimit: "PT15M" }));
    const current = testPolicy((p) => {
      p.parentAbsent = { mode: "wait", waitLimit: "PT5M" };
      p.people = p.people.filter((person) => person.aadObjectId !== people.office.aadObjectId);
      p.people.push({ aadObjectId: "00000000-0000-4000-8000-0000000000f5", displayName: "New Office Manager", roles: ["office"] });
      p.alertChannel = { teamId: "19:team", channelId: "19:new-channel", name: "Renamed" };
    });
    const merged = visitPolicy(approvedUnder, current);
    expect(merged.parentAbsent).toEqual({ mode: "wait", waitLimit: "PT15M" });
    expect(merged.people).toEqual(current.people);
    expect(merged.alertChannel).toEqual(current.alertChannel);
    expect(peopleWith(merged, ["office"]).map((p) => p.displayName)).toEqual(["New Office Manager"]);
  });

  it("gives a role the old rules rely on, that nobody holds any more, to the current approvers", () => {
    const approvedUnder = testPolicy((p) => {
      p.people.push({ aadObjectId: "00000000-0000-4000-8000-0000000000f6", displayName: "Former Attendance Lead", roles: ["attendance-lead"] });
      p.changes.notify = ["attendance-lead"];
    });
    const current = testPolicy((p) => void (p.changes.notify = ["headteacher"]));
    const merged = visitPolicy(approvedUnder, current);
    expect(merged.changes.notify).toEqual(["attendance-lead"]);
    expect(peopleWith(merged, ["attendance-lead"]).map((p) => p.aadObjectId)).toEqual(approverIdsFor(current, visitIn("requested", current)));
  });
});
