import { setMaxListeners } from "node:events";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { RestError } from "@azure/data-tables";

/**
 * Gives each try of a storage request `ms` to be answered in full, then abandons it as a timed-out connection
 * (ETIMEDOUT), which the SDK's retry policy retries like a dropped one. A storage account that stops answering
 * without closing the connection would otherwise hold a request, and whoever waits on it, for as long as the
 * socket stays open.
 *
 * The SDK has no such option: its retry options are counts and delays, and a request's own `timeout` aborts the
 * whole operation with an AbortError, which is never retried. A caller's abort signal still ends the operation:
 * the try is abandoned and the retry policy gives up on seeing that signal aborted.
 */
export function tryTimeoutPolicy(ms: number): PipelinePolicy {
  return {
    name: "tryTimeout",
    async sendRequest(request, next) {
      const caller = request.abortSignal;
      const thisTry = new AbortController();
      const abandon = () => thisTry.abort();
      if (caller?.aborted) abandon();
      // One caller's signal (a tap's or a sweep's deadline) is shared by all its requests, a sweep's hundreds at once.
      if (caller instanceof EventTarget) setMaxListeners(0, caller);
      caller?.addEventListener("abort", abandon);
      const timer = setTimeout(abandon, ms);
      request.abortSignal = thisTry.signal;
      try {
        return await next(request);
      } catch (error) {
        if (thisTry.signal.aborted && !caller?.aborted) throw new RestError(`Storage did not answer within ${ms} ms`, { code: "ETIMEDOUT", request });
        throw error;
      } finally {
        clearTimeout(timer);
        caller?.removeEventListener("abort", abandon);
        request.abortSignal = caller;
      }
    },
  };
}
