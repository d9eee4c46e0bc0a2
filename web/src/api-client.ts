import type { ApiError } from "../../src/http/tab-api/contract";

/** A call that did not succeed. `status` 0: no answer at all (the network, or the server is down). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  /** The server or the way to it failed, rather than refusing: worth trying again. */
  get isLostContact(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

/** Any error from a call as an ApiFailure: the API's own, or one thrown on the way (a bug, a broken response). */
export const asFailure = (error: unknown): ApiFailure => (error instanceof ApiFailure ? error : new ApiFailure(0, error instanceof Error ? error.message : String(error)));

/** The sentence to show for a failed call. */
export const failureText = (error: unknown): string => asFailure(error).message;

export type Poll<T> = { changed: false } | { changed: true; value: T; etag: string | undefined };

const BASE = "/tab/api";

/**
 * The service's JSON API, every call with the person's Teams single sign-on token; a client for one school names it
 * in every call (`?school=`), as the API asks of everything but /me.
 */
export class ApiClient {
  constructor(
    private readonly token: () => Promise<string>,
    private readonly school?: string,
  ) {}

  /** The same client, for calls about one school. */
  atSchool(schoolId: string): ApiClient {
    return new ApiClient(this.token, schoolId);
  }

  async get<T>(path: string): Promise<T> {
    return (await (await this.send(path, {})).json()) as T;
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    const init: RequestInit = body === undefined ? { method: "POST" } : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    return (await (await this.send(path, init)).json()) as T;
  }

  /** A GET that costs nothing when nothing changed since `etag`. */
  async poll<T>(path: string, etag: string | undefined): Promise<Poll<T>> {
    const res = await this.send(path, etag ? { headers: { "If-None-Match": etag } } : {});
    if (res.status === 304) return { changed: false };
    return { changed: true, value: (await res.json()) as T, etag: res.headers.get("ETag") ?? undefined };
  }

  /** A file the server sends as an attachment, with the name it gave it. */
  async download(path: string): Promise<{ blob: Blob; filename: string }> {
    const res = await this.send(path, {});
    const filename = /filename="([^"]+)"/.exec(res.headers.get("Content-Disposition") ?? "")?.[1] ?? "download";
    return { blob: await res.blob(), filename };
  }

  private async send(path: string, init: RequestInit): Promise<Response> {
    let token: string;
    try {
      token = await this.token();
    } catch (error) {
      throw new ApiFailure(401, `Teams could not sign you in: ${error instanceof Error ? error.message : String(error)}`);
    }
    let res: Response;
    try {
      // The board's freshness is the server's to judge (ETag), never a cache's.
      res = await fetch(this.url(path), { ...init, cache: "no-store", headers: { ...init.headers, Authorization: `Bearer ${token}` } });
    } catch {
      throw new ApiFailure(0, "No answer from the server.");
    }
    if (res.ok || res.status === 304) return res;
    const body = (await res.json().catch(() => undefined)) as Partial<ApiError> | undefined;
    throw new ApiFailure(res.status, body?.error ?? `The server answered ${res.status}.`);
  }

  private url(path: string): string {
    if (!this.school) return `${BASE}${path}`;
    return `${BASE}${path}${path.includes("?") ? "&" : "?"}school=${encodeURIComponent(this.school)}`;
  }
}
