import { CardFactory, TurnContext, type Activity, type CloudAdapter, type ConversationParameters, type ConversationReference } from "botbuilder";
import type { Notification, Post } from "../app/notifications";
import type { SendResult, Sender } from "../app/outbox.dispatcher";
import type { ConversationStore, Logger, StaffDirectory, StaffMember, StoredConversation } from "../app/ports";
import type { Schools } from "../app/schools";
import { briefingCard } from "../cards/briefing.card";
import type { AdaptiveCard } from "../cards/card-parts";
import { personName } from "../cards/card-parts";
import { type Mention, mentionEntities, mentionText } from "../cards/mentions";
import { falseAlarmNotice, notificationSummary } from "../cards/notification-summary";
import { reportCard } from "../cards/report.card";
import type { Visit } from "../domain/visit";
import type { AlertChannel } from "../policy/policy.schema";
import { type CardViews, inOrder, type Viewer } from "./card-views";

const BOT_FRAMEWORK_AUDIENCE = "https://api.botframework.com";

/** The Teams side of a delivery failure, as the outbox needs it. */
class DeliveryError extends Error {
  constructor(
    message: string,
    readonly unreachable = false,
  ) {
    super(message);
  }
}

/**
 * Delivers one notification as a proactive card through the stored conversation references, or updates
 * the cards already posted about an alert. Someone who never opened the bot but is in a team roster gets a
 * new 1:1 chat. Every new message carries a summary that says what happened (notification-summary.ts), which a
 * phone shows instead of "Sent a card"; a channel post @mentions the people it is for. Throttling and server errors
 * are reported back to the outbox, which owns retries.
 */
