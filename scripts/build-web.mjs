// Builds the Teams tab's front end (web/) with Vite into dist/web, where the service serves it under /tab/.
//
//   node scripts/build-web.mjs              build (npm run build runs this after tsc)
//   node scripts/build-web.mjs --if-stale   build only when web/ or the API contract changed since the last build
//
// The last build's inputs are fingerprinted in dist/web-build.json (outside the served folder), so tests and
// benchmarks on a fresh clone build it themselves and later runs reuse it. It always builds for production, in a
// process of its own: Vite takes NODE_ENV over its mode, and Jest sets NODE_ENV to "test".
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WEB_ROOT = path.join(root, "dist", "web");
const STAMP = path.join(root, "dist", "web-build.json");
/** What the build reads besides node_modules (the lock file stands for those). */
const INPUTS = [path.join(root, "web"), path.join(root, "src", "http", "tab-api", "contract.ts"), path.join(root, "package-lock.json"), fileURLToPath(import.meta.url)];

function filesUnder(entry) {
  if (!existsSync(entry)) return [];
  if (!statSync(entry).isDirectory()) return [entry];
  return readdirSync(entry, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

/** A digest of every input file's path and content. */
function inputsFingerprint() {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap(filesUnder).sort()) {
    hash.update(path.relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

function isCurrent() {
  if (!existsSync(STAMP) || !existsSync(path.join(WEB_ROOT, "index.html"))) return false;
  return JSON.parse(readFileSync(STAMP, "utf8")).inputs === inputsFingerprint();
}

async function buildWeb() {
  const { build } = await import("vite");
  const inputs = inputsFingerprint();
  await build({
    configFile: false,
    root: path.join(root, "web"),
    base: "/tab/",
    logLevel: "warn",
    oxc: { jsx: { runtime: "automatic" } },
    build: {
      outDir: WEB_ROOT,
      emptyOutDir: true,
      // The manifest names the entry chunk and what it imports, for the size budget (bench/, test/web/).
      manifest: true,
      target: "es2022",
      // React, Fluent UI and teams-js make one large first chunk; the budget that matters is its gzipped size.
      chunkSizeWarningLimit: 1024,
      rolldownOptions: {
        // Fluent UI marks its modules "use client" for React Server Components, which mean nothing in a bundle.
        onLog(level, log, handler) {
          if (log.code !== "MODULE_LEVEL_DIRECTIVE") handler(level, log);
        },
      },
    },
  });
  writeFileSync(STAMP, `${JSON.stringify({ inputs }, null, 2)}\n`);
}

// Vite reads NODE_ENV before its mode: this process only ever builds for production.
process.env.NODE_ENV = "production";
if (!(process.argv.includes("--if-stale") && isCurrent())) {
  buildWeb().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
