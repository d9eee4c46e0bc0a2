import { app, authentication } from "@microsoft/teams-js";

export type TeamsTheme = "default" | "dark" | "contrast";

/** The tab's line to the Teams client around it. */
export interface TeamsConnection {
  theme: TeamsTheme;
  /** "content" for the tab itself, "settings" on the channel tab's configuration page. */
  frameContext: string;
  /** The team a channel tab is in (its thread id, as the bot knows it); none for a personal tab. */
  teamId?: string;
  /** A single sign-on token for the service's API; Teams caches it and renews it before it expires. */
  token(): Promise<string>;
  onThemeChange(handler: (theme: TeamsTheme) => void): void;
}

/** Teams answers within a second or two; past this, something is wrong and the person should be told. */
const CONNECT_TIMEOUT_MS = 15_000;

/** Opened outside Teams (a browser tab): there is no one to sign the person in. */
export class NotInTeams extends Error {}

const themeOf = (name: string | undefined): TeamsTheme => (name === "dark" || name === "contrast" ? name : "default");

export async function connectToTeams(): Promise<TeamsConnection> {
  // Teams hosts a tab in a frame on desktop and the web, and in a web view with a native bridge on phones.
  if (window.self === window.top && !("nativeInterface" in window)) throw new NotInTeams("Open this page from the Home Visits app in Microsoft Teams.");
  let timer: number | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = window.setTimeout(() => reject(new Error("Teams did not answer. Close the tab and open it again.")), CONNECT_TIMEOUT_MS);
  });
  try {
    await Promise.race([app.initialize(), timeout]);
  } finally {
    window.clearTimeout(timer);
  }
  const context = await app.getContext();
  return {
    theme: themeOf(context.app.theme),
    frameContext: context.page.frameContext ?? "content",
    ...(context.team?.internalId ? { teamId: context.team.internalId } : {}),
    token: () => authentication.getAuthToken(),
    onThemeChange: (handler) => app.registerOnThemeChangeHandler((theme) => handler(themeOf(theme))),
  };
}
