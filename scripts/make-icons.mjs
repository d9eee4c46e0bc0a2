// Draws the Teams app icons (a house with a tick: "home visit, all safe") and writes them as real PNGs,
// using nothing but node:zlib, so anyone can regenerate them and review the shape as code.
//
//   node scripts/make-icons.mjs            writes manifest/color.png (192x192) and manifest/outline.png (32x32)
//   node scripts/make-icons.mjs <dir>      writes them into <dir> instead
//
// Teams rules: the colour icon is 192x192 with the symbol inside the central safe area; the outline icon is
// 32x32, white on a transparent background (every pixel is white; only its alpha varies).
import { Buffer } from "node:buffer";
import { deflateSync } from "node:zlib";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ACCENT = [0x1e, 0x6b, 0x52]; // keep in step with manifest.json "accentColor"
const WHITE = [0xff, 0xff, 0xff];

/** The symbol as strokes in a unit square (x right, y down). */
const STROKES = [
  [[0.12, 0.5], [0.5, 0.16], [0.88, 0.5]], // roof
  [[0.24, 0.42], [0.24, 0.86], [0.76, 0.86], [0.76, 0.42]], // walls and floor
  [[0.37, 0.64], [0.47, 0.74], [0.64, 0.55]], // tick
];

function distanceToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function onStroke(x, y, halfWidth) {
  for (const line of STROKES) {
    for (let i = 1; i < line.length; i += 1) {
      if (distanceToSegment(x, y, line[i - 1], line[i]) <= halfWidth) return true;
    }
  }
  return false;
}

/** Fraction of the pixel the symbol covers, from 4x4 samples; the symbol is drawn into [inset, 1 - inset]. */
function coverage(size, px, py, inset, strokeWidth) {
  const samples = 4;
  const scale = 1 - 2 * inset;
  let hits = 0;
  for (let sy = 0; sy < samples; sy += 1) {
    for (let sx = 0; sx < samples; sx += 1) {
      const x = ((px + (sx + 0.5) / samples) / size - inset) / scale;
      const y = ((py + (sy + 0.5) / samples) / size - inset) / scale;
      if (onStroke(x, y, strokeWidth / 2)) hits += 1;
    }
  }
  return hits / (samples * samples);
}

/** RGBA pixels, row by row. */
function draw(size, { inset, strokeWidth, background }) {
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const c = coverage(size, x, y, inset, strokeWidth);
      const at = (y * size + x) * 4;
      if (background) {
        for (let i = 0; i < 3; i += 1) pixels[at + i] = Math.round(background[i] * (1 - c) + WHITE[i] * c);
        pixels[at + 3] = 255;
      } else {
        pixels.fill(255, at, at + 3);
        pixels[at + 3] = Math.round(255 * c);
      }
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA, non-interlaced PNG; every scanline uses filter 0 (none). */
function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y += 1) rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(process.argv[2] ?? path.join(here, "..", "manifest"));
mkdirSync(outDir, { recursive: true });

const icons = [
  // The symbol fills the central 120 px of 192, inside Teams' safe area.
  { file: "color.png", size: 192, inset: 36 / 192, strokeWidth: 0.08, background: ACCENT },
  { file: "outline.png", size: 32, inset: 1 / 32, strokeWidth: 0.08, background: undefined },
];
for (const icon of icons) {
  const target = path.join(outDir, icon.file);
  writeFileSync(target, encodePng(icon.size, draw(icon.size, icon)));
  console.log(`wrote ${target} (${icon.size}x${icon.size})`);
}
