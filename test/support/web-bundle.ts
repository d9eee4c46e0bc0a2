import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

/** Where `npm run build` (and the tests' global setup) writes the tab's front end, as the service reads it. */
export const WEB_ROOT = path.resolve("dist", "web");

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
}

/**
 * The JavaScript a browser must load before the tab can run: the entry chunk Vite's manifest names and every
 * chunk it imports statically, transitively (the views loaded on demand are left out), each gzipped at level 9.
 */
export function initialJavaScript(webRoot = WEB_ROOT): { files: string[]; gzipBytes: number } {
  const manifest = JSON.parse(readFileSync(path.join(webRoot, ".vite", "manifest.json"), "utf8")) as Record<string, ManifestChunk>;
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry);
  if (!entry) throw new Error("Vite's manifest names no entry chunk");
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imported of manifest[key]!.imports ?? []) visit(imported);
  };
  visit(entry);
  const files = [...seen].map((key) => manifest[key]!.file);
  const gzipBytes = files.reduce((total, file) => total + gzipSync(readFileSync(path.join(webRoot, file)), { level: 9 }).length, 0);
  return { files, gzipBytes };
}
