/**
 * Seeded randomness and the hostile values the fuzzer sends. Everything here is a pure function of the seed, so a
 * run can be repeated exactly (FUZZ_SEED).
 */

export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [0, max). */
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** mulberry32: 32 bits of state, fast, and good enough to spread test inputs. */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  return { next, int, pick: (items) => items[int(items.length)]!, chance: (probability) => next() < probability };
}

/** The randomness of request `index` of a run: the same whatever order concurrent requests are made in. */
export function randomFor(seed: number, index: number): Random {
  return seeded(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
}

/** Text that has broken parsers, queries, templates and logs elsewhere. All fictional. */
const NASTY_STRINGS = [
  "",
  " ",
  "\u0000",
  "\u202eevil\u202c",
  "\u200b\u200d\ufeff",
  "😀👩‍👩‍👧‍👦",
  "\ud800",
  "\udc00\ud800",
  "e\u0301\u0302\u0303",
  "İıŞßﬃ",
  "' or 1 eq 1 or PartitionKey ne '",
  "PartitionKey eq 'visits' and RowKey ge ''",
  "'); DROP TABLE visits;--",
  "a:x'or'1'eq'1",
  "19:x'),PartitionKey%20ne%20('@thread.tacv2",
  '" OR ""="',
  "<script>alert(1)</script>",
  "<at>Home Visits</at>",
  "{{$root.secret}}",
  "${process.exit(1)}",
  "../../../etc/passwd",
  "%00%2e%2e%2f",
  "\r\nX-Injected: yes",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "0x1F",
  "2026-02-30",
  "9999-12-31",
  "0000-00-00",
  "25:61",
  "A0",
  "A-1",
  "A99999999999999999999",
  '=HYPERLINK("http://example.invalid","x")',
  "+44 7700 900123",
  "bluebell",
  "BLUEBELL!!!",
];

const ALPHABETS = ["abcdefghijklmnopqrstuvwxyz ", "<>&'\"/\\;,.-", " \t\n\r\u00a0\u2003", "0123456789-:", "éßüøåæçñ漢字😀\u0301\u202e", ",,,,    "];

/** A string of `length` characters from one alphabet, or a run of one character (the worst case of many parsers). */
export function randomString(random: Random, length: number): string {
  const alphabet = [...random.pick(ALPHABETS)];
  if (random.chance(0.3)) return random.pick(alphabet).repeat(length);
  let text = "";
  for (let i = 0; i < length; i++) text += random.pick(alphabet);
  return text;
}

/** Mostly short, sometimes as long as a card input or a message could be, now and then 100 kB; never over `max`. */
export function hostileString(random: Random, max = 100_000): string {
  const roll = random.next();
  if (roll < 0.45) return random.pick(NASTY_STRINGS).slice(0, max);
  if (roll < 0.8) return randomString(random, random.int(Math.min(64, max)));
  if (roll < 0.97) return randomString(random, Math.min(max, 1000 + random.int(30_000)));
  return randomString(random, max);
}

/** Objects that would pollute Object.prototype if merged carelessly: the keys survive JSON.parse as own keys. */
const POLLUTERS = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"__proto__":{"toString":"not a function"},"hasOwnProperty":1}',
];

/** Nested `depth` deep: objects or arrays. */
export function nested(depth: number, arrays: boolean): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
}

/** Anything JSON can carry that a field may not expect: wrong types, odd numbers, huge or hostile text, deep nesting. */
export function hostileValue(random: Random, depth = 0): unknown {
  const roll = random.int(12);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return random.pick([0, -1, 1.5, 2 ** 53 + 2, 1e308, -1e308, 5e-324]);
    case 2:
      return random.chance(0.5);
    case 3:
      return JSON.parse(random.pick(POLLUTERS)) as unknown;
    case 4:
      return nested(random.pick([2, 50, 2000]), random.chance(0.5));
    case 5:
      return depth < 3 ? Array.from({ length: random.int(5) }, () => hostileValue(random, depth + 1)) : [];
    case 6:
      return depth < 3 ? Object.fromEntries(Array.from({ length: random.int(5) }, () => [hostileString(random, 40), hostileValue(random, depth + 1)])) : {};
    default:
      return hostileString(random);
  }
}
