import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { inflateSync } from "node:zlib";
import JSZip from "jszip";
import { AppManifestUtils, type AppManifest } from "@microsoft/app-manifest";
import { commandGroupsFor } from "../../src/cards/commands";
import { ROLES } from "../../src/policy/policy.schema";
import { parseTextCommand } from "../../src/teams/text-commands";
import { testPolicy } from "../support/policy-fixture";

// @microsoft/app-manifest requires strip-bom 5, which is ES-module only: Node 20 loads it, Jest's CommonJS
// runtime cannot. Validation never calls it (only the library's file readers do); this stand-in does the same job.
jest.mock("strip-bom", () => ({ __esModule: true, default: (text: string) => text.replace(/^\uFEFF/, "") }));

const root = path.resolve(__dirname, "..", "..");
const manifestDir = path.join(root, "manifest");
const manifestText = readFileSync(path.join(manifestDir, "manifest.json"), "utf8");

/** A made-up bot app id: only its GUID shape matters here. */
const BOT_ID = "7d3e9a1c-0b2f-4c5d-8e6f-112233445566";
/** The tab's made-up Entra app and the host the service would run on. */
const TAB_CLIENT_ID = "6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c";
const TAB_APP_ID_URI = `api://visits.example.org/${TAB_CLIENT_ID}`;
const TAB_ENV = { TAB_SSO_CLIENT_ID: TAB_CLIENT_ID, TAB_SSO_APP_ID_URI: TAB_APP_ID_URI };
const TOKENS: Record<string, string> = { BOT_ID, TEAMS_APP_ID: BOT_ID, APP_VERSION: "0.1.0", TAB_SSO_CLIENT_ID: TAB_CLIENT_ID, TAB_SSO_APP_ID_URI: TAB_APP_ID_URI, TAB_HOST: "visits.example.org" };

type Manifest = {
  $schema: string;
  manifestVersion: string;
  id: string;
  version: string;
  developer: Record<string, string>;
  icons: { color: string; outline: string };
  description: { short: string; full: string };
  bots: { botId: string; scopes: string[]; supportsFiles?: boolean; commandLists: { scopes: string[]; commands: { title: string; description?: string }[] }[] }[];
  validDomains?: string[];
  staticTabs?: { entityId: string; name?: string; contentUrl?: string; websiteUrl?: string; scopes: string[] }[];
  configurableTabs?: { configurationUrl: string; canUpdateConfiguration?: boolean; scopes: string[]; context?: string[] }[];
  webApplicationInfo?: { id: string; resource: string };
};

function substitute(text: string, values: Record<string, string>): Manifest {
  return JSON.parse(text.replace(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_, name: string) => values[name] ?? `<unknown ${name}>`)) as Manifest;
}

/** Where @microsoft/app-manifest keeps the schema a `$schema` URL names (the library drops the locale part). */
function bundledSchemaPath(schemaUrl: string): string {
  const match = /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?(json-schemas\/teams\/.+)$/i.exec(schemaUrl);
  if (!match?.[1]) throw new Error(`not a Teams schema URL: ${schemaUrl}`);
  return path.join(path.dirname(require.resolve("@microsoft/app-manifest")), match[1]);
}

/** Validates with the network switched off: any attempt to fetch fails the test. */
async function validateOffline(manifest: object): Promise<{ errors: string[]; fetches: number }> {
  const realFetch = globalThis.fetch;
  let fetches = 0;
  globalThis.fetch = (async () => {
    fetches += 1;
    throw new Error("no network in this test");
  }) as typeof fetch;
  try {
    const errors = await AppManifestUtils.validateAgainstSchema(manifest as AppManifest);
    return { errors, fetches };
  } finally {
    globalThis.fetch = realFetch;
  }
}

type Png = { width: number; height: number; colourType: number; bitDepth: number; rgba?: Buffer };

