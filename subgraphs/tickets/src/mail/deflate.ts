/**
 * One final deflate block with dynamic Huffman codes (RFC 1951), written from tokens a caller
 * has already chosen (literal bytes and copies), for `qr.ts`, whose images' structure says
 * where the copies are: no search for repeats. A caller starts the counts (`startCounts`),
 * counts each token as it makes it (`countLiteral`, `countCopy`), then writes the tokens
 * (`deflateTokens`) with a `BitWriter`. One stream at a time: the codes and counts are kept
 * between streams rather than made for each.
 */

/** Deflate's longest copy and shortest. */
export const MAX_COPY = 258;
export const MIN_COPY = 3;

/**
 * Deflate's length and distance codes (RFC 1951 §3.2.5): the literal/length symbol of each copy
 * length, and each length symbol's base length and extra bits (indexed by symbol - 257).
 */
const LENGTH_SYMBOL = new Uint16Array(MAX_COPY + 1);
const LENGTH_BASE = new Uint16Array(29);
const LENGTH_EXTRA = new Uint8Array(29);
for (let code = 0, length = MIN_COPY; code < 28; code += 1) {
  const extra = code < 8 ? 0 : (code >> 2) - 1;
  LENGTH_BASE[code] = length;
  LENGTH_EXTRA[code] = extra;
  for (let k = 0; k < 1 << extra; k += 1, length += 1) LENGTH_SYMBOL[length] = 257 + code;
}
// 258 has a symbol of its own rather than 284's last.
LENGTH_BASE[28] = MAX_COPY;
LENGTH_SYMBOL[MAX_COPY] = 285;

const distanceSymbol = (distance: number): number => {
  if (distance <= 4) return distance - 1;
  const high = 31 - Math.clz32(distance - 1);
  return 2 * high + (((distance - 1) >> (high - 1)) & 1);
};
const distanceExtra = (symbol: number): number => (symbol < 4 ? 0 : (symbol >> 1) - 1);
const distanceBase = (symbol: number): number =>
  symbol < 4 ? symbol + 1 : ((2 | (symbol & 1)) << ((symbol >> 1) - 1)) + 1;

const END_OF_BLOCK = 256;
/** The order the code length code's lengths are sent in (RFC 1951 §3.2.7). */
const CODE_LENGTH_ORDER = Uint8Array.of(16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15);

/** Bits into bytes, least significant first as deflate packs them, two bytes at a time. */
export class BitWriter {
  private bits = 0;
  private count = 0;

  constructor(
    readonly bytes: Uint8Array,
    public at: number,
  ) {}

  /** The low `count` bits of `value`, at most 16: fewer than 16 are pending, so at most 31 after. */
  put(value: number, count: number): void {
    this.bits |= value << this.count;
    this.count += count;
    if (this.count >= 16) {
      this.bytes[this.at] = this.bits;
      this.bytes[this.at + 1] = this.bits >>> 8;
      this.at += 2;
      this.bits >>>= 16;
      this.count -= 16;
    }
  }

  /**
   * The literal tokens from `from` on, each as its code, up to a copy or `end`; returns where they
   * stop. The writer's state is held in locals meanwhile: through its fields, each put waited on
   * the one before (~7 µs for a ticket code's ~3,000 literals, against ~4 µs).
   */
  putLiterals(tokens: Int32Array, from: number, end: number, code: HuffmanCode): number {
    const { bytes } = this;
    const { codes, lengths } = code;
    let { bits, count, at } = this;
    let next = from;
    for (; next < end; next += 1) {
      const token = tokens[next]!;
      if (token >= 256) break;
      bits |= codes[token]! << count;
      count += lengths[token]!;
      if (count >= 16) {
        bytes[at] = bits;
        bytes[at + 1] = bits >>> 8;
        at += 2;
        bits >>>= 16;
        count -= 16;
      }
    }
    this.bits = bits;
    this.count = count;
    this.at = at;
    return next;
  }

  /** The pending bits, the last byte padded with zeros. */
  flush(): void {
    for (; this.count > 0; this.count -= 8, this.bits >>>= 8) {
      this.bytes[this.at] = this.bits;
      this.at += 1;
    }
    this.count = 0;
  }
}

/**
 * A Huffman code over one of deflate's alphabets, made again for each image from `counts`: each
 * symbol's code length (0 for none) and its code, bits reversed for the writer.
 */
class HuffmanCode {
  readonly counts: Int32Array;
  readonly lengths: Uint8Array;
  readonly codes: Uint16Array;

  constructor(
    symbols: number,
    private readonly limit: number,
  ) {
    this.counts = new Int32Array(symbols);
    this.lengths = new Uint8Array(symbols);
    this.codes = new Uint16Array(symbols);
  }

  /** One more than the last symbol with a code. */
  get used(): number {
    let used = this.lengths.length;
    while (used > 0 && this.lengths[used - 1] === 0) used -= 1;
    return used;
  }

  make(): void {
    huffmanLengths(this.counts, this.limit, this.lengths);
    canonicalCodes(this.lengths, this.codes);
  }
}

