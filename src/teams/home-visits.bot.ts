import {
  CardFactory,
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
} from "botbuilder";
import type { Clock, Logger } from "../app/ports";
import type { ReviewService } from "../app/review.service";
import type { VisitService } from "../app/visit.service";
import type { Schools } from "../app/schools";
import { chooseSchoolCard } from "../cards/choose-school.card";
import { REVIEW_ROLES } from "../domain/roles";
import { reviewCard } from "../cards/review.card";
import { requestFormCard } from "../cards/request-form.card";
import { welcomeCard } from "../cards/welcome.card";
import { helpCard } from "../cards/help.card";
import { londonDate } from "../domain/london-time";
import type { Actor, Visit } from "../domain/visit";
import { OUT_STATUSES } from "../domain/visit";
import type { CardActions, Caller } from "./card-actions";
import type { CardViews } from "./card-views";
import { type ConversationCapture, teamIdOf } from "./conversation-capture";
import type { SchoolActions } from "./school-actions";
import type { SchoolService } from "../app/school.service";
import { schoolSetupCard } from "../cards/school-setup.card";
import { noticeCard } from "../cards/notice.card";
import { parseTextCommand, type TextCommand, withoutCodeWords } from "./text-commands";
import type { Reply, WorkReplies } from "./work-replies";

/** The school year (September to August) that a London date falls in: the default review period. */
function schoolYear(today: string): { from: string; to: string } {
  const year = Number(today.slice(0, 4));
  const start = Number(today.slice(5, 7)) >= 9 ? year : year - 1;
  return { from: `${start}-09-01`, to: `${start + 1}-08-31` };
}

const CARD_RESPONSE = "application/vnd.microsoft.card.adaptive";

const NOT_STAFF =
  "You are not on the staff of a school that uses Home Visits here, so I cannot do anything for you yet. Ask your school's admin to give you a role. " +
  'To set a school up, add the app to the school\'s staff team and type "settings" there.';

/** What the bot is built from: the use cases it calls and the Teams helpers it answers with. */
export interface BotParts {
  service: VisitService;
  actions: CardActions;
  schoolActions: SchoolActions;
  reviews: ReviewService;
  /** `today` and `pending`: the office's day and the approvals waiting. */
  work: WorkReplies;
  views: CardViews;
  capture: ConversationCapture;
  schools: Schools;
  schoolService: SchoolService;
  /** The one tenant the deployment serves: an activity from any other is refused and nothing of it is kept. */
  tenantId: string;
  clock: Clock;
  log: Logger;
}

const NO_VISIT_TODAY = 'You have no approved visit today. Type "new visit" to ask for one.';
const RECORDS_UNREACHABLE = "I could not reach the visit records just now, so nothing is recorded. Please try again, or phone the school office.";
const NOT_A_CHECK_IN = "I did not understand that, so it is NOT recorded as a check-in. Tap a button below, or type arrived, safe or left.";

const OTHER_TENANT = "Home Visits here serves one organisation's schools only, and this message came from outside it. Nothing was recorded.";

/**
 * The Teams surface: 1:1 chat messages, card actions, installs and team setup. It translates activities into
 * use-case calls and answers with cards; it decides nothing itself.
 */