/** Reads a PNG's header and, for 8-bit RGBA, its pixels (undoing all five scanline filters). */
function readPng(bytes: Buffer): Png {
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(bytes.toString("ascii", 12, 16)).toBe("IHDR");
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const bitDepth = bytes.readUInt8(24);
  const colourType = bytes.readUInt8(25);
  if (bitDepth !== 8 || colourType !== 6 || bytes.readUInt8(28) !== 0) return { width, height, colourType, bitDepth };
  const idat: Buffer[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    if (bytes.toString("ascii", at + 4, at + 8) === "IDAT") idat.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const rgba = Buffer.alloc(stride * height);
  const px = (buf: Buffer, i: number) => (i >= 0 ? buf.readUInt8(i) : 0);
  for (let y = 0; y < height; y += 1) {
    const filter = raw.readUInt8(y * (stride + 1));
    for (let x = 0; x < stride; x += 1) {
      const value = raw.readUInt8(y * (stride + 1) + 1 + x);
      const a = x >= 4 ? px(rgba, y * stride + x - 4) : 0;
      const b = y > 0 ? px(rgba, (y - 1) * stride + x) : 0;
      const c = x >= 4 && y > 0 ? px(rgba, (y - 1) * stride + x - 4) : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predictor === undefined) throw new Error(`unknown PNG filter ${filter}`);
      rgba.writeUInt8((value + predictor) & 0xff, y * stride + x);
    }
  }
  return { width, height, colourType, bitDepth, rgba };
}

/** Runs a repository script as a child process with a clean slate of the variables the scripts read. */
function runScript(script: string, env: Record<string, string>, args: string[] = []) {
  const base = { ...process.env };
  for (const name of ["MICROSOFT_APP_ID", "TEAMS_APP_ID", "APP_VERSION", "APP_PACKAGE_DIR", "APP_MANIFEST_DIR", "TAB_SSO_CLIENT_ID", "TAB_SSO_APP_ID_URI"]) delete base[name];
  return spawnSync(process.execPath, [path.join(root, "scripts", script), ...args], {
    cwd: root,
    env: { ...base, ...env },
    encoding: "utf8",
    timeout: 20000,
  });
}

/** The committed manifest with the tokens filled as the package script fills them for BOT_ID. */
const manifest = substitute(manifestText, TOKENS);

