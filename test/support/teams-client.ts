import { buttonsOf } from "./card-inspect";
import type { FakeConnector } from "./fake-connector";

export interface TeamsPerson {
  aadObjectId: string;
  name: string;
}

export const TENANT_ID = "00000000-0000-4000-8000-00000000fe00";
export const BOT = { id: "28:home-visits-bot", name: "Home Visits" };

/**
 * Plays the Teams client for one person in a 1:1 chat with the bot: it posts activities to the bot's
 * /api/messages over real HTTP, with the fake connector as serviceUrl, and returns what came back inline.
 */
export class TeamsClient {
  private seq = 0;

  constructor(
    private readonly botUrl: string,
    private readonly connector: FakeConnector,
    readonly person: TeamsPerson,
  ) {}

  get conversationId(): string {
    return `a:personal-${this.person.aadObjectId}`;
  }

  get teamsUserId(): string {
    return `29:${this.person.aadObjectId}`;
  }

  install(): Promise<Response> {
    return this.post({ type: "installationUpdate", action: "add" });
  }

  say(text: string): Promise<Response> {
    return this.post({ type: "message", text });
  }

  /** Taps an Action.Execute button; resolves the card Teams would show in its place. */
  async tap(verb: string, data: Record<string, unknown>): Promise<{ status: number; card: Record<string, unknown>; body: Record<string, unknown> }> {
    const res = await this.post({ type: "invoke", name: "adaptiveCard/action", value: { action: { type: "Action.Execute", verb, data } } });
    const body = (await res.json()) as Record<string, unknown>;
    return { status: res.status, card: body.value as Record<string, unknown>, body };
  }

  /**
   * Taps an Action.Execute on a card posted in a team channel (say, the refresh of an alert posted there):
   * the same invoke, from the channel's conversation.
   */
  async tapInChannel(
    channel: { id: string; teamId: string },
    verb: string,
    data: Record<string, unknown>,
  ): Promise<{ status: number; card: Record<string, unknown>; body: Record<string, unknown> }> {
    const res = await this.post({
      type: "invoke",
      name: "adaptiveCard/action",
      value: { action: { type: "Action.Execute", verb, data } },
      conversation: { id: channel.id, conversationType: "channel", tenantId: TENANT_ID, isGroup: true },
      channelData: { tenant: { id: TENANT_ID }, team: { id: channel.teamId }, channel: { id: channel.id } },
    });
    const body = (await res.json()) as Record<string, unknown>;
    return { status: res.status, card: body.value as Record<string, unknown>, body };
  }

  /**
   * Adds the app to a team, from its General channel (Teams sends conversationUpdate with the bot among the members
   * added); the bot then reads the team's channels and roster from the connector.
   */
  addAppToTeam(team: { id: string; general: string }): Promise<Response> {
    return this.post({
      type: "conversationUpdate",
      membersAdded: [BOT],
      conversation: { id: team.general, conversationType: "channel", tenantId: TENANT_ID, isGroup: true },
      channelData: { tenant: { id: TENANT_ID }, team: { id: team.id, name: "Staff" }, channel: { id: team.general } },
    });
  }

  /** Says something in a team channel, @mentioning the bot as Teams does. */
  sayInChannel(channel: { id: string; teamId: string }, text: string): Promise<Response> {
    return this.post({
      type: "message",
      text: `<at>${BOT.name}</at> ${text}`,
      entities: [{ type: "mention", text: `<at>${BOT.name}</at>`, mentioned: BOT }],
      conversation: { id: channel.id, conversationType: "channel", tenantId: TENANT_ID, isGroup: true },
      channelData: { tenant: { id: TENANT_ID }, team: { id: channel.teamId }, channel: { id: channel.id } },
    });
  }

  /** Cards the bot sent into this person's 1:1 chat. */
  cards(): Record<string, unknown>[] {
    return this.connector.cardsTo(this.conversationId);
  }

  /** The latest card the bot sent this person that has a button titled like `title` (the briefing comes after the visit card). */
  lastCardWithButton(title: RegExp): Record<string, unknown> {
    const card = this.cards().filter((c) => buttonsOf(c).some((b) => title.test(b.title ?? ""))).at(-1);
    if (!card) throw new Error(`no card with a button matching ${title} was sent to ${this.person.name}`);
    return card;
  }

  lastCard(): Record<string, unknown> {
    const cards = this.cards();
    if (cards.length === 0) throw new Error(`no card was sent to ${this.person.name}`);
    return cards[cards.length - 1]!;
  }

  private post(activity: Record<string, unknown>): Promise<Response> {
    this.seq += 1;
    return fetch(`${this.botUrl}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        id: `${this.person.aadObjectId}-${this.seq}`,
        channelId: "msteams",
        serviceUrl: this.connector.url,
        timestamp: new Date().toISOString(),
        from: { id: this.teamsUserId, name: this.person.name, aadObjectId: this.person.aadObjectId },
        recipient: BOT,
        conversation: { id: this.conversationId, conversationType: "personal", tenantId: TENANT_ID },
        channelData: { tenant: { id: TENANT_ID } },
        locale: "en-GB",
        ...activity,
      }),
    });
  }
}
