import { createHmac, type KeyObject, sign } from "node:crypto";

/** One part of a JWT: JSON, base64url-encoded. */
export const jwtPart = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An Authorization header with an RS256 JWT signed by `key`: well formed, but no Bot Framework key validates it. */
export function rs256Bearer(claims: Record<string, unknown>, key: KeyObject, kid = "a-key-of-our-own"): string {
  const signed = `${jwtPart({ alg: "RS256", typ: "JWT", kid })}.${jwtPart(claims)}`;
  return `Bearer ${signed}.${sign("sha256", Buffer.from(signed), key).toString("base64url")}`;
}

/** An HS256 JWT: signed with a shared secret, which the Bot Framework never uses. */
export function hs256Bearer(claims: Record<string, unknown>, secret: string): string {
  const signed = `${jwtPart({ alg: "HS256", typ: "JWT" })}.${jwtPart(claims)}`;
  return `Bearer ${signed}.${createHmac("sha256", secret).update(signed).digest("base64url")}`;
}

/** An unsigned JWT ("alg": "none"), its signature empty. */
export const unsignedBearer = (claims: Record<string, unknown>): string => `Bearer ${jwtPart({ alg: "none", typ: "JWT" })}.${jwtPart(claims)}.`;
