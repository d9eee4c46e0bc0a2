import type { z } from "zod";
import { Deadline } from "../app/deadline";
import type { Clock, Logger } from "../app/ports";
import type { StaffDataService } from "../app/staff-data.service";
import type { StaffService } from "../app/staff.service";
import type { Outcome, VisitService } from "../app/visit.service";
import type { Schools } from "../app/schools";
import { recordCard } from "../cards/record.card";
import { parseRecordForm, recordFormValues } from "../cards/record-form.data";
import { ERASE_CONFIRMATION, staffRecordCard } from "../cards/staff-record.card";
import { parseStaffCsv, parseStaffRecordForm } from "../cards/staff-record.data";
import {
  AgreementActionData,
  AgreementRefreshData,
  AlertActionData,
  AlertRefreshData,
  CallOffData,
  ImportStaffData,
  IncidentData,
  OpenRecordData,
  OpenStaffData,
  RecordData,
  SaveStaffData,
  CancelData,
  CheckInData,
  ConcernData,
  DecisionData,
  EraseStaffData,
  FalseAlarmData,
  HelpData,
  OpenFormData,
  RefreshData,
  SubmitRequestData,
} from "../cards/action-data";
import type { AdaptiveCard, CardMessage } from "../cards/card-parts";
import { capitalise, clockOf, joinWords, personName, rolesInWords, staffName } from "../cards/card-parts";
import { noticeCard } from "../cards/notice.card";
import { requestFormCard } from "../cards/request-form.card";
import { formValuesFromDetails, parseRequestForm, type RequestFormValues } from "../cards/request-form.data";
import { Verbs } from "../cards/verbs";
import { CHECKED_IN_AS } from "../cards/visit-parts";
import { londonDate } from "../domain/london-time";
import { AGREEMENT_ROLES, approverIdsFor, holdsAny } from "../domain/roles";
import type { Actor, CheckInStep, Visit } from "../domain/visit";
import type { PolicyProfile } from "../policy/policy.schema";
import { visitorsOf, visitReference } from "../domain/visit";
import { withCardData } from "./card-data";
import type { CardViews, Viewer } from "./card-views";

/** The person behind a Teams activity: who they are for the domain, and how cards address them. */
export interface Caller {
  actor: Actor;
  viewer: Viewer;
}


/**
 * How long the answer to a refused change may spend reading what it shows. When storage is what refused the change,
 * those reads (the school's list, staff records) may be stuck on it too: past this the person gets a plain notice
 * instead, so a tap is answered within the change's deadline (PERSON_DEADLINE_MS) and this.
 */
const REFUSAL_READS_MS = 1_000;

const good = (text: string): CardMessage => ({ text, tone: "good" });
const attention = (text: string): CardMessage => ({ text, tone: "attention" });

/** Who a change has not reached yet, by the names the school knows them by: "Jo Fenwick and the safeguarding channel". */
function notReached(policy: PolicyProfile, outcome: Pick<Extract<Outcome, { ok: true }>, "visit" | "unreachable" | "channelMissed">): string {
  const people = outcome.unreachable.map((id) => staffName(policy, outcome.visit, id, "a member of staff"));
  return joinWords([...people, ...(outcome.channelMissed ? ["the safeguarding channel"] : [])], "and");
}

/**
 * Answers every Action.Execute with the card that replaces the one tapped. Card data is only a pointer:
 * the visit is reloaded and the actor's role checked by the use case before anything changes.
 */
export class CardActions {
  constructor(
    private readonly service: VisitService,
    private readonly schools: Schools,
    private readonly staff: StaffService,
    private readonly views: CardViews,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly staffData: StaffDataService,
  ) {}

