import type { VisitView } from "../../../src/cards/visit.card";
import { visitCard } from "../../../src/cards/visit.card";
import type { Visit } from "../../../src/domain/visit";
import { nextCheckInSteps } from "../../../src/domain/visit.decide";
import { people, testPolicy } from "../../support/policy-fixture";
import { validateCard } from "./validate-card";

/** The visitor's own card as the bot builds it (the server's next steps), checked valid before any test reads it. */
export const cardPolicy = testPolicy();

export const visitorView = (visit: Visit, change: Partial<VisitView> = {}): VisitView => ({
  visit,
  policy: change.policy ?? cardPolicy,
  viewerId: people.visitor.aadObjectId,
  nextSteps: nextCheckInSteps(visit, change.policy ?? cardPolicy),
  refreshUserIds: ["29:alex", "29:sam"],
  ...change,
});

export const visitorCard = (visit: Visit, change: Partial<VisitView> = {}) => {
  const built = visitCard(visitorView(visit, change));
  validateCard(built);
  return built;
};
