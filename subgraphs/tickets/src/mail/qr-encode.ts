/**
 * A QR code drawn with data mask 0 and the format information of mask 0, before any choice of
 * mask: the symbol `qrSymbol` scores each mask on.
 */
export interface QrMatrix {
  /** 1 to 40. */
  version: number;
  /** Modules per side: 4 × version + 17. */
  size: number;
  /** The modules row by row, one byte each: 1 dark, 0 light. */
  modules: Uint8Array;
  /**
   * 1 for the function modules (finder patterns and their separators, timing and alignment
   * patterns, format and version information, the dark module), which masks leave alone; 0 for
   * data and error correction modules. The same array for every code of a version: read only.
   */
  reserved: Uint8Array;
}

/**
 * The QR code of `data` as one byte-mode segment at error correction level M, in the smallest
 * version that holds it, drawn with mask 0: module for module what the qrcode library's
 * `QRCode.create([{ data, mode: 'byte' }], { errorCorrectionLevel: 'M', maskPattern: 0 })` draws
 * (its `modules.data` and `modules.reservedBit`).
 *
 * Every ticket in a confirmation email has one. The library builds the bit stream a bit at a
 * time through an array of numbers, divides polynomials that it copies at every step and places
 * each module through method calls; here each version's function patterns, mask and module
 * order are worked out once, and a code costs its codewords, their Reed-Solomon remainders
 * (four bytes of remainder to a word, from product tables made once per divisor) and one XOR
 * per data bit.
 *
 * Throws, as the library does, for data too long for version 40 (2331 bytes).
 */
export function encodeQr(data: Uint8Array): QrMatrix {
  const version = versionFor(data.length);
  const plan = planOf(version);
  const codewords = codewordsOf(data, plan);
  const modules = plan.blank.slice();
  const { order } = plan;
  // The blank symbol holds each data module as a light bit under mask 0; a dark bit flips it.
  for (let word = 0, at = 0; word < plan.totalCodewords; word += 1, at += 8) {
    const byte = codewords[word]!;
    modules[order[at]!]! ^= byte >> 7;
    modules[order[at + 1]!]! ^= (byte >> 6) & 1;
    modules[order[at + 2]!]! ^= (byte >> 5) & 1;
    modules[order[at + 3]!]! ^= (byte >> 4) & 1;
    modules[order[at + 4]!]! ^= (byte >> 3) & 1;
    modules[order[at + 5]!]! ^= (byte >> 2) & 1;
    modules[order[at + 6]!]! ^= (byte >> 1) & 1;
    modules[order[at + 7]!]! ^= byte & 1;
  }
  return { version, size: plan.size, modules, reserved: plan.reserved };
}

const VERSIONS = 40;

/**
 * ISO 18004 Table 9 for error correction level M, by version (index 0 unused): how many blocks
 * the codewords are split into, and how many error correction codewords each block carries;
 * versions 1 to 10 on the first row, 11 to 20 on the next.
 */
// prettier-ignore
const BLOCKS_M = Uint8Array.of(
  0,
  1, 1, 1, 2, 2, 4, 4, 4, 5, 5,
  5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
  17, 17, 18, 20, 21, 23, 25, 26, 28, 29,
  31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
);
// prettier-ignore
const EC_PER_BLOCK_M = Uint8Array.of(
  0,
  10, 16, 26, 18, 24, 16, 18, 22, 22, 26,
  30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
  26, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
);

/** Positions a version's alignment patterns are centred on, along each axis (ISO 18004 Annex E). */
function alignmentCoordinates(version: number): number[] {
  if (version === 1) return [];
  const size = version * 4 + 17;
  const count = Math.floor(version / 7) + 2;
  // Evenly spaced from size - 7 back towards 6 in even steps; version 32's step is 26 by the table.
  const step = version === 32 ? 26 : Math.ceil((size - 13) / (2 * count - 2)) * 2;
  const coordinates = [6];
  for (let i = count - 2; i >= 0; i -= 1) coordinates.push(size - 7 - i * step);
  return coordinates;
}

/** The modules left for codewords once the function patterns are drawn (remainder bits included). */
function dataModuleCount(version: number): number {
  const size = version * 4 + 17;
  let count = size * size - 3 * 64 - 2 * (size - 16) - 31; // finders with separators, timing, format, dark module
  const axis = alignmentCoordinates(version).length;
  // Alignment patterns, less the five modules each on a timing pattern shares with it.
  if (axis > 0) count -= 25 * (axis * axis - 3) - 10 * (axis - 2);
  if (version >= 7) count -= 36;
  return count;
}

