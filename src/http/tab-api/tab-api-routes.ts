import { createHash } from "node:crypto";
import express from "express";
import { z } from "zod";
import type { Logger } from "../../app/ports";
import type { SsoVerifier } from "../sso-token";
import type { Answer } from "./answer";
import type { ApiError } from "./contract";
import type { AtSchool, TabUseCases } from "./tab-use-cases";
import { GUID } from "../../domain/guid";

const NOTE = z.string().max(2000, "Keep the note under 2,000 characters.");
const ResolveBody = z.object({ note: NOTE });
const DecisionBody = z.object({ decision: z.enum(["approve", "decline", "requestChanges"]), note: NOTE.optional(), version: z.number().int().min(1) });

const REFERENCE = /^HV-[0-9A-F]{6}$/;
const StaffIdParam = z.string().regex(GUID, "Name the member of staff by their Entra object id.");

type Locals = { objectId: string; at: AtSchool };
const SchoolQuery = z.object({ school: z.string().regex(/^[a-z0-9-]{1,60}$/, "Name the school the call is about: ?school=<id> from /me.") });
const Period = SchoolQuery.extend({ from: z.string(), to: z.string(), reference: z.string().optional() });

function fail(res: express.Response, status: number, error: string): void {
  const body: ApiError = { error };
  res.status(status).json(body);
}

function send<T>(res: express.Response, outcome: Answer<T>): void {
  if (outcome.ok) res.json(outcome.value);
  else fail(res, outcome.status, outcome.error);
}

/** A file for the browser to save (Content-Disposition: attachment), never a page to show. */
function sendAttachment(res: express.Response, type: "application/json" | "text/csv", filename: string, body: string): void {
  res.set({ "Content-Type": `${type}; charset=utf-8`, "Content-Disposition": `attachment; filename="${filename}"` });
  res.send(body);
}

/** The request's body or query as the schema reads it, or undefined after answering 400 with the first problem. */
function parsed<S extends z.ZodType>(schema: S, input: unknown, res: express.Response): z.infer<S> | undefined {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  fail(res, 400, result.error.issues[0]?.message ?? "The request is not valid.");
  return undefined;
}

/** "hv-1a2b3c", " 1A2B3C " and "HV-1A2B3C" all name the same visit. */
function referenceOf(text: string | undefined): string | undefined {
  const plain = text?.trim().toUpperCase();
  if (!plain) return undefined;
  return plain.startsWith("HV-") ? plain : `HV-${plain}`;
}

/** The same board answers the same ETag, whichever instance built it: a poll that changes nothing costs no body. */
function etagOf(body: string): string {
  return `"${createHash("sha256").update(body).digest("base64url")}"`;
}

/**
 * The tab's JSON API. Every call carries the Teams single sign-on token as `Authorization: Bearer …`; it is
 * verified, mapped to the person and roles in the school's profile, and each use case checks what that person
 * may do. A refused call gets a short JSON error and no data.
 */
