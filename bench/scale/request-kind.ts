import type { ObservedRequest } from "../../src/storage/tables";

const ACCOUNT_REQUESTS: Readonly<Record<string, string>> = { GET: "tables list", POST: "table create", DELETE: "table delete" };

/** "visits point read", "due query", "transaction"…: what a storage request is, from its method and URL; a month's table by its family. */
export function requestKind({ method, url }: Pick<ObservedRequest, "method" | "url">, prefix: string): string {
  const path = decodeURIComponent(new URL(url).pathname).split("/").at(-1) ?? "";
  if (path === "$batch") return "transaction";
  // The account's own requests: listing, creating or deleting tables ("Tables", "Tables('visits202611')").
  if (/^Tables(\(|$)/.test(path)) return ACCOUNT_REQUESTS[method] ?? `tables ${method}`;
  const table = (/^[A-Za-z0-9]+/.exec(path)?.[0] ?? path).slice(prefix.length).replace(/^(visits|visitsbyday)\d{6}$/, "$1") || path;
  const keyed = /\(PartitionKey=/.test(path);
  if (method === "GET") return `${table} ${keyed ? "point read" : "query"}`;
  if (method === "DELETE") return `${table} delete`;
  if (method === "POST") return `${table} insert`;
  return `${table} ${method === "PUT" ? "upsert/replace" : "merge"}`;
}
