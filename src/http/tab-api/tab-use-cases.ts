import type { OfficeService } from "../../app/office.service";
import { waitingAt } from "../../app/pending-approvals";
import type { Clock, StaffDirectory, StaffMember, VisitStore } from "../../app/ports";
import { datesBetween, type ReviewService } from "../../app/review.service";
import type { ActiveSchool, Schools } from "../../app/schools";
import type { StaffDataService } from "../../app/staff-data.service";
import type { SchoolService } from "../../app/school.service";
import type { StaffService } from "../../app/staff.service";
import type { VisitService } from "../../app/visit.service";
import { londonDate } from "../../domain/london-time";
import { joinWords, rolesInWords } from "../../domain/role-words";
import { decidingRoles, holdsAny, REVIEW_ROLES } from "../../domain/roles";
import { formerStaff, prerequisiteGaps } from "../../domain/staff-prerequisites";
import { type Actor, type Visit, visitorsOf, visitReference } from "../../domain/visit";
import { type Answer, answer, badRequest, forbidden, notFound, refused } from "./answer";
import { approvalOf } from "./approval-view";
import { boardOf, nameOf, needingWhereabouts } from "./board-view";
import type { Approvals, Board, DecisionRequest, Done, Figures, Me, Records, SchoolSettings, StaffList } from "./contract";
import { recordRowOf } from "./record-view";
import { accessTo, SCHOOL_VIEW_ROLES, type Viewer, viewerOf } from "./viewer";
import { schoolSettingsOf } from "./school-view";

export interface TabDeps {
  schools: Schools;
  visits: VisitService;
  office: OfficeService;
  reviews: ReviewService;
  staff: StaffService;
  /** The schools' settings, roles and policy files, with the settings card's role checks. */
  schoolService: SchoolService;
  /** Read only: a visitor's own visits of the day, and the visits of a period for approvals and records. */
  store: VisitStore;
  /** Read only: the mobiles of the staff on a visit whose alert the viewer may act on (R06, as the alert card has them). */
  directory: StaffDirectory;
  /** Everything held about a member of staff, for the admin (subject access). */
  staffData: StaffDataService;
  clock: Clock;
}

/** The signed-in person for a call that only reads, which the services check by id and record nothing under. */
const reader = (objectId: string): Actor => ({ id: objectId, name: "" });

/** A signed-in person at the school a call is about: who they are there, and the school as it runs now. */
export interface AtSchool {
  viewer: Viewer;
  at: ActiveSchool;
}

/** The longest period the records view lists: the limit ReviewService puts on a review or an export. */
const RECORDS_MAX_DAYS = 400;
const RECORDS_ONLY = "Only the head, SLT, the DSL and the school admin can see visit records and review figures.";

/**
 * The tab's use cases: the same services the bot's cards call (so the domain's role checks and the outbox's
 * card updates apply alike), shaped into what each view shows to this viewer at this school.
 */
export class TabUseCases {
  constructor(private readonly deps: TabDeps) {}

  /** Who this is at the school a call names, or undefined when they are not on its staff (or it does not run). */
  async atSchool(objectId: string, schoolId: string): Promise<AtSchool | undefined> {
    const at = await this.deps.schools.active(schoolId);
    const viewer = at && viewerOf(at.policy, objectId);
    return at && viewer ? { viewer, at } : undefined;
  }

  /** Why a call about a school is refused to someone who is not on its running staff. */
  outsiderRefusal(objectId: string): string {
    return this.deps.reviews.isTrustLead(objectId)
      ? "As the trust's safeguarding lead you see this school's review figures, and nothing else unless the school gives you a role."
      : "You are not on the staff of that school. Ask its admin to give you a role.";
  }

  /** The signed-in person and every school they may open the tab on (viewer.ts, accessTo); undefined when none. */
  async me(objectId: string): Promise<Me | undefined> {
    const { schools, reviews, clock } = this.deps;
    const trustLead = reviews.isTrustLead(objectId);
    const [all, running] = await Promise.all([schools.list(), schools.running()]);
    const policies = new Map(running.map(({ school, policy }) => [school.id, policy]));
    const access = all.flatMap((school) => accessTo(school, policies.get(school.id), objectId, trustLead) ?? []).sort((a, b) => a.name.localeCompare(b.name));
    if (access.length === 0) return undefined;
    // A trust's safeguarding lead may be on no school's staff: no school's profile has their name.
    const name = all.map((school) => viewerOf(school.policy, objectId)?.actor.name).find(Boolean) ?? "Trust safeguarding lead";
    return { name, today: londonDate(clock.now()), schools: access };
  }

