import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { importJWK, type CryptoKey } from 'jose';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '@railgraph/signing-keys';
import { signTicketCode, ticketValidity } from '../src/booking/ticket-code.js';
import { qrPng } from '../src/mail/qr.js';
import { encodeQr, type QrMatrix } from '../src/mail/qr-encode.js';
import { maskedSymbol, qrSymbol, type MaskPattern } from '../src/mail/qr-symbol.js';
import { decodeQr } from './mail-support.js';

/**
 * The emails' QR codes: encodeQr must draw exactly the mask-0 matrix the qrcode library draws
 * (version, modules, function modules), qrSymbol must make exactly the symbol the library makes
 * (its mask choice, its modules) and qrPng an image of exactly those modules that decodes to the
 * code.
 */

type LibraryMatrix = QRCode.QRCode['modules'];
/** The library's own scoring, the reference for qrSymbol's. */
const libraryPenalties = createRequire(import.meta.url)('qrcode/lib/core/mask-pattern.js') as Record<
  'getPenaltyN1' | 'getPenaltyN2' | 'getPenaltyN3' | 'getPenaltyN4',
  (matrix: LibraryMatrix) => number
>;

const MASKS: MaskPattern[] = [0, 1, 2, 3, 4, 5, 6, 7];

const library = (code: string, maskPattern?: MaskPattern) =>
  QRCode.create([{ data: Buffer.from(code, 'latin1'), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    ...(maskPattern === undefined ? {} : { maskPattern }),
  });

/** The library's byte-mode capacity at M of each version: what decides the version it picks. */
const libraryVersion = createRequire(import.meta.url)('qrcode/lib/core/version.js') as {
  getCapacity(version: number, errorCorrectionLevel: unknown, mode: unknown): number;
};
const libraryLevels = createRequire(import.meta.url)('qrcode/lib/core/error-correction-level.js') as { M: unknown };
const libraryModes = createRequire(import.meta.url)('qrcode/lib/core/mode.js') as { BYTE: unknown };
const libraryCapacity = (version: number) => libraryVersion.getCapacity(version, libraryLevels.M, libraryModes.BYTE);

/** The library's matrix for `data` drawn with mask 0, the one encodeQr draws. */
const libraryMask0 = (data: Uint8Array) =>
  QRCode.create([{ data: Buffer.from(data.buffer, data.byteOffset, data.length), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
    maskPattern: 0,
  });

const bytesOf = (array: Uint8Array) => Buffer.from(array.buffer, array.byteOffset, array.length);

/** Where encodeQr's matrix differs from the library's (version, size, modules, function modules), or ''. */
function matrixDifference(matrix: QrMatrix, reference: QRCode.QRCode): string {
  if (matrix.version !== reference.version) return `version ${matrix.version}, not ${reference.version}`;
  if (matrix.size !== reference.modules.size) return `size ${matrix.size}, not ${reference.modules.size}`;
  if (!bytesOf(matrix.modules).equals(bytesOf(reference.modules.data))) return 'modules differ';
  if (!bytesOf(matrix.reserved).equals(bytesOf(reference.modules.reservedBit))) return 'function modules differ';
  return '';
}

const libraryPenalty = (matrix: LibraryMatrix) =>
  libraryPenalties.getPenaltyN1(matrix) +
  libraryPenalties.getPenaltyN2(matrix) +
  libraryPenalties.getPenaltyN3(matrix) +
  libraryPenalties.getPenaltyN4(matrix);

const NAMES = [
  'Zoë O’Brien-Smith',
  'Jan de Vries',
  'Anna-Lena Müller-Lüdenscheidt',
  'Li Wei',
  'Maximilian Alexander Graf von Hohenberg-Sternfeld',
  'Ólafur Ragnar Grímsson',
  'María José García-Hernández de la Fuente',
];
const TRAINS = ['IC', 'ICE', 'EC', 'TGV', 'RJX', 'ES', 'NJ'];
const PASSENGERS = ['ADULT', 'CHILD', 'SENIOR', 'YOUTH'];

/** Ticket codes as bookings sign them, with the spread of lengths real tickets have. */
async function ticketCodes(count: number): Promise<string[]> {
  const stored = await generateSigningKey();
  const key = { kid: stored.kid, privateKey: (await importJWK(stored.privateJwk, 'ES256')) as CryptoKey };
  const codes: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const day = `2026-12-${String(randomInt(1, 29)).padStart(2, '0')}`;
    const runId = `${TRAINS[randomInt(TRAINS.length)]!}${randomInt(1, 10_000)}:${day}`;
    const fromStop = randomInt(0, 20);
    const departure = {
      at: new Date(`${day}T${String(randomInt(0, 24)).padStart(2, '0')}:15:00Z`),
      timeZone: 'Europe/Amsterdam',
    };
    codes.push(
      await signTicketCode(
        {
          ticketId: randomUUID(),
          runId,
          fromStop,
          toStop: fromStop + randomInt(1, 20),
          coach: randomInt(1, 20),
          seat: `${randomInt(1, 120)}${'ABCDEF'[randomInt(6)]!}`,
          passenger: PASSENGERS[randomInt(PASSENGERS.length)]!,
          passengerName: randomInt(4) === 0 ? null : NAMES[randomInt(NAMES.length)]!,
          validity: ticketValidity(randomInt(10) === 0 ? null : departure, runId),
        },
        key,
      ),
    );
  }
  return codes;
}

/** base64url text of every length a QR code at M holds (versions 1 to 40), some at the limits. */
function anyLengthCodes(count: number): string[] {
  const lengths = [0, 1, 14, 15, 2331, ...Array.from({ length: count - 5 }, () => randomInt(1, 2332))];
  return lengths.map((length) => randomBytes(1750).toString('base64url').slice(0, length));
}

const sameModules = (modules: Uint8Array, matrix: LibraryMatrix) =>
  Buffer.from(modules.buffer, modules.byteOffset, modules.length).equals(
    Buffer.from(matrix.data.buffer, matrix.data.byteOffset, matrix.data.length),
  );

describe('QR codes for the emails', () => {
  let signed: string[];
  beforeAll(async () => {
    signed = await ticketCodes(2000);
  }, 120_000);

  it('choose the mask the library chooses and draw the same modules, for thousands of ticket codes', () => {
    const lengths = signed.map((code) => code.length);
    // Realistic: a few hundred characters, over several QR versions.
    expect(Math.min(...lengths)).toBeGreaterThan(300);
    const versions = new Set<number>();
    const masks = new Set<number>();
    for (const code of signed) {
      const reference = library(code);
      const symbol = qrSymbol(code);
      versions.add(reference.version);
      masks.add(reference.maskPattern!);
      expect({ code, maskPattern: symbol.maskPattern, size: symbol.size }).toEqual({
        code,
        maskPattern: reference.maskPattern,
        size: reference.modules.size,
      });
      expect(sameModules(symbol.modules, reference.modules), code).toBe(true);
    }
    expect(versions.size).toBeGreaterThan(1);
    expect(masks.size).toBeGreaterThan(3);
  }, 120_000);

  it('choose the same mask as the library for text of any length, versions 1 to 40', () => {
    const versions = new Set<number>();
    for (const code of anyLengthCodes(200)) {
      const reference = library(code);
      const symbol = qrSymbol(code);
      versions.add(reference.version);
      expect({ length: code.length, maskPattern: symbol.maskPattern }).toEqual({
        length: code.length,
        maskPattern: reference.maskPattern,
      });
      expect(sameModules(symbol.modules, reference.modules), code).toBe(true);
    }
    expect(versions).toContain(1);
    expect(versions).toContain(40);
  }, 120_000);

  it('score every mask as the library does and draw each with its own format information', () => {
    // The library never chooses some masks for such codes (0 among them), so each is checked
    // drawn on its own: modules, format bits and penalty score.
    for (const code of [...signed.slice(0, 150), ...anyLengthCodes(40)]) {
      for (const maskPattern of MASKS) {
        const reference = library(code, maskPattern);
        const symbol = qrSymbol(code, maskPattern);
        expect(symbol.maskPattern).toBe(maskPattern);
        expect(sameModules(symbol.modules, reference.modules), `${code} mask ${maskPattern}`).toBe(true);
        expect({ code, maskPattern, penalty: symbol.penalty }).toEqual({
          code,
          maskPattern,
          penalty: libraryPenalty(reference.modules),
        });
      }
    }
  }, 120_000);

  it('render exactly those modules, with a four-module quiet zone, and decode to the code', () => {
    for (const [index, code] of signed.slice(0, 120).entries()) {
      const { modules } = library(code);
      const image = PNG.sync.read(qrPng(code));
      const scale = 4;
      const margin = 4;
      expect(image.width).toBe((modules.size + 2 * margin) * scale);
      expect(image.height).toBe(image.width);
      const wrong: string[] = [];
      for (let y = 0; y < image.height; y += 1)
        for (let x = 0; x < image.width; x += 1) {
          const row = Math.floor(y / scale) - margin;
          const col = Math.floor(x / scale) - margin;
          const inside = row >= 0 && row < modules.size && col >= 0 && col < modules.size;
          const expected = inside && modules.get(row, col) ? 0 : 255;
          if (image.data[(y * image.width + x) * 4] !== expected) wrong.push(`${x},${y}`);
        }
      expect(wrong.slice(0, 5), code).toEqual([]);
      if (index < 40) expect(decodeQr(qrPng(code))).toBe(code);
    }
  }, 120_000);

  it("encode each ticket code into exactly the library's mask-0 matrix, for thousands of codes", () => {
    const versions = new Set<number>();
    for (const code of signed) {
      const data = Buffer.from(code, 'latin1');
      const matrix = encodeQr(data);
      versions.add(matrix.version);
      expect(matrixDifference(matrix, libraryMask0(data)), code).toBe('');
    }
    expect(versions.size).toBeGreaterThan(1);
  }, 120_000);

  it('pick the version the library picks at each capacity boundary: the longest data that fits and one byte more', () => {
    for (let version = 1; version <= 40; version += 1) {
      const capacity = libraryCapacity(version);
      const fits = randomBytes(capacity);
      expect(encodeQr(fits).version).toBe(version);
      expect(matrixDifference(encodeQr(fits), libraryMask0(fits)), `${capacity} bytes`).toBe('');
      const over = randomBytes(capacity + 1);
      if (version === 40) {
        expect(() => libraryMask0(over)).toThrow('too big');
        expect(() => encodeQr(over)).toThrow('too big');
      } else {
        expect(encodeQr(over).version).toBe(version + 1);
        expect(matrixDifference(encodeQr(over), libraryMask0(over)), `${capacity + 1} bytes`).toBe('');
      }
    }
  }, 120_000);

  it('encode any bytes of any length the library does, versions 1 to 40', () => {
    const versions = new Set<number>();
    for (const length of [0, 1, 2331, ...Array.from({ length: 400 }, () => randomInt(0, 2332))]) {
      const data = randomBytes(length);
      const matrix = encodeQr(data);
      versions.add(matrix.version);
      expect(matrixDifference(matrix, libraryMask0(data)), `${length} bytes`).toBe('');
    }
    expect(versions).toContain(1);
    expect(versions).toContain(40);
    expect(versions.size).toBeGreaterThan(30);
  }, 120_000);

  it('give each code modules of its own: changing one symbol leaves the next as the library draws it', () => {
    const code = Buffer.from(signed[0]!, 'latin1');
    const first = encodeQr(code);
    first.modules.fill(1);
    const other = encodeQr(Buffer.from(signed[1]!, 'latin1'));
    other.modules.fill(0);
    expect(matrixDifference(encodeQr(code), libraryMask0(code))).toBe('');
  });

  it("choose the library's mask on the library's own matrix as on the encoder's", () => {
    for (const code of signed.slice(0, 50)) {
      const { modules } = libraryMask0(Buffer.from(code, 'latin1'));
      const fromLibrary = maskedSymbol({ size: modules.size, modules: modules.data, reserved: modules.reservedBit });
      const fromEncoder = qrSymbol(code);
      expect(fromLibrary.maskPattern).toBe(fromEncoder.maskPattern);
      expect(bytesOf(fromLibrary.modules).equals(bytesOf(fromEncoder.modules)), code).toBe(true);
    }
  });

  it("choose the library's mask on a matrix read a byte at a time (not aligned for word reads), leaving it as it was", () => {
    const masks = new Set<number>();
    for (const code of [...signed.slice(0, 100), ...anyLengthCodes(40)]) {
      const { modules } = libraryMask0(Buffer.from(code, 'latin1'));
      // One byte into a larger buffer: the packing and the mask's XOR take their byte-wise paths.
      const unaligned = new Uint8Array(modules.data.length + 1).subarray(1);
      unaligned.set(modules.data);
      const given = Buffer.from(unaligned);
      const symbol = maskedSymbol({ size: modules.size, modules: unaligned, reserved: modules.reservedBit });
      const reference = library(code);
      masks.add(symbol.maskPattern);
      expect(symbol.maskPattern).toBe(reference.maskPattern);
      expect(sameModules(symbol.modules, reference.modules), code).toBe(true);
      expect(bytesOf(unaligned).equals(given), code).toBe(true);
    }
    expect(masks.size).toBeGreaterThan(3);
  }, 120_000);

  it('draw the chosen mask over the symbol of its own code only: the next code, and the same again, come out as the library draws them', () => {
    // Mask 0 leaves the encoder's modules as they are: a code the library draws with another.
    const [first, second] = signed.slice(0, 20).filter((code) => library(code).maskPattern !== 0) as [string, string];
    const symbol = qrSymbol(first);
    symbol.modules.fill(1);
    expect(sameModules(qrSymbol(second).modules, library(second).modules)).toBe(true);
    expect(sameModules(qrSymbol(first).modules, library(first).modules)).toBe(true);
    expect(matrixDifference(encodeQr(Buffer.from(first, 'latin1')), libraryMask0(Buffer.from(first, 'latin1')))).toBe(
      '',
    );
  });

  it('refuse a code too long for any QR code, as the library does, and keep working', () => {
    const tooLong = 'A'.repeat(2332);
    expect(() => library(tooLong)).toThrow('too big');
    expect(() => qrSymbol(tooLong)).toThrow('too big');
    expect(() => qrPng(tooLong)).toThrow('too big');
    const code = signed[0]!;
    expect(sameModules(qrSymbol(code).modules, library(code).modules)).toBe(true);
  });

  it('refuse a mask pattern that does not exist', () => {
    const code = signed[0]!;
    for (const maskPattern of [8, -1, 1.5, Number.NaN])
      expect(() => qrSymbol(code, maskPattern as MaskPattern)).toThrow(RangeError);
    expect(sameModules(qrSymbol(code).modules, library(code).modules)).toBe(true);
  });
});