  async handle(verb: string, data: unknown, caller: Caller): Promise<AdaptiveCard> {
    switch (verb) {
      case Verbs.openForm:
        return this.withData(OpenFormData, data, (d) => this.openForm(caller, d));
      case Verbs.submitRequest:
        return this.withData(SubmitRequestData, data, (d) => this.submitRequest(caller, data, d));
      case Verbs.approve:
      case Verbs.decline:
      case Verbs.requestChanges:
        return this.withData(DecisionData, data, (d) => this.decideRequest(verb, caller, d));
      case Verbs.checkIn:
        return this.withData(CheckInData, data, (d) => this.checkIn(caller, d.visitId, d.step));
      case Verbs.cancel:
        return this.withData(CancelData, data, (d) => this.cancel(caller, d));
      case Verbs.refresh:
        return this.withData(RefreshData, data, (d) => this.refresh(caller, d.visitId));
      case Verbs.help:
        return this.withData(HelpData, data, (d) => this.help(caller, d.visitId, false));
      case Verbs.falseAlarm:
        return this.withData(FalseAlarmData, data, (d) => this.falseAlarm(caller, d.visitId, d.alertId));
      case Verbs.concern:
        return this.withData(ConcernData, data, (d) => this.concern(caller, d));
      case Verbs.acknowledgeAlert:
      case Verbs.resolveAlert:
        return this.withData(AlertActionData, data, (d) => this.actOnAlert(verb, caller, d));
      case Verbs.refreshAlert:
        return this.withData(AlertRefreshData, data, (d) => this.refreshAlert(caller, d.visitId, d.alertId));
      case Verbs.callOff:
        return this.withData(CallOffData, data, (d) => this.callOff(caller, d));
      case Verbs.openRecord:
        return this.withData(OpenRecordData, data, (d) => this.openRecord(caller, d.visitId));
      case Verbs.record:
        return this.withData(RecordData, data, (d) => this.record(caller, d.visitId, data));
      case Verbs.incident:
        return this.withData(IncidentData, data, (d) => this.incident(caller, d));
      case Verbs.agreementAction:
        return this.withData(AgreementActionData, data, (d) => this.agreementAction(caller, d));
      case Verbs.refreshAgreement:
        return this.withData(AgreementRefreshData, data, (d) => this.refreshAgreement(caller, d.visitId, d.index));
      case Verbs.openStaff:
        return this.withData(OpenStaffData, data, (d) => this.staffCard(caller, d.schoolId, { ...(d.staffId ? { selectedId: d.staffId } : {}) }));
      case Verbs.saveStaff:
        return this.withData(SaveStaffData, data, (d) => this.saveStaff(caller, d.schoolId, d.staffId, data));
      case Verbs.importStaff:
        return this.withData(ImportStaffData, data, (d) => this.importStaff(caller, d.schoolId, d.staffCsv ?? ""));
      case Verbs.eraseStaff:
        return this.withData(EraseStaffData, data, (d) => this.eraseStaff(caller, d));
      default:
        this.log.warn("unknown card verb", { verb });
        return noticeCard("That button is not recognised", 'This card is out of date. Type "status" to see your visit.');
    }
  }

  /**
   * A check-in from free text or a button: the same answer either way. No version check: the domain checks the
   * step against the visit as it is, and a late check-in wins.
   */
  async checkIn(caller: Caller, visitId: string, step: CheckInStep): Promise<AdaptiveCard> {
    const outcome = await this.service.act(visitId, caller.actor, { type: "checkIn", step });
    return this.visitOutcome(outcome, caller, (visit) => `${CHECKED_IN_AS[step]} at ${clockOf(visit.lastCheckIn!.at)}: recorded.`);
  }

  /**
   * "I need help" (button or text), or the code word said silently: the office, head and safeguarding
   * channel are alerted at once. A silent call answers with nothing: the caller shows the ordinary reply.
   */
  async help(caller: Caller, visitId: string, silent: boolean): Promise<AdaptiveCard> {
    const outcome = await this.service.act(visitId, caller.actor, { type: "requestHelp", silent });
    if (!outcome.ok) {
      this.log.error("help request not recorded", { visitId, code: outcome.refusal.code });
      const policy = outcome.visit ? await this.readInTime(this.views.policyOf(outcome.visit), undefined) : undefined;
      return noticeCard("Help request NOT sent", `${outcome.refusal.message} ${policy?.help.policeGuidance ?? "If anyone is in danger, call 999."}`);
    }
    const policy = await this.views.policyOf(outcome.visit);
    const missed = notReached(policy, outcome);
    const told = missed ? ` ${capitalise(missed)} could not be reached yet: if you can, phone the school office.` : "";
    const guidance = policy.help.policeGuidance;
    return this.views.visit(outcome.visit, caller.viewer, attention(`Help requested: the school has been alerted.${told} ${guidance}`));
  }

