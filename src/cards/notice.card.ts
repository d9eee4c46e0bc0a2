import type { AdaptiveCard } from "./card-parts";
import { adaptiveCard, heading, text } from "./card-parts";

/**
 * A short notice that replaces a tapped card when there is nothing else to show (out-of-date card, not
 * your visit). No actions, no visit details: it may be seen by anyone in the conversation.
 */
export function noticeCard(title: string, message: string): AdaptiveCard {
  return adaptiveCard({ body: [heading(title), text(message, { spacing: "small" })] });
}
