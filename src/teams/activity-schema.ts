import { ActivityEventNames, ActivityTypes } from "botbuilder";
import { z } from "zod";
import { GUID } from "../domain/guid";

/**
 * Teams refuses a chat message over about 28 KB ("Limits and specifications for Microsoft Teams": 28 KB is an
 * approximate limit that includes the text, image links and @-mentions), so no message a person sends through
 * Teams has longer text than 28 × 1024 UTF-16 code units. The edge refuses longer text, and text handling never
 * reads past it.
 */
export const MESSAGE_TEXT_MAX = 28 * 1024;

/**
 * Teams ids (conversations, users, activities, channels) are a few hundred visible ASCII characters at most, and
 * botbuilder sends the conversation id as an HTTP header: a control character or any non-ASCII one there makes
 * every reply throw.
 */
const ID_MAX = 512;
const NAME_MAX = 256;

/** The invoke the bot answers: Action.Execute on its cards. botbuilder would answer any other with 501. */
const CARD_ACTION_INVOKE = "adaptiveCard/action";

const Id = z
  .string()
  .min(1)
  .max(ID_MAX)
  .regex(/^[\x21-\x7e]+$/, "is not a Teams id (visible ASCII characters)");
const Name = z.string().max(NAME_MAX);
/** The bot keys people by their Entra object ids. */
const AadObjectId = z.string().regex(GUID, "is not an Entra object id");
/** A time botbuilder turns into a Date. */
const Timestamp = z.string().max(64).refine((value) => !Number.isNaN(Date.parse(value)), "is not a date and time");

/**
 * Where replies go. botbuilder posts to it with the bot's token, and without one it would try the public
 * Bot Connector (a DNS wait of seconds, then a failed turn); anything but an http(s) URL makes it throw.
 */
const ServiceUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
  }, "is not an http(s) URL");

const Account = z.looseObject({ id: Id, name: Name.nullish(), aadObjectId: AadObjectId.nullish() });
const Conversation = z.looseObject({
  id: Id,
  conversationType: Name.nullish(),
  tenantId: Name.nullish(),
  isGroup: z.boolean().nullish(),
  name: Name.nullish(),
});
const Reference = z.looseObject({ id: Id, name: Name.nullish() });
const ChannelData = z.looseObject({
  tenant: Reference.nullish(),
  team: Reference.nullish(),
  channel: Reference.nullish(),
  eventType: Name.nullish(),
});
/** botbuilder removes the bot's @-mention from the text by the mention's own text, and lower-cases every entity's type. */
const Mention = z.looseObject({ mentioned: z.looseObject({ id: Id }), text: z.string().max(MESSAGE_TEXT_MAX) });
const Entity = z.looseObject({ type: Name }).superRefine((entity, ctx) => {
  if (entity.type.toLowerCase() === "mention" && !Mention.safeParse(entity).success) {
    ctx.addIssue({ code: "custom", message: "is a mention without the text and the id of who is mentioned" });
  }
});

/** Action.Execute's payload: the verb routes it, the data (ids and inputs) is checked by the verb's own schema. */
const CardActionValue = z.looseObject({
  action: z.looseObject({
    type: z.literal("Action.Execute"),
    verb: Name,
    data: z.record(z.string(), z.unknown()).nullish(),
  }),
});

const INTERNAL_EVENTS: readonly string[] = [ActivityEventNames.ContinueConversation, ActivityEventNames.CreateConversation];

/**
 * What the bot and botbuilder read from an inbound activity, checked before any turn runs, so that nothing a
 * caller sends can make a turn throw halfway (a 500) or wait on a bad address. Fields the bot never reads
 * pass through unchecked: Teams adds new ones over time.
 */
const InboundActivity = z
  .looseObject({
    type: z.enum(ActivityTypes, { error: "is not a Bot Framework activity type" }),
    id: Id,
    channelId: Id.max(64),
    serviceUrl: ServiceUrl,
    from: Account,
    recipient: Account,
    conversation: Conversation,
    text: z.string().max(MESSAGE_TEXT_MAX, `is longer than Teams allows (${MESSAGE_TEXT_MAX} characters)`).nullish(),
    name: Name.nullish(),
    action: Name.nullish(),
    replyToId: Id.nullish(),
    locale: Name.nullish(),
    timestamp: Timestamp.nullish(),
    localTimestamp: Timestamp.nullish(),
    expiration: Timestamp.nullish(),
    // botbuilder reads entities whenever they are not undefined: null made it throw.
    entities: z.array(Entity).max(100).optional(),
    membersAdded: z.array(Account).max(1000).nullish(),
    membersRemoved: z.array(Account).max(1000).nullish(),
    channelData: ChannelData.nullish(),
  })
  .superRefine((activity, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (activity.type === ActivityTypes.Invoke) {
      if (activity.name !== CARD_ACTION_INVOKE) problem("name", `is not an invoke this bot handles (only ${CARD_ACTION_INVOKE})`);
      else if (!CardActionValue.safeParse(activity.value).success) problem("value", "is not an Action.Execute with a verb and object data");
    }
    if (activity.type === ActivityTypes.Event && INTERNAL_EVENTS.includes(activity.name ?? "")) problem("name", "is botbuilder's own event, never a channel's");
    if (activity.entities?.some((e) => e.type.toLowerCase() === "mention") && typeof activity.text !== "string") problem("text", "is missing, but the activity mentions someone in it");
  });

/**
 * Why a request body is not an activity the bot can take, in one line ("from.id: …"), or undefined when it is.
 * The body itself is what the turn then runs on: the check copies nothing.
 */
export function activityProblem(body: unknown): string | undefined {
  // reportInput only tells a missing field from a wrong one; the reason never repeats what was sent.
  const parsed = InboundActivity.safeParse(body, { reportInput: true });
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join(".") : "the body";
  if (issue.code !== "invalid_type") return `${where}: ${issue.message}`;
  return `${where}: ${issue.input === undefined ? "is missing" : `should be ${issue.expected}`}`;
}
