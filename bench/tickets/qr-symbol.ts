// CPU to draw one ticket's QR code symbol (`qrSymbol`: the code drawn with mask 0, then the
// library's choice of mask), two ways in one run: before, the mask-0 matrix from the qrcode
// library's `QRCode.create` (byte mode, level M, maskPattern 0), as qrSymbol drew it until
// tickets had its own encoder; after, from tickets' `encodeQr`, what `qrSymbol` does now. The
// mask choice (`maskedSymbol`) is the same code both ways; the two encoders are also measured
// alone. The codes are compact ES256 JWS over the payload `signTicketCode` signs (ticket,
// run, stops, coach, seat, passenger type, the name on three tickets in four, validity), a few
// hundred characters, each way drawing the same codes in the same order. Each way runs in
// rounds that alternate; CPU is the process's (user + system, GC included) over a round,
// divided by its symbols. Reports the median round. Checks first that both ways draw the same
// symbols.
// Run after `npm run build`:
//   node bench/dist/tickets/qr-symbol.js [rounds=7] [symbolsPerRound=2000]
import { randomInt, randomUUID } from 'node:crypto';
import { CompactSign, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import QRCode from 'qrcode';
import { encodeQr } from '@railgraph/tickets/mail/qr-encode';
import { maskedSymbol, qrSymbol, type QrSymbol } from '@railgraph/tickets/mail/qr-symbol';
import { print } from '../inventory/common.js';
import { median } from '../lib/median.js';

const rounds = Number(process.argv[2] ?? 7);
const perRound = Number(process.argv[3] ?? 2_000);

const NAMES = ['Zoë O’Brien-Smith', 'Jan de Vries', 'Anna-Lena Müller-Lüdenscheidt', 'Li Wei', 'María José García'];
const TRAINS = ['IC', 'ICE', 'EC', 'TGV', 'RJX', 'NJ'];
const PASSENGERS = ['ADULT', 'CHILD', 'SENIOR', 'YOUTH'];

/** Ticket codes as bookings sign them: header with the key's thumbprint as kid, short claim names. */
async function ticketCodes(count: number): Promise<string[]> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  const codes: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const day = `2026-12-${String(randomInt(1, 29)).padStart(2, '0')}`;
    const fromStop = randomInt(0, 20);
    const departure = Date.parse(`${day}T${String(randomInt(0, 24)).padStart(2, '0')}:15:00Z`) / 1000;
    const payload = {
      iss: 'railgraph-tickets',
      t: randomUUID(),
      r: `${TRAINS[randomInt(TRAINS.length)]!}${randomInt(1, 10_000)}:${day}`,
      f: fromStop,
      o: fromStop + randomInt(1, 20),
      c: randomInt(1, 20),
      s: `${randomInt(1, 120)}${'ABCDEF'[randomInt(6)]!}`,
      p: PASSENGERS[randomInt(PASSENGERS.length)]!,
      ...(randomInt(4) === 0 ? {} : { h: NAMES[randomInt(NAMES.length)]! }),
      n: departure - 10 * 3600,
      x: departure + 24 * 3600,
    };
    codes.push(
      await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: 'ES256', kid })
        .sign(privateKey),
    );
  }
  return codes;
}

const codes = await ticketCodes(1_000);

const libraryMatrix = (code: string) =>
  QRCode.create([{ data: Buffer.from(code, 'latin1'), mode: 'byte' }], { errorCorrectionLevel: 'M', maskPattern: 0 })
    .modules;
const viaLibrary = (code: string): QrSymbol => {
  const { size, data, reservedBit } = libraryMatrix(code);
  return maskedSymbol({ size, modules: data, reserved: reservedBit });
};
const ways = {
  before: viaLibrary,
  after: (code: string): QrSymbol => qrSymbol(code),
  libraryEncoder: (code: string): unknown => libraryMatrix(code),
  encodeQr: (code: string): unknown => encodeQr(Buffer.from(code, 'latin1')),
};
type Way = keyof typeof ways;

for (const code of codes) {
  const [before, after] = [viaLibrary(code), qrSymbol(code)];
  if (before.maskPattern !== after.maskPattern || !Buffer.from(before.modules).equals(Buffer.from(after.modules)))
    throw new Error(`the two ways draw different symbols for ${code}`);
}

/** CPU milliseconds per symbol over `count` codes drawn one after another, from code `first` on. */
function cpuMsPerSymbol(draw: (code: string) => unknown, count: number, first: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i += 1) draw(codes[(first + i) % codes.length]!);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / count;
}

const names = Object.keys(ways) as Way[];
// Warm-up: every way compiled and its caches (per-version tables, per-size masks) filled.
for (const name of names) cpuMsPerSymbol(ways[name], 500, 0);
const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Way, number[]>;
for (let round = 0; round < rounds; round += 1)
  for (const name of names) samples[name].push(cpuMsPerSymbol(ways[name], perRound, round * perRound));
const ms = Object.fromEntries(names.map((name) => [name, median(samples[name])])) as Record<Way, number>;

const lengths = codes.map((code) => code.length).sort((a, b) => a - b);
const versions = new Map<number, number>();
for (const code of codes) {
  const { version } = encodeQr(Buffer.from(code, 'latin1'));
  versions.set(version, (versions.get(version) ?? 0) + 1);
}
print(
  `${codes.length} ticket codes of ${lengths[0]}-${lengths[lengths.length - 1]} characters (median ` +
    `${median(lengths)}), QR versions ${[...versions]
      .sort(([a], [b]) => a - b)
      .map(([version, count]) => `${version} (${count})`)
      .join(', ')}; ${rounds} rounds of ${perRound} symbols each way, median round.`,
);
print('');
print('| way                                                    | CPU per symbol |');
print('| ------------------------------------------------------ | -------------: |');
print(`| before: QRCode.create (mask 0), then maskedSymbol      | ${ms.before.toFixed(4)} ms |`);
print(`| after: qrSymbol (encodeQr, then maskedSymbol)          | ${ms.after.toFixed(4)} ms |`);
print(`| QRCode.create (mask 0) alone                           | ${ms.libraryEncoder.toFixed(4)} ms |`);
print(`| encodeQr alone                                         | ${ms.encodeQr.toFixed(4)} ms |`);
print('');
print(`after / before: ${(ms.after / ms.before).toFixed(3)}`);
print(`encodeQr / QRCode.create: ${(ms.encodeQr / ms.libraryEncoder).toFixed(3)}`);
