import express from "express";
import type { Logger } from "../../app/ports";
import type { SsoVerifier } from "../sso-token";
import { tabApiRoutes } from "./tab-api-routes";
import type { TabUseCases } from "./tab-use-cases";
import { webFiles } from "./web-files";

export interface TabRouterDeps {
  useCases: TabUseCases;
  /** Undefined when single sign-on is not configured: the API then refuses every call. */
  verify?: SsoVerifier;
  /** Where Vite wrote the front end (dist/web). */
  webRoot: string;
  log: Logger;
}

/** Everything under /tab: the front end's files and its JSON API at /tab/api. */
export function tabRouter(deps: TabRouterDeps): express.Router {
  const router = express.Router();
  router.use("/api", tabApiRoutes(deps.useCases, deps.verify, deps.log));
  router.use(webFiles(deps.webRoot));
  return router;
}
