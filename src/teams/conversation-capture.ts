import { TeamsInfo, TurnContext, type ChannelAccount } from "botbuilder";
import type { ConversationKind, ConversationStore, Logger, StaffDirectory } from "../app/ports";

/**
 * Keeps what proactive messages need: the conversation reference of every personal chat, channel and group
 * chat the app is in, and the staff member behind a personal chat. Stored in tables, so posting still works
 * after a restart or on another instance.
 */
export class ConversationCapture {
  constructor(
    private readonly conversations: ConversationStore,
    private readonly staff: StaffDirectory,
    private readonly log: Logger,
  ) {}

  async remember(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const reference = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
    const kind = conversationKind(activity.conversation?.conversationType);
    const savedAt = new Date().toISOString();
    const teamId = (activity.channelData as { team?: { id?: string } } | undefined)?.team?.id;
    if (kind === "personal") {
      const aadObjectId = activity.from?.aadObjectId;
      if (!aadObjectId) return;
      await this.conversations.save({ kind, key: aadObjectId.toLowerCase(), reference, savedAt });
      await this.staff.upsert({ aadObjectId: aadObjectId.toLowerCase(), name: activity.from.name ?? "", teamsUserId: activity.from.id, lastSeenAt: savedAt });
      return;
    }
    await this.conversations.save({
      kind,
      key: activity.conversation.id,
      ...(teamId ? { teamId } : {}),
      ...(activity.conversation.name ? { name: activity.conversation.name } : {}),
      reference,
      savedAt,
    });
  }

  /**
   * When the app joins a team: remembers every channel by name (so alerts can go to the one the school's
   * profile names, e.g. "Safeguarding") and the Teams user id of everyone in the team (so an approver who
   * never opened the bot can still get a 1:1 card). Best effort: a failure is logged and the install goes on.
   */
  async rememberTeam(context: TurnContext): Promise<void> {
    if (context.activity.conversation?.conversationType !== "channel") return;
    try {
      await this.rememberChannels(context);
      let continuationToken: string | undefined;
      do {
        const page = await TeamsInfo.getPagedMembers(context, 500, continuationToken);
        await this.rememberMembers(page.members);
        continuationToken = page.continuationToken;
      } while (continuationToken);
    } catch (error) {
      this.log.warn("team channels or roster could not be read", { error: String(error) });
    }
  }

  private async rememberChannels(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const teamId = (activity.channelData as { team?: { id?: string } } | undefined)?.team?.id;
    if (!teamId) return;
    const base = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown> & { conversation: object };
    const savedAt = new Date().toISOString();
    for (const channel of await TeamsInfo.getTeamChannels(context, teamId)) {
      if (!channel.id) continue;
      await this.conversations.save({
        kind: "channel",
        key: channel.id,
        teamId,
        // Teams leaves the General channel unnamed.
        name: channel.name ?? "General",
        reference: { ...base, conversation: { ...base.conversation, id: channel.id, name: channel.name ?? "General" } },
        savedAt,
      });
    }
  }

  async rememberMembers(members: readonly ChannelAccount[]): Promise<void> {
    const seenAt = new Date().toISOString();
    for (const member of members) {
      if (!member.aadObjectId) continue;
      await this.staff.upsert({ aadObjectId: member.aadObjectId.toLowerCase(), name: member.name ?? "", teamsUserId: member.id, lastSeenAt: seenAt });
    }
  }

  async forget(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const kind = conversationKind(activity.conversation?.conversationType);
    const teamId = (activity.channelData as { team?: { id?: string } } | undefined)?.team?.id;
    if (teamId) return this.conversations.removeTeam(teamId);
    const key = kind === "personal" ? activity.from?.aadObjectId?.toLowerCase() : activity.conversation.id;
    if (key) await this.conversations.remove(kind, key);
  }
}

function conversationKind(type: string | undefined): ConversationKind {
  if (type === "channel") return "channel";
  if (type === "groupChat") return "groupChat";
  return "personal";
}
