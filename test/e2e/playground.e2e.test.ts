/**
 * End to end, as a person would use it: the real Microsoft 365 Agents Playground (the local Teams-like client)
 * in headless Chromium, talking to the real bot started in-process on Azurite. Alex Rivers, the
 * visitor in scripts/playground-config.json, asks for a home visit through the request form card, and the
 * headteacher Jo Fenwick is sent it for approval.
 *
 * Runs Debian's Chromium when the machine has it, else the one `npm ci` installs (test/support/chromium.ts); it
 * never downloads a browser. Takes about 15 s. On a failure the message names a screenshot and the playground's log, kept in a temp folder.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { parseConfig } from "../../src/config/env";
import { londonDate } from "../../src/domain/london-time";
import { peopleWith } from "../../src/domain/roles";
import { PolicyProfile } from "../../src/policy/policy.schema";
import { startApp, type RunningApp } from "../../src/main";
import { freePort, uniqueTablePrefix, useAzurite } from "../support/azurite";
import { CHROMIUM_ARGS, chromiumExecutable } from "../support/chromium";
import { quietLog } from "../support/quiet-log";

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, "../..");
const PLAYGROUND_CLI = path.join(ROOT, "node_modules", "@microsoft", "m365agentsplayground", "cli.js");
const PLAYGROUND_CONFIG = path.join(ROOT, "scripts", "playground-config.json");
const VISITOR_ID = "00000000-0000-4000-8000-0000000000a1"; // Alex Rivers, the playground's current user
const HEAD_NAME = "Jo Fenwick";
/** How long one step in the browser may wait for the playground or the bot. Replies come in about 2 s. */
const STEP_MS = 15_000;
/** Ends the playground if the test process dies without stopping it (a crash, a SIGKILL), as Azurite does. */
const ORPHAN_WATCH =
  "const parent = process.ppid;" +
  "const timer = setInterval(() => { if (process.ppid !== parent) { clearInterval(timer); process.kill(process.pid, 'SIGTERM'); } }, 500);" +
  "timer.unref();";

const connectionString = useAzurite();
const log = quietLog();
const work = mkdtempSync(path.join(tmpdir(), "hv-playground-e2e-"));
const playgroundLog = path.join(work, "m365agentsplayground.log");

let app: RunningApp | undefined;
let playground: ChildProcess | undefined;
let playgroundOutput = "";
let playgroundUrl = "";
let context: BrowserContext | undefined;
let page: Page;
let failed = false;
let screenshots = 0;
const pageErrors: string[] = [];

/** The visit: tomorrow in London (YYYY-MM-DD), so its times are never in the past whenever the test runs. */
const visitDate = (() => {
  const noon = new Date(`${londonDate(new Date())}T12:00:00Z`);
  noon.setUTCDate(noon.getUTCDate() + 1);
  return noon.toISOString().slice(0, 10);
})();
/**
 * As a person in England types it in the date picker, and as the picker shows it (the browser runs in en-GB):
 * "24 November 2026", which reads the same in every time zone.
 */
const visitDateTyped = new Date(`${visitDate}T12:00:00Z`).toLocaleDateString("en-GB", {
  timeZone: "UTC",
  day: "numeric",
  month: "long",
  year: "numeric",
});

beforeAll(async () => {
  const config = parseConfig({
    STORAGE_CONNECTION_STRING: connectionString(),
    TABLE_PREFIX: uniqueTablePrefix(),
    SCHOOL_PROFILE: path.join(ROOT, "policies", "thorns-primary.json"),
  });
  // The example school is set up in the playground's team, as `npm start` sets it up.
  app = await startApp({ ...config, host: "127.0.0.1", port: 0 }, { log, demo: true });
  playgroundUrl = await startPlayground(`${app.url}/api/messages`);

  context = await chromium.launchPersistentContext(path.join(work, "chromium-profile"), {
    executablePath: await chromiumExecutable(),
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 1000 },
    timezoneId: "Europe/London",
    locale: "en-GB",
  });
  context.setDefaultTimeout(STEP_MS);
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (error) => pageErrors.push(error.message));
  // Only the playground on loopback: its web fonts and animations from a CDN are refused at once.
  await page.route("**/*", (route) => {
    const { hostname } = new URL(route.request().url());
    return hostname === "127.0.0.1" || hostname === "localhost" ? route.continue() : route.abort("blockedbyclient");
  });
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  await stopPlayground();
  await app?.stop();
  // On a failure the screenshots and the playground's log stay for a look; the browser profile never does.
  rmSync(failed ? path.join(work, "chromium-profile") : work, { recursive: true, force: true });
});

