/**
 * PartitionKey and RowKey may not hold '/', '\\', '#', '?' or control characters, and '%' causes trouble in
 * point-read URLs. Ids we do not mint (Teams conversation ids, card data) can hold any of them, so every
 * such key is encoded: readable characters stay, everything else becomes "~" and two hex digits per UTF-8
 * byte. "~" itself is always escaped, which keeps the encoding reversible.
 */
const KEPT = /^[A-Za-z0-9:;@._=-]$/;

export function encodeKey(value: string): string {
  let encoded = "";
  for (const character of value) {
    if (KEPT.test(character)) encoded += character;
    else for (const byte of Buffer.from(character, "utf8")) encoded += `~${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}

export function decodeKey(key: string): string {
  return decodeURIComponent(key.replace(/~/g, "%"));
}
