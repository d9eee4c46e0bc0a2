import { z } from "zod";
import { GUID } from "../domain/guid";

const LOOPBACK = ["127.0.0.1", "localhost", "::1"];
/**
 * The tenant of the local client (scripts/playground-config.json), served when no app credentials are set. With
 * credentials the school's own tenant must be given.
 */
export const LOCAL_TENANT_ID = "00000000-0000-4000-8000-0000000000f1";
const ObjectIds = z
  .string()
  .optional()
  .transform((value) => (value ?? "").split(/[\s,]+/).filter(Boolean).map((id) => id.toLowerCase()))
  .pipe(z.array(z.string().regex(GUID, "must be Entra object ids (GUIDs), separated by commas")));

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() !== "" ? value.trim() : undefined));

/**
 * Every setting the bot reads, parsed once at start. Empty values count as unset, so a copied
 * .env.example with blanks runs the embedded default.
 */
const Env = z
  .object({
    SCHOOL_PROFILE: z.string().default("policies/thorns-primary.json"),
    STORAGE_CONNECTION_STRING: optionalText,
    STORAGE_ACCOUNT_URL: optionalText.pipe(z.string().url("must be the account's table endpoint, e.g. https://myschool.table.core.windows.net").optional()),
    AZURITE_LOCATION: z.string().default(".data/azurite"),
    TABLE_PREFIX: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,19}$/, "must start with a letter and hold only letters and digits (at most 20)")
      .default("hv"),
    HOST: z.string().default("127.0.0.1"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3978),
    MICROSOFT_APP_ID: optionalText,
    MICROSOFT_APP_PASSWORD: optionalText,
    MICROSOFT_APP_TENANT_ID: optionalText,
    MICROSOFT_APP_TYPE: z.enum(["SingleTenant", "UserAssignedMSI"], {
      error: "must be SingleTenant or UserAssignedMSI: new multi-tenant bot registrations are no longer offered",
    }).default("SingleTenant"),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    SWEEP_INTERVAL_SECONDS: z.coerce.number().min(0.1).max(300).default(30),
    LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(730).default(30),
    TRUST_SAFEGUARDING_LEADS: ObjectIds,
    APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText.pipe(
      z.string().regex(/InstrumentationKey=/i, "must be the Application Insights resource's connection string (InstrumentationKey=…;IngestionEndpoint=…)").optional(),
    ),
    TAB_SSO_CLIENT_ID: optionalText.pipe(z.string().regex(GUID, "must be the tab's Entra app (client) id, a GUID").optional()),
    TAB_SSO_APP_ID_URI: optionalText.pipe(z.string().regex(/^api:\/\/[^/\s]+\/[^\s]+$/, "must be the app's Application ID URI, api://<host>/<client id>").optional()),
    TAB_SSO_JWKS_URL: optionalText.pipe(z.string().url("must be the URL of the tenant's signing keys (a JWKS document)").optional()),
  })
  .superRefine((env, ctx) => {
    if (!env.MICROSOFT_APP_ID && !LOOPBACK.includes(env.HOST)) {
      ctx.addIssue({
        code: "custom",
        path: ["HOST"],
        message: "without MICROSOFT_APP_ID the bot checks no tokens, so it only listens on loopback (127.0.0.1)",
      });
    }
    // A token names its tenant by GUID (tid), never by domain name.
    if (env.MICROSOFT_APP_TENANT_ID && !GUID.test(env.MICROSOFT_APP_TENANT_ID)) {
      ctx.addIssue({ code: "custom", path: ["MICROSOFT_APP_TENANT_ID"], message: "must be the tenant's id (a GUID)" });
    }
    if (env.TAB_SSO_CLIENT_ID && !env.MICROSOFT_APP_TENANT_ID) {
      ctx.addIssue({ code: "custom", path: ["MICROSOFT_APP_TENANT_ID"], message: "is required with TAB_SSO_CLIENT_ID: the tab accepts sign-ins from the school's tenant only" });
    }
    if (env.TAB_SSO_APP_ID_URI && !env.TAB_SSO_CLIENT_ID) {
      ctx.addIssue({ code: "custom", path: ["TAB_SSO_CLIENT_ID"], message: "is required with TAB_SSO_APP_ID_URI" });
    } else if (env.TAB_SSO_APP_ID_URI && env.TAB_SSO_CLIENT_ID && !env.TAB_SSO_APP_ID_URI.toLowerCase().endsWith(`/${env.TAB_SSO_CLIENT_ID.toLowerCase()}`)) {
      ctx.addIssue({ code: "custom", path: ["TAB_SSO_APP_ID_URI"], message: "must end with the client id: api://<host>/<TAB_SSO_CLIENT_ID>" });
    }
    // Whoever serves the keys decides who can sign in: only https, or loopback for a local key set in tests.
    if (env.TAB_SSO_JWKS_URL && !/^https:\/\/|^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(env.TAB_SSO_JWKS_URL)) {
      ctx.addIssue({ code: "custom", path: ["TAB_SSO_JWKS_URL"], message: "must use https (plain http only on loopback)" });
    }
    if (!env.MICROSOFT_APP_ID) return;
    if (env.MICROSOFT_APP_TYPE === "UserAssignedMSI" && env.MICROSOFT_APP_PASSWORD) {
      ctx.addIssue({ code: "custom", path: ["MICROSOFT_APP_PASSWORD"], message: "must be empty for UserAssignedMSI: the managed identity needs no secret" });
    }
    if (env.MICROSOFT_APP_TYPE !== "UserAssignedMSI" && !env.MICROSOFT_APP_PASSWORD) {
      ctx.addIssue({ code: "custom", path: ["MICROSOFT_APP_PASSWORD"], message: "is required with MICROSOFT_APP_ID" });
    }
    // The bot serves one tenant, the school's (or trust's), and gets its tokens from it.
    if (!env.MICROSOFT_APP_TENANT_ID) {
      ctx.addIssue({ code: "custom", path: ["MICROSOFT_APP_TENANT_ID"], message: `is required with MICROSOFT_APP_ID for a ${env.MICROSOFT_APP_TYPE} app` });
    }
  });