  /**
   * "False alarm: I'm safe", tapped on the alert's card or typed (then about the latest call for help): everyone
   * alerted is told, and the alert stays open until its owner has spoken to the visitor.
   */
  async falseAlarm(caller: Caller, visitId: string, alertId?: string): Promise<AdaptiveCard> {
    const outcome = await this.service.act(visitId, caller.actor, { type: "reportFalseAlarm", ...(alertId ? { alertId } : {}) });
    return this.visitOutcome(outcome, caller, () => "Everyone who was alerted is being told it was a false alarm. Someone at school will still check with you before they close it.");
  }

  private async concern(caller: Caller, data: z.infer<typeof ConcernData>): Promise<AdaptiveCard> {
    const outcome = await this.service.act(data.visitId, caller.actor, { type: "raiseConcern", kind: data.kind, note: data.concernNote ?? "" });
    const missed = outcome.ok ? notReached(await this.views.policyOf(outcome.visit), outcome) : "";
    if (outcome.ok && missed) {
      return this.views.visit(outcome.visit, caller.viewer, attention(`Recorded, but it has not reached ${missed} yet (it will keep trying). Phone the DSL now.`));
    }
    return this.visitOutcome(outcome, caller, () => "Sent to the Designated Safeguarding Lead. They will follow it up.");
  }

  private async actOnAlert(verb: string, caller: Caller, data: z.infer<typeof AlertActionData>): Promise<AdaptiveCard> {
    const command =
      verb === Verbs.acknowledgeAlert
        ? ({ type: "acknowledgeAlert", alertId: data.alertId } as const)
        : ({ type: "resolveAlert", alertId: data.alertId, note: data.resolveNote ?? "" } as const);
    const outcome = await this.service.act(data.visitId, caller.actor, command);
    const done = command.type === "acknowledgeAlert" ? "You are dealing with this: everyone else can see that." : "Resolved. Everyone who saw this alert can see it is resolved.";
    if (!outcome.ok) {
      const card = outcome.visit ? this.views.alert(outcome.visit, data.alertId, caller.viewer, attention(outcome.refusal.message)) : Promise.resolve(undefined);
      return (await this.readInTime(card, undefined)) ?? noticeCard("Not recorded", outcome.refusal.message);
    }
    return (await this.views.alert(outcome.visit, data.alertId, caller.viewer, good(done))) ?? noticeCard("Alert not found", "");
  }

  private async refreshAlert(caller: Caller, visitId: string, alertId: string): Promise<AdaptiveCard> {
    const visit = await this.service.find(visitId);
    const card = visit ? await this.views.alert(visit, alertId, caller.viewer) : undefined;
    return card ?? noticeCard("Alert not found", "This alert is no longer available.");
  }

  private async callOff(caller: Caller, data: z.infer<typeof CallOffData>): Promise<AdaptiveCard> {
    const note = data.callOffNote?.trim();
    const outcome = await this.service.act(data.visitId, caller.actor, { type: "callOff", reason: data.reason, ...(note ? { note } : {}) });
    return this.visitOutcome(outcome, caller, () => "Visit called off and the reason recorded. Leave now, then tap Left safely.");
  }

  /** The record form after a visit (R21), or the finished record with its summary for the school's system. */
  async openRecord(caller: Caller, visitId: string): Promise<AdaptiveCard> {
    const visit = await this.service.find(visitId);
    if (!visit || !visitorsOf(visit).includes(caller.actor.id)) return noticeCard("Not your visit", "Only the staff on a visit can record it.");
    return recordCard({ visit, policy: await this.views.policyOf(visit), viewerId: caller.actor.id });
  }

