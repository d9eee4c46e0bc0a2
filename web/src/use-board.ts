import { useCallback, useEffect, useRef, useState } from "react";
import type { Board } from "../../src/http/tab-api/contract";
import { type ApiClient, type ApiFailure, asFailure } from "./api-client";

/** Often enough that a change shows within seconds; cheap because an unchanged board answers 304 with no body. */
const POLL_EVERY_MS = 3_000;

export interface BoardState {
  board?: Board;
  /** When the server last answered a poll, with news or with "unchanged". */
  checkedAt?: Date;
  /** Polls have failed since this moment: what is on screen may be out of date. */
  lostContact?: { since: Date; reason: string };
  /** The server refused (signed out, not in the school's profile): nothing may be shown. */
  refusal?: string;
}

/**
 * Today's board, kept current by polling the API with the last ETag. Several service instances answer the same
 * ETag for the same board, so it stays correct behind a load balancer. A hidden tab polls again as soon as it
 * is shown, rather than in the background. `watched` false (no Today view at this school, as for a trust's
 * safeguarding lead): no polls, which the server would only refuse.
 */
export function useBoard(api: ApiClient, watched: boolean): BoardState & { refresh: () => void } {
  const [state, setState] = useState<BoardState>({});
  const etag = useRef<string | undefined>(undefined);
  const wake = useRef<() => void>(() => undefined);

  useEffect(() => {
    if (!watched) return;
    let stopped = false;
    let timer: number | undefined;
    // One poll at a time: a refresh asked for during a poll runs right after it, with the ETag it brought.
    let polling = false;
    let again = false;
    const poll = async () => {
      if (polling) {
        again = true;
        return;
      }
      polling = true;
      window.clearTimeout(timer);
      try {
        const answer = await api.poll<Board>("/today", etag.current);
        if (!stopped) {
          if (answer.changed) etag.current = answer.etag;
          const checkedAt = new Date();
          setState((prev) => ({ board: answer.changed ? answer.value : prev.board, checkedAt }));
        }
      } catch (error) {
        if (!stopped) {
          const failure = asFailure(error);
          if (!failure.isLostContact) etag.current = undefined;
          setState((prev) => afterFailure(prev, failure));
        }
      }
      polling = false;
      if (stopped) return;
      if (again) {
        again = false;
        void poll();
      } else if (!document.hidden) {
        timer = window.setTimeout(() => void poll(), POLL_EVERY_MS);
      }
    };
    wake.current = () => void poll();
    const onVisible = () => {
      if (!document.hidden) void poll();
    };
    document.addEventListener("visibilitychange", onVisible);
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [api, watched]);

  const refresh = useCallback(() => wake.current(), []);
  return { ...state, refresh };
}

/** Lost contact keeps the board on screen, marked out of date since the first failure; a refusal clears it. */
function afterFailure(prev: BoardState, failure: ApiFailure): BoardState {
  if (!failure.isLostContact) return { refusal: failure.message };
  return { ...prev, lostContact: prev.lostContact ?? { since: new Date(), reason: failure.message } };
}
