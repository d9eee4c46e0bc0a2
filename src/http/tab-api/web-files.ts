import { existsSync } from "node:fs";
import path from "node:path";
import express from "express";

/**
 * Who may show the tab in a frame: Teams and the Microsoft 365 hosts Microsoft lists for tabs, and the
 * service itself. No one else can frame it to trick a click.
 */
const FRAME_ANCESTORS = [
  "'self'",
  "https://teams.microsoft.com",
  "https://*.teams.microsoft.com",
  "https://*.cloud.microsoft",
  "https://*.microsoft365.com",
  "https://*.office.com",
  "https://outlook.office.com",
  "https://outlook.office365.com",
];

/**
 * The page runs only its own scripts; Fluent UI writes its styles into style elements at run time. teams-js
 * reads Microsoft's list of valid host origins from its CDN.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' https://res.cdn.office.net",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  `frame-ancestors ${FRAME_ANCESTORS.join(" ")}`,
].join("; ");

/**
 * The tab's front end as Vite built it into `webRoot`: the page for the personal and channel tabs and the
 * channel tab's configuration page (one app, which reads its path), and its content-hashed assets.
 */
export function webFiles(webRoot: string): express.Router {
  const router = express.Router();
  const page = (_req: express.Request, res: express.Response) => {
    const index = path.join(webRoot, "index.html");
    if (!existsSync(index)) {
      res.status(503).type("text/plain").send("The tab has not been built: run npm run build.");
      return;
    }
    res.set({ "Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin" });
    res.sendFile(index);
  };
  router.get(["/", "/config"], page);
  // A file's name changes with its content, so a browser may keep it for good. One that is not there is a plain
  // 404 (an earlier build's chunk, say), never express's error page with its stack trace.
  router.use("/assets", express.static(path.join(webRoot, "assets"), { immutable: true, maxAge: "365d", index: false }), (_req, res) => {
    res.status(404).type("text/plain").send("Not found.");
  });
  return router;
}
