/**
 * infra/main.bicep has never been compiled (no Bicep compiler comes from the registries this project reaches):
 * this test is what checks it. It parses the file with the tree-sitter Bicep grammar, so a syntax slip fails
 * here, then checks what the template promises in infra/README.md. It cannot check Azure's own rules (property
 * names per API version, allowed values): `az bicep build` and `az deployment group what-if` do that.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseConfig } from "../../src/config/env";
import { type BicepFile, type BicepObject, type BicepResource, type BicepValue, Expression, isObject, readBicep } from "./bicep-syntax";

const root = path.resolve(__dirname, "../..");
const templatePath = path.join(root, "infra/main.bicep");
const templateText = readFileSync(templatePath, "utf8");
const STORAGE_TABLE_DATA_CONTRIBUTOR = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

let template: BicepFile;
beforeAll(async () => {
  template = await readBicep(templatePath);
});

function only(type: string): BicepResource {
  const found = template.resources.filter((resource) => resource.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

/** Follows a path of property names through nested objects. */
function at(value: BicepValue | undefined, ...keys: string[]): BicepValue | undefined {
  return keys.reduce<BicepValue | undefined>((current, key) => (isObject(current) ? current[key] : undefined), value);
}

const expression = (value: BicepValue | undefined): string | undefined => (value instanceof Expression ? value.text : undefined);
const properties = (type: string): BicepObject => {
  const value = at(only(type).body, "properties");
  if (!isObject(value)) throw new Error(`${type} has no properties`);
  return value;
};

function appSettings(): Map<string, BicepValue> {
  const settings = at(properties("Microsoft.Web/sites"), "siteConfig", "appSettings");
  if (!Array.isArray(settings)) throw new Error("the web app has no appSettings list");
  return new Map(settings.filter(isObject).map((setting) => [String(setting.name), setting.value ?? null]));
}