/** Codewords per version (all, and data at M) and the bytes one byte-mode segment holds. */
const TOTAL_CODEWORDS = new Uint16Array(VERSIONS + 1);
const DATA_CODEWORDS_M = new Uint16Array(VERSIONS + 1);
const BYTE_CAPACITY_M = new Uint16Array(VERSIONS + 1);
for (let version = 1; version <= VERSIONS; version += 1) {
  TOTAL_CODEWORDS[version] = dataModuleCount(version) >> 3;
  DATA_CODEWORDS_M[version] = TOTAL_CODEWORDS[version]! - BLOCKS_M[version]! * EC_PER_BLOCK_M[version]!;
  // Mode indicator (4 bits) and character count (8 bits below version 10, 16 from it).
  BYTE_CAPACITY_M[version] = (DATA_CODEWORDS_M[version]! * 8 - 4 - (version < 10 ? 8 : 16)) >> 3;
}

/** The smallest version whose capacity at M holds `length` bytes, as the library picks it. */
function versionFor(length: number): number {
  for (let version = 1; version <= VERSIONS; version += 1) if (length <= BYTE_CAPACITY_M[version]!) return version;
  throw new Error('The amount of data is too big to be stored in a QR Code');
}

/**
 * GF(256) with the QR code's polynomial x^8 + x^4 + x^3 + x^2 + 1: EXP[i] = α^i (doubled, so
 * that the sum of two logarithms needs no reduction) and LOG its inverse.
 */
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
for (let i = 0, x = 1; i < 255; i += 1) {
  EXP[i] = x;
  LOG[x] = i;
  x <<= 1;
  if (x & 0x100) x ^= 0x11d;
}
for (let i = 255; i < 512; i += 1) EXP[i] = EXP[i - 255]!;

/**
 * A Reed-Solomon divisor of degree n (the error correction codewords per block), ready for
 * dividing a byte at a time with the remainder packed four bytes to a word, big-endian (byte j
 * of the remainder at bits 24 - 8 (j % 4) of word j / 4; the bytes after the last stay zero).
 * `products` holds, for each value f of the byte leaving the remainder, f times the generator's
 * coefficients after the leading 1 packed the same way: a step is then a one-byte shift and an
 * XOR per word, not per byte.
 */
interface Divisor {
  degree: number;
  words: number;
  products: Int32Array;
}

const divisors = new Map<number, Divisor>();

/** The divisor of the generator polynomial (x - α^0)(x - α^1)…(x - α^(n-1)), made once per degree. */
function divisorOf(degree: number): Divisor {
  const known = divisors.get(degree);
  if (known) return known;
  let generator = Uint8Array.of(1);
  for (let i = 0; i < degree; i += 1) {
    const next = new Uint8Array(generator.length + 1);
    for (let j = 0; j < generator.length; j += 1) {
      next[j]! ^= generator[j]!;
      next[j + 1]! ^= multiply(generator[j]!, EXP[i]!);
    }
    generator = next;
  }
  const words = (degree + 3) >> 2;
  const products = new Int32Array(256 * words);
  for (let factor = 1; factor < 256; factor += 1)
    for (let j = 0; j < degree; j += 1)
      products[factor * words + (j >> 2)]! |= multiply(factor, generator[j + 1]!) << (24 - 8 * (j & 3));
  const divisor = { degree, words, products };
  divisors.set(degree, divisor);
  return divisor;
}

/** The product of two elements of GF(256). */
function multiply(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a]! + LOG[b]!]!;
}

/**
 * The largest divisor's remainder, reused by every block, and room for the largest version's
 * data codewords and all its codewords, reused by every code: codes are encoded one at a time.
 * (The two arrays made anew for each ticket code cost ~0.9 µs of its ~12 µs.)
 */
const remainder = new Int32Array(8);
const dataStream = new Uint8Array(DATA_CODEWORDS_M[VERSIONS]!);
const placed = new Uint8Array(TOTAL_CODEWORDS[VERSIONS]!);

/**
 * What every code of one version shares: the blank symbol (function patterns, format
 * information for M and mask 0, version information, and each data module as a light bit under
 * mask 0), which modules are function modules, the data modules in the order codeword bits fill
 * them, and the block split.
 */
