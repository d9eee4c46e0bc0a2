import { join } from "node:path";
import { briefingCard } from "../../src/cards/briefing.card";
import type { Visit } from "../../src/domain/visit";
import { loadPolicyFile } from "../../src/policy/policy.loader";
import type { PolicyProfile } from "../../src/policy/policy.schema";
import { people, testPolicy } from "../support/policy-fixture";
import { executeActions, inputs, validateCard, visibleText } from "./support/validate-card";
import { loneDetails, pairDetails, visitIn } from "./support/visit-fixture";

/** R07: the visitor's briefing, sent in their 1:1 chat once the visit is approved. Fictional data only. */
const policy = testPolicy((p) => {
  p.briefing.reminders = ["Take a fully charged mobile phone.", "Park in a safe, well-lit area, facing away from the property."];
  p.entry.guidance = ["Stay in shared areas of the household.", "Before entering and once inside, identify exit routes."];
});
const card = (visit: Visit, p: PolicyProfile = policy) => {
  const built = briefingCard({ visit, policy: p });
  validateCard(built);
  return built;
};
const full = pairDetails({ entry: "enter", pets: "Two cats, kept upstairs", medicalNeeds: "Parent has epilepsy", socialWorker: "A. Social, Testbury CSC" });

describe("briefingCard", () => {
  test("gives the itinerary: address, date, start and end, purpose, staff and whether they go in", () => {
    const words = visibleText(card(visitIn("approved", full)));
    for (const line of [
      "Briefing: home visit HV-3F6C2A",
      "Pupil: J.S. Y4",
      "Address: 12 Example Lane, Testbury TE1 2ST",
      "When: Mon 23 Nov 2026, 09:30 to 10:30",
      "Purpose: Attendance support",
      "Staff: Alex Rivers and Sam Moss",
      "Going in?: Entering the home",
    ]) {
      expect(words).toContain(line);
    }
  });

  test("gives what is known: risks, animals, medical needs and the social worker", () => {
    const words = visibleText(card(visitIn("approved", full)));
    expect(words).toContain("Known risks: Large dog in the garden\nAnimals: Two cats, kept upstairs\nMedical needs: Parent has epilepsy\nSocial worker: A. Social, Testbury CSC");
  });

  test("leaves out what was not given", () => {
    const words = visibleText(card(visitIn("approved")));
    for (const title of ["Animals:", "Medical needs:", "Social worker:", "Risk assessment:", "Responsible contact:"]) expect(words).not.toMatch(new RegExp(`^${title}`, "m"));
  });

  test("gives a lone visitor their risk assessment", () => {
    expect(visibleText(card(visitIn("approved", loneDetails())))).toContain("Staff: Alex Rivers (lone visit)\n");
    expect(visibleText(card(visitIn("approved", loneDetails())))).toContain("Risk assessment: Doorstep only; office has my route.");
  });

  test("names the responsible contact for a visit outside the school day (R05)", () => {
    const evening = visitIn("approved", pairDetails({ start: "16:30", end: "17:30", responsibleContactId: people.office.aadObjectId }));
    expect(visibleText(card(evening))).toContain("Responsible contact: Chris Dale");
  });

  test("gives the policy's reminders and entry guidance in its own words, with parking and exits together", () => {
    const words = visibleText(card(visitIn("approved", full)));
    expect(words).toContain("Before you go\n- Take a fully charged mobile phone.");
    expect(words).toContain("Going in\n- Only go in when a parent or carer is present.\r- Stay in shared areas of the household.");
    expect(words).toContain("Parking and ways out\n- Park in a safe, well-lit area, facing away from the property.\r- Before entering and once inside, identify exit routes.");
    // Each line once: parking and exits are not repeated under the other headings.
    expect(words.split("identify exit routes").length).toBe(2);
    expect(words.split("Park in a safe").length).toBe(2);
  });

  test("a doorstep visit is told not to go in", () => {
    expect(visibleText(card(visitIn("approved")))).toContain("At the door\n- This is a doorstep visit: do not go in.");
  });

  test("a lone visitor entering the home is told two staff are recommended, when the policy says so", () => {
    const recommended = testPolicy((p) => void (p.loneWorking.twoStaffWhenEntering = "recommended"));
    expect(visibleText(card(visitIn("approved", loneDetails({ entry: "enter" })), recommended))).toContain("Two staff are recommended when entering the home.");
  });

  test("says what to do at the door as the policy sets it: the wait, a late parent, animals, feeling unsafe, and its police guidance", () => {
    const words = visibleText(card(visitIn("approved")));
    expect(words).toContain("Parent not in: wait no longer than 15 minutes, then call the visit off.");
    expect(words).toContain("Parent running late: do not go in until they arrive; the visit is called off after 30 minutes.");
    expect(words).toContain("Animals: ask for them to be shut away or put outside.");
    expect(words).toContain("Feeling unsafe: do not go in, or leave at once");
    expect(words).toContain("If anyone is in immediate danger, call 999.");
    const priory = loadPolicyFile(join(__dirname, "../../policies/priory-junior.json"));
    const prioryWords = visibleText(card(visitIn("approved"), priory));
    expect(prioryWords).toContain("Parent not at home: make appropriate enquiries and leave a visit card.");
    expect(prioryWords).not.toContain("running late");
  });

  test("a school with no parking or exit lines gets no such heading, and one with briefing off no reminders", () => {
    const plain = testPolicy((p) => {
      p.briefing = { enabled: false, reminders: ["Park far away."] };
      p.entry.guidance = [];
    });
    const words = visibleText(card(visitIn("approved"), plain));
    expect(words).not.toContain("Parking and ways out");
    expect(words).not.toContain("Before you go");
  });

  test("has no buttons and no inputs", () => {
    const built = card(visitIn("approved", full));
    expect(executeActions(built)).toEqual([]);
    expect(inputs(built)).toEqual([]);
    expect(built.refresh).toBeUndefined();
  });
});
