/**
 * What each person does on the tab in a real browser (headless Chromium in a page that plays the Teams client),
 * against the real app on Azurite with Hunsbury Park's day: the head approves a request and downloads the
 * records, sees the governors' figures; the admin reads the staff records; a visitor sees only their own visit;
 * an expired or forged sign-in shows nothing; the channel tab's configuration page saves the board.
 */
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { RECORD_CSV_HEADER } from "../../src/domain/record";
import { visitReference } from "../../src/domain/visit";
import { seriousAccessibilityProblems } from "../support/axe";
import { useAzurite } from "../support/azurite";
import { ADMIN, ALEX, BEA, HEAD, type HunsburyDay, TabSchool } from "../support/tab-school";
import { type HostOptions, TeamsHost, type TokenSource } from "../support/teams-host";

jest.setTimeout(60_000);

const connectionString = useAzurite();

describe("the tab for each role (headless Chromium)", () => {
  let tab: TabSchool;
  let day: HunsburyDay;
  let browser: Browser;
  const hosts: TeamsHost[] = [];

  /** Opens the tab as this person, signed in with a valid token unless `token` says otherwise. */
  async function openAs(name: string, path = "/tab/", token?: TokenSource, options?: HostOptions): Promise<TeamsHost> {
    const host = await TeamsHost.open(browser, tab.url, path, { objectId: tab.school.id(name), name }, token ?? (() => tab.token(name)), options);
    hosts.push(host);
    return host;
  }

  beforeAll(async () => {
    tab = await TabSchool.open(connectionString());
    day = await tab.morning();
    browser = await TeamsHost.launchBrowser();
  });
  afterAll(async () => {
    for (const host of hosts) await host.close();
    await browser?.close();
    await tab?.stop();
  });
  afterEach(() => {
    for (const host of hosts) expect(host.pageErrors).toEqual([]);
  });

  describe("the head", () => {
    let head: TeamsHost;
    beforeAll(async () => {
      head = await openAs(HEAD);
      await head.tab.getByRole("heading", { name: /^Today's visits/ }).waitFor();
    });

    it("approves Bea's request from the Approvals view with the keyboard alone, and Bea is told in her chat", async () => {
      expect(await head.tab.getByRole("tab").allInnerTexts()).toEqual(["Today", "Alerts", "Approvals", "Records", "Review", "School"]);
      // The views are a tab list: arrow keys move along it, Enter opens one.
      await head.tab.getByRole("tab", { name: "Today" }).focus();
      await head.page.keyboard.press("ArrowRight");
      await head.page.keyboard.press("ArrowRight");
      await head.page.keyboard.press("Enter");
      const request = head.tab.getByRole("listitem").filter({ hasText: visitReference(day.request) });
      await request.getByText("8 Birch Walk, Exampleton EX6 2BB").waitFor();
      expect(await seriousAccessibilityProblems(head.page)).toEqual([]);

      // Tab goes from the view's tab to the note, then to the three answers in the order they are read.
      // What a screen reader would name the focused control: a field by its label, a button by its text.
      const focused = () =>
        head.tab.locator(":focus").evaluate((element) => (element as HTMLInputElement).labels?.[0]?.textContent ?? element.textContent ?? "");
      const order: string[] = [];
      for (let i = 0; i < 4; i++) {
        await head.page.keyboard.press("Tab");
        order.push(await focused());
      }
      expect(order).toEqual(["Note to the visitor (optional)", "Approve", "Decline", "Ask for changes"]);

      const mark = tab.school.mark();
      for (let i = 0; i < 3; i++) await head.page.keyboard.press("Shift+Tab");
      await expect(focused()).resolves.toBe("Note to the visitor (optional)");
      await head.page.keyboard.type("Take the school mobile, please.");
      await head.page.keyboard.press("Tab");
      await head.page.keyboard.press("Enter");
      await head.tab.getByText(`${visitReference(day.request)}: Approved. The visitor has been told.`).waitFor();
      // The card and its button are gone: focus is on the announcement of what happened, not lost.
      await expect(focused()).resolves.toContain("Approved. The visitor has been told.");
      await head.tab.getByText("Nothing is waiting for your decision.").waitFor();

      expect((await tab.school.visit(day.request)).decision).toMatchObject({ outcome: "approved", by: { name: HEAD }, note: "Take the school mobile, please." });
      expect(tab.school.posts(tab.school.person(BEA).conversationId, mark).map((p) => p.text).join("\n")).toContain("Approved");
    });

    it("finds a visit by its reference and downloads the period's records as a CSV file", async () => {
      await head.tab.getByRole("tab", { name: "Records" }).click();
      const found = head.tab.getByRole("list", { name: "Visits found" });
      await found.getByRole("listitem").first().waitFor();
      await expect(found.getByRole("listitem").count()).resolves.toBe(3);
      expect(await seriousAccessibilityProblems(head.page)).toEqual([]);

      await head.tab.getByLabel("Visit reference (optional)").fill(visitReference(day.recorded).toLowerCase());
      await head.tab.getByRole("button", { name: "Find" }).click();
      await head.tab.getByText("1 visit from").waitFor();
      await expect(found.innerText()).resolves.toMatch(/Nobody seen[\s\S]*Recorded by\s+Bea Lindqvist/);

      const [download] = await Promise.all([head.page.waitForEvent("download"), head.tab.getByRole("button", { name: /Download the period's records/ }).click()]);
      expect(download.suggestedFilename()).toBe("home-visit-records-hunsbury-park-primary-school-2026-10-25-to-2026-11-24.csv");
      const [header, ...rows] = readFileSync(await download.path(), "utf8").trim().split("\r\n");
      expect(header).toBe(RECORD_CSV_HEADER.join(","));
      expect(rows).toEqual([expect.stringMatching(new RegExp(`^${visitReference(day.recorded)},2026-11-24,08:30,09:00,R\\.M\\. Y3,"3 Alder Row, Exampleton EX6 1AA",`))]);
      await head.tab.getByText("Saved home-visit-records-hunsbury-park-primary-school-2026-10-25-to-2026-11-24.csv.").waitFor();
    });

    it("sees the governors' figures as bar charts that read as tables", async () => {
      await head.tab.getByRole("tab", { name: "Review" }).click();
      const byPurpose = head.tab.getByRole("table", { name: "Visits by purpose" });
      await byPurpose.waitFor();
      await expect(byPurpose.getByRole("row", { name: /Poor attendance: learn the reasons and offer support\s+3/ }).count()).resolves.toBe(1);
      await expect(head.tab.getByText(/^3 visits/).count()).resolves.toBe(1);
      expect(await seriousAccessibilityProblems(head.page)).toEqual([]);
    });
  });

  it("lists the staff records, with what is missing, for the admin", async () => {
    const admin = await openAs(ADMIN);
    await admin.tab.getByRole("tab", { name: "Staff" }).click();
    const staff = admin.tab.getByRole("list", { name: "Staff" });
    await staff.getByRole("heading", { name: ALEX }).waitFor();
    // Everyone in the staff team is known to Teams: the roster was read when the school was set up there.
    await expect(staff.getByRole("listitem").filter({ hasText: "Tomasz Reyburn" }).innerText()).resolves.toMatch(/In Teams\s+Yes/);
    expect(await seriousAccessibilityProblems(admin.page)).toEqual([]);
  });

  it("shows a visitor their own visit and nothing else", async () => {
    const alex = await openAs(ALEX);
    await alex.tab.getByRole("heading", { name: "Your visits today, Tuesday 24 November 2026" }).waitFor();
    expect(await alex.tab.getByRole("tab").allInnerTexts()).toEqual(["Today"]);
    const visits = alex.tab.getByRole("list", { name: "Visits" }).getByRole("listitem");
    await expect(visits.count()).resolves.toBe(1);
    await expect(visits.innerText()).resolves.toContain(visitReference(day.alexVisit));
    await expect(alex.tab.getByText(BEA).count()).resolves.toBe(0);
    expect(await seriousAccessibilityProblems(alex.page)).toEqual([]);
  });

  it("shows nothing of the school after an expired or forged sign-in, and says why", async () => {
    const alexId = tab.school.id(ALEX);
    const cases: [TokenSource, string][] = [
      [() => tab.identity.token(alexId, { expiresIn: -600 }), "Your sign-in has expired. Reload the tab to sign in again."],
      [() => tab.identity.token(alexId, { signer: "stranger" }), "The sign-in token is not valid for this app."],
      [() => Promise.reject(new Error("The user has not consented")), "Teams could not sign you in: The user has not consented"],
    ];
    for (const [token, reason] of cases) {
      const host = await openAs(ALEX, "/tab/", token);
      const refusal = host.tab.getByRole("alert");
      await refusal.getByText("You cannot use the board.").waitFor();
      await expect(refusal.innerText()).resolves.toContain(reason);
      await expect(host.tab.getByRole("list").count()).resolves.toBe(0);
      await expect(host.tab.getByText(/HV-/).count()).resolves.toBe(0);
    }
  });

  it("says to open it from Teams when opened in a browser on its own, and calls nothing of the API", async () => {
    const context = await browser.newContext();
    try {
      const apiCalls: string[] = [];
      await context.route("**/*", (route) => (new URL(route.request().url()).hostname === "127.0.0.1" ? route.continue() : route.abort("blockedbyclient")));
      const page = await context.newPage();
      page.on("request", (request) => {
        if (new URL(request.url()).pathname.startsWith("/tab/api/")) apiCalls.push(request.url());
      });
      await page.goto(`${tab.url}/tab/`);
      await page.getByRole("alert").getByText("Open this page from the Home Visits app in Microsoft Teams.").waitFor();
      await expect(page.getByRole("list").count()).resolves.toBe(0);
      expect(apiCalls).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("adds the board to a channel from its configuration page", async () => {
    const config = await openAs(HEAD, "/tab/config", undefined, { frameContext: "settings" });
    await config.tab.getByRole("heading", { name: "Add the home visits board to this channel" }).waitFor();
    expect(await seriousAccessibilityProblems(config.page)).toEqual([]);
    expect((await config.waitForCall("settings.setValidityState")).args).toEqual([true]);

    await config.save();
    const [saved] = (await config.waitForCall("settings.setSettings")).args;
    await config.waitForCall("settings.save.success");
    expect(saved).toEqual({
      entityId: "home-visits-board",
      suggestedDisplayName: "Home visits board",
      contentUrl: `${tab.url}/tab/`,
      websiteUrl: `${tab.url}/tab/`,
    });
  });
});
