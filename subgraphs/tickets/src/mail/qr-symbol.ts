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
  return maskedSymbol(encodeQr(Buffer.from(code, 'latin1')), maskPattern);
}

/**
 * The symbol with the library's choice of mask (or `maskPattern`) of a QR code drawn with mask 0
 * and mask 0's format information, whichever encoder drew it: `encodeQr`'s, or the library's
 * `modules` as `{ size, modules: data, reserved: reservedBit }`. When mask 0 is the one, the
 * symbol's modules are `matrix.modules` itself.
 *
 * The library chooses the mask by applying each of the eight patterns to its matrix and scoring
 * it with the four penalty rules of ISO 18004 through a method call per module read, which was
 * nine tenths of the work for every ticket sold. Here the symbol is packed into bits by row and
 * by column, and each candidate is that XOR a per-size table, scored 32 modules at a time. The
 * scoring follows the library's `getBestMask` and `getPenaltyN1`..`N4` rather than the
 * standard's text where they differ (N3 looks for the 1:1:3:1:1 pattern with four light modules
 * on one side within the symbol only; each candidate is scored with its own format information;
 * the first lowest score wins), since the same codes must come out.
 */
export function maskedSymbol(
  matrix: Pick<QrMatrix, 'size' | 'modules' | 'reserved'>,
  maskPattern?: MaskPattern,
): QrSymbol {
  checkMaskPattern(maskPattern);
  const { size, modules: data } = matrix;
  const layout = layoutOf(size, matrix.reserved);
  const { words } = layout;
  const baseRows = new Int32Array(size * words);
  const baseColumns = new Int32Array(size * words);
  // Without a branch on the module: half of them would be mispredicted.
  for (let row = 0, at = 0; row < size; row += 1)
    for (let col = 0; col < size; col += 1, at += 1) {
      const dark = data[at]!;
      baseRows[row * words + (col >> 5)]! |= dark << (col & 31);
      baseColumns[col * words + (row >> 5)]! |= dark << (row & 31);
    }
  const rows = new Int32Array(baseRows.length);
  const columns = new Int32Array(baseColumns.length);
  let best: MaskPattern = 0;
  let lowest = Infinity;
  for (const pattern of maskPattern === undefined ? MASKS : [maskPattern]) {
    const rowDelta = layout.rowDelta[pattern]!;
    const columnDelta = layout.columnDelta[pattern]!;
    for (let at = 0; at < rows.length; at += 1) {
      rows[at] = baseRows[at]! ^ rowDelta[at]!;
      columns[at] = baseColumns[at]! ^ columnDelta[at]!;
    }
    const score = penalty(rows, columns, size, layout);
    if (score < lowest) {
      lowest = score;
      best = pattern;
    }
  }
  if (best === 0) return { size, modules: data, maskPattern: 0, penalty: lowest };
  const moduleDelta = layout.moduleDelta[best]!;
  const modules = new Uint8Array(data.length);
  for (let at = 0; at < data.length; at += 1) modules[at] = data[at]! ^ moduleDelta[at]!;
  return { size, modules, maskPattern: best, penalty: lowest };
}

function checkMaskPattern(maskPattern: MaskPattern | undefined): void {
  if (maskPattern !== undefined && !MASKS.includes(maskPattern))
    throw new RangeError(`No QR mask pattern ${String(maskPattern)}: they are 0 to 7`);
}

const MASK_PATTERNS = 8;
/** In the library's order: on equal scores the first wins. */
const MASKS: readonly MaskPattern[] = [0, 1, 2, 3, 4, 5, 6, 7];

/** ISO 18004's penalty weights, as the library applies them. */
const N1 = 3;
const N2 = 3;
const N3 = 40;
const N4 = 10;

/**
 * What turns the mask-0 symbol of one size into each pattern's: the modules that differ
 * (data modules where the two patterns differ, and format information bits), one byte per
 * module and packed by row and by column, 32 modules to a word (module i of a line at bit
 * i % 32 of word i / 32). The reserved modules depend on the version alone, and the version on
 * the size, so one table serves every code of that size. The masks say which bits of a line's
 * words end a window the rules look at: five modules (N1), eleven (N3), two (N2) wholly inside
 * the line.
 */
interface Layout {
  words: number;
  moduleDelta: Uint8Array[];
  rowDelta: Int32Array[];
  columnDelta: Int32Array[];
  endsFive: Int32Array;
  endsEleven: Int32Array;
  startsPair: Int32Array;
}

const layouts = new Map<number, Layout>();

