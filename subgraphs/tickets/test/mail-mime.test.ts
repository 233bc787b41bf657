import { randomBytes } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { MailContent } from '../src/mail/content.js';
import { composeMessage, mailboxOf } from '../src/mail/mime.js';
import { qrPng } from '../src/mail/qr.js';
import { renderMail, type InlineImage } from '../src/mail/render.js';
import { recipientRefused, smtpTransport, type OutgoingMail } from '../src/mail/transport.js';
import { EC117, MAIL_FROM, decodeQr, startSmtp, suiteSmtp } from './mail-support.js';

/**
 * Booking emails composed as RFC 5322 messages (`composeMessage`): read back by a real mail
 * parser (mailparser) field for field and byte for byte, held to the line and character rules
 * of RFC 5322, 2045 and 2047 on the raw bytes, and sent through a real SMTP server.
 */

const eventId = '6f1c1c0e-8b9b-4b7e-9b1e-2d6f3c1a0b11';

const image = (n: number, content: Buffer, filename = `ticket-${n}.png`): InlineImage => ({
  filename,
  content,
  contentType: 'image/png',
  cid: `ticket-${n}-${eventId}@railgraph`,
});

const mailWith = (changes: Partial<OutgoingMail> = {}): OutgoingMail => ({
  eventId,
  from: MAIL_FROM,
  to: { name: 'Zoë Müller', address: 'zoe@example.com' },
  subject: 'Booking confirmed: Amsterdam Centraal → Köln Hbf, Tue, 1 Dec 2026, 10:00 CET',
  text: 'Hello Zoë Müller,\n\nYour booking is confirmed.',
  html: '<p>Hello Zoë Müller,</p><p>Your booking is confirmed.</p><img src="cid:ticket-1">',
  attachments: [image(1, qrPng('eyJhbGciOiJFUzI1NiJ9.a-test-ticket-code.signature'))],
  messageId: `<booking-event.${eventId}@railgraph.test>`,
  ...changes,
});

const parse = (raw: Buffer): Promise<ParsedMail> => simpleParser(raw, { keepCidLinks: true });

const mailboxesOf = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((f) => f.value);

/** How a reader sees text: every line break (CRLF, LF or a lone CR) as one LF. */
const asRead = (text: string): string => text.replace(/\r\n?/g, '\n');

/**
 * Everything the traveller sees, as the parser read it, against what was composed: subject,
 * both mailboxes, the text and HTML, each image's bytes, type, Content-ID and file name.
 */
function expectReadBack(parsed: ParsedMail, mail: OutgoingMail): void {
  // A parser reads an empty Subject as none.
  expect(parsed.subject ?? '').toBe(mail.subject);
  expect(mailboxesOf(parsed.from)).toEqual([mailboxOf(mail.from)]);
  expect(mailboxesOf(parsed.to)).toEqual([mail.to]);
  expect(parsed.messageId).toBe(mail.messageId);
  // A parser reads an empty text part as one line break; the part itself is checked empty on the raw bytes.
  expect(parsed.text).toBe(mail.text === '' ? '\n' : asRead(mail.text));
  expect(parsed.html).toBe(asRead(mail.html));
  expect(parsed.attachments).toHaveLength(mail.attachments.length);
  parsed.attachments.forEach((attachment, i) => {
    const sent = mail.attachments[i]!;
    expect(attachment.content.equals(sent.content)).toBe(true);
    expect(attachment.contentType).toBe(sent.contentType);
    expect(attachment.cid).toBe(sent.cid);
    expect(attachment.filename).toBe(sent.filename);
    expect(attachment.contentDisposition).toBe('inline');
    expect(attachment.related).toBe(true);
  });
}

/** A message's lines by role: header lines (of the message and of every part) and each leaf part's body. */
interface Layout {
  headerLines: string[];
  /** Content-Type of every entity, outermost first, in order. */
  types: string[];
  bodies: Array<{ type: string; encoding: string; lines: string[] }>;
}