  private async record(caller: Caller, visitId: string, raw: unknown): Promise<AdaptiveCard> {
    const visit = await this.service.find(visitId);
    if (!visit || !visitorsOf(visit).includes(caller.actor.id)) return noticeCard("Not your visit", "Only the staff on a visit can record it.");
    const policy = await this.views.policyOf(visit);
    const parsed = parseRecordForm(raw, policy, londonDate(this.clock.now()), visit.details.date);
    if (!parsed.ok) return recordCard({ visit, policy, viewerId: caller.actor.id, values: parsed.values, errors: parsed.errors });
    const outcome = await this.service.act(visitId, caller.actor, { type: "recordOutcome", record: parsed.record });
    if (!outcome.ok) {
      return recordCard({ visit: outcome.visit ?? visit, policy, viewerId: caller.actor.id, values: recordFormValues(parsed.record), errors: { form: outcome.refusal.message } });
    }
    return recordCard({ visit: outcome.visit, policy, viewerId: caller.actor.id, message: good("Recorded.") });
  }

  private async incident(caller: Caller, data: z.infer<typeof IncidentData>): Promise<AdaptiveCard> {
    const outcome = await this.service.act(data.visitId, caller.actor, { type: "reportIncident", kind: data.kind, note: data.incidentNote ?? "" });
    return this.visitOutcome(outcome, caller, () => "Recorded and shared with the people the school's policy names.");
  }

  private async agreementAction(caller: Caller, data: z.infer<typeof AgreementActionData>): Promise<AdaptiveCard> {
    const note = data.agreementNote?.trim();
    const outcome = await this.service.act(data.visitId, caller.actor, { type: "actionAgreement", index: data.index, action: data.action, ...(note ? { note } : {}) });
    if (!outcome.ok && outcome.refusal.code === "not-allowed") return noticeCard("Not yours to follow up", outcome.refusal.message);
    const message = outcome.ok ? good("Recorded.") : attention(outcome.refusal.message);
    return outcome.visit ? this.views.agreement(outcome.visit, data.index, caller.viewer, message) : noticeCard("Agreement not found", outcome.ok ? "" : outcome.refusal.message);
  }

  private async refreshAgreement(caller: Caller, visitId: string, index: number): Promise<AdaptiveCard> {
    const visit = await this.service.find(visitId);
    if (!visit?.record?.agreements[index]) return noticeCard("Agreement not found", "This agreement is no longer available.");
    // What was agreed with a family is for the people who follow it up and the staff who made it.
    const entitled = holdsAny(await this.views.policyOf(visit), caller.actor.id, AGREEMENT_ROLES) || visitorsOf(visit).includes(caller.actor.id);
    return entitled ? this.views.agreement(visit, index, caller.viewer) : noticeCard("Not yours to follow up", `Only ${rolesInWords(AGREEMENT_ROLES)} follow up agreements with parents.`);
  }

  /** The schools whose staff records this person keeps (R06). */
  staffSchools(caller: Caller): Promise<string[]> {
    return this.staff.maintainedBy(caller.actor);
  }

  /** R06: the admin's staff-record card for one school. Everyone else is told who keeps the records. */
  async staffCard(caller: Caller, schoolId: string, view: Omit<Parameters<typeof staffRecordCard>[0], "policy" | "members"> = {}): Promise<AdaptiveCard> {
    const school = await this.staff.members(caller.actor, schoolId);
    if (!school) return noticeCard("Staff records", "Only the school admin can see and change staff records.");
    return staffRecordCard({ policy: school.policy, members: school.members, today: londonDate(this.clock.now()), ...view });
  }

  private async saveStaff(caller: Caller, schoolId: string, staffId: string, raw: unknown): Promise<AdaptiveCard> {
    const parsed = parseStaffRecordForm(raw, londonDate(this.clock.now()));
    if (!parsed.ok) return this.staffCard(caller, schoolId, { selectedId: staffId, values: parsed.values, errors: parsed.errors });
    const saved = await this.staff.save(caller.actor, schoolId, [{ staffId, record: parsed.record }]);
    return this.staffCard(caller, schoolId, { selectedId: staffId, message: saved.ok ? good("Saved.") : attention(saved.message) });
  }

