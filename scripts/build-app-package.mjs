// Builds the Teams app package a school's IT admin uploads: manifest/build/home-visits.zip, holding
// manifest.json (tokens filled in), color.png and outline.png at the zip root.
//
//   MICROSOFT_APP_ID=<bot app id> TAB_SSO_CLIENT_ID=<tab app id> TAB_SSO_APP_ID_URI=api://<host>/<tab app id> npm run package:manifest
//
// Environment:
//   MICROSOFT_APP_ID   required: the bot's Entra app (client) id, a GUID. Fills ${{BOT_ID}}.
//   TAB_SSO_CLIENT_ID  required: the Entra app (client) id the tab signs in with, a GUID. Fills ${{TAB_SSO_CLIENT_ID}}
//                      (webApplicationInfo.id).
//   TAB_SSO_APP_ID_URI required: its Application ID URI, api://<host>/<client id>. Fills ${{TAB_SSO_APP_ID_URI}}
//                      (webApplicationInfo.resource), and its host ${{TAB_HOST}}: where the tabs are served (https)
//                      and the one valid domain.
//   TEAMS_APP_ID       optional: the Teams app id, a GUID that must never change once the app is in use.
//                      Default: the bot's app id (as the Bot Framework samples do). Fills ${{TEAMS_APP_ID}}.
//   APP_VERSION        optional: the app version, semver; raise it for every upload. Default: package.json's
//                      version. Fills ${{APP_VERSION}}.
//   APP_PACKAGE_DIR    optional: where to write home-visits.zip. Default: manifest/build (git-ignored).
//   APP_MANIFEST_DIR   optional: the folder holding manifest.json and the icons. Default: manifest (tests use it).
//
// The manifest is validated offline against the JSON schema bundled in @microsoft/app-manifest; the script
// refuses to use the network. It exits 1 with a readable list of problems when anything is wrong.
import { Buffer } from "node:buffer";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import JSZip from "jszip";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const manifestDir = path.resolve(process.env.APP_MANIFEST_DIR?.trim() || path.join(root, "manifest"));
const ZIP_NAME = "home-visits.zip";
const ICONS = { color: 192, outline: 32 };
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
// Fixed timestamps make the zip byte-for-byte reproducible from the same inputs.
const ZIP_DATE = new Date(Date.UTC(2025, 0, 1));

class PackageError extends Error {
  constructor(problems) {
    super(problems.join("\n"));
    this.problems = problems;
  }
}

function env(name) {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

/** The values for every ${{TOKEN}} in manifest.json, or the reasons they cannot be had. */
function tokenValues() {
  const problems = [];
  const botId = env("MICROSOFT_APP_ID");
  if (!botId) {
    problems.push(
      "MICROSOFT_APP_ID is not set. Set it to the bot's Entra app (client) id, for example:\n" +
        "    MICROSOFT_APP_ID=<your bot's app id> npm run package:manifest\n" +
        "  (It is the 'Microsoft App ID' on the Azure Bot resource; see infra/README.md.)",
    );
  } else if (!GUID.test(botId)) {
    problems.push(`MICROSOFT_APP_ID must be a GUID such as 00000000-0000-0000-0000-000000000000, not "${botId}".`);
  }
  const tabClientId = env("TAB_SSO_CLIENT_ID");
  const appIdUri = env("TAB_SSO_APP_ID_URI");
  if (!tabClientId || !appIdUri) {
    problems.push(
      "TAB_SSO_CLIENT_ID and TAB_SSO_APP_ID_URI must both be set: the tab's Entra app (client) id and its Application ID URI,\n" +
        "  api://<the service's host>/<client id> (the same values the service runs with; see README.md, The tab).",
    );
  } else if (!GUID.test(tabClientId)) {
    problems.push(`TAB_SSO_CLIENT_ID must be a GUID, not "${tabClientId}".`);
  }
  // Teams loads tabs over https from a domain name, and SSO wants the URI as api://<that domain>/<client id>.
  const uri = appIdUri ? /^api:\/\/([a-z0-9.-]+\.[a-z]{2,})\/(.+)$/i.exec(appIdUri) : undefined;
  if (appIdUri && tabClientId && (!uri || uri[2].toLowerCase() !== tabClientId.toLowerCase())) {
    problems.push(`TAB_SSO_APP_ID_URI must be api://<the service's domain name>/${tabClientId}, not "${appIdUri}".`);
  }
  const teamsAppId = env("TEAMS_APP_ID") ?? botId;
  if (env("TEAMS_APP_ID") && !GUID.test(teamsAppId)) problems.push(`TEAMS_APP_ID must be a GUID, not "${teamsAppId}".`);
  const version = env("APP_VERSION") ?? JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version;
  if (!SEMVER.test(version ?? "")) problems.push(`APP_VERSION must look like 1.2.3, not "${version}".`);
  if (problems.length > 0) throw new PackageError(problems);
  return {
    BOT_ID: botId.toLowerCase(),
    TEAMS_APP_ID: teamsAppId.toLowerCase(),
    APP_VERSION: version,
    TAB_SSO_CLIENT_ID: tabClientId.toLowerCase(),
    TAB_SSO_APP_ID_URI: appIdUri,
    TAB_HOST: uri[1].toLowerCase(),
  };
}

/** Fills ${{NAME}} tokens in the manifest text; an unknown token is an error, never left in place. */
function substituteTokens(text, values) {
  const unknown = new Set();
  const filled = text.replace(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, name) => {
    if (!(name in values)) {
      unknown.add(name);
      return "";
    }
    return JSON.stringify(String(values[name])).slice(1, -1);
  });
  if (unknown.size > 0) {
    throw new PackageError([...unknown].map((name) => `manifest.json uses \${{${name}}}, which this script does not know how to fill.`));
  }
  return filled;
}