  /** The school's day for the office and those who answer for staff safety; anyone else's own visits of the day. */
  async today({ viewer, at }: AtSchool): Promise<Board> {
    const { office, store, clock } = this.deps;
    const { policy } = at;
    const id = viewer.actor.id;
    const day = await office.day(viewer.actor, at.school.id);
    const date = day?.date ?? londonDate(clock.now());
    const visits = day?.visits ?? (await store.listForVisitor(at.school.id, date, id));
    const staff = await this.staffOn(at.school.id, needingWhereabouts(policy, visits, id));
    return boardOf(policy, date, day ? "school" : "mine", visits, id, staff, day?.undelivered);
  }

  /** "I'm on it": the first responder owns the alert; every card about it is updated by the outbox. */
  async acknowledge({ viewer }: AtSchool, visitId: string, alertId: string): Promise<Answer<Done>> {
    const outcome = await this.deps.visits.act(visitId, viewer.actor, { type: "acknowledgeAlert", alertId });
    return outcome.ok ? answer({ message: "You are dealing with this: everyone else can see that." }) : refused(outcome.refusal);
  }

  /** "Contacted – safe" (or "Dealt with"), with the note the domain requires. */
  async resolve({ viewer }: AtSchool, visitId: string, alertId: string, note: string): Promise<Answer<Done>> {
    const outcome = await this.deps.visits.act(visitId, viewer.actor, { type: "resolveAlert", alertId, note });
    return outcome.ok ? answer({ message: "Resolved. Everyone who saw this alert can see it is resolved." }) : refused(outcome.refusal);
  }

  /** Requests from today on that wait for this person's decision: never one they go on themselves. */
  async approvals({ viewer, at }: AtSchool): Promise<Answer<Approvals>> {
    const { store, clock, visits } = this.deps;
    const { policy } = at;
    const id = viewer.actor.id;
    if (!holdsAny(policy, id, decidingRoles(policy))) {
      return forbidden("Only the people who approve home visits have approvals.");
    }
    const mine = await waitingAt(store, policy, id, londonDate(clock.now()));
    const gaps = await Promise.all(mine.map((visit) => visits.staffGaps(visit, policy)));
    return answer({ visits: mine.map((visit, i) => approvalOf(policy, visit, gaps[i]!)) });
  }

  /** Approve, decline or ask for changes, on the version the approver saw. */
  async decide({ viewer, at }: AtSchool, visitId: string, request: DecisionRequest): Promise<Answer<Done>> {
    const note = request.note?.trim();
    const outcome = await this.deps.visits.act(visitId, viewer.actor, { type: request.decision, ...(note ? { note } : {}) }, request.version);
    if (!outcome.ok) return refused(outcome.refusal);
    const done = { approve: "Approved.", decline: "Declined.", requestChanges: "Sent back for changes." }[request.decision];
    // Named, as the approval card names them, so the approver knows whom to tell; an informed role not reached is not theirs to tell.
    const visitors = visitorsOf(outcome.visit);
    const missed = outcome.unreachable.filter((person) => visitors.includes(person)).map((person) => nameOf(at.policy, outcome.visit, person));
    return answer({ message: missed.length > 0 ? `${done} ${joinWords(missed, "and")} could not be reached in Teams: please tell them.` : `${done} The visitor has been told.` });
  }

  /** The visits planned in a period, or the one with this reference among them (HV-XXXXXX). */
  async records({ viewer, at }: AtSchool, from: string, to: string, reference?: string): Promise<Answer<Records>> {
    const { policy } = at;
    if (!holdsAny(policy, viewer.actor.id, REVIEW_ROLES)) return forbidden(RECORDS_ONLY);
    const days = datesBetween(from, to);
    if (!days) return badRequest("Give the period as two dates, the first not after the second.");
    if (days.length > RECORDS_MAX_DAYS) return badRequest(`Choose a period of at most ${RECORDS_MAX_DAYS} days.`);
    const visits = await this.deps.store.listForDay(at.school.id, from, to);
    const found = reference ? visits.filter((visit) => visitReference(visit.id) === reference) : visits;
    return answer({ from, to, visits: found.map((visit) => recordRowOf(policy, visit)) });
  }

