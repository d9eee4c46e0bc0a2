/**
 * The School view and the trust's safeguarding lead in a real browser (headless Chromium in a page that plays the
 * Teams client), against the real app on Azurite with three schools of a trust set up through Teams
 * (test/support/tab-trust.ts): the head reads the settings and roles and downloads the policy file, the DSL sees where
 * alerts go and no more, a visitor has no School view, Wrenfield's head sees only the School view while setting it
 * up, and the trust's lead sees the review figures of both running schools and nothing else.
 */
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import { PolicyDraft } from "../../src/policy/policy.schema";
import { seriousAccessibilityProblems } from "../support/axe";
import { useAzurite } from "../support/azurite";
import { ALEX, DSL, HEAD, TabTrust, TRUST_LEAD, WREN } from "../support/tab-trust";
import { type HostedUser, TeamsHost } from "../support/teams-host";

jest.setTimeout(60_000);

const connectionString = useAzurite();

describe("the School view and the trust's safeguarding lead (headless Chromium)", () => {
  let trust: TabTrust;
  let browser: Browser;
  const hosts: TeamsHost[] = [];

  /** Opens the tab as this person (by their name at Thorns, or anyone by their object id), signed in with a valid token. */
  async function openAs(who: string | HostedUser): Promise<TeamsHost> {
    const user = typeof who === "string" ? { objectId: trust.tab.school.id(who), name: who } : who;
    const host = await TeamsHost.open(browser, trust.tab.url, "/tab/", user, () => trust.tab.identity.token(user.objectId));
    hosts.push(host);
    return host;
  }

  /** The tab's API calls the page made, with what each answered. */
  function apiAnswers(host: TeamsHost): string[] {
    const answers: string[] = [];
    host.page.on("response", (res) => {
      const url = new URL(res.url());
      if (url.pathname.startsWith("/tab/api/")) answers.push(`${res.status()} ${url.pathname}?${url.searchParams.get("school") ?? ""}`);
    });
    return answers;
  }

  const thorns = () => trust.tab.school.schoolId;

  beforeAll(async () => {
    trust = await TabTrust.open(connectionString());
    browser = await TeamsHost.launchBrowser();
  });
  afterAll(async () => {
    for (const host of hosts) await host.close();
    await browser?.close();
    await trust?.stop();
  });
  afterEach(() => {
    for (const host of hosts) expect(host.pageErrors).toEqual([]);
  });

  it("shows the head Thorns' roles and policy in words, and downloads its policy file without the code word", async () => {
    const head = await openAs(HEAD);
    await head.tab.getByLabel("School").selectOption({ label: "Thorns Primary School" });
    expect(await head.tab.getByRole("tab").allInnerTexts()).toEqual(["Today", "Alerts", "Approvals", "Records", "Review", "School"]);
    await head.tab.getByRole("tab", { name: "School" }).click();
    await head.tab.getByRole("heading", { name: "The school's settings and roles" }).waitFor();

    const roles = head.tab.getByRole("list", { name: "Roles" });
    await expect(roles.getByRole("listitem").filter({ has: head.tab.getByRole("heading", { name: "The DSL" }) }).innerText()).resolves.toMatch(/Held by\s+Priya Lane/);
    await expect(roles.getByRole("heading", { level: 4 }).allInnerTexts()).resolves.toEqual([
      "The headteacher",
      "The senior leadership team",
      "The DSL",
      "The deputy DSL",
      "The office",
      "The attendance lead",
      "A home visitor",
      "The admin",
    ]);
    const policy = head.tab.getByRole("list", { name: "The policy" });
    await expect(policy.getByRole("listitem").filter({ hasText: "The code word (R17)" }).innerText()).resolves.toContain("Set. It is never shown");
    await expect(head.tab.getByText(/^Version 3, made by Jo Fenwick on Tuesday 24 November 2026 at 08:00/).count()).resolves.toBe(1);
    await expect(head.tab.getByText("“Safeguarding”").count()).resolves.toBe(1);
    await expect(head.tab.getByText(/type “settings” in your 1:1 chat with Home Visits/).count()).resolves.toBe(1);
    await expect(head.tab.locator("body").innerText()).resolves.not.toMatch(/bluebell/i);
    expect(await seriousAccessibilityProblems(head.page)).toEqual([]);

    const [download] = await Promise.all([head.page.waitForEvent("download"), head.tab.getByRole("button", { name: "Download the policy file (JSON)" }).click()]);
    expect(download.suggestedFilename()).toBe(`home-visits-policy-${thorns()}-version-3.json`);
    const file = readFileSync(await download.path(), "utf8");
    expect(file.toLowerCase()).not.toContain("bluebell");
    const saved = PolicyDraft.parse(JSON.parse(file));
    expect([saved.codeWord, saved.school.id, saved.alertChannel?.name, saved.people.map((p) => p.displayName)]).toEqual([
      null,
      thorns(),
      "Safeguarding",
      trust.tab.school.policy.people.map((p) => p.displayName),
    ]);
    await head.tab.getByText(`Saved home-visits-policy-${thorns()}-version-3.json.`).waitFor();
  });

  it("shows the DSL where alerts go and nothing else of the settings", async () => {
    const dsl = await openAs(DSL);
    await dsl.tab.getByLabel("School").selectOption({ label: "Thorns Primary School" });
    await dsl.tab.getByRole("tab", { name: "School" }).click();
    await dsl.tab.getByRole("heading", { name: "Where safeguarding alerts go" }).waitFor();
    await expect(dsl.tab.getByText("“Safeguarding”").count()).resolves.toBe(1);
    for (const absent of ["Roles", "The policy"]) await expect(dsl.tab.getByRole("heading", { name: absent }).count()).resolves.toBe(0);
    await expect(dsl.tab.getByRole("button", { name: /Download the policy file/ }).count()).resolves.toBe(0);
    expect(await seriousAccessibilityProblems(dsl.page)).toEqual([]);
  });

  it("gives a visitor no School view, and the API refuses them the settings", async () => {
    const alex = await openAs(ALEX);
    await alex.tab.getByRole("heading", { name: /^Your visits today/ }).waitFor();
    expect(await alex.tab.getByRole("tab").allInnerTexts()).toEqual(["Today"]);
    for (const path of ["/school", "/school/policy.json"]) expect([path, (await trust.tab.call(ALEX, path)).status]).toEqual([path, 403]);
  });

  it("opens Wrenfield on its School view alone while its head sets it up, with the role nobody holds yet", async () => {
    const wren = await openAs({ objectId: WREN.aadObjectId, name: WREN.displayName });
    await wren.tab.getByText("Still being set up.").waitFor();
    expect(await wren.tab.getByRole("tab").allInnerTexts()).toEqual(["School"]);
    const office = wren.tab.getByRole("list", { name: "Roles" }).getByRole("listitem").filter({ has: wren.tab.getByRole("heading", { name: "The office" }) });
    await expect(office.innerText()).resolves.toMatch(/Held by\s+Nobody[\s\S]*Needed before the school can run\. In the policy this role is alerted when a visitor asks for help/);
    expect(await seriousAccessibilityProblems(wren.page)).toEqual([]);
  });

  it("shows the trust's lead the review figures of each running school, and nothing else of either", async () => {
    const lead = await openAs(TRUST_LEAD);
    const answers = apiAnswers(lead);
    await lead.tab.getByRole("table", { name: "Visits by purpose" }).waitFor();
    expect(await lead.tab.getByRole("tab").allInnerTexts()).toEqual(["Review"]);
    await expect(lead.tab.getByLabel("School").locator("option").allInnerTexts()).resolves.toEqual(["Hunsbury Park Primary School", "Thorns Primary School"]);
    await expect(lead.tab.getByText(/^0 visits planned/).count()).resolves.toBe(1);
    await lead.tab.getByLabel("School").selectOption({ label: "Thorns Primary School" });
    await lead.tab.getByText(/^1 visit planned/).waitFor();
    expect(await seriousAccessibilityProblems(lead.page)).toEqual([]);
    // The tab asks only for what the lead may see: no board polled, nothing refused.
    expect(answers.filter((a) => !/^200 \/tab\/api\/(me|review)\?/.test(a))).toEqual([]);

    for (const school of [thorns(), trust.hunsbury]) {
      for (const path of ["/today", "/school", "/approvals"]) {
        const res = await trust.tab.call(TRUST_LEAD, `${path}?school=${school}`);
        expect([school, path, res.status]).toEqual([school, path, 403]);
      }
    }
  });
});