export class HomeVisitsBot extends TeamsActivityHandler {
  private readonly service: VisitService;
  private readonly actions: CardActions;
  private readonly schools: Schools;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly parts: BotParts) {
    super();
    ({ service: this.service, actions: this.actions, schools: this.schools, clock: this.clock, log: this.log } = parts);
    const { capture } = parts;
    this.onInstallationUpdateAdd(async (context, next) => {
      await capture.remember(context);
      const caller = callerOf(context);
      if (context.activity.conversation.conversationType === "personal" && caller) await this.sendWelcome(context, caller);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await capture.forget(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const added = context.activity.membersAdded ?? [];
      if (added.some((m) => m.id === context.activity.recipient.id)) await this.joinedTeam(context);
      else await capture.rememberMembers(context, added);
      await next();
    });
    // Teams names the channel in channelData; an event without one (which Teams never sends) changes nothing.
    this.onTeamsChannelCreatedEvent(async (channel, _team, context, next) => {
      if (channel?.id) await capture.rememberChannel(context, { id: channel.id, ...(channel.name ? { name: channel.name } : {}) });
      await next();
    });
    this.onTeamsChannelRenamedEvent(async (channel, _team, context, next) => {
      if (channel?.id) await capture.rememberChannel(context, { id: channel.id, ...(channel.name ? { name: channel.name } : {}) });
      await next();
    });
    this.onTeamsChannelDeletedEvent(async (channel, _team, _context, next) => {
      if (channel?.id) await capture.forgetChannel(channel.id);
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.onText(context);
      await next();
    });
  }

  /** Nothing from another tenant is answered beyond a refusal, or kept: not its sender, not its conversation. */
  override async run(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const channelData = activity.channelData as { tenant?: { id?: string } } | undefined;
    const tenant = (activity.conversation?.tenantId ?? channelData?.tenant?.id ?? "").toLowerCase();
    if (tenant === this.parts.tenantId.toLowerCase()) return super.run(context);
    this.log.warn("activity from another tenant refused", { activityType: activity.type });
    if (activity.type === "message") await context.sendActivity(OTHER_TENANT);
    if (activity.type === "invoke") {
      await context.sendActivity({ type: "invokeResponse", value: { status: 403, body: errorResponse(403, "Forbidden", OTHER_TENANT) } });
    }
  }

  /** The app added to a team: its channels (and, for a school's staff team, its roster) are kept; a new team gets the setup card. */
  private async joinedTeam(context: TurnContext): Promise<void> {
    const { capture, schoolService } = this.parts;
    await capture.remember(context);
    await capture.rememberTeam(context);
    const teamId = teamIdOf(context);
    if (teamId && context.activity.conversation.conversationType === "channel" && !(await schoolService.forTeam(teamId))) {
      await sendCard(context, schoolSetupCard({ templates: schoolService.templates }));
    }
  }

  private async onText(context: TurnContext): Promise<void> {
    const caller = callerOf(context);
    if (!caller) {
      await context.sendActivity("Teams did not tell me who you are, so I cannot record anything. Please use the Teams app.");
      return;
    }
    const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? "";
    if (context.activity.conversation.conversationType !== "personal") return this.inTeam(context, caller, text);
    // Any school's code word counts: a visitor at two schools may use either.
    const codeWords = (await this.schools.of(caller.actor.id, ["visitor"])).map(({ policy }) => policy.codeWord?.word);
    const { said, codeWordUsed } = withoutCodeWords(text, codeWords);
    // The code word raises the alarm, and the visitor gets exactly the reply the rest of the message would
    // have got: the reply is worked out first, from the visit as it was, so nothing in it can differ.
    const command = parseTextCommand(said);
    // Someone on no school's staff is told so, whatever they said, and nothing about them is kept; the trust's
    // safeguarding leads may still ask for the review figures.
    const trustReview = command.kind === "review" && this.parts.reviews.isTrustLead(caller.actor.id);
    if ((await this.schools.of(caller.actor.id)).length === 0 && !trustReview) {
      await context.sendActivity(NOT_STAFF);
      return;
    }
    const replies = await this.replyTo(caller, command);
    if (codeWordUsed) await this.raiseSilentAlarm(caller);
    for (const reply of [replies].flat()) await context.sendActivity(typeof reply === "string" ? reply : { attachments: [CardFactory.adaptiveCard(reply)] });
    // Someone starting out may never have triggered an install event: keep their chat for proactive cards (staff only).
    if (command.kind === "new-visit" || command.kind === "unknown" || command.kind === "help") await this.parts.capture.remember(context);
  }

  /** In a team channel only the school's setup and settings are talked about: visit details stay out of shared channels. */
  private async inTeam(context: TurnContext, caller: Caller, text: string): Promise<void> {
    const teamId = teamIdOf(context);
    if (teamId && parseTextCommand(text).kind === "settings") {
      await sendCard(context, await this.parts.schoolActions.forTeam(caller, teamId));
      return;
    }
    await context.sendActivity('Please talk to me in a 1:1 chat: visit details stay out of shared channels. Here you can type "settings".');
  }

  private async replyTo(caller: Caller, command: TextCommand): Promise<Reply | Reply[]> {
    const { actor } = caller;
    switch (command.kind) {
      case "new-visit": {
        const mine = await this.schools.of(actor.id, ["visitor"]);
        if (mine.length > 1) return chooseSchoolCard(mine.map(({ school }) => school));
        const school = await this.actions.visitorSchool(actor, undefined);
        return typeof school === "string" ? school : requestFormCard({ policy: school, viewerId: actor.id, today: londonDate(this.clock.now()) });
      }
      case "check-in":
      case "status": {
        const found = await this.currentVisit(actor, false);
        if (typeof found === "string") return found;
        if (command.kind === "check-in") return this.actions.checkIn(caller, found.id, command.step);
        return this.parts.views.visit(found, caller.viewer);
      }
      case "help":
        return this.helpOrAlarm(caller);
      case "alarm":
      case "false-alarm": {
        // The alarm reaches someone whatever the visit's state; a false alarm is looked for on the same visit.
        const found = await this.currentVisit(actor, true);
        if (typeof found === "string") return found;
        return command.kind === "alarm" ? this.actions.help(caller, found.id, false) : this.actions.falseAlarm(caller, found.id);
      }
      case "pending":
        return this.parts.work.pending(caller);
      case "record": {
        const found = await this.lastVisitToRecord(actor);
        return typeof found === "string" ? found : this.actions.openRecord(caller, found.id);
      }
      case "staff": {
        const kept = await this.actions.staffSchools(caller);
        if (kept.length === 0) return noticeCard("Staff records", "Only the school admin can see and change staff records.");
        return Promise.all(kept.map((schoolId) => this.actions.staffCard(caller, schoolId)));
      }
      case "today":
        return this.parts.work.today(caller);
      case "review":
      case "records":
        return this.reviewOrRecords(caller, command);
      case "settings": {
        const mine = await this.parts.schoolService.managedBy(actor);
        if (mine.length > 0) return this.parts.schoolActions.settingsOf(caller, mine);
        return 'Only the headteacher, the DSL or the school admin can see a school\'s settings. To set a school up, add the app to its staff team and type "settings" there.';
      }
      case "unknown":
        return this.notUnderstood(caller);
    }
  }

  /** "help": the alarm while the person is out on a visit, as it always was there; otherwise what they can do, by role. */
  private async helpOrAlarm(caller: Caller): Promise<Reply> {
    const out = await this.visitOut(caller.actor);
    if (typeof out === "string") return out;
    if (out) return this.actions.help(caller, out.id, false);
    return helpCard((await this.schools.of(caller.actor.id)).map(({ policy }) => policy), caller.actor.id);
  }

  /** Words the bot does not know: while out, said plainly NOT to be a check-in, with the visitor's check-in buttons. */
  private async notUnderstood(caller: Caller): Promise<Reply> {
    const out = await this.visitOut(caller.actor);
    if (typeof out === "string") return out;
    if (out) return this.parts.views.visit(out, caller.viewer, { text: NOT_A_CHECK_IN, tone: "attention" });
    return welcomeCard((await this.schools.of(caller.actor.id))[0]!.policy, caller.actor.id);
  }

  /** Today's visit the person is out on (on the way or at the address), none, or what to say when it cannot be looked up. */
  private async visitOut(actor: Actor): Promise<Visit | undefined | string> {
    const found = await this.findVisit(actor, false);
    if (found === "unreachable") return RECORDS_UNREACHABLE;
    return found && OUT_STATUSES.includes(found.status) ? found : undefined;
  }

  /** R31 figures (a card, then the CSV, for each school the person reviews) or R21 records (CSV) for a period: this school year by default. */
  private async reviewOrRecords(caller: Caller, command: Extract<TextCommand, { kind: "review" | "records" }>): Promise<Reply | Reply[]> {
    const { from, to } = command.from && command.to ? { from: command.from, to: command.to } : schoolYear(londonDate(this.clock.now()));
    if (command.kind === "records") {
      const schools = await this.schools.of(caller.actor.id, REVIEW_ROLES);
      if (schools.length === 0) return "Only the head, SLT, the DSL and the school admin can see review figures and records.";
      const replies: Reply[] = [];
      for (const { school } of schools) {
        const outcome = await this.parts.reviews.records(caller.actor, school.id, from, to);
        replies.push(outcome.ok ? `Visit records at ${school.name}, ${from} to ${to} (${outcome.count}), as CSV for the school's record system:\n\n\`\`\`\n${outcome.csv}\`\`\`` : outcome.message);
      }
      return replies;
    }
    const outcome = await this.parts.reviews.figures(caller.actor, from, to);
    if (!outcome.ok) return outcome.message;
    return outcome.schools.flatMap(({ policy, figures, csv }) => [
      reviewCard({ figures, policy }),
      `Review figures at ${policy.school.name}, ${from} to ${to}, as CSV:\n\n\`\`\`\n${csv}\`\`\``,
    ]);
  }

  private async lastVisitToRecord(actor: Actor): Promise<Visit | string> {
    try {
      const visit = await this.service.visitToRecordFor(actor.id);
      return visit ?? "Nothing to record yet today: record a visit once you have left the address (tap Left safely first).";
    } catch (error) {
      this.log.error("visit to record lookup failed", { error: String(error) });
      return "I could not reach the visit records just now. Please try again.";
    }
  }

  private async raiseSilentAlarm(caller: Caller): Promise<void> {
    const found = await this.currentVisit(caller.actor, true);
    if (typeof found === "string") {
      // Nothing to attach it to: an error-level log line is all that can be done, and says so (no personal data).
      this.log.error("code word used by someone with no visit today", { staff: caller.actor.id });
      return;
    }
    await this.actions.help(caller, found.id, true);
  }

  /** Today's visit a message is about, or what to tell the person when there is none. */
  private async currentVisit(actor: Actor, anyStatus: boolean): Promise<Visit | string> {
    const found = await this.findVisit(actor, anyStatus);
    return found === "unreachable" ? RECORDS_UNREACHABLE : (found ?? NO_VISIT_TODAY);
  }

  private async findVisit(actor: Actor, anyStatus: boolean): Promise<Visit | undefined | "unreachable"> {
    try {
      return await this.service.currentVisitFor(actor.id, anyStatus);
    } catch (error) {
      this.log.error("current visit lookup failed", { error: String(error) });
      return "unreachable";
    }
  }

  private async sendWelcome(context: TurnContext, caller: Caller): Promise<void> {
    const [first] = await this.schools.of(caller.actor.id);
    if (first) await sendCard(context, welcomeCard(first.policy, caller.actor.id));
    else await context.sendActivity(NOT_STAFF);
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    // botbuilder throws (and answers 501) on an adaptiveCard/action without value.action: answer 400 instead.
    const value = context.activity.value as { action?: { type?: string } } | undefined;
    if (context.activity.name === "adaptiveCard/action" && !value?.action) {
      return { status: 400, body: errorResponse(400, "BadRequest", "The card action is missing.") };
    }
    return super.onInvokeActivity(context);
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const caller = callerOf(context);
    if (!caller) return errorResponse(401, "Unauthorized", "Teams did not say who you are.");
    const { verb, data } = invoke.action;
    const card = this.parts.schoolActions.handles(verb)
      ? await this.parts.schoolActions.handle(verb, data, caller, context)
      : await this.actions.handle(verb, data, caller);
    return { statusCode: 200, type: CARD_RESPONSE, value: { ...card } };
  }
}

function callerOf(context: TurnContext): Caller | undefined {
  const from = context.activity.from;
  if (!from?.aadObjectId) return undefined;
  const id = from.aadObjectId.toLowerCase();
  return { actor: { id, name: from.name ?? "" }, viewer: { id, teamsUserId: from.id } };
}

async function sendCard(context: TurnContext, card: object): Promise<void> {
  await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
}

function errorResponse(statusCode: number, code: string, message: string): AdaptiveCardInvokeResponse {
  return { statusCode, type: "application/vnd.microsoft.error", value: { code, message } };
}