export class TeamsSender implements Sender {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    /** The school's tenant: every conversation the bot creates is in it. */
    private readonly tenantId: string,
    private readonly schools: Schools,
    private readonly conversations: ConversationStore,
    private readonly staff: StaffDirectory,
    private readonly views: CardViews,
    private readonly log: Logger,
  ) {}

  async send(visit: Visit, notification: Notification, earlierPosts: readonly Post[]): Promise<SendResult> {
    try {
      if (notification.kind === "alert-changed") {
        for (const post of earlierPosts) await this.update(visit, notification.alertId, post);
        return { ok: true, posts: [] };
      }
      if (notification.kind === "false-alarm") return { ok: true, posts: await this.sendNotice(visit, notification) };
      const to = notification.to;
      if ("channel" in to) {
        const channel = await this.alertChannel(visit);
        if (notification.kind !== "alert") throw new Error(`${notification.kind} is never posted to a channel`);
        const mentions = await this.mentionable(visit, notification.mention ?? []);
        const card = await this.views.channelAlert(visit, alertOf(visit, notification.alertId), mentions);
        const activityId = await this.post(channel, { summary: notificationSummary(visit, notification), attachments: [CardFactory.adaptiveCard(card)] });
        return { ok: true, posts: [{ conversation: { kind: "channel", key: channel.key }, activityId }] };
      }
      const person = to.person;
      const summary = notificationSummary(visit, notification);
      const { conversation, activityId } = await this.sendToPerson(visit, person, async (viewer) => ({
        summary,
        attachments: [CardFactory.adaptiveCard(await this.personalCard(visit, notification, viewer))],
      }));
      return { ok: true, posts: [{ conversation: { kind: "personal", key: conversation }, activityId }] };
    } catch (error) {
      return failure(error);
    }
  }

  /** A short notice in words, where the alert went. Nothing to update later, so no posts are kept for it. */
  private async sendNotice(visit: Visit, notification: Extract<Notification, { kind: "false-alarm" }>): Promise<Post[]> {
    const summary = notificationSummary(visit, notification);
    if ("channel" in notification.to) {
      const mentions = await this.mentionable(visit, notification.mention ?? []);
      const text = mentions.length > 0 ? `${mentionText(mentions)}: ${falseAlarmNotice(visit)}` : falseAlarmNotice(visit);
      await this.post(await this.alertChannel(visit), { summary, text, entities: mentionEntities(mentions) });
    } else {
      await this.sendToPerson(visit, notification.to.person, async () => ({ summary, text: falseAlarmNotice(visit) }));
    }
    return [];
  }

  private async personalCard(visit: Visit, notification: Notification, viewer: Viewer): Promise<AdaptiveCard> {
    switch (notification.kind) {
      case "approval-requested":
        return this.views.approval(visit, viewer);
      case "decision-made":
        return this.views.visit(visit, viewer);
      case "are-you-safe":
      case "alert":
        return this.alertCardFor(visit, notification.alertId, viewer);
      case "briefing":
        return briefingCard({ visit, policy: await this.views.policyOf(visit) });
      case "visit-card":
        return this.views.visit(visit, viewer);
      case "report":
        return reportCard({ visit, policy: await this.views.policyOf(visit), subject: notification.subject, ...(notification.index !== undefined ? { index: notification.index } : {}) });
      case "agreement-due":
        return this.views.agreement(visit, notification.index, viewer);
      case "alert-changed":
      case "false-alarm":
        throw new Error(`${notification.kind} has no card of its own`);
    }
  }

  private async alertCardFor(visit: Visit, alertId: string, viewer: Viewer): Promise<AdaptiveCard> {
    const card = await this.views.alert(visit, alertId, viewer);
    if (!card) throw new Error(`visit has no alert ${alertId}`);
    return card;
  }

  private async update(visit: Visit, alertId: string, post: Post): Promise<void> {
    const stored = await this.conversations.get(post.conversation.kind, post.conversation.key);
    if (!stored) throw new DeliveryError("the conversation of an earlier post is no longer known", true);
    const reference = stored.reference as Partial<ConversationReference>;
    const card =
      post.conversation.kind === "channel"
        ? await this.views.channelAlert(visit, alertOf(visit, alertId))
        : await this.alertCardFor(visit, alertId, { id: post.conversation.key, ...(reference.user?.id ? { teamsUserId: reference.user.id } : {}) });
    await this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
      await context.updateActivity({ id: post.activityId, type: "message", attachments: [CardFactory.adaptiveCard(card)] });
    });
  }

  /** The channel the school chose for alerts, by its ids: a channel's name, or another team's channel, means nothing. */
  private async alertChannel(visit: Visit): Promise<StoredConversation> {
    const chosen = (await this.views.policyOf(visit)).alertChannel;
    if (!chosen) throw new DeliveryError("the school has not chosen an alert channel", true);
    return (await this.conversations.get("channel", chosen.channelId)) ?? (await this.channelFromTeam(chosen));
  }

  /** A channel made after the app joined its team: its reference is the team's with the channel's id. */
  private async channelFromTeam(chosen: AlertChannel): Promise<StoredConversation> {
    const template = await this.teamReference(chosen.teamId);
    if (!template) throw new DeliveryError("the app is no longer in the team of the school's alert channel", true);
    const base = template.reference as Record<string, unknown> & { conversation?: object };
    return {
      ...template,
      key: chosen.channelId,
      reference: { ...base, conversation: { ...base.conversation, id: chosen.channelId } },
    };
  }

  private async teamReference(teamId: string): Promise<StoredConversation | undefined> {
    return (await this.conversations.list("channel")).find((c) => c.teamId === teamId);
  }

  /**
   * The people a post mentions, as Teams knows them at the school: someone Teams has never seen cannot be mentioned.
   * A name Teams did not give is the one the school's policy has.
   */
  private async mentionable(visit: Visit, ids: readonly string[]): Promise<Mention[]> {
    if (ids.length === 0) return [];
    const policy = await this.views.policyOf(visit);
    const members = await inOrder(this.staff, visit.schoolId, ids);
    return members.flatMap((member) => {
      const name = member.name || personName(policy, member.aadObjectId);
      return member.teamsUserId && name ? [{ teamsUserId: member.teamsUserId, name }] : [];
    });
  }

  private async post(channel: StoredConversation, message: Partial<Activity>): Promise<string> {
    let activityId = "";
    await this.adapter.continueConversationAsync(this.appId, channel.reference as Partial<ConversationReference>, async (context) => {
      activityId = (await context.sendActivity(message))?.id ?? "";
    });
    if (!activityId) throw new DeliveryError("the Bot Connector accepted the post without an activity id");
    return activityId;
  }

  private async sendToPerson(visit: Visit, aadObjectId: string, messageFor: (viewer: Viewer) => Promise<Partial<Activity>>): Promise<{ conversation: string; activityId: string }> {
    let activityId = "";
    // A card's refresh is for the Teams user in the chat it lands in.
    const sendAs = (teamsUserId: string | undefined) => async (context: TurnContext) => {
      activityId = (await context.sendActivity(await messageFor({ id: aadObjectId, ...(teamsUserId ? { teamsUserId } : {}) })))?.id ?? "";
    };
    const stored = await this.conversations.get("personal", aadObjectId);
    if (stored) {
      const reference = stored.reference as Partial<ConversationReference>;
      await this.adapter.continueConversationAsync(this.appId, reference, sendAs(reference.user?.id));
    } else {
      const member = await this.staff.get(visit.schoolId, aadObjectId);
      if (!member?.teamsUserId) throw new DeliveryError("this person has not installed the app and is in no team the app knows", true);
      await this.createChat(visit, aadObjectId, member, sendAs(member.teamsUserId));
    }
    if (!activityId) throw new DeliveryError("the Bot Connector accepted the message without an activity id");
    return { conversation: aadObjectId, activityId };
  }

  private async createChat(visit: Visit, aadObjectId: string, member: StaffMember, send: (context: TurnContext) => Promise<void>): Promise<void> {
    // The school's own team gives the bot's id and the region's service URL; the tenant is always the school's.
    const team = (await this.schools.get(visit.schoolId))?.teamId;
    const template = (team ? await this.teamReference(team) : undefined) ?? (await this.conversations.list("channel"))[0];
    if (!template) throw new DeliveryError("no conversation to start a 1:1 chat from", true);
    const reference = template.reference as Partial<ConversationReference>;
    const parameters = {
      isGroup: false,
      bot: reference.bot,
      members: [{ id: member.teamsUserId, name: member.name }],
      tenantId: this.tenantId,
      channelData: { tenant: { id: this.tenantId } },
    } as ConversationParameters;
    await this.adapter.createConversationAsync(this.appId, reference.channelId ?? "msteams", reference.serviceUrl ?? "", BOT_FRAMEWORK_AUDIENCE, parameters, async (context) => {
      const created = TurnContext.getConversationReference(context.activity);
      await this.conversations.save({
        kind: "personal",
        key: aadObjectId,
        reference: { ...created, user: { id: member.teamsUserId, name: member.name, aadObjectId } } as unknown as Record<string, unknown>,
        savedAt: new Date().toISOString(),
      });
      await send(context);
    });
    this.log.info("1:1 chat created for a notification", { recipient: aadObjectId });
  }
}

function alertOf(visit: Visit, alertId: string) {
  const alert = visit.alerts.find((a) => a.id === alertId);
  if (!alert) throw new Error(`visit has no alert ${alertId}`);
  return alert;
}

/** Reads what the Bot Connector said: a 429's Retry-After, or why someone cannot be reached. */
function failure(error: unknown): SendResult {
  if (error instanceof DeliveryError) return { ok: false, error: error.message, unreachable: error.unreachable };
  const e = error as { statusCode?: number; message?: string; response?: { headers?: { get?(name: string): string | undefined } } };
  const retryAfter = Number(e.response?.headers?.get?.("retry-after"));
  return {
    ok: false,
    error: `${e.statusCode ?? "error"}: ${e.message ?? String(error)}`.slice(0, 300),
    ...(e.statusCode === 429 && Number.isFinite(retryAfter) ? { retryAfterMs: retryAfter * 1000 } : {}),
  };
}
