import { AsyncLocalStorage } from "node:async_hooks";

const behind = new AsyncLocalStorage<true>();

/**
 * Runs work that goes on after the person has their answer (a day row's copy), so that a request observer can tell
 * its requests from the ones the answer waited for: on loopback such a write can land before the answer is sent.
 */
export function behindTheAnswer<T>(work: () => Promise<T>): Promise<T> {
  return behind.run(true, work);
}

export function isBehindTheAnswer(): boolean {
  return behind.getStore() === true;
}
