/**
 * What takes the place of a member of staff who has been erased: the safeguarding audit trail keeps every step it
 * recorded ("approved by", "resolved by"), but the person behind it becomes a stable pseudonym, the same on every
 * record of the school, that nothing held links back to them.
 */
import type { Actor } from "./visit";

/** A pseudonym from a random GUID (the shape the records' ids have): its first four hex digits tell former staff apart. */
export function pseudonymOf(randomGuid: string): Actor {
  return { id: randomGuid.toLowerCase(), name: `Former member of staff #${randomGuid.replace(/-/g, "").slice(0, 4).toLowerCase()}` };
}

/** Fields that name the person whose id sits in the same object. */
const NAME_FIELDS = ["name", "displayName"];

/**
 * The value with every mention of the person replaced: each string that is their id becomes the pseudonym's id,
 * and in any object that holds their id, its name fields become the pseudonym's name. Free text people wrote is
 * left as it was written.
 */
export function withPseudonym<T>(value: T, personId: string, pseudonym: Actor): T {
  const id = personId.toLowerCase();
  const walk = (node: unknown): unknown => {
    if (typeof node === "string") return node.toLowerCase() === id ? pseudonym.id : node;
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== "object" || node === null) return node;
    const entries = Object.entries(node);
    const names = entries.some(([, field]) => typeof field === "string" && field.toLowerCase() === id);
    return Object.fromEntries(entries.map(([key, field]) => [key, names && NAME_FIELDS.includes(key) && typeof field === "string" ? pseudonym.name : walk(field)]));
  };
  return walk(value) as T;
}

/** Text the app itself wrote with the person's name in it ("Visitors: added Alex Rivers."), with the pseudonym instead. */
export function textWithPseudonym(text: string, names: readonly string[], pseudonym: Actor): string {
  return names
    .filter((name) => name.trim().length > 0)
    .reduce((changed, name) => changed.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escape(name)}(?![\\p{L}\\p{N}])`, "gu"), pseudonym.name), text);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
