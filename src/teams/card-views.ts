import type { PolicyProfile } from "../policy/policy.schema";
import { approvalCard } from "../cards/approval.card";
import type { AdaptiveCard, Banner } from "../cards/card-parts";
import { visitCard } from "../cards/visit.card";
import { approverRolesFor, holdsAny, peopleWith } from "../domain/roles";
import type { Visit } from "../domain/visit";
import { visitorsOf } from "../domain/visit";
import { nextCheckInSteps } from "../domain/visit.decide";

/**
 * Who a card is built for: their Entra object id (roles are checked against it) and, when known, their
 * Teams user id, which is what a card's `refresh.userIds` names.
 */
export interface Viewer {
  id: string;
  teamsUserId?: string;
}

/**
 * Chooses the card and the view a person gets of a visit: the server decides who sees which buttons.
 * Cards in a 1:1 chat refresh only for the person in it.
 */
export class CardViews {
  constructor(private readonly policy: PolicyProfile) {}

  /** Entra object ids of the people who decide this visit. */
  approverIds(visit: Visit): string[] {
    const roles = approverRolesFor(this.policy, visit.details.staffing.mode === "lone");
    return peopleWith(this.policy, roles).map((p) => p.aadObjectId);
  }

  approval(visit: Visit, viewer: Viewer, message?: Banner): AdaptiveCard {
    const roles = approverRolesFor(this.policy, visit.details.staffing.mode === "lone");
    const canDecide = visit.status === "requested" && !visitorsOf(visit).includes(viewer.id) && holdsAny(this.policy, viewer.id, roles);
    return approvalCard({
      visit,
      policy: this.policy,
      viewerId: viewer.id,
      canDecide,
      refreshUserIds: refreshFor(viewer),
      ...(message ? { message } : {}),
    });
  }

  visit(visit: Visit, viewer: Viewer, message?: Banner): AdaptiveCard {
    return visitCard({
      visit,
      policy: this.policy,
      viewerId: viewer.id,
      nextSteps: nextCheckInSteps(visit, this.policy),
      refreshUserIds: refreshFor(viewer),
      ...(message ? { message } : {}),
    });
  }

  /** The card a refresh shows this viewer: staff on the visit get the visit card, approvers the approval card. */
  forViewer(visit: Visit, viewer: Viewer, message?: Banner): AdaptiveCard | undefined {
    if (visitorsOf(visit).includes(viewer.id)) return this.visit(visit, viewer, message);
    if (this.approverIds(visit).includes(viewer.id)) return this.approval(visit, viewer, message);
    return undefined;
  }
}

const refreshFor = (viewer: Viewer): string[] => (viewer.teamsUserId ? [viewer.teamsUserId] : []);
