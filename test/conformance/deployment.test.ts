/**
 * The conformance suite runs on the five seed schools as one deployment runs them (schools.ts): set up through the
 * Teams setup flow side by side. Each runs on exactly its profile file's rules and people; only its id (made from
 * its name at setup) and its alert channel (chosen in its own staff team) are the deployment's.
 */
import { fileProfile, SCHOOLS } from "./schools";

describe("the five seed schools set up through Teams on one deployment", () => {
  it.each(SCHOOLS.map((s) => [s.label, s] as const))("%s runs on its profile's rules and people, in its own staff team", (_label, school) => {
    const file = fileProfile(school.key);
    const { school: deployedSchool, alertChannel, ...deployed } = school.policy;
    const { school: fileSchool, alertChannel: _none, ...fromFile } = file;
    expect(deployed).toEqual(fromFile);
    expect(deployedSchool.name).toBe(fileSchool.name);
    expect(alertChannel).toEqual({ teamId: `19:${school.key}-staff@thread.tacv2`, channelId: `19:${school.key}-safeguarding@thread.tacv2`, name: "Safeguarding" });
  });

  it("gives each school an id of its own", () => {
    expect(new Set(SCHOOLS.map((s) => s.policy.school.id)).size).toBe(SCHOOLS.length);
  });
});
