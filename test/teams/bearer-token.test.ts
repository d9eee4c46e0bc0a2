import { bearerTokenProblem } from "../../src/teams/bearer-token";

const APP_ID = "11111111-2222-4333-8444-555555555555";
const now = new Date("2026-11-24T08:00:00Z");
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const segment = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
/** A JWT's shape, unsigned: the signature is never checked here (botbuilder does that). */
const bearer = (header: unknown, claims: unknown, signature = "c2lnbmF0dXJl") => `Bearer ${segment(header)}.${segment(claims)}.${signature}`;
const RS256 = { alg: "RS256", kid: "key-1", typ: "JWT" };
const claims = (extra: Record<string, unknown> = {}) => ({ iss: "https://api.botframework.com", aud: APP_ID, exp: seconds(now) + 3600, nbf: seconds(now) - 60, ...extra });

describe("a Bot Framework token's shape, checked before its signature", () => {
  it("passes an RS256 JWT with a key id, for this bot, in its validity period", () => {
    expect(bearerTokenProblem(bearer(RS256, claims()), APP_ID, now)).toBeUndefined();
    expect(bearerTokenProblem(bearer(RS256, claims({ nbf: undefined })), APP_ID, now)).toBeUndefined();
  });

  it("refuses a missing, over-long or non-Bearer header, and anything that is not a JWT", () => {
    expect(bearerTokenProblem("", APP_ID, now)).toBe("no Authorization header");
    expect(bearerTokenProblem(`Bearer ${"a".repeat(9000)}`, APP_ID, now)).toBe("an Authorization header too long to be a token");
    for (const header of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not.a.token", "bearer a.b.c", "Bearer a.b", "Bearer a.b.c.d", `Bearer ${segment("[]")}.${segment("{}")}.c2ln`, `Bearer ${segment("{")}.${segment("{}")}.c2ln`]) {
      expect({ header, problem: bearerTokenProblem(header, APP_ID, now) }).toEqual({ header, problem: "not a Bearer JWT" });
    }
    // "alg": "none" forgeries carry an empty signature.
    expect(bearerTokenProblem(bearer({ alg: "none" }, claims(), ""), APP_ID, now)).toBe("not a Bearer JWT");
  });

  it("refuses any signing but RS256 under a key id: none, HS256 (a shared secret anyone could guess), no kid", () => {
    for (const header of [{ alg: "none", kid: "key-1" }, { alg: "HS256", kid: "key-1" }, { alg: "RS512", kid: "key-1" }, { alg: "RS256" }, { alg: "RS256", kid: "" }, { alg: "RS256", kid: 7 }]) {
      expect(bearerTokenProblem(bearer(header, claims()), APP_ID, now)).toBe("not signed with RS256 under a key id");
    }
  });

  it("refuses a token for another app, an expired one (past botbuilder's five minutes' allowance), and one not valid yet", () => {
    expect(bearerTokenProblem(bearer(RS256, claims({ aud: "another-app" })), APP_ID, now)).toBe("addressed to another app");
    expect(bearerTokenProblem(bearer(RS256, claims({ aud: [APP_ID] })), APP_ID, now)).toBe("addressed to another app");
    expect(bearerTokenProblem(bearer(RS256, claims({ exp: undefined })), APP_ID, now)).toBe("expired or without an expiry");
    expect(bearerTokenProblem(bearer(RS256, claims({ exp: String(seconds(now) + 60) })), APP_ID, now)).toBe("expired or without an expiry");
    expect(bearerTokenProblem(bearer(RS256, claims({ exp: seconds(now) - 301 })), APP_ID, now)).toBe("expired or without an expiry");
    expect(bearerTokenProblem(bearer(RS256, claims({ exp: seconds(now) - 200 })), APP_ID, now)).toBeUndefined();
    expect(bearerTokenProblem(bearer(RS256, claims({ nbf: seconds(now) + 600 })), APP_ID, now)).toBe("not valid yet");
  });
});