interface Plan {
  version: number;
  size: number;
  blank: Uint8Array;
  reserved: Uint8Array;
  order: Uint16Array;
  dataCodewords: number;
  totalCodewords: number;
  blocks: number;
  /** Blocks of the first group, one data codeword shorter than the rest. */
  shortBlocks: number;
  /** Data codewords in each of those. */
  shortBlockData: number;
  ecPerBlock: number;
  divisor: Divisor;
}

const plans: Array<Plan | undefined> = [];

/** A version's plan, drawn on its first code and kept. */
function planOf(version: number): Plan {
  const known = plans[version];
  if (known) return known;
  const size = version * 4 + 17;
  const modules = new Uint8Array(size * size);
  const reserved = new Uint8Array(size * size);
  const set = (row: number, col: number, dark: number) => {
    modules[row * size + col] = dark;
    reserved[row * size + col] = 1;
  };
  drawFunctionPatterns(version, size, set);
  const order = new Uint16Array(dataModuleCount(version));
  let placed = 0;
  // Two-module columns from the right, up then down, skipping the vertical timing pattern.
  for (let right = size - 1, upward = true; right > 0; right -= 2, upward = !upward) {
    if (right === 6) right -= 1;
    for (let step = 0; step < size; step += 1) {
      const row = upward ? size - 1 - step : step;
      for (let col = right; col > right - 2; col -= 1) {
        const at = row * size + col;
        if (reserved[at]) continue;
        order[placed] = at;
        placed += 1;
        modules[at] = (row + col) % 2 === 0 ? 1 : 0;
      }
    }
  }
  if (placed !== order.length) throw new Error(`QR version ${version}: ${placed} data modules, not ${order.length}`);
  const totalCodewords = TOTAL_CODEWORDS[version]!;
  const dataCodewords = DATA_CODEWORDS_M[version]!;
  const blocks = BLOCKS_M[version]!;
  const ecPerBlock = EC_PER_BLOCK_M[version]!;
  const plan: Plan = {
    version,
    size,
    blank: modules,
    reserved,
    order,
    dataCodewords,
    totalCodewords,
    blocks,
    shortBlocks: blocks - (totalCodewords % blocks),
    shortBlockData: Math.floor(dataCodewords / blocks),
    ecPerBlock,
    divisor: divisorOf(ecPerBlock),
  };
  plans[version] = plan;
  return plan;
}

/**
 * Finder patterns with their separators, timing patterns, alignment patterns, format
 * information (M, mask 0) with the dark module, then version information from version 7: in the
 * library's order, later ones drawn over earlier ones where they meet.
 */
function drawFunctionPatterns(version: number, size: number, set: (row: number, col: number, dark: number) => void) {
  for (const [top, left] of [
    [0, 0],
    [size - 7, 0],
    [0, size - 7],
  ] as const)
    for (let r = -1; r <= 7; r += 1)
      for (let c = -1; c <= 7; c += 1) {
        const row = top + r;
        const col = left + c;
        if (row < 0 || row >= size || col < 0 || col >= size) continue;
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        set(row, col, ring === 0 || ring === 1 || ring === 3 ? 1 : 0);
      }
  for (let i = 8; i < size - 8; i += 1) {
    set(i, 6, i % 2 === 0 ? 1 : 0);
    set(6, i, i % 2 === 0 ? 1 : 0);
  }
  const axis = alignmentCoordinates(version);
  const last = axis.length - 1;
  for (let i = 0; i <= last; i += 1)
    for (let j = 0; j <= last; j += 1) {
      // Not where a finder pattern is.
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) continue;
      for (let r = -2; r <= 2; r += 1)
        for (let c = -2; c <= 2; c += 1)
          set(axis[i]! + r, axis[j]! + c, Math.max(Math.abs(r), Math.abs(c)) === 1 ? 0 : 1);
    }
  const format = FORMAT_BITS_M[0]!;
  for (let i = 0; i < 15; i += 1) {
    const dark = (format >> i) & 1;
    set(formatRow(size, i), 8, dark);
    set(8, formatColumn(size, i), dark);
  }
  set(size - 8, 8, 1);
  if (version >= 7) {
    const bits = versionBits(version);
    for (let i = 0; i < 18; i += 1) {
      const dark = (bits >> i) & 1;
      const row = Math.floor(i / 3);
      const col = (i % 3) + size - 11;
      set(row, col, dark);
      set(col, row, dark);
    }
  }
}

