import { encodeQr, FORMAT_BITS_M, formatColumn, formatRow, type QrMatrix } from './qr-encode.js';

/** ISO 18004's eight data mask patterns. */
export type MaskPattern = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * A QR code's modules, row by row, one byte each (1 dark, 0 light), the mask pattern it is
 * drawn with and that mask's penalty score.
 */
export interface QrSymbol {
  size: number;
  modules: Uint8Array;
  maskPattern: MaskPattern;
  penalty: number;
}

/**
 * The QR code of a ticket code (error correction M, one byte-mode segment, the code's
 * characters as Latin-1 bytes): exactly the symbol the qrcode library's `QRCode.create` makes,
 * the same version, the same mask and the same modules, for a fraction of the CPU.
 *
 * The symbol is drawn with mask 0 by `encodeQr` (the library built it a bit at a time and spent
 * most of its time dividing polynomials), then the mask is chosen by `maskedSymbol`.
 *
 * With `maskPattern`, that mask rather than the best (as the library's option of that name).
 * Throws, as the library does, for a code too long for any QR code.
 */
export function qrSymbol(code: string, maskPattern?: MaskPattern): QrSymbol {
  checkMaskPattern(maskPattern);
  // encodeQr's modules are this code's alone: the chosen mask is applied to them in place.
  return withBestMask(encodeQr(Buffer.from(code, 'latin1')), maskPattern, true);
}

/**
 * The symbol with the library's choice of mask (or `maskPattern`) of a QR code drawn with mask 0
 * and mask 0's format information, whichever encoder drew it: `encodeQr`'s, or the library's
 * `modules` as `{ size, modules: data, reserved: reservedBit }` (one byte a module, 0 or 1). When
 * mask 0 is the one, the symbol's modules are `matrix.modules` itself.
 *
 * The library chooses the mask by applying each of the eight patterns to its matrix and scoring
 * it with the four penalty rules of ISO 18004 through a method call per module read, which was
 * nine tenths of the work for every ticket sold. Here the symbol is packed into bits by row and
 * by column once, and each candidate is that XOR a per-size table, scored 32 modules at a time.
 * The scoring follows the library's `getBestMask` and `getPenaltyN1`..`N4` rather than the
 * standard's text where they differ (N3 looks for the 1:1:3:1:1 pattern with four light modules
 * on one side within the symbol only; each candidate is scored with its own format information;
 * the first lowest score wins), since the same codes must come out.
 */
export function maskedSymbol(
  matrix: Pick<QrMatrix, 'size' | 'modules' | 'reserved'>,
  maskPattern?: MaskPattern,
): QrSymbol {
  checkMaskPattern(maskPattern);
  return withBestMask(matrix, maskPattern, false);
}

/** maskedSymbol, drawing the chosen mask over `matrix.modules` itself where `inPlace`. */
function withBestMask(
  matrix: Pick<QrMatrix, 'size' | 'modules' | 'reserved'>,
  maskPattern: MaskPattern | undefined,
  inPlace: boolean,
): QrSymbol {
  const { size, modules: data } = matrix;
  const layout = layoutOf(size, matrix.reserved);
  const { rows, columns } = layout;
  packLines(data, layout, rows, columns);
  let best: MaskPattern = 0;
  let lowest = Infinity;
  for (const pattern of maskPattern === undefined ? MASKS : [maskPattern]) {
    const score = penalty(rows, columns, pattern, layout);
    if (score < lowest) {
      lowest = score;
      best = pattern;
    }
  }
  if (best === 0) return { size, modules: data, maskPattern: 0, penalty: lowest };
  const modules = inPlace ? data : new Uint8Array(data.length);
  applyDelta(data, layout.moduleDelta[best]!, modules);
  return { size, modules, maskPattern: best, penalty: lowest };
}

/**
 * `modules` XOR `delta` into `out` (which may be `modules`): four modules at a time where both
 * are aligned for it (the delta always is). For a ticket code, a byte at a time into a new array
 * took ~11 µs; four at a time ~3 µs, and in place ~2 µs.
 */
function applyDelta(modules: Uint8Array, delta: Uint8Array, out: Uint8Array): void {
  let at = 0;
  if (modules.byteOffset % 4 === 0 && out.byteOffset % 4 === 0) {
    const quads = modules.length >> 2;
    const from = new Int32Array(modules.buffer, modules.byteOffset, quads);
    const by = new Int32Array(delta.buffer, delta.byteOffset, quads);
    const to = new Int32Array(out.buffer, out.byteOffset, quads);
    for (let quad = 0; quad < quads; quad += 1) to[quad] = from[quad]! ^ by[quad]!;
    at = quads * 4;
  }
  for (; at < modules.length; at += 1) out[at] = modules[at]! ^ delta[at]!;
}

