/**
 * Plays the Teams client around the tab, in headless Chromium: a page of our own, served at the service's own
 * origin (teams-js trusts a parent of the same origin without its list of Microsoft hosts), holding the tab in
 * an iframe and answering what teams-js asks its parent over postMessage (`{ id, func, args }` in, `{ id, args }`
 * back): initialize, the context, a single sign-on token, the channel tab's settings. It sends theme changes and
 * the configuration page's Save as Teams does. Every request leaving loopback is refused.
 */
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Page } from "playwright-core";
import { CHROMIUM_ARGS, chromiumExecutable } from "./chromium";
import { SCHOOL_TENANT } from "./test-identity";

export type Theme = "default" | "dark" | "contrast";

export interface HostedUser {
  objectId: string;
  name: string;
}

/** What the test decides the host answers when the tab asks for a token. */
export type TokenSource = () => Promise<string>;

export interface HostOptions {
  /** "settings": the channel tab's configuration page, as Teams opens it when the tab is added. */
  frameContext?: "content" | "settings";
  theme?: Theme;
  /** Phone widths are 360 px or so; the default is a desktop's. */
  viewport?: { width: number; height: number };
}

/** A message the tab sent its host. */
export interface HostCall {
  func: string;
  args: unknown[];
}

const HOST_PATH = "/teams-host-under-test";

/** The capabilities a Teams web client reports (runtime config, version 4). */
const RUNTIME = { apiVersion: 4, isLegacyTeams: false, supports: { app: {}, appEntity: {}, authentication: {}, pages: { appButton: {}, backStack: {}, config: {}, tabs: {} }, teams: { fullTrust: {} } } };

function hostPage(tabPath: string, frameContext: string, theme: Theme, user: HostedUser): string {
  const context = {
    locale: "en-gb",
    theme,
    entityId: "home-visits-board",
    frameContext,
    hostClientType: "web",
    hostName: "Teams",
    userObjectId: user.objectId,
    userDisplayName: user.name,
    tid: SCHOOL_TENANT,
    appSessionId: "00000000-0000-4000-8000-00000000c0de",
  };
  const script = `
    const frame = () => document.querySelector("iframe").contentWindow;
    const context = ${JSON.stringify(context)};
    window.hostCalls = [];
    window.addEventListener("message", async (event) => {
      if (event.source !== frame() || !event.data || typeof event.data.func !== "string") return;
      const { id, func, args } = event.data;
      window.hostCalls.push({ func, args: args || [] });
      const reply = (answer) => frame().postMessage({ id, args: answer }, location.origin);
      if (func === "initialize") reply([context.frameContext, "web", ${JSON.stringify(JSON.stringify(RUNTIME))}, "2.58.0"]);
      else if (func === "getContext") reply([context]);
      else if (func === "authentication.getAuthToken") {
        const answer = await window.hostToken();
        reply(answer.ok ? [true, answer.token] : [false, answer.error]);
      } else if (func === "settings.setSettings") reply([true]);
    });
    window.hostSend = (func, args) => frame().postMessage({ func, args }, location.origin);
  `;
  return `<!doctype html>
<html lang="en-GB">
  <head><meta charset="utf-8"><title>Teams (test host)</title>
    <style>html, body, main { margin: 0; height: 100%; } iframe { border: 0; width: 100%; height: 100%; display: block; }</style>
  </head>
  <body><main><iframe title="Home Visits" src="${tabPath}"></iframe></main><script>${script}</script></body>
</html>`;
}

/** One person's Teams window, with the tab open in it. */
export class TeamsHost {
  readonly pageErrors: string[] = [];

  private constructor(
    readonly page: Page,
    private readonly context: BrowserContext,
  ) {}

  /** Starts a headless Chromium; each host opens its own context (its own storage) in it. */
  static launchBrowser(): Promise<Browser> {
    return chromiumExecutable().then((executablePath) => chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true }));
  }

  /**
   * Opens the tab at `tabPath` (/tab/ or /tab/config) for `user` in a new context of `browser`, the host asking
   * `token` whenever the tab wants one.
   */
  static async open(browser: Browser, appUrl: string, tabPath: string, user: HostedUser, token: TokenSource, options: HostOptions = {}): Promise<TeamsHost> {
    const context = await browser.newContext({
      viewport: options.viewport ?? { width: 1280, height: 900 },
      timezoneId: "Europe/London",
      locale: "en-GB",
      acceptDownloads: true,
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const host = new TeamsHost(page, context);
    page.on("pageerror", (error) => host.pageErrors.push(error.message));
    const origin = new URL(appUrl).origin;
    const body = hostPage(tabPath, options.frameContext ?? "content", options.theme ?? "default", user);
    await context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.origin === origin && url.pathname === HOST_PATH) return route.fulfill({ contentType: "text/html", body });
      // teams-js fetches Microsoft's list of host origins from a CDN: refused at once, it falls back to its own.
      return url.hostname === "127.0.0.1" || url.hostname === "localhost" ? route.continue() : route.abort("blockedbyclient");
    });
    await page.exposeFunction("hostToken", async () => {
      try {
        return { ok: true, token: await token() };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    });
    await page.goto(`${origin}${HOST_PATH}`);
    return host;
  }

  /** The tab inside the host page. */
  get tab(): FrameLocator {
    return this.page.frameLocator("iframe");
  }

  /** Teams' theme changes: the default (light), dark or high contrast. */
  async setTheme(theme: Theme): Promise<void> {
    await this.page.evaluate((t) => (window as unknown as { hostSend(func: string, args: unknown[]): void }).hostSend("themeChange", [t]), theme);
  }

  /** The person selects Save on the channel tab's configuration page. */
  async save(): Promise<void> {
    await this.page.evaluate(() => (window as unknown as { hostSend(func: string, args: unknown[]): void }).hostSend("settings.save", [{}]));
  }

  /** The first message the tab sends its host calling `func`, once it has. */
  async waitForCall(func: string): Promise<HostCall> {
    const handle = await this.page.waitForFunction((name) => (window as unknown as { hostCalls: HostCall[] }).hostCalls.find((call) => call.func === name), func);
    return (await handle.jsonValue()) as HostCall;
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