  /** Erasure of someone who has left: only once the admin has typed the confirmation. */
  private async eraseStaff(caller: Caller, { schoolId, staffId, confirmErase }: EraseStaffData): Promise<AdaptiveCard> {
    if (confirmErase.trim().toUpperCase() !== ERASE_CONFIRMATION) {
      return this.staffCard(caller, schoolId, { selectedId: staffId, eraseError: `Nothing was erased: type ${ERASE_CONFIRMATION} to confirm.` });
    }
    const erased = await this.staffData.erase(caller.actor, schoolId, staffId);
    if (!erased.ok) return this.staffCard(caller, schoolId, { selectedId: staffId, eraseError: `Nothing was erased: ${erased.message}` });
    return this.staffCard(caller, schoolId, { message: good(`Erased. They appear as ${erased.record.pseudonym} on the school's records.`) });
  }

  private async importStaff(caller: Caller, schoolId: string, csv: string): Promise<AdaptiveCard> {
    const school = await this.staff.members(caller.actor, schoolId);
    if (!school) return noticeCard("Staff records", "Only the school admin can see and change staff records.");
    const parsed = parseStaffCsv(csv, school.policy, londonDate(this.clock.now()));
    if (!parsed.ok) return this.staffCard(caller, schoolId, { importErrors: parsed.errors, csv, message: attention("Nothing was imported: fix the lines below.") });
    const saved = await this.staff.save(caller.actor, schoolId, parsed.rows);
    return this.staffCard(caller, schoolId, { message: saved.ok ? good(`Imported ${saved.saved} staff records.`) : attention(saved.message) });
  }

  private withData<S extends z.ZodTypeAny>(schema: S, data: unknown, run: (d: z.infer<S>) => Promise<AdaptiveCard>): Promise<AdaptiveCard> {
    return withCardData(schema, data, this.log, "status", run);
  }

  private async openForm({ actor }: Caller, data: z.infer<typeof OpenFormData>): Promise<AdaptiveCard> {
    const today = londonDate(this.clock.now());
    if (!data.visitId) {
      const school = await this.visitorSchool(actor, data.schoolId);
      if (typeof school === "string") return noticeCard("New visit", school);
      return requestFormCard({ policy: school, viewerId: actor.id, today });
    }
    const visit = await this.service.find(data.visitId);
    if (!visit || visit.requestedBy.id !== actor.id) {
      return noticeCard("You cannot change this visit", "Only the member of staff who asked for it can change it.");
    }
    return requestFormCard({ policy: await this.views.policyOf(visit), viewerId: actor.id, today, values: formValuesFromDetails(visit.details), visitId: visit.id, version: visit.version });
  }

  /**
   * The policy of the school a new request is for: the one named, if the person visits for it, else their only
   * school. What to tell them otherwise.
   */
  async visitorSchool(actor: Actor, schoolId: string | undefined): Promise<PolicyProfile | string> {
    const mine = await this.schools.of(actor.id, ["visitor"]);
    const chosen = schoolId ? mine.find((s) => s.school.id === schoolId) : mine.length === 1 ? mine[0] : undefined;
    if (chosen) return chosen.policy;
    if (mine.length === 0) return "You are not listed as a home visitor at any school here. Ask your school's admin to give you the visitor role.";
    return `Which school is this visit for? Type "new visit" and choose: ${mine.map((s) => s.school.name).join(", ")}.`;
  }

  private async submitRequest(caller: Caller, raw: unknown, ref: z.infer<typeof SubmitRequestData>): Promise<AdaptiveCard> {
    const { actor } = caller;
    const today = londonDate(this.clock.now());
    const existing = ref.visitId ? await this.service.find(ref.visitId) : undefined;
    const school = existing ? await this.views.policyOf(existing) : await this.visitorSchool(actor, ref.schoolId);
    if (typeof school === "string") return noticeCard("New visit", school);
    const policy = school;
    const again = (values: Partial<RequestFormValues>, errors: Parameters<typeof requestFormCard>[0]["errors"]) =>
      requestFormCard({ policy, viewerId: actor.id, today, values, errors, ...(ref.visitId ? { visitId: ref.visitId, ...(ref.version ? { version: ref.version } : {}) } : {}) });

    const parsed = parseRequestForm(raw, policy, today, actor.id);
    if (!parsed.ok) return again(parsed.values, parsed.errors);
    const outcome = ref.visitId
      ? await this.service.act(ref.visitId, actor, { type: "amend", details: parsed.details }, ref.version)
      : await this.service.request(actor, policy.school.id, parsed.details);
    if (!outcome.ok) return again(formValuesFromDetails(parsed.details), { form: outcome.refusal.message });

    const names = (ids: string[]) => ids.map((id) => personName(policy, id) ?? "an approver").join(", ");
    const approvers = approverIdsFor(policy, outcome.visit).filter((id) => id !== actor.id);
    const reached = approvers.filter((id) => !outcome.unreachable.includes(id));
    const sent = reached.length > 0 ? `Sent to ${names(reached)} for approval.` : "Saved, but no approver could be reached in Teams.";
    const missed = outcome.unreachable.length > 0 ? ` ${names(outcome.unreachable)} could not be reached in Teams yet: please tell them.` : "";
    const message = `${visitReference(outcome.visit.id)}: ${sent}${missed}`;
    return this.views.visit(outcome.visit, caller.viewer, missed || reached.length === 0 ? attention(message) : good(message));
  }