function checkMaskPattern(maskPattern: MaskPattern | undefined): void {
  if (maskPattern !== undefined && !MASKS.includes(maskPattern))
    throw new RangeError(`No QR mask pattern ${String(maskPattern)}: they are 0 to 7`);
}

const MASK_PATTERNS = 8;
/** In the library's order: on equal scores the first wins. */
const MASKS: readonly MaskPattern[] = [0, 1, 2, 3, 4, 5, 6, 7];

/** ISO 18004's penalty weights, as the library applies them; N1's (3) is worked into wordPoints' single count. */
const N2 = 3;
const N3 = 40;
const N4 = 10;

/**
 * How a line (a row or a column) is packed: word w holds its modules 22w to 22w + 31, module i
 * at bit i - 22w. Consecutive words overlap by ten modules, as many as the longest window the
 * rules look at (eleven modules, for N3) less the one it ends on, so every window ending in a
 * word lies wholly inside it: each word is scored alone, with no bits carried in from the one
 * before, and counts only the windows ending on its fresh modules (those the word before does
 * not end on). Three words still hold a ticket code's 73-module lines.
 */
const STEP = 22;
const WORD = 32;

/** Lines packed this way for a symbol of `size` modules a side: ceil((size - 10) / 22), at least 1. */
const wordsPerLine = (size: number): number => Math.max(1, Math.ceil((size - (WORD - STEP)) / STEP));

/**
 * What every symbol of one size shares. The modules each pattern changes relative to mask 0
 * (data modules where the two patterns differ, and format information bits), one byte per module
 * and packed by row and by column: the reserved modules depend on the version alone, and the
 * version on the size, so one table serves every code of that size. `fresh` holds each word's
 * fresh modules inside the line and `finderEnds` those of them at least ten into the line (where
 * an N3 window can end). `rows` and `columns` hold the symbol being scored: codes are scored one
 * at a time.
 */
interface Layout {
  size: number;
  words: number;
  moduleDelta: Uint8Array[];
  rowDelta: Int32Array[];
  columnDelta: Int32Array[];
  fresh: Int32Array;
  finderEnds: Int32Array;
  rows: Int32Array;
  columns: Int32Array;
}

const layouts = new Map<number, Layout>();

function layoutOf(size: number, reserved: Uint8Array): Layout {
  const known = layouts.get(size);
  if (known) return known;
  const words = wordsPerLine(size);
  const fresh = new Int32Array(words);
  const finderEnds = new Int32Array(words);
  for (let word = 0; word < words; word += 1)
    for (let bit = word === 0 ? 0 : WORD - STEP; bit < WORD && word * STEP + bit < size; bit += 1) {
      fresh[word]! |= 1 << bit;
      if (word * STEP + bit >= 10) finderEnds[word]! |= 1 << bit;
    }
  const layout: Layout = {
    size,
    words,
    moduleDelta: [],
    rowDelta: [],
    columnDelta: [],
    fresh,
    finderEnds,
    rows: new Int32Array(size * words),
    columns: new Int32Array(size * words),
  };
  const formatCells: number[] = [];
  // Where format bit i is drawn, beside column 8 then beside row 8.
  for (let i = 0; i < 15; i += 1) formatCells.push(formatRow(size, i) * size + 8);
  for (let i = 0; i < 15; i += 1) formatCells.push(8 * size + formatColumn(size, i));
  for (let pattern = 0; pattern < MASK_PATTERNS; pattern += 1) {
    const delta = new Uint8Array(size * size);
    for (let row = 0; row < size; row += 1)
      for (let col = 0; col < size; col += 1) {
        const at = row * size + col;
        if (!reserved[at] && maskAt(0, row, col) !== maskAt(pattern, row, col)) delta[at] = 1;
      }
    const formatChange = FORMAT_BITS_M[0]! ^ FORMAT_BITS_M[pattern]!;
    formatCells.forEach((at, index) => {
      delta[at] = (formatChange >> (index % 15)) & 1;
    });
    const rowDelta = new Int32Array(size * words);
    const columnDelta = new Int32Array(size * words);
    packLines(delta, layout, rowDelta, columnDelta);
    layout.moduleDelta.push(delta);
    layout.rowDelta.push(rowDelta);
    layout.columnDelta.push(columnDelta);
  }
  layouts.set(size, layout);
  return layout;
}