describe("asking for a home visit in the Agents Playground (Teams-like client, headless Chromium)", () => {
  const policy = () => PolicyProfile.parse(app!.demoSchool!.policy);
  /** The second home visitor in the profile who is not Alex: Sam Moss in thorns-primary. */
  const partner = () => peopleWith(policy(), ["visitor"]).find((p) => p.aadObjectId !== VISITOR_ID)!;
  /** The request form card in the chat (it is replaced in place, so this finds whatever card holds it now). */
  const form = () => page.locator(".ac-adaptiveCard").filter({ hasText: "New home visit" });
  const botCards = () => page.locator(".ac-adaptiveCard");
  let cardsBeforeSubmit = 0;

  it("opens as Alex Rivers, with the bot installed and its welcome card shown", () =>
    step("welcome", async () => {
      await page.goto(playgroundUrl);
      await page.getByText("Alex Rivers").first().waitFor();
      await page.getByText(`Home visits at ${policy().school.name}`).first().waitFor();
    }));

  it("adds the app to the school's team, so the bot learns the headteacher's Teams id from the roster", () =>
    step("team", async () => {
      await page.getByText("General", { exact: true }).first().click();
      // The playground's log panel lists each call the bot makes: the roster read is the last step of the install.
      await page.getByText("getConversationPagedMembers").first().waitFor();
      await page.getByText("Personal Chat", { exact: true }).first().click();
      await page.getByText(`Home visits at ${policy().school.name}`).first().waitFor();
    }));

  it('shows the request form card when the visitor types "new visit"', () =>
    step("form", async () => {
      const compose = page.locator('[role="textbox"][contenteditable="true"]').last();
      await compose.fill("new visit");
      await page.getByRole("button", { name: "Send Message" }).click();
      await form().getByRole("button", { name: "Send for approval" }).waitFor();
      await expectVisible(form().getByLabel(/^Pupil reference/));
    }));

  it("checks the required address on the card before sending, and the address's length on the server", () =>
    step("invalid", async () => {
      const card = form();
      await card.getByLabel(/^Pupil reference/).fill("J.S. Y4");
      await choose(card.getByRole("combobox", { name: /^Purpose of the visit/ }), /improve attendance/);
      await typeAndLeave(card.getByRole("combobox", { name: /^Date/ }), visitDateTyped);
      await typeAndLeave(card.getByRole("combobox", { name: /^Arriving at/ }), "10:00");
      await typeAndLeave(card.getByRole("combobox", { name: /^Expect to leave at/ }), "11:00");
      await card.getByRole("radio", { name: "Entering the home" }).check();
      await expectChecked(card.getByRole("radio", { name: "Two of us" }));
      await choose(card.getByRole("combobox", { name: /^Second member of staff/ }), partner().displayName);
      await expectChecked(card.getByRole("radio", { name: "Yes, the visit is announced" }));
      await card.getByLabel(/^Known risks/).fill("Dog in the house");

      // Empty: the card itself refuses (isRequired) and shows the input's error message.
      await card.getByRole("button", { name: "Send for approval" }).click();
      await card.getByText("Enter the address you are visiting.").first().waitFor();

      // Too short for the server: the bot answers with the same form, the answer marked, nothing lost.
      await card.getByLabel(/^Address/).fill("12");
      await card.getByRole("button", { name: "Send for approval" }).click();
      await form().getByText("The address is too short").first().waitFor();
      await form().getByText("Please fix the answer marked below.").first().waitFor();
      expect(await form().getByLabel(/^Address/).inputValue()).toBe("12");
      expect(await form().getByLabel(/^Pupil reference/).inputValue()).toBe("J.S. Y4");
      expect(await form().getByRole("combobox", { name: /^Date/ }).inputValue()).toBe(visitDateTyped);
      expect(await form().getByRole("combobox", { name: /^Second member of staff/ }).inputValue()).toBe(partner().displayName);
      expect(await app!.store.listForDay(policy().school.id, visitDate)).toEqual([]);
    }));

  it("sends a valid request: the form is replaced in place by the visit card, sent to the headteacher", () =>
    step("submit", async () => {
      cardsBeforeSubmit = await botCards().count();
      await form().getByLabel(/^Address/).fill("12 Example Road, Testville TE1 2ST");
      await form().getByRole("button", { name: "Send for approval" }).click();

      const visitCard = botCards().filter({ hasText: `Sent to ${HEAD_NAME} for approval.` });
      await visitCard.first().waitFor();
      await expect(visitCard.count()).resolves.toBe(1);
      await expectVisible(visitCard.getByText("Waiting for approval"));
      await expectVisible(visitCard.getByText("J.S. Y4"));
      await expectVisible(visitCard.getByText(`With ${partner().displayName}`));
      // Replaced, not added: as many cards as before, and the form is gone.
      await expect(botCards().count()).resolves.toBe(cardsBeforeSubmit);
      await expect(form().count()).resolves.toBe(0);
      await expect(page.getByText("could not be reached").count()).resolves.toBe(0);
      // The approval card went to Jo in a new 1:1 chat: the playground logged the bot creating it.
      await page.getByText("createConversation").first().waitFor();
    }));

  it("stores the visit as requested by Alex Rivers, with what was typed in the playground", async () => {
    const visits = await app!.store.listForDay(policy().school.id, visitDate);
    expect(visits).toHaveLength(1);
    expect(visits[0]).toMatchObject({
      status: "requested",
      requestedBy: { id: VISITOR_ID },
      details: {
        pupilReference: "J.S. Y4",
        address: "12 Example Road, Testville TE1 2ST",
        purposeId: "attendance",
        date: visitDate,
        start: "10:00",
        end: "11:00",
        entry: "enter",
        staffing: { mode: "pair", secondStaffId: partner().aadObjectId },
        announced: true,
        knownRisks: "Dog in the house",
      },
    });
    expect(pageErrors).toEqual([]);
    expect(log.lines.filter((line) => line.level === "error")).toEqual([]);
  });
});

