import { RestError } from "@azure/data-tables";

/**
 * The HTTP status of a Table Storage failure. Inside a transaction the SDK reports the failing
 * sub-request's status (412 for a stale ETag, 409 for an existing row), so one check serves both paths.
 */
function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : undefined;
}

export const isNotFound = (error: unknown): boolean => statusOf(error) === 404;

/** Another writer got there first: the row changed since it was read (412) or already exists (409). */
export const isWriteConflict = (error: unknown): boolean => {
  const status = statusOf(error);
  return status === 409 || status === 412;
};
