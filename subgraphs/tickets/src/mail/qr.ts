import { crc32 } from 'node:zlib';
import { BitWriter, countCopy, countLiteral, deflateTokens, MAX_COPY, MIN_COPY, startCounts } from './deflate.js';
import { qrSymbol } from './qr-symbol.js';

/**
 * Pixels per module, and the quiet zone in modules (the four the standard asks for): two modules
 * to a byte of a 1-bit row, and the quiet zone two whole bytes.
 */
const SCALE = 4;
const MARGIN = 4;

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
 * choice ~1.5 ms more. The first pixel row of each band (the top quiet zone, each module row,
 * the bottom quiet zone) is drawn; the band's other rows repeat it, written with PNG's Up filter
 * as all zeros.
 *
 * The zlib stream is written from that structure (`deflate.ts`) rather than by searching the
 * image for repeats: each drawn row's bytes as literals, the Up rows as copies of earlier ones,
 * in one block with Huffman codes made for it. A module row's bytes take four values, about two bits
 * each with those codes, where zlib (deflateSync, level 1) also spent longer matches on them.
 * zlib hashed all 13.6 kB of a ticket code's image, ~50 µs of CPU, with ~30 µs more to draw
 * that image and build the chunks, for a zlib stream of ~1.31 kB (level 4: ~1.26 kB at ~75 µs;
 * Z_RLE: ~1.31 kB at ~40 µs; a smaller window or memLevel was slower). Now the whole PNG takes
 * ~30 µs, its zlib stream ~1.03 kB, and it inflates to the same image, byte for byte.
 */
export function qrPng(code: string): Buffer {
  const { size, modules } = qrSymbol(code);
  const side = (size + 2 * MARGIN) * SCALE;
  const image = new ImageTokens(Math.ceil(side / 8));
  image.quietBand();
  for (let moduleRow = 0; moduleRow < size; moduleRow += 1) {
    image.moduleRow(modules, moduleRow * size, size);
    image.upRows(SCALE - 1);
  }
  image.quietBand();
  return png(side, image);
}

/** The largest symbol (version 40) and its image's row, in bytes. */
const MAX_SIZE = 177;
const MAX_ROW_BYTES = Math.ceil(((MAX_SIZE + 2 * MARGIN) * SCALE) / 8);

/** The quiet zone's bytes at the start of a row. */
const QUIET_BYTES = (MARGIN * SCALE) / 8;
/** A byte of two modules, by the pair (first << 1 | second; 1 dark): white (bit 1) but where dark. */
const MODULE_PAIR_BYTE = Uint8Array.of(0xff, 0xf0, 0x0f, 0x00);

const ADLER_MODULUS = 65521;

/**
 * The raw image (each pixel row after its filter byte) as deflate tokens, band by band, with the
 * count of each literal/length and distance symbol they take and the image's Adler-32 (reduced
 * once a band: no band adds 2^31). A token is a literal byte (below 256) or a copy,
 * length << 16 | distance. Images are written one at a time: the tokens and counts go to arrays
 * kept for all.
 */
class ImageTokens {
  static readonly tokens = new Int32Array((MAX_SIZE + 2) * (MAX_ROW_BYTES + 8));
  count = 0;
  private adlerA = 1;
  private adlerB = 0;
  /** Up rows in the band before this one (0 before the first band). */
  private upRowsBefore = 0;

  constructor(readonly rowBytes: number) {
    startCounts();
  }

  get adler32(): number {
    return ((this.adlerB << 16) | this.adlerA) >>> 0;
  }

  /** A band of the quiet zone: a white row, then the rest of the band's rows repeating it. */
  quietBand(): void {
    this.literal(FILTER_NONE);
    this.literal(0xff);
    this.copy(this.rowBytes - 1, 1);
    this.checksum(FILTER_NONE, 1);
    this.checksum(0xff, this.rowBytes);
    this.upRows(MARGIN * SCALE - 1);
  }

  /**
   * A module row drawn in full, its bytes as literals: the quiet zone's white either side, two
   * modules a byte between, each byte looked up from its pair (no branch on a module, which
   * would mispredict often). `first` is the row's first module in `modules`. The pairs are
   * counted in four 8-bit lanes of one number (a row has fewer than 256 bytes), not in the
   * literals' counts: nearly every byte is one of four values, and each count there waited on
   * the one before to the same entry.
   */
  moduleRow(modules: Uint8Array, first: number, size: number): void {
    const { tokens } = ImageTokens;
    let { count, adlerA: a, adlerB: b } = this;
    tokens[count] = FILTER_NONE;
    count += 1;
    b += a;
    let pairs = 0;
    const end = first + size;
    for (let at = 0, column = first - 2 * QUIET_BYTES; at < this.rowBytes; at += 1, column += 2, count += 1) {
      let pair = 0;
      if (column >= first && column < end)
        pair = (modules[column]! << 1) | (column + 1 < end ? modules[column + 1]! : 0);
      pairs += 1 << (pair << 3);
      const byte = MODULE_PAIR_BYTE[pair]!;
      tokens[count] = byte;
      a += byte;
      b += a;
    }
    countLiteral(FILTER_NONE, 1);
    for (let pair = 0; pair < 4; pair += 1) countLiteral(MODULE_PAIR_BYTE[pair]!, (pairs >>> (pair << 3)) & 0xff);
    this.count = count;
    this.adlerA = a % ADLER_MODULUS;
    this.adlerB = b % ADLER_MODULUS;
  }