/** The remainder of `value` (shifted) divided by a BCH generator of `degree` + 1 bits. */
function bchRemainder(value: number, generator: number, degree: number): number {
  let remainder = value << degree;
  for (let bit = 31 - Math.clz32(remainder); bit >= degree; bit -= 1)
    if (remainder & (1 << bit)) remainder ^= generator << (bit - degree);
  return remainder;
}

/**
 * The 15 format information bits for error correction M and each mask: the 5 data bits (M is
 * 00, then the mask), a (15, 5) BCH code with generator x^10 + x^8 + x^5 + x^4 + x^2 + x + 1,
 * XOR 101010000010010. The symbol is drawn with mask 0's; `maskedSymbol` swaps in another's.
 */
export const FORMAT_BITS_M: readonly number[] = Array.from(
  { length: 8 },
  (_, mask) => ((mask << 10) | bchRemainder(mask, 0b10100110111, 10)) ^ 0b101010000010010,
);

/** The row of format bit `i` (0-14) in the strip beside column 8, as the library's setupFormatInfo places it. */
export const formatRow = (size: number, i: number): number => (i < 6 ? i : i < 8 ? i + 1 : size - 15 + i);

/** The column of format bit `i` (0-14) in the strip beside row 8, as the library's setupFormatInfo places it. */
export const formatColumn = (size: number, i: number): number => (i < 8 ? size - i - 1 : i < 9 ? 15 - i : 15 - i - 1);

/** Version information: 6 bits of version and an (18, 6) BCH code, generator 0x1f25. */
function versionBits(version: number): number {
  return (version << 12) | bchRemainder(version, 0b1111100100101, 12);
}

/**
 * The symbol's codewords in the order they are placed: the data codewords (mode indicator 0100,
 * character count, the bytes, terminator, pad bytes 0xEC 0x11 …) split into blocks, each block's
 * Reed-Solomon remainder, and both interleaved block by block. The first `plan.totalCodewords` of
 * an array kept for all codes, good until the next code.
 */
function codewordsOf(data: Uint8Array, plan: Plan): Uint8Array {
  const { dataCodewords, blocks, shortBlocks, shortBlockData, ecPerBlock } = plan;
  const { words, products } = plan.divisor;
  const stream = dataStream;
  // The header is 12 or 20 bits, so every byte after it straddles two codewords.
  const length = data.length;
  let at: number;
  if (plan.version < 10) {
    stream[0] = 0x40 | (length >> 4);
    at = 1;
  } else {
    stream[0] = 0x40 | (length >> 12);
    stream[1] = (length >> 4) & 0xff;
    at = 2;
  }
  let low = length & 0x0f;
  for (let i = 0; i < length; i += 1, at += 1) {
    const byte = data[i]!;
    stream[at] = (low << 4) | (byte >> 4);
    low = byte & 0x0f;
  }
  // The last half byte, then four zero bits of terminator (there is always room for them).
  stream[at] = low << 4;
  at += 1;
  for (let pad = 0xec; at < dataCodewords; at += 1, pad ^= 0xec ^ 0x11) stream[at] = pad;

  const out = placed;
  const last = words - 1;
  for (let block = 0, start = 0; block < blocks; block += 1) {
    const size = block < shortBlocks ? shortBlockData : shortBlockData + 1;
    remainder.fill(0);
    for (let i = 0; i < size; i += 1) {
      const codeword = stream[start + i]!;
      // Interleaved: codeword i of every block, then i + 1; the long blocks' last after all.
      out[i < shortBlockData ? i * blocks + block : shortBlockData * blocks + block - shortBlocks] = codeword;
      const base = (codeword ^ (remainder[0]! >>> 24)) * words;
      for (let w = 0; w < last; w += 1)
        remainder[w] = ((remainder[w]! << 8) | (remainder[w + 1]! >>> 24)) ^ products[base + w]!;
      remainder[last] = (remainder[last]! << 8) ^ products[base + last]!;
    }
    for (let j = 0; j < ecPerBlock; j += 1)
      out[dataCodewords + j * blocks + block] = remainder[j >> 2]! >>> (24 - 8 * (j & 3));
    start += size;
  }
  return out;
}