/** Runs a browser step; on failure adds a screenshot, the bot's warnings and the playground's output to the error. */
async function step(name: string, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    failed = true;
    screenshots += 1;
    const file = path.join(work, `failure-${screenshots}-${name}.png`);
    const shot = page ? await page.screenshot({ path: file }).then(() => file, (e: Error) => `none (${e.message})`) : "none (no page)";
    const warnings = log.lines.filter((line) => line.level !== "info").map((line) => `${line.level} ${line.message} ${JSON.stringify(line.fields ?? {})}`);
    const details = [
      `Screenshot: ${shot}`,
      `Playground log: ${playgroundLog}`,
      ...(warnings.length ? ["Bot warnings and errors:", ...warnings] : []),
      ...(pageErrors.length ? ["Errors in the page:", ...pageErrors] : []),
      ...(playgroundOutput.trim() ? ["Playground output (last lines):", playgroundOutput.trim().split("\n").slice(-15).join("\n")] : []),
    ].join("\n");
    if (error instanceof Error) {
      // Jest shows an expect() failure's message, but other errors' stack, which holds the message as it was made.
      const original = error.message;
      error.message = `${original}\n\n${details}`;
      if (!("matcherResult" in error) && error.stack?.includes(original)) error.stack = error.stack.replace(original, error.message);
      throw error;
    }
    throw new Error(`${String(error)}\n\n${details}`);
  }
}

async function expectVisible(locator: Locator): Promise<void> {
  await locator.first().waitFor({ state: "visible" });
}

async function expectChecked(locator: Locator): Promise<void> {
  expect(await locator.isChecked()).toBe(true);
}

/** A Fluent UI combobox (Input.ChoiceSet, compact): open it, pick the option. */
async function choose(combobox: Locator, option: string | RegExp): Promise<void> {
  await combobox.click();
  await page.getByRole("option", { name: option }).click();
  await expect(combobox.inputValue()).resolves.toMatch(option);
}

/** The date and time pickers take typed text and parse it when they lose focus. */
async function typeAndLeave(input: Locator, text: string): Promise<void> {
  await input.fill(text);
  await input.press("Tab");
}

/** Starts the playground as scripts/playground.mjs does, and waits until it serves its page. Returns its URL. */
async function startPlayground(endpoint: string): Promise<string> {
  const child = spawn(
    process.execPath,
    ["--import", `data:text/javascript,${encodeURIComponent(ORPHAN_WATCH)}`, PLAYGROUND_CLI, "-e", endpoint, "-c", "msteams", "-p", String(await freePort()), "--disable-telemetry"],
    {
      cwd: work,
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: "none",
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: PLAYGROUND_CONFIG,
        M365_AGENTS_PLAYGROUND_LOGFILE: playgroundLog,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  playground = child;
  const keep = (text: string) => {
    playgroundOutput = (playgroundOutput + text).slice(-8_000);
  };
  child.stdout?.setEncoding("utf8").on("data", keep);
  child.stderr?.setEncoding("utf8").on("data", keep);

  const deadline = Date.now() + 30_000;
  let port: string | undefined;
  while (!port) {
    port = /Listening on (\d+)/.exec(playgroundOutput)?.[1];
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The playground stopped (${child.signalCode ?? `exit code ${child.exitCode}`}):\n${playgroundOutput}${logErrors()}`);
    }
    if (Date.now() > deadline) throw new Error(`The playground did not start within 30 s:\n${playgroundOutput}${logErrors()}`);
    await delay(100);
  }
  const url = `http://127.0.0.1:${port}/`;
  for (;;) {
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return url;
    if (Date.now() > deadline) throw new Error(`The playground at ${url} did not serve its page within 30 s:\n${playgroundOutput}`);
    await delay(100);
  }
}

/** SIGTERM (its SIGINT handler waits for a telemetry flush), then waits for it to exit; SIGKILL after 5 s. */
async function stopPlayground(): Promise<void> {
  const child = playground;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

function logErrors(): string {
  if (!existsSync(playgroundLog)) return "";
  const errors = readFileSync(playgroundLog, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("error "));
  return errors.length ? `\nFrom ${playgroundLog}:\n${errors.join("\n")}` : "";
}