/** The raw message walked line by line, following the boundaries its Content-Type fields declare. */
function layoutOf(raw: Buffer): Layout {
  const layout: Layout = { headerLines: [], types: [], bodies: [] };
  const boundaries: string[] = [];
  let header: string[] | null = [];
  let body: Layout['bodies'][number] | null = null;
  for (const line of raw.toString('latin1').split('\r\n')) {
    if (header) {
      if (line !== '') {
        layout.headerLines.push(line);
        header.push(line);
        continue;
      }
      const fields = header.join('\r\n').replace(/\r\n[ \t]/g, ' ');
      const type = /^content-type:\s*([^;\s]+)/im.exec(fields)?.[1]?.toLowerCase() ?? 'text/plain';
      layout.types.push(type);
      const boundary = /;\s*boundary="([^"]+)"/i.exec(fields)?.[1];
      if (boundary) boundaries.push(boundary);
      const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(fields)?.[1]?.toLowerCase() ?? '7bit';
      body = boundary ? null : { type, encoding, lines: [] };
      if (body) layout.bodies.push(body);
      header = null;
      continue;
    }
    const delimiter = boundaries.find((b) => line === `--${b}` || line === `--${b}--`);
    if (delimiter !== undefined) {
      if (line === `--${delimiter}--`) body = null;
      else header = [];
      continue;
    }
    body?.lines.push(line);
  }
  return layout;
}

/**
 * The rules every composed message keeps on its raw bytes: ASCII only, CRLF only, header lines
 * at most 78 characters, encoded body lines at most 76; quoted-printable with every `=` an
 * escape or a soft break, no whitespace before a line break, no `.` starting a line; base64 in
 * full lines of 76 but the last.
 */
function expectWellFormed(raw: Buffer): Layout {
  expect(raw.every((byte) => byte < 0x80)).toBe(true);
  expect(/\r(?!\n)|(?<!\r)\n/.test(raw.toString('latin1'))).toBe(false);
  const layout = layoutOf(raw);
  const long = layout.headerLines.filter((line) => line.length > 78);
  expect(long).toEqual([]);
  for (const { encoding, lines } of layout.bodies) {
    expect(lines.filter((line) => line.length > 76)).toEqual([]);
    if (encoding === 'quoted-printable') {
      for (const line of lines) {
        expect(line).not.toMatch(/[ \t]$/);
        expect(line).not.toMatch(/^\./);
        expect(line.replace(/=[0-9A-F]{2}/g, '').replace(/=$/, '')).not.toContain('=');
      }
    } else {
      expect(encoding).toBe('base64');
      lines.forEach((line, i) => {
        expect(line).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
        if (i < lines.length - 1) expect(line).toHaveLength(76);
      });
    }
  }
  return layout;
}

const composedAndRead = async (mail: OutgoingMail) => {
  const raw = composeMessage(mail);
  const layout = expectWellFormed(raw);
  const parsed = await parse(raw);
  expectReadBack(parsed, mail);
  return { raw, layout, parsed };
};

/** Text a traveller's name, a station or a fare rule can bring: every line-level hazard of the encodings. */
const HOSTILE_LINES = [
  'Zoë Müller → Köln Hbf, €29.50, ticket’s QR code 🚆 日本語',
  'a'.repeat(1_000),
  'Köln → München, '.repeat(63),
  '='.repeat(1_000),
  '🚆'.repeat(500),
  'ends in spaces   ',
  'ends in a tab\t',
  'ends in both \t \t',
  '=3D is no escape here',
  '=',
  '.',
  '..',
  '.starts with a dot',
  'From the start of a line',
  ' ',
  '\t',
  '',
  `${'x'.repeat(74)} `,
  `${'x'.repeat(75)}=`,
  `${'x'.repeat(74)}é`,
  `${'x'.repeat(74)}.`,
];
/** The lines joined with every kind of line break in turn. */
const mixedBreaks = (lines: readonly string[]): string =>
  lines.map((line, i) => line + ['\r\n', '\n', '\r'][i % 3]!).join('');

const HOSTILE_TEXT = mixedBreaks(HOSTILE_LINES);
const HOSTILE_HTML =
  `<!doctype html><html><head><meta charset="utf-8"><title>Zoë → Köln</title></head><body>` +
  `<p style="font-family: sans-serif">${'Zoë Müller → Köln Hbf, €29.50. '.repeat(40)}</p>` +
  `<pre>${mixedBreaks(HOSTILE_LINES.slice(5))}</pre></body></html>`;

