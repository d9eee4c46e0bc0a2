import {
  CardFactory,
  TeamsActivityHandler,
  TurnContext,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
} from "botbuilder";
import type { Clock, Logger } from "../app/ports";
import type { VisitService } from "../app/visit.service";
import { requestFormCard } from "../cards/request-form.card";
import { welcomeCard } from "../cards/welcome.card";
import { londonDate } from "../domain/london-time";
import type { Actor } from "../domain/visit";
import type { CardActions, Caller } from "./card-actions";
import type { CardViews } from "./card-views";
import type { ConversationCapture } from "./conversation-capture";
import { parseTextCommand } from "./text-commands";

const CARD_RESPONSE = "application/vnd.microsoft.card.adaptive";

/**
 * The Teams surface: 1:1 chat messages, card actions and installs. It translates activities into use-case
 * calls and answers with cards; it decides nothing itself.
 */
export class HomeVisitsBot extends TeamsActivityHandler {
  constructor(
    private readonly service: VisitService,
    private readonly actions: CardActions,
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
        await this.capture.rememberRoster(context);
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
    const { actor } = caller;
    if (context.activity.conversation.conversationType !== "personal") {
      await context.sendActivity("Please talk to me in a 1:1 chat: visit details stay out of shared channels.");
      return;
    }
    const text = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? "";
    const command = parseTextCommand(text);
    switch (command.kind) {
      case "new-visit":
        await this.capture.remember(context);
        await sendCard(context, requestFormCard({ policy: this.service.policy, viewerId: actor.id, today: londonDate(this.clock.now()) }));
        return;
      case "check-in": {
        const visit = await this.currentVisit(context, actor);
        if (visit) await sendCard(context, await this.actions.checkIn(caller, visit.id, command.step));
        return;
      }
      case "status": {
        const visit = await this.currentVisit(context, actor);
        if (visit) await sendCard(context, this.views.visit(visit, caller.viewer));
        return;
      }
      case "unknown":
        await this.capture.remember(context);
        await this.sendWelcome(context);
    }
  }

  private async currentVisit(context: TurnContext, actor: Actor) {
    try {
      const visit = await this.service.currentVisitFor(actor.id);
      if (!visit) await context.sendActivity("You have no approved visit today. Type \"new visit\" to ask for one.");
      return visit;
    } catch (error) {
      this.log.error("current visit lookup failed", { error: String(error) });
      await context.sendActivity("I could not reach the visit records just now, so nothing is recorded. Please try again, or phone the school office.");
      return undefined;
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