describe("Teams app manifest", () => {
  it("uses only the tokens the package script fills", () => {
    const tokens = new Set([...manifestText.matchAll(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]));
    expect([...tokens].sort()).toEqual(["APP_VERSION", "BOT_ID", "TAB_HOST", "TAB_SSO_APP_ID_URI", "TAB_SSO_CLIENT_ID", "TEAMS_APP_ID"]);
  });

  it("names a schema version of 1.19 or later that @microsoft/app-manifest bundles, so no network is needed", () => {
    const [major, minor] = manifest.manifestVersion.split(".").map(Number);
    expect(major).toBe(1);
    expect(minor).toBeGreaterThanOrEqual(19);
    expect(manifest.$schema).toContain(`/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
    expect(existsSync(bundledSchemaPath(manifest.$schema))).toBe(true);
  });

  it("passes schema validation offline once the tokens are filled", async () => {
    const { errors, fetches } = await validateOffline(manifest);
    expect(errors).toEqual([]);
    expect(fetches).toBe(0);
  });

  it("reports readable schema errors, offline, for a broken manifest", async () => {
    const broken = substitute(manifestText, { ...TOKENS, BOT_ID: "not-a-guid" });
    const { errors, fetches } = await validateOffline(broken);
    expect(errors.join("\n")).toMatch(/\/bots\/0\/botId must match pattern/);
    expect(fetches).toBe(0);
  });

  it("declares one bot for 1:1 chats, teams and group chats, without files, with each role's commands in 1:1 chats and settings in the team", () => {
    expect(manifest.bots).toHaveLength(1);
    const bot = manifest.bots[0]!;
    expect(bot.botId).toBe(BOT_ID);
    expect([...bot.scopes].sort()).toEqual(["groupChat", "personal", "team"]);
    expect(bot.supportsFiles).toBe(false);
    const titles = (scope: string) => bot.commandLists.find((list) => list.scopes.includes(scope))?.commands.map((c) => c.title);
    expect(titles("personal")).toEqual(["new visit", "status", "arrived", "safe", "left", "help", "record", "today", "pending", "review", "staff", "settings"]);
    expect(titles("team")).toEqual(["settings"]);
  });

  it("lists only commands the bot understands, and every command a role's help shows, as a title or quoted in a description", () => {
    const everyRole = testPolicy((p) => {
      p.people.push({ aadObjectId: "00000000-0000-4000-8000-0000000000aa", displayName: "Kim Allrole", roles: [...ROLES] });
    });
    const typed = commandGroupsFor([everyRole], "00000000-0000-4000-8000-0000000000aa").flatMap((group) => group.commands.flatMap((command) => command.typed));
    const commands = manifest.bots[0]!.commandLists.flatMap((list) => list.commands);
    for (const { title } of commands) expect({ title, kind: parseTextCommand(title).kind }).not.toEqual({ title, kind: "unknown" });
    const listed = commands.map((c) => `${c.title}\n${c.description ?? ""}`).join("\n");
    for (const words of typed) expect({ words, listed: listed.includes(`"${words}"`) || commands.some((c) => c.title === words) }).toEqual({ words, listed: true });
  });

  it("describes the product as it is: many schools, the alert channel, the Board tab", () => {
    const { full } = manifest.description;
    for (const said of ["many schools", "staff team", "alert channel", "@mentions", "Board tab", '"help"']) expect(full).toContain(said);
  });

  it("declares the board as a personal tab after the bot's chat, and as a channel tab of the staff team, on the service's one domain", () => {
    expect(manifest.staticTabs).toEqual([
      { entityId: "conversations", scopes: ["personal"] },
      { entityId: "home-visits-board", name: "Board", contentUrl: "https://visits.example.org/tab/", websiteUrl: "https://visits.example.org/tab/", scopes: ["personal"] },
    ]);
    expect(manifest.configurableTabs).toEqual([
      { configurationUrl: "https://visits.example.org/tab/config", canUpdateConfiguration: false, scopes: ["team"], context: ["channelTab"] },
    ]);
    expect(manifest.validDomains).toEqual(["visits.example.org"]);
  });

  it("names the tab's Entra app for single sign-on", () => {
    expect(manifest.webApplicationInfo).toEqual({ id: TAB_CLIENT_ID, resource: TAB_APP_ID_URI });
  });
});

describe("app icons", () => {
  const colour = readPng(readFileSync(path.join(manifestDir, "color.png")));
  const outline = readPng(readFileSync(path.join(manifestDir, "outline.png")));

  it("has a 192x192 colour icon and a 32x32 outline icon", () => {
    expect([colour.width, colour.height]).toEqual([192, 192]);
    expect([outline.width, outline.height]).toEqual([32, 32]);
  });

  it("draws the outline icon in white only, on a transparent background", () => {
    const pixels = outline.rgba!;
    let opaque = 0;
    let transparent = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const alpha = pixels.readUInt8(i + 3);
      if (alpha > 0) expect([pixels.readUInt8(i), pixels.readUInt8(i + 1), pixels.readUInt8(i + 2)]).toEqual([255, 255, 255]);
      if (alpha === 255) opaque += 1;
      if (alpha === 0) transparent += 1;
    }
    expect(opaque).toBeGreaterThan(50);
    expect(transparent).toBeGreaterThan(pixels.length / 4 / 2);
  });

  it("is what scripts/make-icons.mjs draws", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "hv-icons-"));
    try {
      const run = runScript("make-icons.mjs", {}, [dir]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      for (const [file, committed] of [["color.png", colour], ["outline.png", outline]] as const) {
        expect(readPng(readFileSync(path.join(dir, file))).rgba!.equals(committed.rgba!)).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("scripts/build-app-package.mjs", () => {
  let outDir: string;
  beforeEach(() => {
    outDir = mkdtempSync(path.join(tmpdir(), "hv-package-"));
  });
  afterEach(() => rmSync(outDir, { recursive: true, force: true }));

  it("writes a zip of exactly manifest.json, color.png and outline.png, with the bot and tab ids filled in and valid offline", async () => {
    const run = runScript("build-app-package.mjs", { MICROSOFT_APP_ID: BOT_ID, ...TAB_ENV, APP_PACKAGE_DIR: outDir });
    expect(run.status).toBe(0);
    const zip = await JSZip.loadAsync(readFileSync(path.join(outDir, "home-visits.zip")));
    const files = Object.values(zip.files).filter((entry) => !entry.dir).map((entry) => entry.name);
    expect(files.sort()).toEqual(["color.png", "manifest.json", "outline.png"]);

    const packed = JSON.parse(await zip.file("manifest.json")!.async("string")) as Manifest;
    expect(packed).toEqual(manifest);
    const { errors, fetches } = await validateOffline(packed);
    expect(errors).toEqual([]);
    expect(fetches).toBe(0);
    for (const icon of ["color.png", "outline.png"]) {
      expect((await zip.file(icon)!.async("nodebuffer")).equals(readFileSync(path.join(manifestDir, icon)))).toBe(true);
    }
  });

  it("refuses to run without the tab's sign-in settings, or with an Application ID URI for another app or no domain", () => {
    const cases: [Record<string, string>, string][] = [
      [{}, "TAB_SSO_CLIENT_ID and TAB_SSO_APP_ID_URI must both be set"],
      [{ ...TAB_ENV, TAB_SSO_APP_ID_URI: "api://visits.example.org/00000000-0000-4000-8000-000000000000" }, "TAB_SSO_APP_ID_URI must be api://<the service's domain name>/"],
      [{ ...TAB_ENV, TAB_SSO_APP_ID_URI: `api://localhost:3978/${TAB_CLIENT_ID}` }, "TAB_SSO_APP_ID_URI must be api://<the service's domain name>/"],
    ];
    for (const [env, problem] of cases) {
      const run = runScript("build-app-package.mjs", { MICROSOFT_APP_ID: BOT_ID, ...env, APP_PACKAGE_DIR: outDir });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(problem);
    }
    expect(existsSync(path.join(outDir, "home-visits.zip"))).toBe(false);
  });

  it("refuses to run without MICROSOFT_APP_ID and says what to set", () => {
    const run = runScript("build-app-package.mjs", { ...TAB_ENV, APP_PACKAGE_DIR: outDir });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("MICROSOFT_APP_ID is not set");
    expect(existsSync(path.join(outDir, "home-visits.zip"))).toBe(false);
  });

  it("exits non-zero with the schema's complaint when the manifest is not valid", () => {
    const brokenDir = mkdtempSync(path.join(tmpdir(), "hv-manifest-"));
    try {
      const broken = JSON.parse(manifestText) as { description: { short: string } };
      broken.description.short = "x".repeat(81);
      writeFileSync(path.join(brokenDir, "manifest.json"), JSON.stringify(broken));
      for (const icon of ["color.png", "outline.png"]) copyFileSync(path.join(manifestDir, icon), path.join(brokenDir, icon));
      const run = runScript("build-app-package.mjs", { MICROSOFT_APP_ID: BOT_ID, ...TAB_ENV, APP_PACKAGE_DIR: outDir, APP_MANIFEST_DIR: brokenDir });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("manifest.json at /description/short must NOT have more than 80 characters");
      expect(existsSync(path.join(outDir, "home-visits.zip"))).toBe(false);
    } finally {
      rmSync(brokenDir, { recursive: true, force: true });
    }
  });
});