/** Whether mask pattern p inverts the module at (row, col), as the library's getMaskAt. */
function maskAt(pattern: number, row: number, col: number): boolean {
  switch (pattern) {
    case 0:
      return (row + col) % 2 === 0;
    case 1:
      return row % 2 === 0;
    case 2:
      return col % 3 === 0;
    case 3:
      return (row + col) % 3 === 0;
    case 4:
      return (Math.floor(row / 2) + Math.floor(col / 3)) % 2 === 0;
    case 5:
      return ((row * col) % 2) + ((row * col) % 3) === 0;
    case 6:
      return (((row * col) % 2) + ((row * col) % 3)) % 2 === 0;
    default:
      return (((row * col) % 3) + ((row + col) % 2)) % 2 === 0;
  }
}

/** The largest symbol (version 40) a bit a module, with room for reading two words past its last. */
const stream = new Int32Array(((177 * 177) >> 5) + 3);
/** One 32 × 32 block of modules on its way from rows to columns. */
const block = new Int32Array(WORD);

/**
 * Packs a matrix of one byte a module (0 or 1) by row and by column. The modules are first
 * packed in reading order, a bit each; each row's words are cut from that stream, and the
 * columns are the rows transposed 32 × 32 modules at a time. Setting each module's bit in its
 * row's and its column's word, as before, took ~15 µs for a ticket code's 5,329 modules; this
 * takes ~4 µs.
 */
function packLines(modules: Uint8Array, layout: Layout, rows: Int32Array, columns: Int32Array): void {
  const { size, words } = layout;
  packStream(modules, size * size);
  for (let row = 0, at = 0; row < size; row += 1)
    for (let word = 0; word < words; word += 1, at += 1) rows[at] = streamWord(row * size + word * STEP);
  // Rows 22v to 22v + 31 of 32 columns, transposed: word v of each of those columns.
  for (let word = 0; word < words; word += 1)
    for (let left = 0; left < size; left += WORD) {
      for (let j = 0, row = word * STEP; j < WORD; j += 1, row += 1)
        block[j] = row < size ? streamWord(row * size + left) : 0;
      transpose32(block);
      for (let i = 0; i < WORD && left + i < size; i += 1) columns[(left + i) * words + word] = block[i]!;
    }
}

/**
 * Module i of `modules` at bit i % 32 of `stream` word i / 32, and the words after the last
 * zero. Four bytes of 0 or 1 read as one little-endian word make their four bits with one
 * multiplication (byte k's bit lands at bit 24 + k, and no two partial products meet), where
 * the array is aligned for such reads (encodeQr's and the library's always are).
 */
function packStream(modules: Uint8Array, count: number): void {
  const full = count >> 5;
  stream.fill(0, 0, full + 3);
  let at = 0;
  if (modules.byteOffset % 4 === 0) {
    const quads = new Int32Array(modules.buffer, modules.byteOffset, full * 8);
    for (let word = 0, quad = 0; word < full; word += 1, quad += 8) {
      stream[word] =
        nibble(quads[quad]!) |
        (nibble(quads[quad + 1]!) << 4) |
        (nibble(quads[quad + 2]!) << 8) |
        (nibble(quads[quad + 3]!) << 12) |
        (nibble(quads[quad + 4]!) << 16) |
        (nibble(quads[quad + 5]!) << 20) |
        (nibble(quads[quad + 6]!) << 24) |
        (nibble(quads[quad + 7]!) << 28);
    }
    at = full * WORD;
  }
  for (; at < count; at += 1) stream[at >> 5]! |= modules[at]! << (at & 31);
}

const nibble = (quad: number): number => Math.imul(quad, 0x01020408) >>> 24;

/** The 32 bits of the stream from bit `at`. */
function streamWord(at: number): number {
  const word = at >> 5;
  const shift = at & 31;
  // In two steps, so that a shift of 0 takes nothing from the next word (x << 32 is x in JS).
  return (stream[word]! >>> shift) | ((stream[word + 1]! << 1) << (31 - shift));
}

/** Transposes 32 × 32 bits in place: bit i of word j to bit j of word i, in five rounds of swapped blocks. */
function transpose32(bits: Int32Array): void {
  for (let half = 16, mask = 0x0000ffff; half !== 0; half >>= 1, mask ^= mask << half)
    for (let k = 0; k < WORD; k = (k + half + 1) & ~half) {
      const swap = ((bits[k]! >>> half) ^ bits[k + half]!) & mask;
      bits[k]! ^= swap << half;
      bits[k + half]! ^= swap;
    }
}

