import type { z } from "zod";
import type { Clock, Logger } from "../app/ports";
import type { StaffService } from "../app/staff.service";
import type { Outcome, VisitService } from "../app/visit.service";
import { recordCard } from "../cards/record.card";
import { parseRecordForm, recordFormValues } from "../cards/record-form.data";
import { staffRecordCard } from "../cards/staff-record.card";
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
  HelpData,
  OpenFormData,
  RefreshData,
  SubmitRequestData,
} from "../cards/action-data";
import type { AdaptiveCard, CardMessage } from "../cards/card-parts";
import { clockOf, personName, rolesInWords } from "../cards/card-parts";
import { noticeCard } from "../cards/notice.card";
import { requestFormCard } from "../cards/request-form.card";
import { formValuesFromDetails, parseRequestForm, type RequestFormValues } from "../cards/request-form.data";
import { Verbs } from "../cards/verbs";
import { CHECKED_IN_AS } from "../cards/visit-parts";
import { londonDate } from "../domain/london-time";
import { AGREEMENT_ROLES, approverIdsFor, holdsAny } from "../domain/roles";
import type { Actor, CheckInStep, Visit } from "../domain/visit";
import { visitorsOf, visitReference } from "../domain/visit";
import type { CardViews, Viewer } from "./card-views";

/** The person behind a Teams activity: who they are for the domain, and how cards address them. */
export interface Caller {
  actor: Actor;
  viewer: Viewer;
}


const good = (text: string): CardMessage => ({ text, tone: "good" });
const attention = (text: string): CardMessage => ({ text, tone: "attention" });

/**
 * Answers every Action.Execute with the card that replaces the one tapped. Card data is only a pointer:
 * the visit is reloaded and the actor's role checked by the use case before anything changes.
 */