  private async decideRequest(verb: string, caller: Caller, data: DecisionData): Promise<AdaptiveCard> {
    const note = data.decisionNote?.trim() || undefined;
    const type = verb === Verbs.approve ? "approve" : verb === Verbs.decline ? "decline" : "requestChanges";
    const outcome = await this.service.act(data.visitId, caller.actor, { type, ...(note ? { note } : {}) }, data.version);
    if (!outcome.ok) {
      if (!outcome.visit) return noticeCard(outcome.refusal.code === "storage-unavailable" ? "Not recorded" : "Visit not found", outcome.refusal.message);
      return this.readInTime(this.views.approval(outcome.visit, caller.viewer, attention(outcome.refusal.message)), noticeCard("Not recorded", outcome.refusal.message));
    }
    const done = { approve: "Approved.", decline: "Declined.", requestChanges: "Sent back for changes." }[type];
    // Only the staff on the visit matter here: an informed role not reached yet does not change what to tell them.
    const visitors = visitorsOf(outcome.visit);
    const missed = notReached(await this.views.policyOf(outcome.visit), { ...outcome, unreachable: outcome.unreachable.filter((id) => visitors.includes(id)), channelMissed: false });
    if (missed) return this.views.approval(outcome.visit, caller.viewer, attention(`${done} ${capitalise(missed)} could not be reached in Teams: please tell them.`));
    return this.views.approval(outcome.visit, caller.viewer, good(`${done} The visitor has been told.`));
  }

  private async cancel(caller: Caller, data: z.infer<typeof CancelData>): Promise<AdaptiveCard> {
    const outcome = await this.service.act(data.visitId, caller.actor, { type: "cancel", reason: data.cancelReason ?? "" }, data.version);
    return this.visitOutcome(outcome, caller, () => "Visit cancelled. The reason is recorded.");
  }

  private async refresh(caller: Caller, visitId: string): Promise<AdaptiveCard> {
    const visit = await this.service.find(visitId);
    const card = visit ? await this.views.forViewer(visit, caller.viewer) : undefined;
    return card ?? noticeCard("Not your visit", "You can only see visits you are on or that you decide.");
  }

  private async visitOutcome(outcome: Outcome, caller: Caller, done: (visit: Visit) => string): Promise<AdaptiveCard> {
    if (outcome.ok) return this.views.visit(outcome.visit, caller.viewer, good(done(outcome.visit)));
    const notice = noticeCard("Not recorded", outcome.refusal.message);
    if (!outcome.visit) return notice;
    return (await this.readInTime(this.views.forViewer(outcome.visit, caller.viewer, attention(outcome.refusal.message)), undefined)) ?? notice;
  }

  /** What `reading` resolves within REFUSAL_READS_MS, else `fallback` (also when the read fails: the refusal is what counts). */
  private async readInTime<T, F>(reading: Promise<T>, fallback: F): Promise<T | F> {
    const deadline = new Deadline(REFUSAL_READS_MS);
    try {
      return await deadline.within(reading);
    } catch (error) {
      this.log.warn("a refused change was answered without its card", { error: String(error) });
      return fallback;
    } finally {
      deadline.finish();
    }
  }
}