describe('composeMessage', () => {
  it('lays out an email with images as multipart/alternative: text, then multipart/related of the HTML and its images', async () => {
    const mail = mailWith({ attachments: [image(1, qrPng('code-1')), image(2, qrPng('code-2'))] });
    const { layout, parsed } = await composedAndRead(mail);
    expect(layout.types).toEqual([
      'multipart/alternative',
      'text/plain',
      'multipart/related',
      'text/html',
      'image/png',
      'image/png',
    ]);
    expect(layout.bodies.map((b) => b.encoding)).toEqual(['quoted-printable', 'quoted-printable', 'base64', 'base64']);
    expect(parsed.attachments.map((a) => decodeQr(a.content))).toEqual(['code-1', 'code-2']);
  });

  it('lays out an email without images as multipart/alternative of the text and the HTML', async () => {
    const { layout } = await composedAndRead(mailWith({ attachments: [] }));
    expect(layout.types).toEqual(['multipart/alternative', 'text/plain', 'text/html']);
  });

  it('writes a rendered confirmation exactly as it was rendered', async () => {
    const confirmation: MailContent = {
      kind: 'confirmation',
      booking: {
        bookingId: '0b7d5c2e-1f7a-4a51-8f0e-3c9b8a7d6e5f',
        runId: 'EC117:2026-12-01',
        seatClass: 'FIRST',
        journey: EC117,
        departure: { at: new Date('2026-12-01T09:00:00Z'), timeZone: 'Europe/Amsterdam' },
      },
      tickets: ["Zoë O'Brien", 'Émile Zola', '.', 'x'.repeat(200)].map((passengerName, i) => ({
        ticketId: `9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6${i}`,
        passengerName,
        passengerType: 'ADULT',
        coach: 3,
        seatLabel: `1${i}A`,
        fare: { amountMinor: 2_950, currency: 'EUR' },
        code: `eyJhbGciOiJFUzI1NiJ9.ticket-${i}.signature`,
      })),
      receipt: {
        total: { amountMinor: 11_800, currency: 'EUR' },
        payment: { method: 'pm_card_visa', status: 'CAPTURED', onAccount: false },
      },
    };
    const to = { email: 'zoe@example.com', name: 'Müller, Zoë "Z" (Köln)' };
    const rendered = await renderMail(confirmation, to);
    const mail = mailWith({ ...rendered, to: { name: to.name, address: to.email } });
    const { parsed } = await composedAndRead(mail);
    expect(parsed.attachments.map((a) => decodeQr(a.content))).toEqual(
      confirmation.tickets.map((ticket) => ticket.code),
    );
  });

  it('carries hostile text and HTML line for line: long lines, trailing blanks, = and . at line starts, mixed line breaks', async () => {
    const { parsed } = await composedAndRead(mailWith({ text: HOSTILE_TEXT, html: HOSTILE_HTML }));
    expect(parsed.text!.split('\n')).toEqual([...HOSTILE_LINES, '']);
  });

  it('carries an empty text as an empty text/plain part', async () => {
    const { raw, layout } = await composedAndRead(mailWith({ text: '' }));
    expect(layout.bodies[0]).toEqual({ type: 'text/plain', encoding: 'quoted-printable', lines: [''] });
    expect(raw.toString('latin1')).toContain('Content-Transfer-Encoding: quoted-printable\r\n\r\n\r\n--');
  });

  it.each([
    ['an arrow and umlauts', 'Booking confirmed: Amsterdam Centraal → Köln Hbf, Tue, 1 Dec 2026, 10:00 CET'],
    ['200 characters of words', 'Booking confirmed: Amsterdam Centraal, '.repeat(6).slice(0, 200)],
    ['200 characters without a space', 'x'.repeat(200)],
    ['200 characters beyond ASCII', 'Köln → München ✓ 🚆 '.repeat(12).slice(0, 200)],
    ['what looks like an encoded-word', '=?UTF-8?B?SGk=?= is not one'],
    ['runs of spaces and tabs', '  Booking\t\tconfirmed   twice  '],
    ['a line break and a header', 'Booking confirmed\r\nBcc: everyone@example.com'],
    ['one word of 75', 'y'.repeat(75)],
    ['nothing', ''],
  ])('carries a subject with %s', async (_, subject) => {
    const { parsed } = await composedAndRead(mailWith({ subject }));
    expect(parsed.headers.has('bcc')).toBe(false);
  });

  it.each([
    'Zoë Müller',
    'Müller, Zoë',
    'Ada "The Countess" Lovelace',
    "Seán O'Brien (Dublin)",
    'Back\\slash',
    '"',
    '\\',
    '(',
    ',',
    'a, b (c) "d" \\ e; f: g@h',
    'Ada <Lovelace>',
    `${'x'.repeat(120)}, y`,
    'x'.repeat(120),
    'Zoë '.repeat(40).trim(),
    '=?UTF-8?Q?Eve?=',
    '山田 太郎',
    'Two  spaces',
    '',
  ])('carries the name %j on a traveller', async (name) => {
    await composedAndRead(mailWith({ to: { name, address: 'traveller@example.com' } }));
  });

  it.each([
    MAIL_FROM,
    '"Rail, graph" <tickets@railgraph.test>',
    '"Back\\\\slash \\"Q\\"" <tickets@railgraph.test>',
    'Zoë Bahn <zoe-bahn@railgraph.test>',
    'Railgraph tickets@railgraph.test',
    'tickets@railgraph.test',
    '<tickets@railgraph.test>',
  ])('carries the From setting %j', async (from) => {
    await composedAndRead(mailWith({ from }));
    expect(mailboxOf(from).address).toMatch(/@railgraph\.test$/);
  });

  it('reads From settings as the name and the address they give', () => {
    expect(mailboxOf('"Back\\\\slash \\"Q\\"" <t@railgraph.test>')).toEqual({
      name: 'Back\\slash "Q"',
      address: 't@railgraph.test',
    });
    expect(mailboxOf('Railgraph tickets@railgraph.test')).toEqual({
      name: 'Railgraph',
      address: 'tickets@railgraph.test',
    });
    expect(mailboxOf('tickets@bücher.example')).toEqual({ name: '', address: 'tickets@xn--bcher-kva.example' });
    expect(() => mailboxOf('Railgraph')).toThrow(/From address/);
  });

  it('carries many images of every size, and file names that need encoding', async () => {
    const sizes = [0, 1, 2, 3, 4, 56, 57, 58, 59, 1_800, 5_000];
    const names = ['Fahrkarte Köln → München.png', 'a "quoted", (name); x=y.png', `${'long-'.repeat(30)}.png`];
    const attachments = Array.from({ length: 40 }, (_, i) =>
      image(i + 1, i % 4 === 0 ? qrPng(`code-${i}`) : randomBytes(sizes[i % sizes.length]!), names[i % 5]),
    );
    const { layout } = await composedAndRead(mailWith({ attachments }));
    expect(layout.types.filter((type) => type === 'image/png')).toHaveLength(40);
  });

  it('writes the Date given, in RFC 5322 form', async () => {
    const raw = composeMessage(mailWith(), { date: new Date('2026-12-01T09:00:00Z') });
    expect(raw.toString('latin1')).toMatch(/\r\nDate: Tue, 01 Dec 2026 09:00:00 \+0000\r\n/);
    expect((await parse(raw)).date?.toISOString()).toBe('2026-12-01T09:00:00.000Z');
  });

  it('writes exactly this for a small confirmation', () => {
    const boundaries = ['inner', 'outer'];
    const raw = composeMessage(
      mailWith({
        to: { name: 'Zoë Müller', address: 'zoe@example.com' },
        subject: 'Booking confirmed: Köln → Basel',
        text: 'Hello Zoë,\nsee you.',
        html: '<p class="x">Hello Zoë</p>',
        attachments: [{ ...image(1, Buffer.from('PNG!')), cid: 'ticket-1@railgraph' }],
        messageId: '<booking-event.e@railgraph.test>',
      }),
      { date: new Date('2026-12-01T09:00:00Z'), boundary: () => boundaries.shift()! },
    );
    expect(raw.toString('latin1')).toBe(
      [
        'From: Railgraph <tickets@railgraph.test>',
        'To: =?UTF-8?B?Wm/DqyBNw7xsbGVy?= <zoe@example.com>',
        'Subject: =?UTF-8?Q?Booking_confirmed=3A_K=C3=B6ln_=E2=86=92_Basel?=',
        'Message-ID: <booking-event.e@railgraph.test>',
        'Date: Tue, 01 Dec 2026 09:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="outer"',
        '',
        '--outer',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        'Hello Zo=C3=AB,',
        'see you.',
        '--outer',
        'Content-Type: multipart/related; type="text/html"; boundary="inner"',
        '',
        '--inner',
        'Content-Type: text/html; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
        '',
        '<p class=3D"x">Hello Zo=C3=AB</p>',
        '--inner',
        'Content-Type: image/png; name=ticket-1.png',
        'Content-ID: <ticket-1@railgraph>',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: inline; filename=ticket-1.png',
        '',
        'UE5HIQ==',
        '--inner--',
        '',
        '--outer--',
        '',
      ].join('\r\n'),
    );
  });

  it('draws fresh random boundaries for every message, the two of a message different', () => {
    const boundariesOf = (raw: Buffer) => [...raw.toString('latin1').matchAll(/boundary="([^"]+)"/g)].map((m) => m[1]);
    const first = boundariesOf(composeMessage(mailWith()));
    const second = boundariesOf(composeMessage(mailWith()));
    expect(first).toHaveLength(2);
    expect(new Set([...first, ...second]).size).toBe(4);
  });

  it('never uses a boundary that occurs in the content, and gives up rather than write one', async () => {
    const mail = mailWith({ text: 'Quoting a message:\n--clash\nsee above' });
    const offered: string[] = [];
    const supply = (boundaries: string[]) => () => {
      const next = boundaries.shift()!;
      offered.push(next);
      return next;
    };
    const raw = composeMessage(mail, { boundary: supply(['inner', 'clash', 'inn', 'outer']) });
    // `clash` is in the text; `inn` starts every delimiter line of `inner` nested in it.
    expect(offered).toEqual(['inner', 'clash', 'inn', 'outer']);
    expect(raw.toString('latin1')).toContain('multipart/alternative; boundary="outer"');
    expectReadBack(await parse(raw), mail);

    expect(() => composeMessage(mail, { boundary: () => 'clash' })).toThrow(/boundary/);
    expect(() => composeMessage(mail, { boundary: () => 'a"b' })).toThrow(/boundary/);
    expect(() => composeMessage(mail, { boundary: () => 'b'.repeat(71) })).toThrow(/boundary/);
  });

  it('refuses header values that would break out of their field', () => {
    expect(() => composeMessage(mailWith({ messageId: '<a@b>\r\nBcc: all@example.com' }))).toThrow(/Message-ID/);
    expect(() =>
      composeMessage(mailWith({ to: { name: 'Zoë', address: 'zoe@example.com\r\nBcc: all@example.com' } })),
    ).toThrow(/address/);
    expect(() => composeMessage(mailWith({ attachments: [{ ...image(1, Buffer.from('x')), cid: 'a>b' }] }))).toThrow(
      /Content-ID/,
    );
  });
});