export class CardActions {
  constructor(
    private readonly service: VisitService,
    private readonly staff: StaffService,
    private readonly views: CardViews,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async handle(verb: string, data: unknown, caller: Caller): Promise<AdaptiveCard> {
    switch (verb) {
      case Verbs.openForm:
        return this.withData(OpenFormData, data, (d) => this.openForm(caller, d.visitId));
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
        return this.withData(OpenStaffData, data, (d) => this.staffCard(caller, { ...(d.staffId ? { selectedId: d.staffId } : {}) }));
      case Verbs.saveStaff:
        return this.withData(SaveStaffData, data, (d) => this.saveStaff(caller, d.staffId, data));
      case Verbs.importStaff:
        return this.withData(ImportStaffData, data, (d) => this.importStaff(caller, d.staffCsv ?? ""));
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
      return noticeCard("Help request NOT sent", `${outcome.refusal.message} ${this.service.policy.help.policeGuidance}`);
    }
    const told = outcome.unreachable.length > 0 || outcome.channelMissed ? " Not everyone could be reached yet: if you can, phone the school office." : "";
    return this.views.visit(outcome.visit, caller.viewer, attention(`Help requested: the school has been alerted.${told} ${this.service.policy.help.policeGuidance}`));
  }

  private async concern(caller: Caller, data: z.infer<typeof ConcernData>): Promise<AdaptiveCard> {
    const outcome = await this.service.act(data.visitId, caller.actor, { type: "raiseConcern", kind: data.kind, note: data.concernNote ?? "" });
    if (outcome.ok && (outcome.channelMissed || outcome.unreachable.length > 0)) {
      return this.views.visit(outcome.visit, caller.viewer, attention("Recorded, but it has not reached the safeguarding team yet (it will keep trying). Phone the DSL now."));
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
    const message = outcome.ok ? good(done) : attention(outcome.refusal.message);
    const card = outcome.visit ? await this.views.alert(outcome.visit, data.alertId, caller.viewer, message) : undefined;
    return card ?? noticeCard("Alert not found", outcome.ok ? "" : outcome.refusal.message);
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
    return recordCard({ visit, policy: this.service.policy, viewerId: caller.actor.id });
  }

  private async record(caller: Caller, visitId: string, raw: unknown): Promise<AdaptiveCard> {
    const policy = this.service.policy;
    const visit = await this.service.find(visitId);
    if (!visit || !visitorsOf(visit).includes(caller.actor.id)) return noticeCard("Not your visit", "Only the staff on a visit can record it.");
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
    const entitled = holdsAny(this.service.policy, caller.actor.id, AGREEMENT_ROLES) || visitorsOf(visit).includes(caller.actor.id);
    return entitled ? this.views.agreement(visit, index, caller.viewer) : noticeCard("Not yours to follow up", `Only ${rolesInWords(AGREEMENT_ROLES)} follow up agreements with parents.`);
  }

  /** R06: the admin's staff-record card. Everyone else is told who keeps the records. */
  async staffCard(caller: Caller, view: Omit<Parameters<typeof staffRecordCard>[0], "policy" | "members"> = {}): Promise<AdaptiveCard> {
    const members = await this.staff.members(caller.actor);
    if (!members) return noticeCard("Staff records", "Only the school admin can see and change staff records.");
    return staffRecordCard({ policy: this.service.policy, members, today: londonDate(this.clock.now()), ...view });
  }

  private async saveStaff(caller: Caller, staffId: string, raw: unknown): Promise<AdaptiveCard> {
    const parsed = parseStaffRecordForm(raw, londonDate(this.clock.now()));
    if (!parsed.ok) return this.staffCard(caller, { selectedId: staffId, values: parsed.values, errors: parsed.errors });
    const saved = await this.staff.save(caller.actor, [{ staffId, record: parsed.record }]);
    return this.staffCard(caller, { selectedId: staffId, message: saved.ok ? good("Saved.") : attention(saved.message) });
  }

  private async importStaff(caller: Caller, csv: string): Promise<AdaptiveCard> {
    const parsed = parseStaffCsv(csv, this.service.policy, londonDate(this.clock.now()));
    if (!parsed.ok) return this.staffCard(caller, { importErrors: parsed.errors, csv, message: attention("Nothing was imported: fix the lines below.") });
    const saved = await this.staff.save(caller.actor, parsed.rows);
    return this.staffCard(caller, { message: saved.ok ? good(`Imported ${saved.saved} staff records.`) : attention(saved.message) });
  }

  private async withData<S extends z.ZodTypeAny>(schema: S, data: unknown, run: (d: z.infer<S>) => Promise<AdaptiveCard>): Promise<AdaptiveCard> {
    const parsed = schema.safeParse(data ?? {});
    if (!parsed.success) {
      this.log.warn("card data rejected", { fields: parsed.error.issues.map((i) => i.path.join(".")) });
      return noticeCard("That card is out of date", 'Nothing was changed. Type "status" to get a fresh card.');
    }
    return run(parsed.data);
  }

  private async openForm({ actor }: Caller, visitId: string | undefined): Promise<AdaptiveCard> {
    const policy = this.service.policy;
    const today = londonDate(this.clock.now());
    if (!visitId) return requestFormCard({ policy, viewerId: actor.id, today });
    const visit = await this.service.find(visitId);
    if (!visit || visit.requestedBy.id !== actor.id) {
      return noticeCard("You cannot change this visit", "Only the member of staff who asked for it can change it.");
    }
    return requestFormCard({ policy, viewerId: actor.id, today, values: formValuesFromDetails(visit.details), visitId, version: visit.version });
  }

  private async submitRequest(caller: Caller, raw: unknown, ref: z.infer<typeof SubmitRequestData>): Promise<AdaptiveCard> {
    const { actor } = caller;
    const policy = this.service.policy;
    const today = londonDate(this.clock.now());
    const again = (values: Partial<RequestFormValues>, errors: Parameters<typeof requestFormCard>[0]["errors"]) =>
      requestFormCard({ policy, viewerId: actor.id, today, values, errors, ...(ref.visitId ? { visitId: ref.visitId, ...(ref.version ? { version: ref.version } : {}) } : {}) });

    const parsed = parseRequestForm(raw, policy, today, actor.id);
    if (!parsed.ok) return again(parsed.values, parsed.errors);
    const outcome = ref.visitId
      ? await this.service.act(ref.visitId, actor, { type: "amend", details: parsed.details }, ref.version)
      : await this.service.request(actor, parsed.details);
    if (!outcome.ok) return again(formValuesFromDetails(parsed.details), { form: outcome.refusal.message });

    const names = (ids: string[]) => ids.map((id) => personName(policy, id) ?? "an approver").join(", ");
    const approvers = approverIdsFor(this.service.policy, outcome.visit).filter((id) => id !== actor.id);
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
      if (!outcome.visit) return noticeCard("Visit not found", outcome.refusal.message);
      return this.views.approval(outcome.visit, caller.viewer, attention(outcome.refusal.message));
    }
    const done = { approve: "Approved.", decline: "Declined.", requestChanges: "Sent back for changes." }[type];
    // Only the staff on the visit matter here: an informed role not reached yet does not change what to tell them.
    if (outcome.unreachable.some((id) => visitorsOf(outcome.visit).includes(id))) {
      return this.views.approval(outcome.visit, caller.viewer, attention(`${done} The visitor could not be reached in Teams: please tell them.`));
    }
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
    const refusal = attention(outcome.refusal.message);
    if (!outcome.visit) return noticeCard("Not recorded", outcome.refusal.message);
    return (await this.views.forViewer(outcome.visit, caller.viewer, refusal)) ?? noticeCard("Not recorded", outcome.refusal.message);
  }
}
