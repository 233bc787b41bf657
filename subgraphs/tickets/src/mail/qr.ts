import { crc32, deflateSync } from 'node:zlib';
import { qrSymbol } from './qr-symbol.js';

/**
 * Pixels per module, and the quiet zone in modules (the four the standard asks for). SCALE
 * divides 8, so each module's pixels lie within one byte of a 1-bit row.
 */
const SCALE = 4;
const MARGIN = 4;
const MODULE_PIXELS = (0xff << (8 - SCALE)) & 0xff;

/**
 * zlib level 1. Each module row is drawn in one pixel row and repeated SCALE - 1 times, and
 * every repeat (and every row of the quiet zone after its first) is written with PNG's Up
 * filter: all zeros, which any level compresses to almost nothing. The modules themselves
 * barely compress, so searching harder buys little: for a ticket code (~350 characters) level 1
 * gives ~1.31 kB at ~50 µs of CPU, level 4 ~1.26 kB at ~75 µs, and level 4 without the filter
 * (as before) ~1.25 kB at ~95 µs. The image is the same at every level, and this runs for every
 * ticket sold.
 */
const DEFLATE_LEVEL = 1;

/** PNG row filters (RFC 2083 §6): the row as it is, and the row as its difference from the one above. */
const FILTER_NONE = 0;
const FILTER_UP = 2;

/**
 * A ticket code as a PNG QR code, for the email's inline image. Error correction M and a
 * four-module quiet zone: inspectors scan from phone screens and printouts alike.
 *
 * The code is base64url text, one byte-mode segment (no search for a cheaper mix of modes),
 * and the image a 1-bit grayscale PNG written here: rendering through the library's RGBA
 * encoder, which tries every row filter, cost ~12 ms of CPU per ticket, the library's own mask
 * choice ~1.5 ms more; the symbol (see qrSymbol) and this image now take ~0.17 ms together.
 */
export function qrPng(code: string): Buffer {
  const { size, modules } = qrSymbol(code);
  const side = (size + 2 * MARGIN) * SCALE;
  const rowBytes = Math.ceil(side / 8);
  const stride = rowBytes + 1;
  // Zeros: every row is, unless drawn below, an Up-filtered copy of the row above it.
  const raw = Buffer.alloc(stride * side);
  for (let y = 0; y < side; y += 1) raw[y * stride] = FILTER_UP;
  // Drawn in full: the first row of each band (the top quiet zone, each module row, the bottom
  // quiet zone), white (bit 1) where no module darkens it.
  const drawnRow = (y: number): number => {
    const at = y * stride;
    raw[at] = FILTER_NONE;
    raw.fill(0xff, at + 1, at + stride);
    return at;
  };
  drawnRow(0);
  drawnRow((size + MARGIN) * SCALE);
  for (let moduleRow = 0; moduleRow < size; moduleRow += 1) {
    const first = drawnRow((moduleRow + MARGIN) * SCALE);
    for (let moduleColumn = 0, x = MARGIN * SCALE; moduleColumn < size; moduleColumn += 1, x += SCALE) {
      // Dark clears the module's bits; no branch on the module, which would mispredict often.
      const at = first + 1 + (x >> 3);
      raw[at] = raw[at]! & ~(modules[moduleRow * size + moduleColumn]! * (MODULE_PIXELS >> (x & 7)));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // grayscale
  // compression, filter method and interlace: 0
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: DEFLATE_LEVEL })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE(crc32(typed), 8 + data.length);
  return out;
}