  /**
   * `rows` Up rows (the filter byte, then zeros): as many as the band before had, copied from its
   * Up rows, any more from the row just before. The first band's first Up row, with none before
   * it, is its filter byte and a run of zeros.
   */
  upRows(rows: number): void {
    const stride = this.rowBytes + 1;
    let left = rows;
    if (this.upRowsBefore === 0) {
      this.literal(FILTER_UP);
      this.literal(0);
      this.copy(this.rowBytes - 1, 1);
      left -= 1;
    } else {
      const copied = Math.min(left, this.upRowsBefore);
      this.copy(copied * stride, (this.upRowsBefore + 1) * stride);
      left -= copied;
    }
    if (left > 0) this.copy(left * stride, stride);
    for (let row = 0; row < rows; row += 1) {
      this.checksum(FILTER_UP, 1);
      this.checksum(0, this.rowBytes);
    }
    this.adlerA %= ADLER_MODULUS;
    this.adlerB %= ADLER_MODULUS;
    this.upRowsBefore = rows;
  }

  private literal(byte: number): void {
    ImageTokens.tokens[this.count] = byte;
    this.count += 1;
    countLiteral(byte, 1);
  }

  /** A copy of `length` bytes from `distance` back, in pieces deflate can code (none under three bytes). */
  private copy(length: number, distance: number): void {
    for (let left = length; left > 0;) {
      const piece = left <= MAX_COPY ? left : Math.min(MAX_COPY, left - MIN_COPY);
      ImageTokens.tokens[this.count] = (piece << 16) | distance;
      this.count += 1;
      countCopy(piece, distance);
      left -= piece;
    }
  }

  /** Adler-32 sums of `length` (at most a row's) bytes of `value`, added at once and not yet reduced. */
  private checksum(value: number, length: number): void {
    const a = this.adlerA;
    this.adlerB += length * a + value * ((length * (length + 1)) >> 1);
    this.adlerA = a + value * length;
  }
}

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** zlib's header: deflate with a 32 kB window (the copies reach back ~1.5 kB at most), and its check bits. */
const ZLIB_HEADER = Uint8Array.of(0x78, 0x01);
/** Signature, IHDR (13 bytes of data) and IDAT's length and type: where the zlib stream starts. */
const IDAT_DATA = 8 + 12 + 13 + 8;
/**
 * The code lengths' bytes at most: the block header and the three counts (17 bits), the code
 * length code (19 × 3 bits), then a symbol and its extra bits (7 + 7 at most) for each of up to
 * 286 + 30 lengths.
 */
const CODE_LENGTHS_BYTES = Math.ceil((17 + 19 * 3 + (286 + 30) * 14) / 8);
/** Room besides the tokens: the chunks, the zlib header and checksum, the code lengths. */
const PNG_OVERHEAD = IDAT_DATA + 2 + 4 + 4 + 12 + CODE_LENGTHS_BYTES;
/** A token's bytes at most: a length code and its extra bits, a distance code and its extra bits. */
const MAX_TOKEN_BYTES = 6;

/** Where each PNG is written before it is copied out, grown to the largest yet. */
let pngBytes = new Uint8Array(0);

/** The PNG: signature, IHDR (1-bit grayscale, `side` pixels square), IDAT (the zlib stream), IEND. */
function png(side: number, image: ImageTokens): Buffer {
  const room = PNG_OVERHEAD + image.count * MAX_TOKEN_BYTES;
  if (pngBytes.length < room) pngBytes = new Uint8Array(room);
  const bytes = pngBytes;
  const view = new DataView(bytes.buffer);
  bytes.set(PNG_SIGNATURE, 0);
  view.setUint32(8, 13);
  writeType(bytes, 12, 'IHDR');
  view.setUint32(16, side);
  view.setUint32(20, side);
  bytes[24] = 1; // bit depth
  bytes[25] = 0; // grayscale
  bytes.fill(0, 26, 29); // compression, filter method and interlace: 0
  view.setUint32(29, crc32(bytes.subarray(12, 29)));
  writeType(bytes, IDAT_DATA - 4, 'IDAT');
  bytes.set(ZLIB_HEADER, IDAT_DATA);
  const out = new BitWriter(bytes, IDAT_DATA + ZLIB_HEADER.length);
  deflateTokens(ImageTokens.tokens, image.count, out);
  out.flush();
  view.setUint32(out.at, image.adler32);
  const end = out.at + 4;
  view.setUint32(IDAT_DATA - 8, end - IDAT_DATA);
  view.setUint32(end, crc32(bytes.subarray(IDAT_DATA - 4, end)));
  view.setUint32(end + 4, 0);
  writeType(bytes, end + 8, 'IEND');
  view.setUint32(end + 12, crc32(bytes.subarray(end + 8, end + 12)));
  return Buffer.from(bytes.subarray(0, end + 16));
}

function writeType(bytes: Uint8Array, at: number, type: string): void {
  for (let i = 0; i < 4; i += 1) bytes[at + i] = type.charCodeAt(i);
}
