import { ssoVerifier } from "../../src/http/sso-token";
import { OTHER_TENANT, SCHOOL_TENANT, TAB_APP_ID_URI, TAB_CLIENT_ID, TestIdentity } from "../support/test-identity";

const PERSON = "00000000-0000-4000-8000-0000000000a1";

describe("the tab's single sign-on check", () => {
  let identity: TestIdentity;
  let verify: ReturnType<typeof ssoVerifier>;
  const bearer = (token: string) => `Bearer ${token}`;

  beforeAll(async () => {
    identity = await TestIdentity.start();
    verify = ssoVerifier({ clientId: TAB_CLIENT_ID, appIdUri: TAB_APP_ID_URI, tenantId: SCHOOL_TENANT, jwksUrl: identity.jwksUrl });
  });
  afterAll(() => identity.stop());

  it("accepts a v2 token for the app from the school's tenant, and says whose it is (object id in lower case)", async () => {
    const check = await verify(bearer(await identity.token(PERSON.toUpperCase())));
    expect(check).toEqual({ ok: true, user: { objectId: PERSON, tenantId: SCHOOL_TENANT } });
  });

  it("reads the scheme's name in any case", async () => {
    expect(await verify(`bearer ${await identity.token(PERSON)}`)).toMatchObject({ ok: true });
  });

  it("accepts a v1 token, whose audience is the Application ID URI and whose issuer is sts.windows.net", async () => {
    expect(await verify(bearer(await identity.token(PERSON, { version: "v1" })))).toMatchObject({ ok: true, user: { objectId: PERSON } });
  });

  it("allows a minute of clock drift past expiry, and no more", async () => {
    expect(await verify(bearer(await identity.token(PERSON, { expiresIn: -30 })))).toMatchObject({ ok: true });
    expect(await verify(bearer(await identity.token(PERSON, { expiresIn: -120 })))).toEqual({
      ok: false,
      status: 401,
      error: "Your sign-in has expired. Reload the tab to sign in again.",
    });
  });

  it("refuses a request without a token, or with something that is not a bearer JWT", async () => {
    expect(await verify(undefined)).toEqual({ ok: false, status: 401, error: "Sign in first: the request carries no token." });
    for (const header of ["Basic YWxleDpzZWNyZXQ=", "Bearer", "Bearer not-a-jwt", `Bearer  ${await identity.token(PERSON)}`]) {
      expect(await verify(header)).toEqual({ ok: false, status: 401, error: "The sign-in token is not readable." });
    }
  });

  it("refuses forgeries: another key under the school's key id, alg none, and HS256 keyed with the public key", async () => {
    const forgeries = [await identity.token(PERSON, { signer: "stranger" }), identity.unsigned(PERSON), await identity.hmacWithPublicKey(PERSON)];
    for (const token of forgeries) {
      expect(await verify(bearer(token))).toEqual({ ok: false, status: 401, error: "The sign-in token is not valid for this app." });
    }
  });

  it("refuses a token from another tenant, for another app, or naming the school's issuer with another tenant id", async () => {
    const others = [
      await identity.token(PERSON, { claims: { iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`, tid: OTHER_TENANT } }),
      await identity.token(PERSON, { claims: { aud: "api://visits.example.org/00000000-0000-4000-8000-00000000ffff" } }),
      await identity.token(PERSON, { claims: { aud: "00000003-0000-0000-c000-000000000000" } }),
    ];
    for (const token of others) expect(await verify(bearer(token))).toEqual({ ok: false, status: 401, error: "The sign-in token is not valid for this app." });
    expect(await verify(bearer(await identity.token(PERSON, { claims: { tid: OTHER_TENANT } })))).toEqual({ ok: false, status: 401, error: "The sign-in is from another organisation." });
  });

  it("refuses a token that does not say who the person is", async () => {
    expect(await verify(bearer(await identity.token(PERSON, { claims: { oid: undefined } })))).toMatchObject({ ok: false, status: 401 });
    expect(await verify(bearer(await identity.token("not-a-guid")))).toEqual({ ok: false, status: 401, error: "The sign-in token does not say who you are." });
  });

  it("fetches the key set once for many sign-ins", () => {
    expect(identity.keySetFetches).toBe(1);
  });

  it("answers 503, not 401, when the key set cannot be fetched", async () => {
    const unreachable = ssoVerifier({ clientId: TAB_CLIENT_ID, tenantId: SCHOOL_TENANT, jwksUrl: "http://127.0.0.1:9/keys" });
    expect(await unreachable(bearer(await identity.token(PERSON)))).toEqual({
      ok: false,
      status: 503,
      error: "Sign-in cannot be checked just now (the keys could not be fetched). Try again shortly.",
    });
  });
});