/** Where @microsoft/app-manifest keeps its copy of the schema this manifest names, if it has one. */
function bundledSchemaFile(schemaUrl) {
  const packageDir = path.dirname(require.resolve("@microsoft/app-manifest"));
  const match = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?(json-schemas\/teams\/[^?#]+)$/i.exec(schemaUrl ?? "");
  if (!match) return undefined;
  const file = path.join(packageDir, match[1]);
  return existsSync(file) ? file : undefined;
}

/** Reads width and height from a PNG's IHDR chunk. */
function pngSize(file) {
  const bytes = readFileSync(file);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature) || bytes.toString("ascii", 12, 16) !== "IHDR") return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function validate(manifest) {
  const problems = [];
  const schemaFile = bundledSchemaFile(manifest.$schema);
  if (!schemaFile) {
    throw new PackageError([
      `The manifest's $schema (${manifest.$schema}) is not bundled in @microsoft/app-manifest, so it cannot be checked offline.` +
        " Use a manifestVersion whose schema is under node_modules/@microsoft/app-manifest/build/json-schemas/teams/.",
    ]);
  }
  const { AppManifestUtils } = require("@microsoft/app-manifest");
  const realFetch = globalThis.fetch;
  globalThis.fetch = () => {
    throw new Error("build-app-package validates offline only; something tried to use the network");
  };
  try {
    const errors = await AppManifestUtils.validateAgainstSchema(manifest);
    problems.push(...errors.map((error) => `manifest.json ${error.trim().startsWith("/") ? "at " : ""}${error.trim()}`));
  } finally {
    globalThis.fetch = realFetch;
  }
  for (const [kind, size] of Object.entries(ICONS)) {
    const file = manifest.icons?.[kind];
    const full = file ? path.join(manifestDir, file) : undefined;
    if (!full || !existsSync(full)) {
      problems.push(`The ${kind} icon (${file ?? "not named"}) is missing next to manifest.json. Run: node scripts/make-icons.mjs`);
      continue;
    }
    const found = pngSize(full);
    if (!found) problems.push(`${file} is not a PNG file.`);
    else if (found.width !== size || found.height !== size) {
      problems.push(`${file} is ${found.width}x${found.height}; Teams needs ${size}x${size}.`);
    }
  }
  if (problems.length > 0) throw new PackageError(problems);
}

function placeholderWarnings(manifest) {
  const developer = manifest.developer ?? {};
  const urls = [developer.websiteUrl, developer.privacyUrl, developer.termsOfUseUrl];
  const warnings = [];
  if (urls.some((url) => /^https?:\/\/([^/]+\.)?example\.(org|com|net)(\/|$)/i.test(url ?? ""))) {
    warnings.push("developer.websiteUrl, privacyUrl and termsOfUseUrl still point at example.org: put your school's pages there.");
  }
  if (developer.name === "Example School") warnings.push('developer.name is still "Example School": put your school\'s name there.');
  return warnings;
}

async function main() {
  const values = tokenValues();
  const manifestFile = path.join(manifestDir, "manifest.json");
  if (!existsSync(manifestFile)) throw new PackageError([`There is no manifest.json in ${manifestDir}.`]);
  const text = readFileSync(manifestFile, "utf8");
  let manifest;
  try {
    manifest = JSON.parse(substituteTokens(text, values));
  } catch (error) {
    if (error instanceof PackageError) throw error;
    throw new PackageError([`manifest.json is not valid JSON: ${error.message}`]);
  }
  await validate(manifest);

  const zip = new JSZip();
  zip.file("manifest.json", `${JSON.stringify(manifest, null, 2)}\n`, { date: ZIP_DATE });
  for (const kind of Object.keys(ICONS)) {
    zip.file(manifest.icons[kind], readFileSync(path.join(manifestDir, manifest.icons[kind])), { date: ZIP_DATE });
  }
  const outDir = path.resolve(env("APP_PACKAGE_DIR") ?? path.join(root, "manifest", "build"));
  mkdirSync(outDir, { recursive: true });
  const target = path.join(outDir, ZIP_NAME);
  writeFileSync(target, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", platform: "UNIX" }));

  for (const warning of placeholderWarnings(manifest)) console.warn(`warning: ${warning}`);
  console.log(
    `Wrote ${path.relative(process.cwd(), target) || target}\n` +
      `  Teams app id ${manifest.id}, version ${manifest.version}, bot ${manifest.bots[0].botId}\n` +
      `  tabs at https://${manifest.validDomains[0]}/tab/, signing in as ${manifest.webApplicationInfo.resource}\n` +
      `  checked offline against ${manifest.$schema}\n` +
      "  Upload it in the Teams admin center (Manage apps > Upload new app) or with Teams > Apps > Manage your apps > Upload an app.",
  );
}

main().catch((error) => {
  if (error instanceof PackageError) {
    console.error(`Cannot build the Teams app package:\n${error.problems.map((p) => `  - ${p}`).join("\n")}`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
