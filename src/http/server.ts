import express from "express";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Logger } from "../app/ports";

/** Handles one Bot Framework activity POST (src/teams wires it to the CloudAdapter). */
export type ActivityEndpoint = (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => Promise<void>;

/**
 * The bot's HTTP front door. The CloudAdapter behind `/api/messages` answers 401 to any request without a
 * valid Bot Framework token when app credentials are configured.
 */
export function createHttpApp(messages: ActivityEndpoint, log: Logger): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // CloudAdapter wants the parsed activity on req.body; Teams activities are well under 1 MB.
  app.post("/api/messages", express.json({ limit: "1mb" }), async (req, res) => {
    try {
      await messages(req, res);
    } catch (error) {
      log.error("activity request failed", { error: String(error) });
      if (!res.headersSent) res.status(500).end();
    }
  });
  app.get("/healthz", (_req, res) => {
    res.json({ ok: true });
  });
  // A body that cannot be read gets a plain JSON answer, not express's HTML page with a stack trace.
  app.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const status = statusOf(error);
    if (status === 400) res.status(400).json({ error: "The body is not valid JSON." });
    else if (status === 413) res.status(413).json({ error: "The body is larger than 1 MB." });
    else {
      log.error("request failed", { error: String(error) });
      res.status(500).json({ error: "Something went wrong on our side." });
    }
  });
  return app;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === "number" ? status : undefined;
}

export function listen(app: express.Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
    server.once("error", reject);
  });
}