  /** The recorded visits of a period as CSV for the school's record system (R21): ReviewService's export. */
  async recordsCsv({ viewer, at }: AtSchool, from: string, to: string): Promise<Answer<{ csv: string; filename: string }>> {
    if (!holdsAny(at.policy, viewer.actor.id, REVIEW_ROLES)) return forbidden(RECORDS_ONLY);
    const outcome = await this.deps.reviews.records(viewer.actor, at.school.id, from, to);
    return outcome.ok ? answer({ csv: outcome.csv, filename: `home-visit-records-${at.school.id}-${from}-to-${to}.csv` }) : badRequest(outcome.message);
  }

  /** A school's figures for the governors' review (R31), for its reviewers and the trust's safeguarding leads: ReviewService decides. */
  async review(objectId: string, schoolId: string, from: string, to: string): Promise<Answer<Figures>> {
    const outcome = await this.deps.reviews.figuresAt(reader(objectId), schoolId, from, to);
    if (outcome.ok) return answer(outcome.figures);
    return outcome.denied ? forbidden(outcome.message) : badRequest(outcome.message);
  }

  /** The school's settings and roles, as SchoolService shows them to its head and admin (its alert channel to its DSL). */
  async school(objectId: string, schoolId: string): Promise<Answer<SchoolSettings>> {
    const overview = await this.deps.schoolService.overview(reader(objectId), schoolId);
    return overview ? answer(schoolSettingsOf(overview)) : forbidden(`Only ${rolesInWords(SCHOOL_VIEW_ROLES)} can see the school's settings.`);
  }

  /** The school's policy file, as the settings card exports it (never the code word): for its head and admin. */
  async policyFile(objectId: string, schoolId: string): Promise<Answer<{ filename: string; json: string }>> {
    const outcome = await this.deps.schoolService.exportPolicy(reader(objectId), schoolId);
    if (!outcome.ok) return forbidden(outcome.message);
    return answer({ filename: `home-visits-policy-${outcome.school.id}-version-${outcome.school.version}.json`, json: outcome.json });
  }

  /** Everyone in the school's profile, and what the records of those who go on visits lack (R06): for the admin. */
  async staffList({ viewer, at }: AtSchool): Promise<Answer<StaffList>> {
    const { staff, clock } = this.deps;
    const { policy } = at;
    const kept = await staff.members(viewer.actor, at.school.id);
    if (!kept) return forbidden("Only the school admin can see staff records.");
    const today = londonDate(clock.now());
    const withoutRole = formerStaff(policy, kept.members);
    return answer({
      staff: [
        ...policy.people.map((person) => {
          const member = kept.members.find((m) => m.aadObjectId === person.aadObjectId);
          const gaps = person.roles.includes("visitor") ? prerequisiteGaps(person.aadObjectId, member, policy, today) : [];
          return {
            id: person.aadObjectId,
            name: person.displayName,
            roles: [...person.roles],
            inTeams: Boolean(member?.teamsUserId),
            gaps: gaps.map((gap) => ({ problem: gap.problem, blocking: gap.blocking })),
          };
        }),
        ...withoutRole.map((member) => ({ id: member.aadObjectId, name: member.name || "Not seen in Teams", roles: [], inTeams: Boolean(member.teamsUserId), gaps: [] })),
      ],
    });
  }

  /** Everything held about one member of staff, as a file for the admin: a subject access request's answer. */
  async staffExport({ viewer, at }: AtSchool, staffId: string): Promise<Answer<{ filename: string; json: string }>> {
    const outcome = await this.deps.staffData.exportFor(viewer.actor, at.school.id, staffId);
    if (!outcome.ok) return outcome.status === 404 ? notFound(outcome.message) : forbidden(outcome.message);
    return answer({ filename: outcome.filename, json: JSON.stringify(outcome.export, null, 2) });
  }

  /** The school's records of everyone on these visits (one read each). */
  private async staffOn(schoolId: string, visits: readonly Visit[]): Promise<StaffMember[]> {
    const ids = visits.flatMap((visit) => visitorsOf(visit));
    return ids.length === 0 ? [] : this.deps.directory.getMany(schoolId, ids);
  }
}
