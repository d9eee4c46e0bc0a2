import { TeamsInfo, TurnContext, type ChannelAccount } from "botbuilder";
import type { ConversationKind, ConversationStore, Logger, StaffDirectory, StoredConversation, TeamsMember } from "../app/ports";
import type { Schools } from "../app/schools";

/** Members per roster page: the most Teams gives at once. */
const ROSTER_PAGE = 500;

/**
 * Keeps what proactive messages need, in tables so posting still works after a restart or on another instance: the
 * conversation reference of every channel and group chat the app is in, the personal chat of each member of a
 * school's staff, and who Teams says the school's staff are. Nothing is kept about anyone else: a person who holds
 * no role at any school here is answered, not remembered.
 */
export class ConversationCapture {
  constructor(
    private readonly conversations: ConversationStore,
    private readonly staff: StaffDirectory,
    private readonly schools: Schools,
    private readonly log: Logger,
  ) {}

  /** A personal chat, kept for someone on a school's staff; channels and group chats always (they hold no one's details). */
  async remember(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const reference = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
    const kind = conversationKind(activity.conversation?.conversationType);
    const savedAt = new Date().toISOString();
    if (kind === "personal") {
      const member = teamsMember(activity.from, savedAt);
      if (!member) return;
      const schools = await this.schools.of(member.aadObjectId);
      if (schools.length === 0) return;
      await this.conversations.save({ kind, key: member.aadObjectId, reference, savedAt });
      for (const { school } of schools) await this.staff.upsert(school.id, [member]);
      return;
    }
    await this.conversations.save({
      kind,
      key: activity.conversation.id,
      ...(teamIdOf(context) ? { teamId: teamIdOf(context) } : {}),
      ...(activity.conversation.name ? { name: activity.conversation.name } : {}),
      reference,
      savedAt,
    });
  }

  /**
   * When the app joins a team: remembers every channel by id (so the school can pin its alert channel, and a channel
   * post works after a restart) and, for a school's staff team, who is in it. Best effort: a failure is logged and
   * the install goes on.
   */
  async rememberTeam(context: TurnContext): Promise<void> {
    const teamId = teamIdOf(context);
    if (context.activity.conversation?.conversationType !== "channel" || !teamId) return;
    try {
      await this.rememberChannels(context, teamId);
      const school = await this.schools.forTeam(teamId);
      if (school) await this.staff.upsert(school.id, await this.roster(context));
    } catch (error) {
      this.log.warn("team channels or roster could not be read", { error: String(error) });
    }
  }

  /** Everyone in the team this activity comes from, as Teams says they are now. */
  async roster(context: TurnContext): Promise<TeamsMember[]> {
    const seenAt = new Date().toISOString();
    const members: TeamsMember[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await TeamsInfo.getPagedMembers(context, ROSTER_PAGE, continuationToken);
      members.push(...page.members.flatMap((m) => teamsMember(m, seenAt) ?? []));
      continuationToken = page.continuationToken;
    } while (continuationToken);
    return members;
  }

  /** The team's channels as the app knows them, by id, for choosing the alert channel. */
  async channelsOf(teamId: string): Promise<StoredConversation[]> {
    return (await this.conversations.list("channel")).filter((c) => c.teamId === teamId);
  }

  private async rememberChannels(context: TurnContext, teamId: string): Promise<void> {
    for (const channel of await TeamsInfo.getTeamChannels(context, teamId)) {
      if (channel.id) await this.rememberChannel(context, { id: channel.id, ...(channel.name ? { name: channel.name } : {}) });
    }
  }

  /** A channel of the team this activity comes from, kept by id (its name is shown, never used to route). */
  async rememberChannel(context: TurnContext, channel: { id: string; name?: string }): Promise<void> {
    const teamId = teamIdOf(context);
    if (!teamId) return;
    const base = TurnContext.getConversationReference(context.activity) as unknown as Record<string, unknown> & { conversation: object };
    // Teams leaves the General channel unnamed.
    const name = channel.name ?? "General";
    await this.conversations.save({
      kind: "channel",
      key: channel.id,
      teamId,
      name,
      reference: { ...base, conversation: { ...base.conversation, id: channel.id, name } },
      savedAt: new Date().toISOString(),
    });
  }

  async forgetChannel(channelId: string): Promise<void> {
    await this.conversations.remove("channel", channelId);
  }

  /** People added to a school's staff team join its staff. */
  async rememberMembers(context: TurnContext, members: readonly ChannelAccount[]): Promise<void> {
    const teamId = teamIdOf(context);
    const school = teamId ? await this.schools.forTeam(teamId) : undefined;
    if (!school) return;
    const seenAt = new Date().toISOString();
    await this.staff.upsert(school.id, members.flatMap((m) => teamsMember(m, seenAt) ?? []));
  }

  async forget(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const kind = conversationKind(activity.conversation?.conversationType);
    const teamId = teamIdOf(context);
    if (teamId) return this.conversations.removeTeam(teamId);
    const key = kind === "personal" ? activity.from?.aadObjectId?.toLowerCase() : activity.conversation.id;
    if (key) await this.conversations.remove(kind, key);
  }
}

export function teamIdOf(context: TurnContext): string | undefined {
  return (context.activity.channelData as { team?: { id?: string } } | undefined)?.team?.id;
}

function teamsMember(account: ChannelAccount | undefined, seenAt: string): TeamsMember | undefined {
  if (!account?.aadObjectId) return undefined;
  return { aadObjectId: account.aadObjectId.toLowerCase(), name: account.name ?? "", teamsUserId: account.id, lastSeenAt: seenAt };
}

function conversationKind(type: string | undefined): ConversationKind {
  if (type === "channel") return "channel";
  if (type === "groupChat") return "groupChat";
  return "personal";
}