function layoutOf(size: number, reserved: Uint8Array): Layout {
  const known = layouts.get(size);
  if (known) return known;
  const words = (size + 31) >> 5;
  const formatCells: number[] = [];
  // Where format bit i is drawn, beside column 8 then beside row 8.
  for (let i = 0; i < 15; i += 1) formatCells.push(formatRow(size, i) * size + 8);
  for (let i = 0; i < 15; i += 1) formatCells.push(8 * size + formatColumn(size, i));
  const moduleDelta: Uint8Array[] = [];
  const rowDelta: Int32Array[] = [];
  const columnDelta: Int32Array[] = [];
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
    const rowBits = new Int32Array(size * words);
    const columnBits = new Int32Array(size * words);
    for (let row = 0; row < size; row += 1)
      for (let col = 0; col < size; col += 1)
        if (delta[row * size + col]) {
          rowBits[row * words + (col >> 5)]! |= 1 << (col & 31);
          columnBits[col * words + (row >> 5)]! |= 1 << (row & 31);
        }
    moduleDelta.push(delta);
    rowDelta.push(rowBits);
    columnDelta.push(columnBits);
  }
  const positions = (from: number, to: number) => {
    const mask = new Int32Array(words);
    for (let i = from; i < to; i += 1) mask[i >> 5]! |= 1 << (i & 31);
    return mask;
  };
  const layout = {
    words,
    moduleDelta,
    rowDelta,
    columnDelta,
    endsFive: positions(4, size),
    endsEleven: positions(10, size),
    startsPair: positions(0, size - 1),
  };
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

/**
 * The library's penalty score of a symbol packed by rows and by columns: N1 runs of five or
 * more same-coloured modules in a row or column, N2 same-coloured 2x2 blocks, N3 the
 * finder-like 1011101 with 0000 on either side (11 modules wholly inside a row or column), N4
 * the dark share's distance from half in steps of 5 %, computed with the same floating-point
 * steps.
 */
function penalty(rows: Int32Array, columns: Int32Array, size: number, layout: Layout): number {
  const { words, startsPair } = layout;
  let points = linePoints(rows, size, layout) + linePoints(columns, size, layout);
  let blocks = 0;
  let dark = 0;
  for (let row = 0; row < size; row += 1) {
    const line = row * words;
    for (let word = 0; word < words; word += 1) {
      const top = rows[line + word]!;
      dark += bitCount(top);
      if (row === size - 1) continue;
      // Each module with the one right of it (the next word's first at bit 31), above and below.
      const bottom = rows[line + words + word]!;
      const topRight = (top >>> 1) | (word + 1 < words ? rows[line + word + 1]! << 31 : 0);
      const bottomRight = (bottom >>> 1) | (word + 1 < words ? rows[line + words + word + 1]! << 31 : 0);
      blocks += bitCount(~((top ^ topRight) | (top ^ bottom) | (top ^ bottomRight)) & startsPair[word]!);
    }
  }
  points += blocks * N2;
  const steps = Math.abs(Math.ceil((dark * 100) / (size * size) / 5) - 10);
  return points + steps * N4;
}

/**
 * N1 and N3 points of lines packed 32 modules to a word. A run of L >= 5 alike scores
 * N1 + (L - 5): one point for each of its L - 4 windows of five alike and N1 - 1 more at the
 * first of them, the one whose module before differs (or which starts the line: the word
 * before a line's first holds the complement of its first module at bit 31).
 */
function linePoints(lines: Int32Array, size: number, layout: Layout): number {
  const { words, endsFive, endsEleven } = layout;
  let fives = 0;
  let runs = 0;
  let finders = 0;
  for (let line = 0; line < size * words; line += words) {
    let before = ~lines[line]! << 31;
    for (let word = 0; word < words; word += 1) {
      const x = lines[line + word]!;
      // sK: the module K places back in the line, at each bit.
      const s1 = (x << 1) | (before >>> 31);
      const s2 = (x << 2) | (before >>> 30);
      const s3 = (x << 3) | (before >>> 29);
      const s4 = (x << 4) | (before >>> 28);
      const s5 = (x << 5) | (before >>> 27);
      const s6 = (x << 6) | (before >>> 26);
      const s7 = (x << 7) | (before >>> 25);
      const s8 = (x << 8) | (before >>> 24);
      const s9 = (x << 9) | (before >>> 23);
      const s10 = (x << 10) | (before >>> 22);
      const five = ((x & s1 & s2 & s3 & s4) | ~(x | s1 | s2 | s3 | s4)) & endsFive[word]!;
      fives += bitCount(five);
      runs += bitCount(five & (s4 ^ s5));
      // 1011101 then 0000 (the library's 0x5D0), or 0000 then 1011101 (0x05D), newest last.
      const core = ~s5 & s4 & s6;
      const lightAfter = s10 & ~s9 & s8 & s7 & core & ~(s3 | s2 | s1 | x);
      const lightBefore = ~(s10 | s9 | s8 | s7) & core & s3 & s2 & ~s1 & x;
      finders += bitCount((lightAfter | lightBefore) & endsEleven[word]!);
      before = x;
    }
  }
  return fives + runs * (N1 - 1) + finders * N3;
}

function bitCount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