const MAX_CODE_LENGTH = 15;
const literalCode = new HuffmanCode(286, MAX_CODE_LENGTH);
const distanceCode = new HuffmanCode(30, MAX_CODE_LENGTH);
const codeLengthCode = new HuffmanCode(19, 7);

/**
 * The tokens as one final deflate block with dynamic Huffman codes (RFC 1951 §3.2.7): codes made
 * for the symbols' counts, the codes' lengths (themselves coded), the tokens, the end of the
 * block.
 */
export function deflateTokens(tokens: Int32Array, count: number, out: BitWriter): void {
  literalCode.make();
  distanceCode.make();
  out.put(1, 1); // the final block
  out.put(2, 2); // with dynamic Huffman codes
  writeCodeLengths(out);
  for (let at = out.putLiterals(tokens, 0, count, literalCode); at < count;) {
    putCopy(tokens[at]!, out);
    at = out.putLiterals(tokens, at + 1, count, literalCode);
  }
  out.put(literalCode.codes[END_OF_BLOCK]!, literalCode.lengths[END_OF_BLOCK]!);
}

/** A copy token: its length's symbol and extra bits, its distance's symbol and extra bits. */
function putCopy(token: number, out: BitWriter): void {
  const length = token >>> 16;
  const symbol = LENGTH_SYMBOL[length]!;
  out.put(literalCode.codes[symbol]!, literalCode.lengths[symbol]!);
  out.put(length - LENGTH_BASE[symbol - 257]!, LENGTH_EXTRA[symbol - 257]!);
  const distance = token & 0xffff;
  const distanceAt = distanceSymbol(distance);
  out.put(distanceCode.codes[distanceAt]!, distanceCode.lengths[distanceAt]!);
  out.put(distance - distanceBase(distanceAt), distanceExtra(distanceAt));
}

/** Code length symbols, each with its extra bits' value << 8: at most one for each length sent. */
const lengthRuns = new Int32Array(286 + 30);

/**
 * The literal/length and distance code lengths as deflate sends them: how many of each, the code
 * length code's lengths, then both lists of lengths with runs coded as 16 (repeat the last 3-6
 * times), 17 (3-10 zeros) and 18 (11-138 zeros), each list on its own as zlib writes them.
 */
function writeCodeLengths(out: BitWriter): void {
  const literalCount = Math.max(257, literalCode.used);
  const distanceCount = Math.max(1, distanceCode.used);
  let runs = runsOf(literalCode.lengths, literalCount, 0);
  runs = runsOf(distanceCode.lengths, distanceCount, runs);
  const counts = codeLengthCode.counts.fill(0);
  for (let at = 0; at < runs; at += 1) counts[lengthRuns[at]! & 0xff]! += 1;
  codeLengthCode.make();
  const { lengths, codes } = codeLengthCode;
  let sent = lengths.length;
  while (sent > 4 && lengths[CODE_LENGTH_ORDER[sent - 1]!] === 0) sent -= 1;
  out.put(literalCount - 257, 5);
  out.put(distanceCount - 1, 5);
  out.put(sent - 4, 4);
  for (let i = 0; i < sent; i += 1) out.put(lengths[CODE_LENGTH_ORDER[i]!]!, 3);
  for (let at = 0; at < runs; at += 1) {
    const symbol = lengthRuns[at]! & 0xff;
    out.put(codes[symbol]!, lengths[symbol]!);
    if (symbol >= 16) out.put(lengthRuns[at]! >>> 8, symbol === 16 ? 2 : symbol === 17 ? 3 : 7);
  }
}

/** The first `count` of `lengths` as code length symbols, into `lengthRuns` from `start`; returns where they end. */
function runsOf(lengths: Uint8Array, count: number, start: number): number {
  let end = start;
  const push = (entry: number) => {
    lengthRuns[end] = entry;
    end += 1;
  };
  for (let from = 0; from < count;) {
    const value = lengths[from]!;
    let run = 1;
    while (from + run < count && lengths[from + run] === value) run += 1;
    from += run;
    if (value === 0) {
      for (; run >= 11; run -= Math.min(run, 138)) push(18 | ((Math.min(run, 138) - 11) << 8));
      if (run >= 3) {
        push(17 | ((run - 3) << 8));
        run = 0;
      }
    } else {
      push(value);
      run -= 1;
      for (; run >= 3; run -= Math.min(run, 6)) push(16 | ((Math.min(run, 6) - 3) << 8));
    }
    for (; run > 0; run -= 1) push(value);
  }
  return end;
}

/**
 * A Huffman tree over the largest alphabet: the leaves (`leafSymbol`) in order of weight, then
 * each merge of the two lightest nodes left, which come out in order of weight too.
 */
const leafSymbol = new Int32Array(286);
const nodeWeight = new Int32Array(2 * 286);
const nodeParent = new Int32Array(2 * 286);
const nodeDepth = new Int32Array(2 * 286);