export function tabApiRoutes(useCases: TabUseCases, verify: SsoVerifier | undefined, log: Logger): express.Router {
  const api = express.Router();
  const viewerOf = (res: express.Response) => (res.locals as Locals).at;
  const objectIdOf = (res: express.Response) => (res.locals as Locals).objectId;

  api.use(async (req, res, next) => {
    res.set("Cache-Control", "no-store");
    if (!verify) return fail(res, 503, "Sign-in for the tab is not set up on this server: set TAB_SSO_CLIENT_ID and MICROSOFT_APP_TENANT_ID.");
    const check = await verify(req.get("authorization"));
    if (!check.ok) {
      if (check.status === 401) res.set("WWW-Authenticate", "Bearer");
      return fail(res, check.status, check.error);
    }
    (res.locals as Locals).objectId = check.user.objectId;
    next();
  });

  api.get("/me", async (_req, res) => {
    const me = await useCases.me(objectIdOf(res));
    if (!me) return fail(res, 403, "You are not on the staff of a school that uses Home Visits here. Ask your school's admin to give you a role.");
    res.json(me);
  });

  // Calls about a school that are not only for its running staff, each checked by the service behind it: the review
  // figures (the trust's safeguarding leads' too), and the school's settings (while it is being set up too).
  api.get("/review", async (req, res) => {
    const query = parsed(Period, req.query, res);
    if (query) send(res, await useCases.review(objectIdOf(res), query.school, query.from, query.to));
  });

  api.get("/school", async (req, res) => {
    const query = parsed(SchoolQuery, req.query, res);
    if (query) send(res, await useCases.school(objectIdOf(res), query.school));
  });

  api.get("/school/policy.json", async (req, res) => {
    const query = parsed(SchoolQuery, req.query, res);
    if (!query) return;
    const outcome = await useCases.policyFile(objectIdOf(res), query.school);
    if (!outcome.ok) return fail(res, outcome.status, outcome.error);
    // A file to save, never something to post: it names the school's staff.
    sendAttachment(res, "application/json", outcome.value.filename, outcome.value.json);
  });

  // Every other call is about one running school, and only for its staff.
  api.use(async (req, res, next) => {
    const query = parsed(SchoolQuery, req.query, res);
    if (!query) return;
    const at = await useCases.atSchool(objectIdOf(res), query.school);
    if (!at) return fail(res, 403, useCases.outsiderRefusal(objectIdOf(res)));
    (res.locals as Locals).at = at;
    next();
  });

  api.get("/today", async (req, res) => {
    const body = JSON.stringify(await useCases.today(viewerOf(res)));
    const etag = etagOf(body);
    res.set({ ETag: etag, "Cache-Control": "private, no-cache" });
    if (req.get("if-none-match") === etag) {
      res.status(304).end();
      return;
    }
    res.type("application/json").send(body);
  });

  api.post("/visits/:visitId/alerts/:alertId/acknowledge", async (req, res) => {
    send(res, await useCases.acknowledge(viewerOf(res), req.params.visitId, req.params.alertId));
  });

  api.post("/visits/:visitId/alerts/:alertId/resolve", express.json({ limit: "16kb" }), async (req, res) => {
    const body = parsed(ResolveBody, req.body, res);
    if (body) send(res, await useCases.resolve(viewerOf(res), req.params.visitId, req.params.alertId, body.note));
  });

  api.get("/approvals", async (_req, res) => {
    send(res, await useCases.approvals(viewerOf(res)));
  });

  api.post("/visits/:visitId/decision", express.json({ limit: "16kb" }), async (req, res) => {
    const body = parsed(DecisionBody, req.body, res);
    if (body) send(res, await useCases.decide(viewerOf(res), req.params.visitId, body));
  });

  api.get("/records", async (req, res) => {
    const query = parsed(Period, req.query, res);
    if (!query) return;
    const reference = referenceOf(query.reference);
    if (reference && !REFERENCE.test(reference)) return fail(res, 400, "A visit reference looks like HV-1A2B3C.");
    send(res, await useCases.records(viewerOf(res), query.from, query.to, reference));
  });

  api.get("/records.csv", async (req, res) => {
    const query = parsed(Period, req.query, res);
    if (!query) return;
    const outcome = await useCases.recordsCsv(viewerOf(res), query.from, query.to);
    if (!outcome.ok) return fail(res, outcome.status, outcome.error);
    // A file to save, never something to show or post: the records hold pupils' details.
    sendAttachment(res, "text/csv", outcome.value.filename, outcome.value.csv);
  });

  api.get("/staff", async (_req, res) => {
    send(res, await useCases.staffList(viewerOf(res)));
  });

  api.get("/staff/:staffId/export", async (req, res) => {
    const staffId = parsed(StaffIdParam, req.params.staffId, res);
    if (!staffId) return;
    const outcome = await useCases.staffExport(viewerOf(res), staffId);
    if (!outcome.ok) return fail(res, outcome.status, outcome.error);
    // A file to save, never something to show: it is one person's data.
    sendAttachment(res, "application/json", outcome.value.filename, outcome.value.json);
  });

  api.use((_req, res) => fail(res, 404, "There is no such call in the tab's API."));

  // A body that cannot be read, or a failure underneath (storage unreachable): a plain JSON answer, no stack trace.
  api.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: unknown } | undefined)?.status;
    if (status === 400 || status === 413) return fail(res, status, status === 400 ? "The body is not valid JSON." : "The body is too large.");
    log.error("tab request failed", { error: String(error) });
    fail(res, 500, "Something went wrong on our side. Try again shortly.");
  });
  return api;
}
