import { ConfigError, LOCAL_TENANT_ID, parseConfig } from "../../src/config/env";

/** A fictional tenant id. */
const TENANT = "11111111-2222-4333-8444-555555555555";

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
};

describe("configuration from the environment", () => {
  it("runs the embedded default when nothing is set", () => {
    expect(parseConfig({})).toEqual({
      schoolProfile: "policies/thorns-primary.json",
      azuriteLocation: ".data/azurite",
      tablePrefix: "hv",
      host: "127.0.0.1",
      port: 3978,
      logLevel: "info",
      sweepIntervalMs: 30000,
      logRetentionDays: 30,
      // The local client's tenant (scripts/playground-config.json): without credentials only loopback is served.
      tenantId: LOCAL_TENANT_ID,
      trustLeads: [],
    });
  });

  it("reads how many days the log workspace keeps lines, a whole number of days up to two years", () => {
    expect(parseConfig({ LOG_RETENTION_DAYS: "90" }).logRetentionDays).toBe(90);
    expect(problemsOf({ LOG_RETENTION_DAYS: "0" })).toEqual([expect.stringMatching(/^LOG_RETENTION_DAYS: /)]);
    expect(problemsOf({ LOG_RETENTION_DAYS: "1.5" })).toEqual([expect.stringMatching(/^LOG_RETENTION_DAYS: /)]);
  });

  it("treats blank values, as in a copied .env.example, as unset", () => {
    expect(parseConfig({ STORAGE_CONNECTION_STRING: "", STORAGE_ACCOUNT_URL: " ", MICROSOFT_APP_ID: "" })).not.toHaveProperty("storage");
  });

  it("prefers a connection string over an account URL", () => {
    expect(parseConfig({ STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true", STORAGE_ACCOUNT_URL: "https://a.table.core.windows.net" }).storage).toEqual({
      connectionString: "UseDevelopmentStorage=true",
    });
    expect(parseConfig({ STORAGE_ACCOUNT_URL: "https://a.table.core.windows.net" }).storage).toEqual({ accountUrl: "https://a.table.core.windows.net" });
  });

  it("keeps the bot on loopback when it has no app credentials", () => {
    expect(problemsOf({ HOST: "0.0.0.0" })).toEqual([expect.stringMatching(/^HOST: without MICROSOFT_APP_ID .* only listens on loopback/)]);
  });

  it("accepts any host once app credentials are set, and collects them", () => {
    const config = parseConfig({ HOST: "0.0.0.0", MICROSOFT_APP_ID: "app", MICROSOFT_APP_PASSWORD: "secret", MICROSOFT_APP_TYPE: "SingleTenant", MICROSOFT_APP_TENANT_ID: TENANT });
    expect(config.credentials).toEqual({ appId: "app", password: "secret", tenantId: TENANT, appType: "SingleTenant" });
  });

  it("names each missing or malformed setting", () => {
    expect(
      problemsOf({ MICROSOFT_APP_ID: "app", PORT: "99999", TABLE_PREFIX: "9x", STORAGE_ACCOUNT_URL: "not a url", APPLICATIONINSIGHTS_CONNECTION_STRING: "https://example.invalid" }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^TABLE_PREFIX: must start with a letter/),
        expect.stringMatching(/^STORAGE_ACCOUNT_URL: must be the account's table endpoint/),
        expect.stringMatching(/^APPLICATIONINSIGHTS_CONNECTION_STRING: must be the Application Insights resource's connection string/),
        "MICROSOFT_APP_PASSWORD: is required with MICROSOFT_APP_ID",
        "MICROSOFT_APP_TENANT_ID: is required with MICROSOFT_APP_ID for a SingleTenant app",
      ]),
    );
  });

  it("takes a bot app to be single tenant unless told otherwise", () => {
    const config = parseConfig({ MICROSOFT_APP_ID: "app", MICROSOFT_APP_PASSWORD: "secret", MICROSOFT_APP_TENANT_ID: TENANT });
    expect(config.credentials?.appType).toBe("SingleTenant");
  });

  it("runs a managed-identity bot with its tenant and no secret at all", () => {
    const msi = { MICROSOFT_APP_ID: "identity-client-id", MICROSOFT_APP_TYPE: "UserAssignedMSI", MICROSOFT_APP_TENANT_ID: TENANT };
    expect(parseConfig(msi).credentials).toEqual({ appId: "identity-client-id", tenantId: TENANT, appType: "UserAssignedMSI" });
    expect(problemsOf({ ...msi, MICROSOFT_APP_TENANT_ID: "" })).toEqual(["MICROSOFT_APP_TENANT_ID: is required with MICROSOFT_APP_ID for a UserAssignedMSI app"]);
    expect(problemsOf({ ...msi, MICROSOFT_APP_PASSWORD: "a-secret" })).toEqual([
      "MICROSOFT_APP_PASSWORD: must be empty for UserAssignedMSI: the managed identity needs no secret",
    ]);
  });

  it("refuses a multi-tenant bot: new registrations are single tenant, and the bot serves one tenant", () => {
    expect(problemsOf({ MICROSOFT_APP_ID: "app", MICROSOFT_APP_PASSWORD: "secret", MICROSOFT_APP_TYPE: "MultiTenant", MICROSOFT_APP_TENANT_ID: TENANT })).toEqual([
      "MICROSOFT_APP_TYPE: must be SingleTenant or UserAssignedMSI: new multi-tenant bot registrations are no longer offered",
    ]);
  });

  it("serves the one tenant configured, in lower case, and refuses one that is not a tenant id", () => {
    expect(parseConfig({ MICROSOFT_APP_TENANT_ID: TENANT.toUpperCase() }).tenantId).toBe(TENANT);
    expect(problemsOf({ MICROSOFT_APP_TENANT_ID: "contoso.onmicrosoft.com" })).toEqual(["MICROSOFT_APP_TENANT_ID: must be the tenant's id (a GUID)"]);
  });

  it("reads the trust's safeguarding leads as Entra object ids", () => {
    const lead = "00000000-0000-4000-8000-00000000aa01";
    expect(parseConfig({ TRUST_SAFEGUARDING_LEADS: ` ${lead.toUpperCase()}, ` }).trustLeads).toEqual([lead]);
    expect(problemsOf({ TRUST_SAFEGUARDING_LEADS: "Pat.Trustlead@example.org" })).toEqual([expect.stringMatching(/^TRUST_SAFEGUARDING_LEADS\.0: must be Entra object ids/)]);
  });

  it("sends logs to Application Insights only when its connection string is set", () => {
    expect(parseConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: " " })).not.toHaveProperty("appInsightsConnectionString");
    const connectionString = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://uksouth-1.in.applicationinsights.azure.com/";
    expect(parseConfig({ APPLICATIONINSIGHTS_CONNECTION_STRING: connectionString }).appInsightsConnectionString).toBe(connectionString);
  });

  describe("the tab's single sign-on", () => {
    const TENANT = "00000000-0000-4000-8000-0000000000f1";
    const CLIENT = "5e0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";

    it("is off without TAB_SSO_CLIENT_ID, so the tab's API refuses every request", () => {
      expect(parseConfig({ MICROSOFT_APP_TENANT_ID: TENANT })).not.toHaveProperty("tabSso");
    });

    it("checks tokens of the school's tenant against Microsoft's published keys by default", () => {
      expect(parseConfig({ TAB_SSO_CLIENT_ID: CLIENT.toUpperCase(), MICROSOFT_APP_TENANT_ID: TENANT }).tabSso).toEqual({
        clientId: CLIENT,
        tenantId: TENANT,
        jwksUrl: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
      });
    });

    it("takes the Application ID URI and a key set URL of its own (a local one on loopback for tests)", () => {
      const config = parseConfig({
        TAB_SSO_CLIENT_ID: CLIENT,
        TAB_SSO_APP_ID_URI: `api://visits.example.org/${CLIENT}`,
        TAB_SSO_JWKS_URL: "http://127.0.0.1:4123/keys",
        MICROSOFT_APP_TENANT_ID: TENANT,
      });
      expect(config.tabSso).toEqual({ clientId: CLIENT, appIdUri: `api://visits.example.org/${CLIENT}`, tenantId: TENANT, jwksUrl: "http://127.0.0.1:4123/keys" });
    });

    it("names what is missing or wrong: the tenant, a client id that is no GUID, a URI for another app, keys over plain http", () => {
      expect(problemsOf({ TAB_SSO_CLIENT_ID: CLIENT })).toEqual([expect.stringMatching(/^MICROSOFT_APP_TENANT_ID: is required with TAB_SSO_CLIENT_ID/)]);
      expect(problemsOf({ TAB_SSO_CLIENT_ID: CLIENT, MICROSOFT_APP_TENANT_ID: "thorns.example.org" })).toEqual([
        "MICROSOFT_APP_TENANT_ID: must be the tenant's id (a GUID)",
      ]);
      expect(
        problemsOf({
          TAB_SSO_CLIENT_ID: "home-visits",
          TAB_SSO_JWKS_URL: "http://keys.example.org/keys",
          MICROSOFT_APP_TENANT_ID: TENANT,
        }),
      ).toEqual(
        expect.arrayContaining([
          "TAB_SSO_CLIENT_ID: must be the tab's Entra app (client) id, a GUID",
          "TAB_SSO_JWKS_URL: must use https (plain http only on loopback)",
        ]),
      );
      expect(problemsOf({ TAB_SSO_CLIENT_ID: CLIENT, TAB_SSO_APP_ID_URI: "api://visits.example.org/another-app", MICROSOFT_APP_TENANT_ID: TENANT })).toEqual([
        "TAB_SSO_APP_ID_URI: must end with the client id: api://<host>/<TAB_SSO_CLIENT_ID>",
      ]);
      expect(problemsOf({ TAB_SSO_APP_ID_URI: `api://visits.example.org/${CLIENT}` })).toEqual(["TAB_SSO_CLIENT_ID: is required with TAB_SSO_APP_ID_URI"]);
    });
  });
});
