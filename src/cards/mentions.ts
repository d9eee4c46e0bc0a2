import { joinWords } from "../domain/role-words";
import type { AdaptiveCard, CardElement } from "./card-parts";
import { text } from "./card-parts";

/** Someone a post @mentions, as Teams knows them: a mention reaches a person by their Teams user id ("29:…"). */
export interface Mention {
  teamsUserId: string;
  name: string;
}

/** A Teams mention, as a card's `msteams.entities` and a message's `entities` both carry it. */
export interface MentionEntity {
  type: "mention";
  text: string;
  mentioned: { id: string; name: string };
}

/** What a card carries for Teams beside the Adaptive Card itself: the mentions its text makes. */
export interface TeamsCardExtras {
  entities: MentionEntity[];
}

/** Teams matches an entity to the text by this tag; angle brackets in a name would end the tag early. */
function mentionTag(mention: Mention): string {
  return `<at>${mention.name.replace(/[<>]/g, "")}</at>`;
}

export function mentionEntities(mentions: readonly Mention[]): MentionEntity[] {
  return mentions.map((mention) => ({ type: "mention", text: mentionTag(mention), mentioned: { id: mention.teamsUserId, name: mention.name } }));
}

/** "For <at>Jo Fenwick</at> and <at>Priya Lane</at>": the line whose tags make each person's phone buzz. */
export function mentionText(mentions: readonly Mention[]): string {
  return `For ${joinWords(mentions.map(mentionTag), "and")}`;
}

/** The mention line of a card, or nothing when nobody is mentioned. */
export function mentionLine(mentions: readonly Mention[]): CardElement | undefined {
  return mentions.length > 0 ? text(mentionText(mentions), { weight: "bolder" }) : undefined;
}

/** The card with Teams' entities for the mentions its mention line makes; a card that mentions nobody is left as it is. */
export function withMentions(card: AdaptiveCard, mentions: readonly Mention[]): AdaptiveCard {
  return mentions.length > 0 ? { ...card, msteams: { entities: mentionEntities(mentions) } } : card;
}
