import { randomBytes, randomInt } from 'node:crypto';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrPng } from '../src/mail/qr.js';

/**
 * The emails' QR code images: qrPng writes its own zlib stream, from the image's structure, so
 * each PNG must be well formed chunk by chunk and inflate to exactly the raw image of the
 * library's symbol (every module row drawn once, repeated by Up-filtered rows), for symbols of
 * every size, in fewer bytes than zlib made of that image.
 */

const SCALE = 4;
const MARGIN = 4;
const FILTER_NONE = 0;
const FILTER_UP = 2;

/** The library's symbol for a code, as qrPng encodes it. */
const librarySymbol = (code: string) =>
  QRCode.create([{ data: Buffer.from(code, 'latin1'), mode: 'byte' }], { errorCorrectionLevel: 'M' }).modules;

/**
 * The raw image (filter byte, then 1-bit pixels, white 1) of a symbol: the first row of each
 * band (quiet zone, module row, quiet zone) unfiltered, the rest Up-filtered, all zeros.
 */
function rawImage(modules: QRCode.BitMatrix): Buffer {
  const side = (modules.size + 2 * MARGIN) * SCALE;
  const stride = Math.ceil(side / 8) + 1;
  const raw = Buffer.alloc(stride * side);
  for (let y = 0; y < side; y += 1) {
    const band = Math.floor(y / SCALE) - MARGIN;
    const top =
      y === 0 || y === (modules.size + MARGIN) * SCALE || (band >= 0 && band < modules.size && y % SCALE === 0);
    if (!top) {
      raw[y * stride] = FILTER_UP;
      continue;
    }
    raw[y * stride] = FILTER_NONE;
    raw.fill(0xff, y * stride + 1, (y + 1) * stride);
    if (band < 0 || band >= modules.size) continue;
    for (let col = 0; col < modules.size; col += 1)
      for (let x = (col + MARGIN) * SCALE; x < (col + MARGIN + 1) * SCALE; x += 1)
        if (modules.get(band, col)) raw[y * stride + 1 + (x >> 3)]! &= ~(0x80 >> (x & 7));
  }
  return raw;
}

interface Chunk {
  type: string;
  data: Buffer;
}

/** The PNG's chunks after its signature, each checked against its CRC. */
function chunksOf(png: Buffer): Chunk[] {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const chunks: Chunk[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const typed = png.subarray(at + 4, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(typed));
    chunks.push({ type: typed.subarray(0, 4).toString('latin1'), data: typed.subarray(4) });
    at += 12 + length;
  }
  return chunks;
}

/** base64url text of every length a QR code at M holds (versions 1 to 40), some at the limits. */
const anyLengthCodes = (count: number) =>
  [0, 1, 14, 15, 2331, ...Array.from({ length: count - 5 }, () => randomInt(0, 2332))].map((length) =>
    randomBytes(1750).toString('base64url').slice(0, length),
  );

/** Ticket codes' length: ES256 JWS of a few hundred characters (version 14). */
const ticketLengthCodes = (count: number) =>
  Array.from({ length: count }, () => randomBytes(260).toString('base64url'));

describe('QR code images for the emails', () => {
  it('are PNGs of IHDR, one IDAT and IEND that inflate to exactly the image of the library symbol, versions 1 to 40', () => {
    const versions = new Set<number>();
    for (const code of [...anyLengthCodes(300), ...ticketLengthCodes(100)]) {
      const modules = librarySymbol(code);
      versions.add((modules.size - 17) / 4);
      const side = (modules.size + 2 * MARGIN) * SCALE;
      const chunks = chunksOf(qrPng(code));
      expect(chunks.map(({ type }) => type)).toEqual(['IHDR', 'IDAT', 'IEND']);
      const [header, data, end] = chunks as [Chunk, Chunk, Chunk];
      // Width, height, bit depth 1, grayscale, compression, filter method and interlace 0.
      const expectedHeader = Buffer.alloc(13);
      expectedHeader.writeUInt32BE(side, 0);
      expectedHeader.writeUInt32BE(side, 4);
      expectedHeader[8] = 1;
      expect(header.data.equals(expectedHeader)).toBe(true);
      expect(end.data.length).toBe(0);
      // zlib's header for deflate with a 32 kB window; inflateSync checks the stream's Adler-32.
      expect((data.data[0]! << 8) | data.data[1]!).toBe(0x7801);
      expect(inflateSync(data.data).equals(rawImage(modules)), `${code.length} characters`).toBe(true);
    }
    expect(versions).toContain(1);
    expect(versions).toContain(40);
    expect(versions.size).toBeGreaterThan(30);
  }, 120_000);

  it('decode with another reader to exactly the modules, for the largest and smallest symbols', () => {
    for (const code of ['', 'A'.repeat(2331), ...anyLengthCodes(12)]) {
      const modules = librarySymbol(code);
      const image = PNG.sync.read(qrPng(code));
      const wrong: string[] = [];
      for (let y = 0; y < image.height; y += 1)
        for (let x = 0; x < image.width; x += 1) {
          const row = Math.floor(y / SCALE) - MARGIN;
          const col = Math.floor(x / SCALE) - MARGIN;
          const inside = row >= 0 && row < modules.size && col >= 0 && col < modules.size;
          const expected = inside && modules.get(row, col) ? 0 : 255;
          if (image.data[(y * image.width + x) * 4] !== expected) wrong.push(`${x},${y}`);
        }
      expect(wrong.slice(0, 5), `${code.length} characters`).toEqual([]);
    }
  }, 120_000);

  it('take at most a few bytes more than zlib made of the same image, and a fifth fewer for ticket codes', () => {
    const sizes = (codes: string[]) =>
      codes.map((code) => ({
        written: chunksOf(qrPng(code))[1]!.data.length,
        zlib: deflateSync(rawImage(librarySymbol(code)), { level: 1 }).length,
      }));
    // A tiny symbol's image is a couple of hundred bytes either way, and the two can differ by a
    // few in either direction (161 against 159 was seen); never by more than 5 %.
    for (const { written, zlib } of sizes(anyLengthCodes(60))) expect(written).toBeLessThanOrEqual(zlib * 1.05);
    const tickets = sizes(ticketLengthCodes(50));
    const total = (key: 'written' | 'zlib') => tickets.reduce((sum, size) => sum + size[key], 0);
    expect(total('written')).toBeLessThan(0.85 * total('zlib'));
  }, 120_000);

  it('are each their own buffer: a later image leaves an earlier one as it was', () => {
    const [first, second] = ticketLengthCodes(2) as [string, string];
    const firstImage = qrPng(first);
    const copy = Buffer.from(firstImage);
    qrPng(second);
    qrPng('A'.repeat(2331));
    expect(firstImage.equals(copy)).toBe(true);
    expect(firstImage.equals(qrPng(first))).toBe(true);
  });
});
