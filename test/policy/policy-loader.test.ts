import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadPolicyFile, PolicyFileError } from "../../src/policy/policy.loader";
import type { PolicyProfileInput } from "../../src/policy/policy.schema";
import { testPolicyInput } from "../support/policy-fixture";

/**
 * A school admin edits a JSON file by hand; when it is wrong the bot must stop at start-up and say which
 * file, which field and what is wrong, in words the admin can act on.
 */

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "policy-loader-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
function writeProfile(contents: string, name = `profile-${++counter}.json`): string {
  const file = path.join(dir, name);
  writeFileSync(file, contents, "utf8");
  return file;
}

/** Writes the fixture profile after `change`, loads it, and returns the PolicyFileError it must throw. */
function problemsWith(change: (input: PolicyProfileInput) => void): { file: string; error: PolicyFileError } {
  const input = testPolicyInput();
  change(input);
  const file = writeProfile(JSON.stringify(input, null, 2));
  return { file, error: loadError(file) };
}

function loadError(file: string): PolicyFileError {
  try {
    loadPolicyFile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyFileError);
    return error as PolicyFileError;
  }
  throw new Error(`expected ${file} to be refused, but it loaded`);
}

describe("loadPolicyFile", () => {
  it("loads a valid profile and fills the schema's defaults", () => {
    const input = testPolicyInput();
    delete (input.school as { timeZone?: string }).timeZone;
    delete (input.authorisation as { informRoles?: string[] }).informRoles;
    const policy = loadPolicyFile(writeProfile(JSON.stringify(input)));
    expect(policy.school.id).toBe("test-school");
    expect(policy.school.timeZone).toBe("Europe/London");
    expect(policy.authorisation.informRoles).toEqual([]);
  });

  it('a bad duration ("10 minutes") names the file, the field path and the expected form', () => {
    const { file, error } = problemsWith((input) => {
      input.parentAbsent = { mode: "wait", waitLimit: "10 minutes" };
    });
    expect(error.file).toBe(file);
    expect(error.problems).toEqual(["parentAbsent.waitLimit: must be an ISO 8601 duration such as PT10M or PT2H"]);
    expect(error.message).toContain(file);
    expect(error.message).toContain("parentAbsent.waitLimit");
  });

  it("a bad duration deep in the escalation ladder names its index", () => {
    const { error } = problemsWith((input) => {
      input.escalation.steps[1]!.after = "5m";
    });
    expect(error.problems).toEqual(["escalation.steps.1.after: must be an ISO 8601 duration such as PT10M or PT2H"]);
  });

  it("an unknown role names the person's index and lists the roles that exist", () => {
    const { error } = problemsWith((input) => {
      input.people[0]!.roles = ["caretaker" as never];
    });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^people\.0\.roles\.0: /);
    expect(error.problems[0]).toContain('"headteacher"');
    expect(error.problems[0]).toContain('"visitor"');
  });

  it("a missing field names the field and says it is missing", () => {
    const { error } = problemsWith((input) => {
      delete (input as Partial<PolicyProfileInput>).escalation;
    });
    expect(error.problems).toEqual(["escalation: Invalid input: expected object, received undefined"]);
  });

  it("a missing nested field names the full path", () => {
    const { error } = problemsWith((input) => {
      delete (input.checkIns as Partial<typeof input.checkIns>).leaving;
    });
    expect(error.problems).toEqual([expect.stringMatching(/^checkIns\.leaving: .*expected boolean, received undefined/)]);
  });

  it("an approver role that nobody in people holds is refused", () => {
    const { error } = problemsWith((input) => {
      input.authorisation.approverRoles = ["headteacher", "attendance-lead"];
    });
    expect(error.problems).toEqual(['authorisation.approverRoles.1: nobody in people holds the role "attendance-lead"']);
  });

  it("every other role the policy names, and every alert target, must be held by someone", () => {
    const { error } = problemsWith((input) => {
      input.people = input.people.filter((p) => !p.roles.includes("office"));
      input.loneWorking.loneVisitDecidedBy = ["attendance-lead"];
      input.changes.notify = ["deputy-dsl"];
    });
    expect(error.problems).toEqual([
      'loneWorking.loneVisitDecidedBy.0: nobody in people holds the role "attendance-lead"',
      'changes.notify.0: nobody in people holds the role "deputy-dsl"',
      'help.alert.0: nobody in people holds the role "office"',
      'escalation.steps.1.targets.0: nobody in people holds the role "office"',
    ]);
  });

  it("the same Entra object id twice is refused, whatever its case", () => {
    const { error } = problemsWith((input) => {
      input.people[1]!.aadObjectId = input.people[0]!.aadObjectId.toUpperCase();
    });
    expect(error.problems).toEqual(["people.1.aadObjectId: appears twice"]);
  });

  it("an id that is not GUID-shaped is refused", () => {
    const { error } = problemsWith((input) => {
      input.people[2]!.aadObjectId = "jo.fenwick@school.example";
    });
    expect(error.problems).toEqual(["people.2.aadObjectId: must be an Entra object id (a GUID)"]);
  });

  it("an unknown parent-absent mode lists the modes that exist", () => {
    const { error } = problemsWith((input) => {
      input.parentAbsent = { mode: "sometimes" } as never;
    });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^parentAbsent\.mode: .*'wait' \| 'enquire-and-leave-card' \| 'off'/);
  });

  it("a school-day time that is not 24-hour is refused", () => {
    const { error } = problemsWith((input) => {
      input.outOfHours.schoolDay.start = "8.30am";
    });
    expect(error.problems).toEqual(["outOfHours.schoolDay.start: must be a 24-hour time such as 08:30"]);
  });

  it("a school id with capitals or spaces is refused", () => {
    const { error } = problemsWith((input) => {
      input.school.id = "Thorns Primary";
    });
    expect(error.problems).toEqual(["school.id: must be lower-case letters, digits and dashes"]);
  });

  it("a profile written for another schema version is refused", () => {
    const { error } = problemsWith((input) => {
      input.schemaVersion = 2 as never;
    });
    expect(error.problems).toEqual([expect.stringMatching(/^schemaVersion: .*expected 1/)]);
  });

  it("reports every problem in one go, one line each", () => {
    const { error } = problemsWith((input) => {
      input.parentAbsent = { mode: "wait", waitLimit: "10 minutes" };
      input.checkIns.periodicEvery = "2 hours";
      input.people[0]!.roles = [];
    });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^parentAbsent\.waitLimit: /),
        expect.stringMatching(/^checkIns\.periodicEvery: /),
        expect.stringMatching(/^people\.0\.roles: /),
      ]),
    );
    expect(error.problems).toHaveLength(3);
    expect(error.message.split("\n").filter((line) => line.startsWith("  - "))).toHaveLength(3);
  });

  it("invalid JSON names the file and says it is not JSON", () => {
    const file = writeProfile('{ "schemaVersion": 1, "school": { "id": "x", }');
    const error = loadError(file);
    expect(error.file).toBe(file);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^is not JSON: /);
    expect(error.message).toContain(file);
  });

  it("an empty file is not JSON", () => {
    expect(loadError(writeProfile("")).problems[0]).toMatch(/^is not JSON: /);
  });

  it("JSON that is not an object is refused at the top level", () => {
    expect(loadError(writeProfile("[]")).problems).toEqual(["(top level): Invalid input: expected object, received array"]);
    expect(loadError(writeProfile("null")).problems).toEqual(["(top level): Invalid input: expected object, received null"]);
  });

  it("a missing file names the file and says it cannot be read", () => {
    const file = path.join(dir, "no-such-school.json");
    const error = loadError(file);
    expect(error.file).toBe(file);
    expect(error.problems).toEqual([expect.stringMatching(/^cannot be read: .*ENOENT/)]);
    expect(error.message).toBe(`School profile ${file} is not valid:\n  - ${error.problems[0]}`);
  });

  it("a directory instead of a file cannot be read", () => {
    expect(loadError(dir).problems).toEqual([expect.stringMatching(/^cannot be read: /)]);
  });
});
