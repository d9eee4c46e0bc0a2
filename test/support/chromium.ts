/**
 * The headless Chromium the browser tests drive. Debian's chromium when the machine has it; otherwise the one
 * the project installs itself with `npm ci` (@sparticuz/chromium ships a Linux x64 build inside the package and
 * unpacks it to the temp folder on first use), so a fresh machine needs nothing beyond Node and npm.
 * Playwright never downloads a browser here.
 */
import { existsSync } from "node:fs";

const SYSTEM_CHROMIUM = "/usr/bin/chromium";

/** Flags for a sandboxed test machine: no network of its own, no first-run work, no GPU. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export async function chromiumExecutable(): Promise<string> {
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM;
  const { default: packaged } = await import("@sparticuz/chromium");
  return packaged.executablePath();
}
