import {
  CardFactory,
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
} from "botbuilder";
import type { Clock, Logger } from "../app/ports";
import type { OfficeService } from "../app/office.service";
import type { ReviewService } from "../app/review.service";
import { officeDayCard } from "../cards/office-day.card";
import type { VisitService } from "../app/visit.service";
import { reviewCard } from "../cards/review.card";
import { requestFormCard } from "../cards/request-form.card";
import { welcomeCard } from "../cards/welcome.card";
import { londonDate } from "../domain/london-time";
import type { AdaptiveCard } from "../cards/card-parts";
import type { Actor, Visit } from "../domain/visit";
import type { CardActions, Caller } from "./card-actions";
import type { CardViews } from "./card-views";
import type { ConversationCapture } from "./conversation-capture";
import { parseTextCommand, type TextCommand, withoutCodeWord } from "./text-commands";

type Reply = AdaptiveCard | string;

/** The school year (September to August) that a London date falls in: the default review period. */
function schoolYear(today: string): { from: string; to: string } {
  const year = Number(today.slice(0, 4));
  const start = Number(today.slice(5, 7)) >= 9 ? year : year - 1;
  return { from: `${start}-09-01`, to: `${start + 1}-08-31` };
}

const CARD_RESPONSE = "application/vnd.microsoft.card.adaptive";

/**
 * The Teams surface: 1:1 chat messages, card actions and installs. It translates activities into use-case
 * calls and answers with cards; it decides nothing itself.
 */
export class HomeVisitsBot extends TeamsActivityHandler {
  constructor(
    private readonly service: VisitService,
    private readonly actions: CardActions,
    private readonly reviews: ReviewService,
    private readonly office: OfficeService,
    private readonly views: CardViews,
    private readonly capture: ConversationCapture,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    super();
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.capture.remember(context);
      if (context.activity.conversation.conversationType === "personal") await this.sendWelcome(context);
      await next();
    });
    this.onInstallationUpdateRemove(async (context, next) => {
      await this.capture.forget(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const added = context.activity.membersAdded ?? [];
      if (added.some((m) => m.id === context.activity.recipient.id)) {
        await this.capture.remember(context);
        await this.capture.rememberTeam(context);
      } else {
        await this.capture.rememberMembers(added);
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.onText(context);
      await next();
    });
  }

  private async onText(context: TurnContext): Promise<void> {
    const caller = callerOf(context);
    if (!caller) {
      await context.sendActivity("Teams did not tell me who you are, so I cannot record anything. Please use the Teams app.");
      return;
    }
    if (context.activity.conversation.conversationType !== "personal") {
      await context.sendActivity("Please talk to me in a 1:1 chat: visit details stay out of shared channels.");
      return;
    }
    const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? "";
    const { said, codeWordUsed } = withoutCodeWord(text, this.service.policy.codeWord?.word);
    // The code word raises the alarm, and the visitor gets exactly the reply the rest of the message would
    // have got: the reply is worked out first, from the visit as it was, so nothing in it can differ.
    const command = parseTextCommand(said);
    const replies = await this.replyTo(caller, command);
    if (codeWordUsed) await this.raiseSilentAlarm(caller);
    for (const reply of [replies].flat()) await context.sendActivity(typeof reply === "string" ? reply : { attachments: [CardFactory.adaptiveCard(reply)] });
    // Someone starting out may never have triggered an install event: keep their chat for proactive cards.
    if (command.kind === "new-visit" || command.kind === "unknown") await this.capture.remember(context);
  }

  private async replyTo(caller: Caller, command: TextCommand): Promise<Reply | Reply[]> {
    const { actor } = caller;
    switch (command.kind) {
      case "new-visit":
        return requestFormCard({ policy: this.service.policy, viewerId: actor.id, today: londonDate(this.clock.now()) });
      case "check-in":
      case "help":
      case "status": {
        const found = await this.currentVisit(actor, command.kind === "help");
        if (typeof found === "string") return found;
        if (command.kind === "check-in") return this.actions.checkIn(caller, found.id, command.step);
        if (command.kind === "help") return this.actions.help(caller, found.id, false);
        return this.views.visit(found, caller.viewer);
      }
      case "record": {
        const found = await this.lastVisitToRecord(actor);
        return typeof found === "string" ? found : this.actions.openRecord(caller, found.id);
      }
      case "staff":
        return this.actions.staffCard(caller);
      case "today": {
        const day = await this.office.today(actor);
        return day ? officeDayCard(day, this.service.policy) : "Only the office, the head, SLT, the DSLs and the admin can see today's visits.";
      }
      case "review":
      case "records":
        return this.reviewOrRecords(caller, command);
      case "unknown":
        return welcomeCard(this.service.policy);
    }
  }

  /** R31 figures (a card, then the CSV) or R21 records (CSV) for a period: this school year by default. */
  private async reviewOrRecords(caller: Caller, command: Extract<TextCommand, { kind: "review" | "records" }>): Promise<Reply | Reply[]> {
    const { from, to } = command.from && command.to ? { from: command.from, to: command.to } : schoolYear(londonDate(this.clock.now()));
    if (command.kind === "records") {
      const outcome = await this.reviews.records(caller.actor, from, to);
      if (!outcome.ok) return outcome.message;
      return `Visit records ${from} to ${to} (${outcome.count}), as CSV for the school's record system:\n\n\`\`\`\n${outcome.csv}\`\`\``;
    }
    const outcome = await this.reviews.figures(caller.actor, from, to);
    if (!outcome.ok) return outcome.message;
    return [reviewCard({ figures: outcome.figures, policy: this.service.policy }), `Review figures ${from} to ${to}, as CSV:\n\n\`\`\`\n${outcome.csv}\`\`\``];
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
    try {
      const visit = await this.service.currentVisitFor(actor.id, anyStatus);
      return visit ?? 'You have no approved visit today. Type "new visit" to ask for one.';
    } catch (error) {
      this.log.error("current visit lookup failed", { error: String(error) });
      return "I could not reach the visit records just now, so nothing is recorded. Please try again, or phone the school office.";
    }
  }

  private async sendWelcome(context: TurnContext): Promise<void> {
    await sendCard(context, welcomeCard(this.service.policy));
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
    const card = await this.actions.handle(invoke.action.verb, invoke.action.data, caller);
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