describe("infra/main.bicep", () => {
  it("is valid Bicep syntax, as far as the tree-sitter Bicep grammar can tell", () => {
    expect(template.syntaxErrors).toEqual([]);
    expect(template.resources.length).toBeGreaterThan(0);
  });

  it("provisions everything one school needs", () => {
    expect(new Set(template.resources.map((resource) => resource.type))).toEqual(
      new Set([
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        "Microsoft.Storage/storageAccounts",
        "Microsoft.Authorization/roleAssignments",
        "Microsoft.OperationalInsights/workspaces",
        "Microsoft.Insights/components",
        "Microsoft.Web/serverfarms",
        "Microsoft.Web/sites",
        "Microsoft.Web/sites/basicPublishingCredentialsPolicies",
        "Microsoft.Insights/diagnosticSettings",
        "Microsoft.BotService/botServices",
        "Microsoft.BotService/botServices/channels",
        "Microsoft.Insights/actionGroups",
        "Microsoft.Insights/metricAlerts",
        "Microsoft.Insights/scheduledQueryRules",
      ]),
    );
  });

  it("runs the app on a supported Node LTS, always on, HTTPS only, TLS 1.2, no FTP, health checked on /healthz", () => {
    const site = properties("Microsoft.Web/sites");
    expect(site.httpsOnly).toBe(true);
    expect(at(site, "siteConfig")).toMatchObject({
      linuxFxVersion: "NODE|22-lts",
      alwaysOn: true,
      healthCheckPath: "/healthz",
      minTlsVersion: "1.2",
      ftpsState: "Disabled",
      appCommandLine: "node --max-old-space-size=160 dist/main.js",
    });
    expect(at(properties("Microsoft.Web/sites/basicPublishingCredentialsPolicies"), "allow")).toBe(false);
    // The start command runs what `npm run build` writes.
    expect(JSON.parse(readFileSync(path.join(root, "tsconfig.build.json"), "utf8"))).toMatchObject({ compilerOptions: { rootDir: "src", outDir: "dist" } });
    expect(readFileSync(path.join(root, "src/main.ts"), "utf8")).toContain("require.main === module");
  });

  it("makes the bot single tenant, signing in as the user-assigned identity the web app runs as", () => {
    const identity = only("Microsoft.ManagedIdentity/userAssignedIdentities").symbol;
    const bot = properties("Microsoft.BotService/botServices");
    expect(bot).toMatchObject({ msaAppType: "UserAssignedMSI" });
    expect(expression(bot.msaAppMSIResourceId)).toBe(`${identity}.id`);
    expect(expression(bot.msaAppId)).toBe(`${identity}.properties.clientId`);
    expect(expression(bot.msaAppTenantId)).toBe(`${identity}.properties.tenantId`);
    expect(expression(bot.endpoint)).toMatch(/^'https:\/\/\$\{site\.properties\.defaultHostName\}\/api\/messages'$/);
    expect(Object.keys(at(only("Microsoft.Web/sites").body, "identity", "userAssignedIdentities") as BicepObject)).toEqual([`'\${${identity}.id}'`]);

    const teams = only("Microsoft.BotService/botServices/channels");
    expect(expression(teams.body.parent)).toBe(only("Microsoft.BotService/botServices").symbol);
    expect(at(teams.body, "properties")).toMatchObject({ channelName: "MsTeamsChannel", properties: { isEnabled: true } });
  });

  it("gives the app settings the configuration accepts: the managed identity, no password, the tables by URL", () => {
    const settings = appSettings();
    // Stand-ins for what Azure fills in at deployment, so the settings go through the app's own parser.
    const deployed: Record<string, string> = {
      "identity.properties.clientId": "11111111-2222-4333-8444-555555555555",
      "identity.properties.tenantId": "99999999-8888-4777-8666-555555555555",
      "storage.properties.primaryEndpoints.table": "https://sthvthornsabc123.table.core.windows.net/",
      "appInsights.properties.ConnectionString": "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://uksouth-1.in.applicationinsights.azure.com/",
      schoolProfile: "policies/thorns-primary.json",
      "string(logRetentionDays)": "30",
    };
    const env = Object.fromEntries(
      [...settings].map(([name, value]) => {
        const text = value instanceof Expression ? deployed[value.text] : value;
        if (typeof text !== "string") throw new Error(`app setting ${name} is ${JSON.stringify(value)}, which this test cannot stand in for`);
        return [name, text];
      }),
    );
    const config = parseConfig(env);
    expect(config.credentials).toEqual({ appId: deployed["identity.properties.clientId"], tenantId: deployed["identity.properties.tenantId"], appType: "UserAssignedMSI" });
    expect(config.storage).toEqual({ accountUrl: deployed["storage.properties.primaryEndpoints.table"] });
    expect(config.appInsightsConnectionString).toBe(deployed["appInsights.properties.ConnectionString"]);
    expect(config.host).toBe("0.0.0.0");
    expect(config.logRetentionDays).toBe(30);
    // DefaultAzureCredential picks the same identity for the tables.
    expect(env.AZURE_CLIENT_ID).toBe(env.MICROSOFT_APP_ID);
  });

  it("holds no secret: no password setting, no key, no connection string built from a key, no secure parameter", () => {
    const settings = appSettings();
    expect([...settings.keys()]).not.toContain("MICROSOFT_APP_PASSWORD");
    expect([...settings.keys()]).not.toContain("STORAGE_CONNECTION_STRING");
    expect(templateText).not.toMatch(/listKeys\(|AccountKey=|SharedAccessSignature|MicrosoftAppPassword/i);
    expect(template.parameters.filter((parameter) => parameter.decorators.some((decorator) => decorator.startsWith("@secure")))).toEqual([]);
  });

  it("keeps the storage account to HTTPS, TLS 1.2, Entra ID only, nothing public", () => {
    expect(properties("Microsoft.Storage/storageAccounts")).toMatchObject({
      supportsHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
    });
    expect(only("Microsoft.Storage/storageAccounts").body.kind).toBe("StorageV2");
  });

  it("lets the identity read and write tables through a role assignment on that account, and nothing more", () => {
    const assignment = only("Microsoft.Authorization/roleAssignments").body;
    expect(expression(assignment.scope)).toBe(only("Microsoft.Storage/storageAccounts").symbol);
    expect(expression(at(assignment, "properties", "principalId"))).toBe(`${only("Microsoft.ManagedIdentity/userAssignedIdentities").symbol}.properties.principalId`);
    expect(expression(at(assignment, "properties", "roleDefinitionId"))).toContain("roles.storageTableDataContributor");
    expect(template.variables.roles).toEqual({ storageTableDataContributor: STORAGE_TABLE_DATA_CONTRIBUTOR });
  });

  it("sends the app's logs to a Log Analytics workspace, through Application Insights and the console", () => {
    const workspace = only("Microsoft.OperationalInsights/workspaces").symbol;
    expect(expression(properties("Microsoft.Insights/components").WorkspaceResourceId)).toBe(`${workspace}.id`);
    const diagnostics = only("Microsoft.Insights/diagnosticSettings").body;
    expect(expression(diagnostics.scope)).toBe(only("Microsoft.Web/sites").symbol);
    expect(expression(at(diagnostics, "properties", "workspaceId"))).toBe(`${workspace}.id`);
    expect(at(diagnostics, "properties", "logs")).toContainEqual({ category: "AppServiceConsoleLogs", enabled: true });
  });

  it("e-mails the school's IT contact from every alert", () => {
    const group = only("Microsoft.Insights/actionGroups");
    expect(template.parameters.map((parameter) => parameter.name)).toContain("itContactEmail");
    const receivers = at(group.body, "properties", "emailReceivers");
    expect(Array.isArray(receivers) && receivers.map((receiver) => expression(at(receiver, "emailAddress")))).toEqual(["itContactEmail"]);
    const health = properties("Microsoft.Insights/metricAlerts");
    expect(at(health, "actions")).toEqual([{ actionGroupId: new Expression(`${group.symbol}.id`) }]);
    const logAlerts = properties("Microsoft.Insights/scheduledQueryRules");
    expect(at(logAlerts, "actions", "actionGroups")).toEqual([new Expression(`${group.symbol}.id`)]);
  });

  it("alerts when the web app's health check fails", () => {
    const health = properties("Microsoft.Insights/metricAlerts");
    expect(health.scopes).toEqual([new Expression(`${only("Microsoft.Web/sites").symbol}.id`)]);
    expect(at(health, "criteria", "allOf")).toEqual([
      expect.objectContaining({ metricNamespace: "Microsoft.Web/sites", metricName: "HealthCheckStatus", operator: "LessThan", threshold: 100, timeAggregation: "Average" }),
    ]);
  });

  it("alerts on the error lines the app writes when notifications keep failing and when the sweeper stalls", () => {
    const rules = only("Microsoft.Insights/scheduledQueryRules");
    expect(rules.loop).toBe(true);
    const criteria = at(rules.body, "properties", "criteria", "allOf");
    expect(Array.isArray(criteria) && criteria.map((criterion) => expression(at(criterion, "query")))).toEqual([
      `'union isfuzzy=true (AppTraces | where Message == "\${alert.message}"), (AppServiceConsoleLogs | where ResultDescription has "\${alert.message}")'`,
    ]);
    const alerts = template.variables.logAlerts;
    expect(Array.isArray(alerts) && alerts.map((alert) => at(alert, "message"))).toEqual(["notification keeps failing", "escalation sweeper stalled"]);
    // What the outbox dispatcher and the sweeper's watchdog log at error level.
    expect(readFileSync(path.join(root, "src/app/outbox.dispatcher.ts"), "utf8")).toContain('this.log.error("notification keeps failing"');
    expect(readFileSync(path.join(root, "src/escalation/safety-net-watch.ts"), "utf8")).toContain('this.log.error("escalation sweeper stalled"');
  });

  it("is deployed with a parameters file that gives every required parameter and nothing else", () => {
    const file = JSON.parse(readFileSync(path.join(root, "infra/main.parameters.json"), "utf8")) as { parameters: Record<string, { value: unknown }> };
    const given = Object.keys(file.parameters);
    const required = template.parameters.filter((parameter) => parameter.default === undefined).map((parameter) => parameter.name);
    expect(given).toEqual(expect.arrayContaining(required));
    expect(template.parameters.map((parameter) => parameter.name)).toEqual(expect.arrayContaining(given));
    const profile = String(file.parameters.schoolProfile?.value);
    expect(readFileSync(path.join(root, profile), "utf8")).toContain('"school"');
  });
});
