/**
 * The office's live board in a real browser: headless Chromium runs the built tab inside a page that plays the
 * Teams client (test/support/teams-host.ts), signed in with tokens from a local test identity provider, against
 * the real app on Azurite with Hunsbury Park's day. A missed check-in reaches the board without a reload, a
 * responder's tap on a card shows there, and the office resolves the alert from the board while every card about
 * it is updated in place. Then the theme, a lost connection and a phone's width.
 */
import type { Browser } from "playwright-core";
import { Verbs } from "../../src/cards/verbs";
import { visitReference } from "../../src/domain/visit";
import { seriousAccessibilityProblems } from "../support/axe";
import { useAzurite } from "../support/azurite";
import { at, TEAM } from "../support/safety-net-school";
import { ALEX, HEAD, type HunsburyDay, OFFICE, TabSchool } from "../support/tab-school";
import { TeamsHost } from "../support/teams-host";

jest.setTimeout(60_000);

const connectionString = useAzurite();
/** The board's poll, whatever school it names. */
const isBoardCall = (url: URL) => url.pathname === "/tab/api/today";

describe("the office's live board in Teams (headless Chromium)", () => {
  let tab: TabSchool;
  let day: HunsburyDay;
  let browser: Browser;
  let office: TeamsHost;
  const chat = (name: string) => tab.school.person(name).conversationId;
  const board = () => office.tab.getByRole("list", { name: "Visits" });
  const alexOnBoard = () => board().getByRole("listitem").filter({ hasText: ALEX });

  beforeAll(async () => {
    tab = await TabSchool.open(connectionString());
    day = await tab.morning();
    browser = await TeamsHost.launchBrowser();
    office = await TeamsHost.open(browser, tab.url, "/tab/", { objectId: tab.school.id(OFFICE), name: OFFICE }, () => tab.token(OFFICE));
  });
  afterAll(async () => {
    await office?.close();
    await browser?.close();
    await tab?.stop();
  });

  it("opens on today's visits for the office, signed in by Teams, with no serious accessibility problem", async () => {
    await office.tab.getByRole("heading", { name: "Today's visits, Tuesday 24 November 2026" }).waitFor();
    await expect(board().getByRole("listitem").count()).resolves.toBe(3);
    await expect(alexOnBoard().innerText()).resolves.toMatch(/^10:00–11:00 · Alex Rivers\s+HV-[0-9A-F]{6} · Approved\s+Next: Arrival check-in, due 10:00$/);
    expect(await office.tab.getByRole("tab").allInnerTexts()).toEqual(["Today", "Alerts"]);
    expect(await seriousAccessibilityProblems(office.page)).toEqual([]);
    await office.waitForCall("authentication.getAuthToken");
  });

  it("shows a missed check-in within seconds, without a reload, first on the board and announced", async () => {
    // Hunsbury's ladder: "Are you safe?" at 10:10, the office at 10:15, the head and the safeguarding channel at 10:25.
    for (const time of ["10:10", "10:15", "10:25"]) await tab.school.sweepAt(time);
    const first = board().getByRole("listitem").first();
    await first.getByText("Missed check-in since 10:10: nobody has taken it yet.").waitFor();
    await expect(first.innerText()).resolves.toContain(ALEX);
    await office.tab.getByRole("tab", { name: "Alerts (1)" }).waitFor();
    await expect(office.tab.getByRole("status").filter({ hasText: "open alert" }).innerText()).resolves.toBe(
      `1 open alert: Missed check-in on ${visitReference(day.alexVisit)} (Alex Rivers).`,
    );
  });

  it("shows the head's \"I'm on it\", tapped on their card in chat, on the board", async () => {
    tab.school.setTime("10:26");
    const { status } = await tab.school.person(HEAD).tap(Verbs.acknowledgeAlert, { visitId: day.alexVisit, alertId: "A1" });
    expect(status).toBe(200);
    await alexOnBoard().getByText("Missed check-in since 10:10: being handled by Jo Fenwick.").waitFor();
  });

  it("resolves the alert from the Alerts view with a note, and every card about it is updated in place", async () => {
    await office.tab.getByRole("tab", { name: "Alerts (1)" }).click();
    const alert = office.tab.getByRole("listitem").filter({ hasText: visitReference(day.alexVisit) });
    await alert.getByText("07700 900301").waitFor();
    await expect(alert.getByRole("link", { name: "07700 900301" }).getAttribute("href")).resolves.toBe("tel:07700900301");
    await expect(alert.getByRole("button", { name: "I'm on it" }).count()).resolves.toBe(0);
    expect(await seriousAccessibilityProblems(office.page)).toEqual([]);

    tab.school.setTime("10:31");
    const mark = tab.school.mark();
    const note = "Rang Alex at 10:30: safe, the parent was late home.";
    await alert.getByLabel(/What was done/).fill(note);
    await alert.getByRole("button", { name: "Contacted – safe" }).click();
    await office.tab.getByText("Resolved. Everyone who saw this alert can see it is resolved.").waitFor();
    await office.tab.getByRole("tabpanel").getByText("No open alerts.").waitFor();
    await office.tab.getByRole("tab", { name: "Alerts", exact: true }).waitFor();

    const resolved = (await tab.school.visit(day.alexVisit)).alerts[0]!.resolved;
    expect(resolved).toEqual({ by: { id: tab.school.id(OFFICE), name: OFFICE }, at: at("10:31").toISOString(), how: "contacted-safe", note });
    const [toVisitor, ...moreToVisitor] = tab.school.updates(chat(ALEX), mark);
    expect(moreToVisitor).toEqual([]);
    expect(toVisitor!.text).toContain("Gail Whitcombe confirmed you are safe at 10:31.");
    const [toChannel, ...moreToChannel] = tab.school.updates(TEAM.safeguarding, mark);
    expect(moreToChannel).toEqual([]);
    expect(toChannel!.text).toContain("Resolved by Gail Whitcombe at 10:31");
    for (const name of [OFFICE, HEAD]) expect(tab.school.updates(chat(name), mark).map((u) => u.text.includes(note))).toEqual([true]);
  });

  it("shows in Alerts and on the board that the visitor said a call for help was a false alarm, and keeps it open", async () => {
    for (const [time, words] of [["10:35", "arrived"], ["10:36", "sos"], ["10:37", "false alarm"]]) {
      tab.school.setTime(time!);
      await tab.school.person(ALEX).say(words!);
    }
    const said = "Alex Rivers said at 10:37 that it was a false alarm. It stays open until whoever deals with it has spoken to them.";
    const alert = office.tab.getByRole("listitem").filter({ hasText: "Help requested" });
    await alert.getByText(said).waitFor();
    await expect(alert.getByRole("button", { name: "Contacted – safe" }).count()).resolves.toBe(1);
    expect(await seriousAccessibilityProblems(office.page)).toEqual([]);

    await office.tab.getByRole("tab", { name: "Today" }).click();
    await expect(alexOnBoard().innerText()).resolves.toContain(`Help requested since 10:36: nobody has taken it yet. ${said}`);
    await expect(office.tab.getByRole("status").filter({ hasText: "open alert" }).innerText()).resolves.toBe(
      `1 open alert: Help requested on ${visitReference(day.alexVisit)} (Alex Rivers), said by Alex Rivers to be a false alarm.`,
    );
  });

  it("follows Teams into the dark and high-contrast themes, and back", async () => {
    const root = office.tab.locator("[data-theme]");
    const background = () => root.evaluate((element) => getComputedStyle(element).backgroundColor);
    const light = await background();
    for (const theme of ["dark", "contrast"] as const) {
      await office.setTheme(theme);
      await expect(root.getAttribute("data-theme")).resolves.toBe(theme);
      expect(await background()).not.toBe(light);
      expect(await seriousAccessibilityProblems(office.page)).toEqual([]);
    }
    await office.setTheme("default");
    await expect(root.getAttribute("data-theme")).resolves.toBe("default");
    expect(await background()).toBe(light);
  });

  it("says plainly when it has lost contact with the server, and clears it when contact is back", async () => {
    await office.tab.getByRole("tab", { name: "Today" }).click();
    const lost = office.tab.getByRole("alert").filter({ hasText: "Lost contact with the server" });
    await office.page.context().route(isBoardCall, (route) => route.abort("connectionrefused"));
    await lost.waitFor();
    await expect(lost.innerText()).resolves.toContain("What you see may be out of date.");
    await expect(board().getByRole("listitem").count()).resolves.toBe(3);
    await office.page.context().unroute(isBoardCall);
    await lost.waitFor({ state: "detached" });
    await office.tab.getByText(/^Up to date at \d\d:\d\d:\d\d/).waitFor();
  });

  it("reads at a phone's width (360 px) with nothing wider than the screen", async () => {
    const phone = await TeamsHost.open(browser, tab.url, "/tab/", { objectId: tab.school.id(OFFICE), name: OFFICE }, () => tab.token(OFFICE), { viewport: { width: 360, height: 740 } });
    try {
      await phone.tab.getByRole("heading", { name: /^Today's visits/ }).waitFor();
      const overflow = await phone.tab.locator("body").evaluate((body) => body.scrollWidth - body.clientWidth);
      expect(overflow).toBe(0);
      expect(await seriousAccessibilityProblems(phone.page)).toEqual([]);
      expect(phone.pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
    expect(office.pageErrors).toEqual([]);
  });
});
