/**
 * Plays Microsoft Entra for the tab's single sign-on in tests: a key pair of its own, its public key published as
 * a JWKS document on loopback (the service is pointed at it by TAB_SSO_JWKS_URL), and tokens shaped as Entra
 * issues them for a Teams tab, plus the forgeries the service must refuse. Everything here is fictional.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from "jose";
import { TENANT_ID } from "./teams-client";

/** The school's own tenant: the one the Teams clients of these tests sign in from. */
export const SCHOOL_TENANT = TENANT_ID;
export const OTHER_TENANT = "00000000-0000-4000-8000-0000000000f9";
export const TAB_CLIENT_ID = "6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c";
export const TAB_APP_ID_URI = `api://visits.example.org/${TAB_CLIENT_ID}`;

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

export interface TokenChange {
  /** Claims to add or replace; `undefined` removes one. */
  claims?: Record<string, unknown>;
  /** Seconds until expiry; negative for a token that has already expired. Default one hour. */
  expiresIn?: number;
  /** Entra's v1 tokens name the App ID URI as audience and sts.windows.net as issuer. */
  version?: "v1" | "v2";
  /** "stranger": a key the published set does not hold, under the same key id. */
  signer?: "school" | "stranger";
}

export class TestIdentity {
  /** How many times the service fetched the key set. */
  keySetFetches = 0;

  private constructor(
    private readonly school: KeyPair,
    private readonly stranger: KeyPair,
    private readonly server: Server,
    readonly kid: string,
  ) {}

  static async start(): Promise<TestIdentity> {
    const [school, stranger] = await Promise.all([generateKeyPair("RS256"), generateKeyPair("RS256")]);
    const kid = "school-key-1";
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(school.publicKey)), kid, alg: "RS256", use: "sig" }] });
    const holder: { identity?: TestIdentity } = {};
    const server = createServer((_req, res) => {
      holder.identity!.keySetFetches += 1;
      res.writeHead(200, { "content-type": "application/json" }).end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    holder.identity = new TestIdentity(school, stranger, server, kid);
    return holder.identity;
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/discovery/v2.0/keys`;
  }

  /** The settings that point the service at this identity provider. */
  env(): Record<string, string> {
    return { TAB_SSO_CLIENT_ID: TAB_CLIENT_ID, TAB_SSO_APP_ID_URI: TAB_APP_ID_URI, TAB_SSO_JWKS_URL: this.jwksUrl, MICROSOFT_APP_TENANT_ID: SCHOOL_TENANT };
  }

  /** A token for this person as Teams gets it for the tab, or, with `change`, a forgery or an expired one. */
  async token(objectId: string, change: TokenChange = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const v1 = change.version === "v1";
    const payload: JWTPayload = {
      aud: v1 ? TAB_APP_ID_URI : TAB_CLIENT_ID,
      iss: v1 ? `https://sts.windows.net/${SCHOOL_TENANT}/` : `https://login.microsoftonline.com/${SCHOOL_TENANT}/v2.0`,
      iat: now - 60,
      nbf: now - 60,
      exp: now + (change.expiresIn ?? 3600),
      oid: objectId,
      tid: SCHOOL_TENANT,
      sub: `sub-${objectId}`,
      scp: "access_as_user",
      ver: v1 ? "1.0" : "2.0",
      ...change.claims,
    };
    for (const [claim, value] of Object.entries(payload)) if (value === undefined) delete payload[claim];
    const key = change.signer === "stranger" ? this.stranger.privateKey : this.school.privateKey;
    return new SignJWT(payload).setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.kid }).sign(key);
  }

  /** `alg: none`: claims anyone could write. */
  unsigned(objectId: string): string {
    const now = Math.floor(Date.now() / 1000);
    return new UnsecuredJWT({ aud: TAB_CLIENT_ID, iss: `https://login.microsoftonline.com/${SCHOOL_TENANT}/v2.0`, oid: objectId, tid: SCHOOL_TENANT, exp: now + 3600 }).encode();
  }

  /** The old confusion attack: HS256 keyed with the school's public key, which anyone can download. */
  async hmacWithPublicKey(objectId: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const secret = new TextEncoder().encode(await exportSPKI(this.school.publicKey));
    return new SignJWT({ aud: TAB_CLIENT_ID, iss: `https://login.microsoftonline.com/${SCHOOL_TENANT}/v2.0`, oid: objectId, tid: SCHOOL_TENANT, exp: now + 3600 })
      .setProtectedHeader({ alg: "HS256", kid: this.kid })
      .sign(secret);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
