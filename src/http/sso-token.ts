import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import type { TabSsoSettings } from "../config/env";

/** Who a valid Teams single sign-on token says is signed in. */
export interface SignedIn {
  /** Entra object id (`oid`), lower case as the school's profile keeps it. */
  objectId: string;
  tenantId: string;
}

export type TokenCheck = { ok: true; user: SignedIn } | { ok: false; status: 401 | 503; error: string };

/** Checks the `Authorization` header of a tab request. */
export type SsoVerifier = (authorization: string | undefined) => Promise<TokenCheck>;

/** Servers' clocks drift by seconds, not minutes: enough for that, and no more. */
const CLOCK_TOLERANCE_SECONDS = 60;
/** Entra signs access tokens with RS256; anything else (none, HS256 keyed with a public key…) is a forgery. */
const ALGORITHMS = ["RS256"];
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The scheme's name is case-insensitive (RFC 7235); the token is three base64url parts. */
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/i;

const refuse = (error: string): TokenCheck => ({ ok: false, status: 401, error });

/**
 * The tab's token check: the signature against the tenant's published keys (fetched once and cached; a key
 * rotation is picked up when a token names a key id not seen yet), the issuer and `tid` of the school's tenant
 * (v2 and v1 tokens), the audience of this app (its client id, or its Application ID URI for v1 tokens), and
 * expiry against the system clock, never the app's injected one.
 */
export function ssoVerifier(settings: TabSsoSettings): SsoVerifier {
  const keys = createRemoteJWKSet(new URL(settings.jwksUrl));
  const tenant = settings.tenantId;
  const issuer = [`https://login.microsoftonline.com/${tenant}/v2.0`, `https://sts.windows.net/${tenant}/`];
  const audience = [settings.clientId, ...(settings.appIdUri ? [settings.appIdUri] : [])];

  return async (authorization) => {
    if (!authorization) return refuse("Sign in first: the request carries no token.");
    const token = BEARER.exec(authorization)?.[1];
    if (!token) return refuse("The sign-in token is not readable.");
    try {
      const { payload } = await jwtVerify(token, keys, { algorithms: ALGORITHMS, issuer, audience, clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ["exp", "tid", "oid"] });
      if (payload.tid !== tenant) return refuse("The sign-in is from another organisation.");
      const objectId = typeof payload.oid === "string" ? payload.oid.toLowerCase() : "";
      if (!GUID.test(objectId)) return refuse("The sign-in token does not say who you are.");
      return { ok: true, user: { objectId, tenantId: tenant } };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return refuse("Your sign-in has expired. Reload the tab to sign in again.");
      if (isKeySetUnavailable(error)) return { ok: false, status: 503, error: "Sign-in cannot be checked just now (the keys could not be fetched). Try again shortly." };
      return refuse("The sign-in token is not valid for this app.");
    }
  };
}

/** The key set could not be had (network, timeout, a broken document): the server's problem, not the caller's. */
function isKeySetUnavailable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  // jose reports a non-200 answer as a bare JOSEError, and a failed fetch as the fetch's own TypeError.
  return (error instanceof errors.JOSEError && error.constructor === errors.JOSEError) || !(error instanceof errors.JOSEError);
}
