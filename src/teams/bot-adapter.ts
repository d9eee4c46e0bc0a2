import type { IncomingMessage, ServerResponse } from "node:http";
import {
  type ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type Request,
  type Response,
  type TurnContext,
} from "botbuilder";
import { z } from "zod";
import type { Logger } from "../app/ports";
import type { Config } from "../config/env";

/**
 * The CloudAdapter with the bot's Entra app credentials. Without credentials it checks no inbound tokens
 * and sends none, which is only safe on loopback (config/env.ts enforces that).
 */
export function createBotAdapter(credentials: Config["credentials"], log: Logger): CloudAdapter {
  const settings = credentials
    ? {
        MicrosoftAppId: credentials.appId,
        MicrosoftAppPassword: credentials.password ?? "",
        MicrosoftAppType: credentials.appType,
        MicrosoftAppTenantId: credentials.tenantId ?? "",
      }
    : {};
  const auth = new ConfigurationBotFrameworkAuthentication(settings, new ConfigurationServiceClientCredentialFactory(settings));
  const adapter = new CloudAdapter(auth);
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

/** What any Bot Framework activity has; the adapter and the bot check the rest. */
const ActivityShape = z.object({ type: z.string().min(1) });

/**
 * The `/api/messages` endpoint: every activity goes through the adapter (and its token check) to the bot. A body
 * that is not an activity at all is answered 400 with what is wrong (the adapter would throw on it: a 500).
 */
export function messagesEndpoint(adapter: CloudAdapter, bot: ActivityHandler) {
  return async (req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void> => {
    if (!ActivityShape.safeParse(req.body).success) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "The body is not a Bot Framework activity: it needs a JSON object with a \"type\"." }));
      return;
    }
    await adapter.process(req as unknown as Request, res as unknown as Response, (context) => bot.run(context));
  };
}
