import { ConfigError, parseConfig } from "../../src/config/env";

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
      sweepIntervalMs: 2000,
    });
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
    const config = parseConfig({ HOST: "0.0.0.0", MICROSOFT_APP_ID: "app", MICROSOFT_APP_PASSWORD: "secret", MICROSOFT_APP_TYPE: "SingleTenant", MICROSOFT_APP_TENANT_ID: "tenant" });
    expect(config.credentials).toEqual({ appId: "app", password: "secret", tenantId: "tenant", appType: "SingleTenant" });
  });

  it("names each missing or malformed setting", () => {
    expect(problemsOf({ MICROSOFT_APP_ID: "app", MICROSOFT_APP_TYPE: "SingleTenant", PORT: "99999", TABLE_PREFIX: "9x", STORAGE_ACCOUNT_URL: "not a url" })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^TABLE_PREFIX: must start with a letter/),
        expect.stringMatching(/^STORAGE_ACCOUNT_URL: must be the account's table endpoint/),
        "MICROSOFT_APP_PASSWORD: is required with MICROSOFT_APP_ID",
        "MICROSOFT_APP_TENANT_ID: is required for a SingleTenant app",
      ]),
    );
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
        "MICROSOFT_APP_TENANT_ID: must be the tenant's id, a GUID, for the tab's sign-in",
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
