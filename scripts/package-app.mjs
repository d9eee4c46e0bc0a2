// Builds what App Service runs: .deploy/home-visits-app.zip, holding dist/ (the compiled app), policies/,
// package.json, package-lock.json and the production node_modules/, ready for `node dist/main.js`.
//
//   npm run package:app        (scripts/deploy.sh runs it for you)
//
// The web app does not build anything itself (SCM_DO_BUILD_DURING_DEPLOYMENT=false in infra/main.bicep): what
// is tested here is what runs there. Development dependencies (Azurite, the browser, TypeScript) stay out.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import JSZip from "jszip";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outDir = path.join(root, ".deploy");
const zipPath = path.join(outDir, "home-visits-app.zip");
const CONTENTS = ["dist", "policies", "package.json", "package-lock.json"];
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(args, cwd) {
  execFileSync(npm, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
}

/** Every file below `dir`, relative to it. Symbolic links (node_modules/.bin) are left out: nothing runs them. */
function filesBelow(dir, prefix = "") {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(prefix, entry.name);
    if (lstatSync(path.join(dir, relative)).isSymbolicLink()) return [];
    return entry.isDirectory() ? filesBelow(dir, relative) : [relative];
  });
}

run(["run", "build"], root);
// Staged outside the checkout, so the production install never touches the development node_modules.
const stage = mkdtempSync(path.join(tmpdir(), "home-visits-app-"));
try {
  for (const item of CONTENTS) {
    if (!existsSync(path.join(root, item))) throw new Error(`${item} is missing: run this from a full checkout`);
    cpSync(path.join(root, item), path.join(stage, item), { recursive: true });
  }
  run(["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], stage);

  const zip = new JSZip();
  const files = filesBelow(stage);
  for (const file of files) zip.file(file.split(path.sep).join("/"), readFileSync(path.join(stage, file)));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(zipPath, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", compressionOptions: { level: 6 } }));
  console.log(`Wrote ${path.relative(root, zipPath)}: ${files.length} files.`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
