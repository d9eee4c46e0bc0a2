import type { Clock, StaffDirectory, StaffMember } from "../app/ports";
import type { Schools } from "../app/schools";
import type { PolicyProfile } from "../policy/policy.schema";
import { agreementCard } from "../cards/agreement.card";
import { alertCard } from "../cards/alert.card";
import { approvalCard } from "../cards/approval.card";
import { areYouSafeCard } from "../cards/are-you-safe.card";
import type { AdaptiveCard, Banner } from "../cards/card-parts";
import type { Mention } from "../cards/mentions";
import { visitCard } from "../cards/visit.card";
import type { Alert } from "../domain/alert";
import { londonDate } from "../domain/london-time";
import { staffGapsOf } from "../app/staff-gaps";
import { respondersOf } from "../domain/alert";
import { AGREEMENT_ROLES, approverIdsFor, approverRolesFor, holdsAny } from "../domain/roles";
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
  constructor(
    private readonly schools: Schools,
    private readonly staff: StaffDirectory,
    private readonly clock: Clock,
  ) {}

  /** The policy the visit runs on; a visit of a school that no longer runs shows nothing. */
  async policyOf(visit: Visit): Promise<PolicyProfile> {
    const policy = await this.schools.policyFor(visit);
    if (!policy) throw new SchoolNotRunning(visit.schoolId);
    return policy;
  }

  /** The approval card, with what is missing from the visitors' staff records (R06) while it awaits a decision. */
  async approval(visit: Visit, viewer: Viewer, message?: Banner): Promise<AdaptiveCard> {
    const policy = await this.policyOf(visit);
    const roles = approverRolesFor(policy, visit);
    const canDecide = visit.status === "requested" && !visitorsOf(visit).includes(viewer.id) && holdsAny(policy, viewer.id, roles);
    const staffGaps = visit.status === "requested" ? await staffGapsOf(visit, this.staff, policy, londonDate(this.clock.now())) : [];
    return approvalCard({
      visit,
      policy,
      viewerId: viewer.id,
      canDecide,
      refreshUserIds: refreshFor(viewer),
      staffGaps,
      ...(message ? { message } : {}),
    });
  }

  async visit(visit: Visit, viewer: Viewer, message?: Banner): Promise<AdaptiveCard> {
    const policy = await this.policyOf(visit);
    return visitCard({
      visit,
      policy,
      viewerId: viewer.id,
      nextSteps: nextCheckInSteps(visit, policy),
      refreshUserIds: refreshFor(viewer),
      ...(message ? { message } : {}),
    });
  }

  /**
   * An alert as this person may see it: the visitor gets "Are you safe?", the people who may act get every
   * detail and the buttons, anyone else the minimum a channel may show.
   */
  async alert(visit: Visit, alertId: string, viewer: Viewer, message?: Banner): Promise<AdaptiveCard | undefined> {
    const alert = visit.alerts.find((a) => a.id === alertId);
    if (!alert) return undefined;
    const policy = await this.policyOf(visit);
    if (visitorsOf(visit).includes(viewer.id)) {
      return areYouSafeCard({ visit, alert, policy, viewerId: viewer.id, refreshUserIds: refreshFor(viewer) });
    }
    // Staff on the visit, who never answer its alerts (the domain refuses it), were given their own card above.
    const contact = (alert.kind === "overdue" || alert.kind === "help") && viewer.id === visit.details.responsibleContactId;
    const canAct = contact || respondersOf(alert.kind, policy).includes(viewer.id);
    return alertCard({
      visit,
      alert,
      policy,
      viewer: { id: viewer.id },
      canAct,
      detail: canAct ? "full" : "minimum",
      staff: canAct ? await this.staffOf(visit) : [],
      refreshUserIds: refreshFor(viewer),
      now: this.clock.now(),
      ...(message ? { message } : {}),
    });
  }

  /** R22: an agreement whose follow-up date has passed, for the people who follow it up. */
  async agreement(visit: Visit, index: number, viewer: Viewer, message?: Banner): Promise<AdaptiveCard> {
    const policy = await this.policyOf(visit);
    return agreementCard({
      visit,
      index,
      policy,
      canAct: holdsAny(policy, viewer.id, AGREEMENT_ROLES),
      refreshUserIds: refreshFor(viewer),
      ...(message ? { message } : {}),
    });
  }

  /**
   * The base card of a channel post, seen by everyone in it: the minimum. Responders refresh into their own view.
   * `mentions`: the people a new post is for; a card updated in place mentions nobody.
   */
  async channelAlert(visit: Visit, alert: Alert, mentions: readonly Mention[] = []): Promise<AdaptiveCard> {
    const policy = await this.policyOf(visit);
    const responders = await inOrder(this.staff, visit.schoolId, respondersOf(alert.kind, policy));
    return alertCard({
      visit,
      alert,
      policy,
      viewer: {},
      canAct: false,
      detail: "minimum",
      staff: [],
      refreshUserIds: responders.map((m) => m.teamsUserId),
      mentions,
    });
  }

  private staffOf(visit: Visit): Promise<StaffMember[]> {
    return inOrder(this.staff, visit.schoolId, visitorsOf(visit));
  }

  /** The card a refresh shows this viewer: staff on the visit get the visit card, approvers the approval card. */
  async forViewer(visit: Visit, viewer: Viewer, message?: Banner): Promise<AdaptiveCard | undefined> {
    if (visitorsOf(visit).includes(viewer.id)) return this.visit(visit, viewer, message);
    if (approverIdsFor(await this.policyOf(visit), visit).includes(viewer.id)) return this.approval(visit, viewer, message);
    return undefined;
  }
}

const refreshFor = (viewer: Viewer): string[] => (viewer.teamsUserId ? [viewer.teamsUserId] : []);

/** The ones of these people on file at the school, in the order given: one request for them all (a sweep sends many). */
export async function inOrder(staff: StaffDirectory, schoolId: string, ids: readonly string[]): Promise<StaffMember[]> {
  const found = new Map((await staff.getMany(schoolId, ids)).map((member) => [member.aadObjectId, member]));
  return ids.flatMap((id) => found.get(id) ?? []);
}

/** A card about a visit of a school that has been taken off the deployment. */
export class SchoolNotRunning extends Error {
  constructor(readonly schoolId: string) {
    super(`school ${schoolId} is not running`);
    this.name = "SchoolNotRunning";
  }
}