/**
 * The library's penalty score of the symbol packed by rows and by columns with mask `pattern`
 * applied: N1 and N3 along rows and columns, N2 and N4 over the rows. ~3 µs a mask for a ticket
 * code, where ~6 µs before (each window's modules shifted into place one by one, two counts for
 * N1, N2 and N4 a pass of their own).
 */
function penalty(rows: Int32Array, columns: Int32Array, pattern: number, layout: Layout): number {
  return (
    rowPoints(rows, layout.rowDelta[pattern]!, layout) + columnPoints(columns, layout.columnDelta[pattern]!, layout)
  );
}

/**
 * N1 and N3 points along the columns, each word XOR `delta`. Word by word down the lines: each
 * word of a line is scored alone.
 */
function columnPoints(columns: Int32Array, delta: Int32Array, layout: Layout): number {
  const { size, words, fresh, finderEnds } = layout;
  const end = size * words;
  let points = 0;
  for (let word = 0; word < words; word += 1) {
    const lineStart = word === 0 ? 1 : 0;
    const freshBits = fresh[word]!;
    const finderBits = finderEnds[word]!;
    for (let at = word; at < end; at += words) {
      const x = columns[at]! ^ delta[at]!;
      points += wordPoints(x, (x ^ (x << 1)) | lineStart, freshBits, finderBits);
    }
  }
  return points;
}

/**
 * N1 and N3 points along the rows, each word XOR `delta`, with N2 (same-coloured 2 × 2 blocks,
 * counted at their bottom right module, from each row and the one above it) and N4 (the dark
 * share's distance from half in steps of 5 %, computed with the library's floating-point steps),
 * in the same pass: they work out the same words.
 */
function rowPoints(rows: Int32Array, delta: Int32Array, layout: Layout): number {
  const { size, words, fresh, finderEnds } = layout;
  const end = size * words;
  let points = 0;
  let blocks = 0;
  let dark = 0;
  for (let word = 0; word < words; word += 1) {
    const lineStart = word === 0 ? 1 : 0;
    const freshBits = fresh[word]!;
    const finderBits = finderEnds[word]!;
    // Above the first row: a row whose every module differs from its neighbours and from below.
    let above = 0;
    let aboveDiffers = -1;
    for (let at = word; at < end; at += words) {
      const x = rows[at]! ^ delta[at]!;
      const differs = (x ^ (x << 1)) | lineStart;
      points += wordPoints(x, differs, freshBits, finderBits);
      blocks += bitCount(~(differs | aboveDiffers | (x ^ above)) & freshBits);
      dark += bitCount(x & freshBits);
      above = x;
      aboveDiffers = differs;
    }
  }
  const steps = Math.abs(Math.ceil((dark * 100) / (size * size) / 5) - 10);
  return points + blocks * N2 + steps * N4;
}

/**
 * N1 and N3 points of the windows ending on one word's `fresh` modules, given the word `x` of a
 * line packed as above and `differs`, where its modules differ from the one before them (bit 0 of
 * a line's first word counting as a difference, so that no window reaches before the line).
 *
 * N1: a run of L >= 5 alike scores N1 + (L - 5), one point for each of its L - 4 windows of five
 * alike and N1 - 1 = 2 more at the first of them, the one whose module before differs (or which
 * starts the line). The two windows before that first one end on modules where no window of five
 * alike ends, and runs start at least five modules apart, so the run's two extra points are bits
 * set there and the whole of N1 is one bit count. N3: the finder-like 1011101 with 0000 after it
 * or before it, eleven modules.
 *
 * Worked from `differs` and its shifts: ~35 operations a word, where shifting the modules
 * themselves back by each of ten places and counting runs apart took ~55.
 */
function wordPoints(x: number, differs: number, fresh: number, finderEnds: number): number {
  const differsBack1 = differs << 1;
  // Differs from the module before here or the one before that; differs from both.
  const either = differs | differsBack1;
  const both = differs & differsBack1;
  const eitherBack2 = either << 2;
  const five = ~(either | eitherBack2) & fresh;
  const first = five & (differs << 4);
  let points = bitCount(five | ((first | (first >>> 1)) >>> 1));
  // Four light ending here; 1011101 ending here (1, 0, 1, two alike, 0, 1 back from here).
  const light4 = ~(x | either | (differs << 2));
  const core = x & both & (both << 4) & ~eitherBack2;
  const found = ((light4 & (core << 4)) | (core & (light4 << 7))) & finderEnds;
  if (found !== 0) points += bitCount(found) * N3;
  return points;
}

function bitCount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
