/**
 * A string property holds at most 64 KiB (32K UTF-16 code units), and a visit's free text (risks, notes,
 * reasons) has no hard cap upstream. So JSON is spread over the columns json, json1, json2... and joined on
 * read; an entity still holds up to 1 MiB.
 */
const CHUNK = 30_000;
const COLUMN = "json";

export function toJsonColumns(value: object): Record<string, string> {
  const text = JSON.stringify(value);
  const columns: Record<string, string> = {};
  for (let start = 0, index = 0; start < text.length; index++) {
    let end = Math.min(start + CHUNK, text.length);
    // Never split a surrogate pair: each half alone is not valid UTF-16 and would not survive the wire.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end--;
    columns[index === 0 ? COLUMN : `${COLUMN}${index}`] = text.slice(start, end);
    start = end;
  }
  return columns;
}

export function fromJsonColumns(entity: Readonly<Record<string, unknown>>): unknown {
  let text = "";
  for (let index = 0; ; index++) {
    const part = entity[index === 0 ? COLUMN : `${COLUMN}${index}`];
    if (typeof part !== "string") break;
    text += part;
  }
  return JSON.parse(text);
}