describe('composed emails over SMTP', () => {
  const smtp = suiteSmtp();

  it('arrive intact at a real SMTP server, to the traveller', async () => {
    const transport = smtpTransport(smtp.url);
    const mail = mailWith({
      to: { name: 'Müller, Zoë "Z" (Köln)', address: 'zoe.smtp@example.com' },
      subject: `Booking confirmed: ${'Köln → München, '.repeat(12)}`,
      text: HOSTILE_TEXT,
      html: HOSTILE_HTML,
      attachments: Array.from({ length: 5 }, (_, i) => image(i + 1, qrPng(`code-${i}`))),
    });
    try {
      await transport.send(mail);
    } finally {
      transport.close();
    }
    const received = smtp.received.filter((r) => r.mail.messageId === mail.messageId);
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['zoe.smtp@example.com']);
    expectReadBack(received[0]!.mail, mail);
  });

  it('fail as refused when the server refuses the recipient for good', async () => {
    const refusing = await startSmtp(0, ['nobody@example.com']);
    const transport = smtpTransport(refusing.url);
    try {
      const failure = await transport.send(mailWith({ to: { name: 'Nobody', address: 'nobody@example.com' } })).then(
        () => null,
        (error: unknown) => error,
      );
      expect(recipientRefused(failure)).toBe(true);
      expect(refusing.received).toHaveLength(0);
    } finally {
      transport.close();
      await refusing.close();
    }
  });
});
