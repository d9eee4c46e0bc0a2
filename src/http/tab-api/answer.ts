import type { ServiceRefusal } from "../../app/visit.service";

/** What a tab use case answers: its value, or an HTTP status and a sentence that says why not. */
export type Answer<T> = { ok: true; value: T } | { ok: false; status: 400 | 403 | 404 | 409 | 503; error: string };

export const answer = <T>(value: T): Answer<T> => ({ ok: true, value });
export const forbidden = (error: string): Answer<never> => ({ ok: false, status: 403, error });
export const badRequest = (error: string): Answer<never> => ({ ok: false, status: 400, error });
export const notFound = (error: string): Answer<never> => ({ ok: false, status: 404, error });

const STATUS: Record<ServiceRefusal["code"], 400 | 403 | 409 | 503> = {
  "not-allowed": 403,
  "invalid-request": 400,
  "already-decided": 409,
  "wrong-step": 409,
  finished: 409,
  stale: 409,
  "storage-unavailable": 503,
};

/** The service words a stale decision for a card; the tab reloads its list instead. */
const STALE_ON_THE_TAB = "This visit changed since you opened it. The list now shows the latest: check it and decide again.";

/** The domain's or the service's refusal, with the status that tells the tab whether trying again can help. */
export const refused = (refusal: ServiceRefusal): Answer<never> => ({
  ok: false,
  status: STATUS[refusal.code],
  error: refusal.code === "stale" ? STALE_ON_THE_TAB : refusal.message,
});
