import { existsSync } from "node:fs";
import path from "node:path";

/**
 * A file shipped with the project (the policy templates, the local client's config), found from the project's root:
 * the nearest folder above this module with a package.json. The code runs from src/ (tests), dist/ (production) and
 * dist-bench/src/ (benchmarks), so a fixed number of "..": would not do.
 */
export function projectFile(...segments: string[]): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return path.join(dir, ...segments);
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${__dirname}: cannot find ${segments.join("/")}`);
  }
}
