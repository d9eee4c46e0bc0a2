import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type Activity,
  type ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type InvokeResponse,
  type TurnContext,
} from "botbuilder";
import type { Logger } from "../app/ports";
import type { Config } from "../config/env";
import { activityProblem } from "./activity-schema";
import { bearerTokenProblem } from "./bearer-token";

/** Who botbuilder says sent a request: what it needs to run the turn and answer the right channel. */
type Identity = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication["authenticateRequest"]>>;

/**
 * The CloudAdapter with its two steps apart, authenticating the request and running the turn, so the edge
 * answers each failure itself. CloudAdapter.process answers an authentication failure it does not recognise (a
 * signing key it cannot fetch) with 500, and any failure with the error's own message as the body.
 */
export class BotAdapter extends CloudAdapter {
  constructor(
    auth: ConfigurationBotFrameworkAuthentication,
    private readonly appId: string | undefined,
    private readonly log: Logger,
  ) {
    super(auth);
  }

  /**
   * The sender's identity, or undefined when the request is not authorised. Without app credentials every
   * request is anonymous (loopback only, config/env.ts). With them, anything botbuilder could not validate
   * is refused: a bad signature, an unknown key, or signing keys it cannot fetch.
   */
  async authenticate(authorization: string, claimed: Pick<Activity, "channelId" | "serviceUrl">): Promise<Identity | undefined> {
    const problem = this.appId ? bearerTokenProblem(authorization, this.appId, new Date()) : undefined;
    if (problem) {
      this.log.warn("request refused: not authorised", { reason: problem });
      return undefined;
    }
    try {
      // Of the activity, botbuilder's token check reads only the claims it compares: channel and service URL.
      return await this.botFrameworkAuthentication.authenticateRequest(claimed as Activity, authorization);
    } catch (error) {
      this.log.warn("request refused: not authorised", { reason: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  }

  /** Runs the bot's turn; resolves the inline answer of an invoke. */
  runTurn(identity: Identity, activity: Activity, bot: ActivityHandler): Promise<InvokeResponse | undefined> {
    return this.processActivity(identity, activity, (context) => bot.run(context));
  }
}

/**
 * The CloudAdapter with the bot's Entra app credentials. Without credentials it checks no inbound tokens
 * and sends none, which is only safe on loopback (config/env.ts enforces that).
 */
export function createBotAdapter(credentials: Config["credentials"], log: Logger): BotAdapter {
  const settings = credentials
    ? {
        MicrosoftAppId: credentials.appId,
        MicrosoftAppPassword: credentials.password ?? "",
        MicrosoftAppType: credentials.appType,
        MicrosoftAppTenantId: credentials.tenantId ?? "",
      }
    : {};
  const auth = new ConfigurationBotFrameworkAuthentication(settings, new ConfigurationServiceClientCredentialFactory(settings));
  const adapter = new BotAdapter(auth, credentials?.appId, log);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // A proactive send runs as a turn of its own; its failure must reach the outbox, which retries it,
    // rather than be swallowed here and look delivered.
    const activity = context.activity;
    if (activity.type === "event" && (activity.name === "ContinueConversation" || activity.name === "CreateConversation")) throw error;
    log.error("turn failed", { activityType: context.activity.type, error: error.message });
    if (context.activity.type === "message") {
      await context.sendActivity("Sorry, something went wrong on our side and nothing was recorded. Please try again.");
    }
  };
  return adapter;
}

type ActivityRequest = IncomingMessage & { body?: unknown };

/**
 * The `/api/messages` endpoint: the sender is authenticated first (401, and nothing about the body is said to
 * someone who is not authorised), then the activity is checked for everything the bot reads (400 with what is
 * wrong), and only then does a turn run.
 */
export function messagesEndpoint(adapter: BotAdapter, bot: ActivityHandler) {
  return async (req: ActivityRequest, res: ServerResponse): Promise<void> => {
    const body = req.body;
    const identity = await adapter.authenticate(req.headers.authorization ?? "", claimedIn(body));
    if (!identity) return answer(res, 401, { error: "Not authorised: the request needs a valid Bot Framework token." });
    const problem = activityProblem(body);
    if (problem) return answer(res, 400, { error: `This is not a Bot Framework activity the bot can take: ${problem}` });
    const response = await adapter.runTurn(identity, withDates(body as Record<string, unknown>), bot);
    answer(res, response?.status ?? 200, response?.body);
  };
}

/** The fields a token is checked against (its channel and service URL claims), when the body has them as text. */
function claimedIn(body: unknown): Pick<Activity, "channelId" | "serviceUrl"> {
  const { channelId, serviceUrl } = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  return { channelId: typeof channelId === "string" ? channelId : "", serviceUrl: typeof serviceUrl === "string" ? serviceUrl : "" };
}

/** botbuilder types an activity's times as Dates and keeps the text as sent (as CloudAdapter.process does). */
function withDates(activity: Record<string, unknown>): Activity {
  for (const [field, raw] of [
    ["timestamp", "rawTimestamp"],
    ["localTimestamp", "rawLocalTimestamp"],
    ["expiration", "rawExpiration"],
  ] as const) {
    const value = activity[field];
    if (typeof value !== "string") continue;
    activity[raw] = value;
    activity[field] = new Date(value);
  }
  return activity as unknown as Activity;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}
