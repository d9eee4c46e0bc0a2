/** botbuilder's allowance for clocks that disagree, in the same place: a token's exp and nbf. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** Bot Framework tokens are one or two kilobytes; Node refuses request headers over 16 KB anyway. */
const HEADER_MAX = 8192;

const JWT = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

function jsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What rules a request's Authorization header out before botbuilder checks its signature, or undefined when it
 * may be a Bot Framework token for this bot: "Bearer", a JWT signed with RS256 under a key id (the only way the
 * Bot Connector signs), addressed to this bot, inside its validity period. botbuilder would fetch the signing
 * keys even for a token that can never pass (an "alg": "none" or HS256 forgery, an expired one), and this costs
 * nothing. The reason is for the log; the caller is told only that it is not authorised.
 */
export function bearerTokenProblem(authorization: string, appId: string, now: Date): string | undefined {
  if (authorization.length === 0) return "no Authorization header";
  if (authorization.length > HEADER_MAX) return "an Authorization header too long to be a token";
  const parts = JWT.exec(authorization);
  if (!parts) return "not a Bearer JWT";
  const header = jsonObject(parts[1]!);
  const claims = jsonObject(parts[2]!);
  if (!header || !claims) return "not a Bearer JWT";
  if (header.alg !== "RS256" || typeof header.kid !== "string" || header.kid.length === 0) return "not signed with RS256 under a key id";
  if (claims.aud !== appId) return "addressed to another app";
  if (typeof claims.exp !== "number" || claims.exp * 1000 + CLOCK_SKEW_MS <= now.getTime()) return "expired or without an expiry";
  if (claims.nbf !== undefined && (typeof claims.nbf !== "number" || claims.nbf * 1000 - CLOCK_SKEW_MS > now.getTime())) return "not valid yet";
  return undefined;
}
