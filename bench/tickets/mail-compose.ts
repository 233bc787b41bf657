// CPU to compose one booking confirmation email as an RFC 5322 message, two ways in one run:
// nodemailer's composition (`streamTransport` with `buffer: true`, what the .eml files were
// written with) and tickets' own `composeMessage`, on the same realistic message (about 3 kB
// of text, 3 kB of HTML with non-ASCII characters, one 1.8 kB PNG inline). Each way runs in
// rounds that alternate, one message at a time; CPU is the process's (user + system, GC and
// helper threads included) over a round, divided by its messages. Reports the median round.
// Run after `npm run build`:
//   node bench/dist/tickets/mail-compose.js [rounds=7] [messagesPerRound=2000]
import nodemailer from 'nodemailer';
import { composeMessage } from '@railgraph/tickets/mail/mime';
import { print } from '../inventory/common.js';
import { median } from '../lib/median.js';

const rounds = Number(process.argv[2] ?? 7);
const perRound = Number(process.argv[3] ?? 2_000);

/** A deterministic stand-in for a QR code PNG: its bytes do not change what composing costs. */
function pngOf(bytes: number): Buffer {
  const png = Buffer.alloc(bytes);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
  let state = 0x2545f491;
  for (let i = 8; i < bytes; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    png[i] = state & 0xff;
  }
  return png;
}

const rows: Array<[string, string]> = [
  ['Booking reference', '0b7d5c2e-1f7a-4a51-8f0e-3c9b8a7d6e5f'],
  ['Trip', 'Amsterdam Centraal → Köln Hbf → München Hbf, one change'],
  ['Departure', 'Tue, 1 Dec 2026, 10:00 CET'],
  ['Class', 'Standard'],
];
const tickets = Array.from({ length: 9 }, (_, i) => ({
  passenger: ['Zoë Müller', 'Ann-Marie D’Arcy', 'Jürgen Weiß', 'Åsa Öberg', 'François Lefèvre', 'Łukasz Żak'][i % 6]!,
  seat: `coach ${3 + (i % 2)}, seat ${12 + i}A`,
  fare: `€${(29.5 + i * 4.25).toFixed(2)}`,
  code: `eyJhbGciOiJFUzI1NiJ9.eyJ0aWNrZXQiOiIke2l9In0.${'s'.repeat(40)}${i}`,
}));
const subject = 'Booking confirmed: Amsterdam Centraal → München Hbf, Tue, 1 Dec 2026, 10:00 CET';
const text = [
  'Hello Zoë Müller,',
  'Your booking is confirmed. Show each ticket’s QR code to the inspector.',
  rows.map(([label, value]) => `${label}: ${value}`).join('\n'),
  ...tickets.map(
    (t, i) =>
      `Ticket ${i + 1}: ${t.passenger} (adult), ${t.seat}, ${t.fare}\n` +
      `  Valid on: EC 117 and ICE 527, Amsterdam Centraal → Köln Hbf → München Hbf\n` +
      `  Ticket code (what the QR code in the HTML version holds):\n  ${t.code}`,
  ),
  'Change at Köln Hbf: 18 minutes, from platform 4 to platform 7.',
  'Receipt\nTotal: €203.63\nPayment: card (pm_card_visa), captured',
  'Your tickets are valid on the trains named above only. You may cancel until the departure: ' +
    'the refund rule at the time of cancelling applies. To change train, open the booking and ' +
    'choose Change train; an exchange fee may apply.',
  'Railgraph',
].join('\n\n');
const table = (cells: Array<[string, string]>) =>
  `<table cellpadding="4">${cells.map(([l, v]) => `<tr><th align="left">${l}</th><td>${v}</td></tr>`).join('')}</table>`;
const html =
  `<!doctype html><html><head><meta charset="utf-8"><title>${subject}</title></head>` +
  `<body style="font-family: sans-serif"><p>Hello Zoë Müller,</p>` +
  `<p>Your booking is confirmed. Show each ticket’s QR code to the inspector.</p>${table(rows)}` +
  tickets
    .map(
      (t, i) =>
        `<div style="margin: 1em 0"><h3>Ticket ${i + 1}</h3>` +
        table([
          ['Passenger', `${t.passenger} (adult)`],
          ['Seat', t.seat],
          ['Fare', t.fare],
        ]) +
        (i === 0 ? `<img src="cid:ticket-1@railgraph" alt="QR code of ticket 1" width="220" height="220">` : '') +
        '</div>',
    )
    .join('') +
  `<h2>Receipt</h2>${table([['Total', '€203.63']])}<p>Railgraph</p></body></html>`;

const mail = {
  eventId: '6f1c1c0e-8b9b-4b7e-9b1e-2d6f3c1a0b11',
  from: 'Railgraph <tickets@railgraph.local>',
  to: { name: 'Zoë Müller', address: 'zoe@example.com' },
  subject,
  text,
  html,
  attachments: [
    { filename: 'ticket-1.png', content: pngOf(1_800), contentType: 'image/png' as const, cid: 'ticket-1@railgraph' },
  ],
  messageId: '<booking-event.6f1c1c0e-8b9b-4b7e-9b1e-2d6f3c1a0b11@railgraph.local>',
};

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true });
const { eventId: _eventId, ...message } = mail;
const viaNodemailer = async (): Promise<Buffer> => (await composer.sendMail(message)).message as Buffer;
const viaCompose = async (): Promise<Buffer> => composeMessage(mail);

/** CPU milliseconds per message over `count` messages composed one after another. */
async function cpuMsPerMessage(compose: () => Promise<Buffer>, count: number): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < count; i += 1) await compose();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / count;
}

// Warm-up: both paths compiled and their caches filled before anything is counted.
await cpuMsPerMessage(viaNodemailer, 500);
await cpuMsPerMessage(viaCompose, 500);
const samples = { nodemailer: [] as number[], compose: [] as number[] };
for (let round = 0; round < rounds; round += 1) {
  samples.nodemailer.push(await cpuMsPerMessage(viaNodemailer, perRound));
  samples.compose.push(await cpuMsPerMessage(viaCompose, perRound));
}
composer.close();

const sizes = { nodemailer: (await viaNodemailer()).length, compose: (await viaCompose()).length };
const ms = { nodemailer: median(samples.nodemailer), compose: median(samples.compose) };
print(
  `Message: text ${Buffer.byteLength(text)} B, HTML ${Buffer.byteLength(html)} B, PNG ${mail.attachments[0]!.content.length} B; ` +
    `${rounds} rounds of ${perRound} messages each way, median round.`,
);
print('');
print('| composer                                   | CPU per message | message size |');
print('| ------------------------------------------ | --------------: | -----------: |');
print(`| nodemailer (streamTransport, buffer: true) | ${ms.nodemailer.toFixed(4)} ms | ${sizes.nodemailer} B |`);
print(`| composeMessage                             | ${ms.compose.toFixed(4)} ms | ${sizes.compose} B |`);
print('');
print(`nodemailer / composeMessage: ${(ms.nodemailer / ms.compose).toFixed(1)}x`);