export type StorageSetting = { connectionString: string } | { accountUrl: string };

export interface Config {
  schoolProfile: string;
  /** A connection string or the account URL for the managed identity; undefined: start the embedded Azurite. */
  storage?: StorageSetting;
  azuriteLocation: string;
  tablePrefix: string;
  host: string;
  port: number;
  /** Undefined means: no Bot Framework authentication, loopback only. */
  credentials?: { appId: string; password?: string; tenantId?: string; appType: "SingleTenant" | "UserAssignedMSI" };
  logLevel: "debug" | "info" | "warn" | "error";
  /** The longest the escalation sweeper sleeps: it wakes sooner for what it knows falls due (see escalation/sweeper.ts). */
  sweepIntervalMs: number;
  /** How many days the deployment's log workspace keeps log lines: the retention job checks no school keeps them shorter. */
  logRetentionDays: number;
  /** The one tenant served: activities from any other are refused, and conversations the bot creates are in it. */
  tenantId: string;
  /** The trust's safeguarding leads (Entra object ids): they see every school's review figures, nothing else. */
  trustLeads: string[];
  /** Where log lines are also sent; undefined: stdout/stderr only. */
  appInsightsConnectionString?: string;
  /** Single sign-on for the tab; undefined: the tab's API refuses every request. */
  tabSso?: TabSsoSettings;
}

export interface TabSsoSettings {
  clientId: string;
  /** api://<host>/<client id>: the audience of v1 tokens, and the manifest's webApplicationInfo.resource. */
  appIdUri?: string;
  tenantId: string;
  /** Where the tenant's token-signing keys are published. */
  jwksUrl: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = Env.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`));
  }
  const e = result.data;
  return {
    schoolProfile: e.SCHOOL_PROFILE,
    ...(e.STORAGE_CONNECTION_STRING
      ? { storage: { connectionString: e.STORAGE_CONNECTION_STRING } }
      : e.STORAGE_ACCOUNT_URL
        ? { storage: { accountUrl: e.STORAGE_ACCOUNT_URL } }
        : {}),
    azuriteLocation: e.AZURITE_LOCATION,
    tablePrefix: e.TABLE_PREFIX,
    host: e.HOST,
    port: e.PORT,
    ...(e.MICROSOFT_APP_ID
      ? {
          credentials: {
            appId: e.MICROSOFT_APP_ID,
            ...(e.MICROSOFT_APP_PASSWORD ? { password: e.MICROSOFT_APP_PASSWORD } : {}),
            ...(e.MICROSOFT_APP_TENANT_ID ? { tenantId: e.MICROSOFT_APP_TENANT_ID } : {}),
            appType: e.MICROSOFT_APP_TYPE,
          },
        }
      : {}),
    logLevel: e.LOG_LEVEL,
    sweepIntervalMs: e.SWEEP_INTERVAL_SECONDS * 1000,
    logRetentionDays: e.LOG_RETENTION_DAYS,
    tenantId: (e.MICROSOFT_APP_TENANT_ID ?? LOCAL_TENANT_ID).toLowerCase(),
    trustLeads: e.TRUST_SAFEGUARDING_LEADS,
    ...(e.APPLICATIONINSIGHTS_CONNECTION_STRING ? { appInsightsConnectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING } : {}),
    ...(e.TAB_SSO_CLIENT_ID && e.MICROSOFT_APP_TENANT_ID
      ? {
          tabSso: {
            clientId: e.TAB_SSO_CLIENT_ID.toLowerCase(),
            ...(e.TAB_SSO_APP_ID_URI ? { appIdUri: e.TAB_SSO_APP_ID_URI } : {}),
            tenantId: e.MICROSOFT_APP_TENANT_ID.toLowerCase(),
            jwksUrl: e.TAB_SSO_JWKS_URL ?? `https://login.microsoftonline.com/${e.MICROSOFT_APP_TENANT_ID.toLowerCase()}/discovery/v2.0/keys`,
          },
        }
      : {}),
  };
}