/**
 * Code lengths of a Huffman code for symbols seen `counts` times, none longer than `limit` bits,
 * into `lengths`. Two symbols at least: a lone symbol gets a partner that is never sent, as zlib
 * does, so that every code is complete. Should the code come out too long, the weights are halved
 * (none below one) and the tree made again.
 */
function huffmanLengths(counts: Int32Array, limit: number, lengths: Uint8Array): void {
  let leaves = 0;
  for (let symbol = 0; symbol < counts.length; symbol += 1) if (counts[symbol]! > 0) leaves = addLeaf(symbol, leaves);
  for (let symbol = 0; leaves < 2; symbol += 1) if (counts[symbol] === 0) leaves = addLeaf(symbol, leaves);
  for (let leaf = 0; leaf < leaves; leaf += 1) nodeWeight[leaf] = Math.max(1, counts[leafSymbol[leaf]!]!);
  sortLeaves(leaves);
  while (treeDepth(leaves) > limit)
    for (let leaf = 0; leaf < leaves; leaf += 1) nodeWeight[leaf] = (nodeWeight[leaf]! + 1) >> 1;
  lengths.fill(0);
  for (let leaf = 0; leaf < leaves; leaf += 1) lengths[leafSymbol[leaf]!] = nodeDepth[leaf]!;
}

function addLeaf(symbol: number, leaves: number): number {
  leafSymbol[leaves] = symbol;
  return leaves + 1;
}

/** The leaves by weight, lightest first: an insertion sort, for the score of symbols an image uses. */
function sortLeaves(leaves: number): void {
  for (let leaf = 1; leaf < leaves; leaf += 1) {
    const symbol = leafSymbol[leaf]!;
    const weight = nodeWeight[leaf]!;
    let to = leaf;
    for (; to > 0 && nodeWeight[to - 1]! > weight; to -= 1) {
      leafSymbol[to] = leafSymbol[to - 1]!;
      nodeWeight[to] = nodeWeight[to - 1]!;
    }
    leafSymbol[to] = symbol;
    nodeWeight[to] = weight;
  }
}

/** Builds the tree over the sorted leaves' weights, sets each node's depth, and returns the deepest leaf's. */
function treeDepth(leaves: number): number {
  const root = 2 * leaves - 2;
  let nextLeaf = 0;
  let nextMerge = leaves;
  for (let merged = leaves; merged <= root; merged += 1) {
    for (let child = 0; child < 2; child += 1) {
      const leafFirst = nextLeaf < leaves && (nextMerge === merged || nodeWeight[nextLeaf]! <= nodeWeight[nextMerge]!);
      const node = leafFirst ? nextLeaf++ : nextMerge++;
      nodeParent[node] = merged;
      nodeWeight[merged] = child === 0 ? nodeWeight[node]! : nodeWeight[merged]! + nodeWeight[node]!;
    }
  }
  nodeDepth[root] = 0;
  let deepest = 0;
  for (let node = root - 1; node >= 0; node -= 1) {
    nodeDepth[node] = nodeDepth[nodeParent[node]!]! + 1;
    if (node < leaves) deepest = Math.max(deepest, nodeDepth[node]!);
  }
  return deepest;
}

const codesPerLength = new Uint16Array(MAX_CODE_LENGTH + 1);
const nextCode = new Uint16Array(MAX_CODE_LENGTH + 1);

/** Canonical codes for these lengths (RFC 1951 §3.2.2), each bit-reversed: deflate sends a code's first bit first. */
function canonicalCodes(lengths: Uint8Array, codes: Uint16Array): void {
  codesPerLength.fill(0);
  for (let symbol = 0; symbol < lengths.length; symbol += 1) codesPerLength[lengths[symbol]!]! += 1;
  codesPerLength[0] = 0;
  for (let bits = 1, code = 0; bits <= MAX_CODE_LENGTH; bits += 1) {
    code = (code + codesPerLength[bits - 1]!) << 1;
    nextCode[bits] = code;
  }
  for (let symbol = 0; symbol < lengths.length; symbol += 1) {
    const length = lengths[symbol]!;
    if (length === 0) continue;
    const code = nextCode[length]!;
    nextCode[length] = code + 1;
    let reversed = 0;
    for (let bit = 0; bit < length; bit += 1) reversed |= ((code >> bit) & 1) << (length - 1 - bit);
    codes[symbol] = reversed;
  }
}

/** Starts counting the tokens of a new stream: none yet but its end of block. */
export function startCounts(): void {
  literalCode.counts.fill(0);
  distanceCode.counts.fill(0);
  literalCode.counts[END_OF_BLOCK] = 1;
}

/** Counts `times` literal tokens of `byte`. */
export function countLiteral(byte: number, times: number): void {
  literalCode.counts[byte]! += times;
}

/** Counts a copy of `length` (MIN_COPY to MAX_COPY) bytes from `distance` back. */
export function countCopy(length: number, distance: number): void {
  literalCode.counts[LENGTH_SYMBOL[length]!]! += 1;
  distanceCode.counts[distanceSymbol(distance)]! += 1;
}
