import express from "express";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Logger } from "../app/ports";

/** Handles one Bot Framework activity POST (src/teams wires it to the CloudAdapter). */
export type ActivityEndpoint = (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => Promise<void>;

/** The health check's answer: whether the platform should keep this instance, and what to show (no personal data). */
export type HealthCheck = () => Promise<{ healthy: boolean }>;

/** The only answer to a failure on our side: its message and stack go to the log, never to the caller. */
const INTERNAL_ERROR = { error: "Something went wrong on our side." };

/**
 * What body-parser's refusals mean to the sender, by its error type. body-parser decodes UTF-8, UTF-16 and
 * UTF-32, and inflates gzip, deflate and br (the limit applies to the inflated body).
 */
const UNREADABLE_BODIES = new Map<unknown, { status: number; error: string }>([
  ["entity.parse.failed", { status: 400, error: "The body is not valid JSON." }],
  ["entity.too.large", { status: 413, error: "The body is larger than 1 MB." }],
  ["charset.unsupported", { status: 415, error: "The body's charset is not supported: send UTF-8." }],
  ["encoding.unsupported", { status: 415, error: "The body's content-encoding is not supported: send it as it is, or gzip, deflate or br." }],
]);

export interface HttpAppOptions {
  /** Other front doors of the same service at their paths: the tab under /tab. */
  mounted?: Readonly<Record<string, express.Router>>;
  /** Answers GET /healthz: 200 while healthy, 503 when the platform should restart the instance. None: no /healthz. */
  health?: HealthCheck;
}

/**
 * The service's HTTP front door. Every answer it gives on its own is a one-line JSON reason; the activity endpoint
 * behind `/api/messages` authenticates the sender and checks the activity; `mounted` routers (the tab) sit at
 * their paths.
 */
export function createHttpApp(messages: ActivityEndpoint, log: Logger, { mounted = {}, health }: HttpAppOptions = {}): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.post(
    "/api/messages",
    (req, res, next) => {
      if (req.is("application/json")) return next();
      res.status(415).json({ error: "The body must be JSON, sent as content-type application/json." });
    },
    // CloudAdapter wants the parsed activity on req.body; Teams activities are well under 1 MB.
    express.json({ limit: "1mb" }),
    async (req, res) => {
      try {
        await messages(req, res);
      } catch (error) {
        log.error("activity request failed", { error: String(error) });
        if (!res.headersSent) res.status(500).json(INTERNAL_ERROR);
        else res.end();
      }
    },
  );
  if (health) {
    app.get("/healthz", async (_req, res) => {
      const report = await health();
      res.set("Cache-Control", "no-store").status(report.healthy ? 200 : 503).json(report);
    });
  }
  // Other front doors of the same service (the tab under /tab), ahead of the catch-all 404.
  for (const [path, router] of Object.entries(mounted)) app.use(path, router);
  app.use((_req, res) => {
    res.status(404).json({ error: "Not found." });
  });
  // Errors before the endpoint (a body that cannot be read) get a JSON reason, not express's HTML page with a stack trace.
  app.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
    const known = UNREADABLE_BODIES.get(type);
    if (known) res.status(known.status).json({ error: known.error });
    else if (typeof status === "number" && status >= 400 && status < 500) res.status(status).json({ error: "The request could not be read." });
    else {
      log.error("request failed", { error: String(error) });
      res.status(500).json(INTERNAL_ERROR);
    }
  });
  return app;
}

export function listen(app: express.Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
    server.once("error", reject);
  });
}
