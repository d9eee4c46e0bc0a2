import { CardFactory, TurnContext, type CloudAdapter, type ConversationParameters, type ConversationReference } from "botbuilder";
import type { ConversationStore, Logger, StaffDirectory, StaffMember } from "../app/ports";
import type { DeliveryReport, Notification, Notifier } from "../app/notifications";
import type { Visit } from "../domain/visit";
import type { CardViews, Viewer } from "./card-views";

const BOT_FRAMEWORK_AUDIENCE = "https://api.botframework.com";

/**
 * Delivers notifications as proactive 1:1 cards through the stored conversation references. Someone who
 * has never talked to the bot, but whom Teams has shown us (for example in a team roster), gets a new 1:1
 * chat created for them.
 */
export class TeamsNotifier implements Notifier {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly conversations: ConversationStore,
    private readonly staff: StaffDirectory,
    private readonly views: CardViews,
    private readonly log: Logger,
  ) {}

  async deliver(visit: Visit, notifications: readonly Notification[]): Promise<DeliveryReport> {
    const unreachable: string[] = [];
    // One recipient at a time: Teams throttles bursts per app and per thread.
    for (const notification of notifications) {
      for (const person of notification.to) {
        const cardFor = (viewer: Viewer) =>
          notification.kind === "approval-requested" ? this.views.approval(visit, viewer) : this.views.visit(visit, viewer);
        const sent = await this.sendCard(person, cardFor);
        if (!sent) unreachable.push(person);
      }
    }
    return { unreachable };
  }

  private async sendCard(aadObjectId: string, cardFor: (viewer: Viewer) => object): Promise<boolean> {
    // The card's refresh is for the Teams user in the chat it lands in.
    const sendTo = (teamsUserId: string | undefined) => async (context: TurnContext) => {
      const card = cardFor({ id: aadObjectId, ...(teamsUserId ? { teamsUserId } : {}) });
      await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
    };
    try {
      const stored = await this.conversations.get("personal", aadObjectId);
      if (stored) {
        const reference = stored.reference as Partial<ConversationReference>;
        await this.adapter.continueConversationAsync(this.appId, reference, sendTo(reference.user?.id));
        return true;
      }
      const member = await this.staff.get(aadObjectId);
      return member ? await this.createChatAndSend(aadObjectId, member, sendTo(member.teamsUserId)) : false;
    } catch (error) {
      this.log.warn("proactive message failed", { recipient: aadObjectId, error: String(error) });
      return false;
    }
  }

  private async createChatAndSend(aadObjectId: string, member: StaffMember, send: (context: TurnContext) => Promise<void>): Promise<boolean> {
    const template = (await this.conversations.list("channel"))[0] ?? (await this.conversations.list("personal"))[0];
    if (!template) {
      this.log.info("no conversation to start a 1:1 chat from", { recipient: aadObjectId });
      return false;
    }
    const reference = template.reference as Partial<ConversationReference> & { conversation?: { tenantId?: string } };
    const tenantId = reference.conversation?.tenantId;
    const parameters = {
      isGroup: false,
      bot: reference.bot,
      members: [{ id: member.teamsUserId, name: member.name }],
      ...(tenantId ? { tenantId, channelData: { tenant: { id: tenantId } } } : {}),
    } as ConversationParameters;
    await this.adapter.createConversationAsync(
      this.appId,
      reference.channelId ?? "msteams",
      reference.serviceUrl ?? "",
      BOT_FRAMEWORK_AUDIENCE,
      parameters,
      async (context) => {
        const created = TurnContext.getConversationReference(context.activity);
        await this.conversations.save({
          kind: "personal",
          key: aadObjectId,
          reference: { ...created, user: { id: member.teamsUserId, name: member.name, aadObjectId } } as unknown as Record<string, unknown>,
          savedAt: new Date().toISOString(),
        });
        await send(context);
      },
    );
    return true;
  }
}
