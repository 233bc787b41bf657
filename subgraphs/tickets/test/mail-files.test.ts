import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvError } from '@railgraph/service-kit';
import { readTicketsEnv } from '../src/env.js';
import type { MailContent } from '../src/mail/content.js';
import { messageIdFor } from '../src/mail/message-id.js';
import { renderMail } from '../src/mail/render.js';
import { fileTransport, withoutCredentials } from '../src/mail/transport.js';
import { EC117, MAIL_FROM, decodeQr } from './mail-support.js';

/** The embedded default: booking emails written as .eml files (no SMTP server), and the mail settings. */

const eventId = '6f1c1c0e-8b9b-4b7e-9b1e-2d6f3c1a0b11';
const confirmation: MailContent = {
  kind: 'confirmation',
  booking: {
    bookingId: '0b7d5c2e-1f7a-4a51-8f0e-3c9b8a7d6e5f',
    runId: 'EC117:2026-12-01',
    seatClass: 'STANDARD',
    journey: EC117,
    departure: { at: new Date('2026-12-01T09:00:00Z'), timeZone: 'Europe/Amsterdam' },
  },
  tickets: [
    {
      ticketId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      passengerName: "Ann-Marie D'Arcy",
      passengerType: 'ADULT',
      coach: 3,
      seatLabel: '12A',
      fare: { amountMinor: 2_950, currency: 'EUR' },
      code: 'eyJhbGciOiJFUzI1NiJ9.a-test-ticket-code.signature',
    },
  ],
  receipt: {
    total: { amountMinor: 2_950, currency: 'EUR' },
    payment: { method: 'pm_card_visa', status: 'CAPTURED', onAccount: false },
  },
};

describe('booking emails as .eml files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'railgraph-mail-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one readable .eml per event, named by the event, that a resend replaces', async () => {
    const mailDir = path.join(dir, 'mail');
    const transport = fileTransport(mailDir);
    const rendered = await renderMail(confirmation, { email: 'ada@example.com', name: 'Ada <Lovelace>' });
    const mail = {
      ...rendered,
      eventId,
      from: MAIL_FROM,
      to: { name: 'Ada <Lovelace>', address: 'ada@example.com' },
      messageId: messageIdFor(eventId, MAIL_FROM),
    };
    await transport.send(mail);
    await transport.send(mail);
    transport.close();

    expect(await readdir(mailDir)).toEqual([`${eventId}.eml`]);
    const parsed = await simpleParser(await readFile(path.join(mailDir, `${eventId}.eml`)), { keepCidLinks: true });
    expect(parsed.messageId).toBe(`<booking-event.${eventId}@railgraph.test>`);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : []).toEqual([
      { name: 'Ada <Lovelace>', address: 'ada@example.com' },
    ]);
    expect(parsed.subject).toMatch(/^Booking confirmed: Amsterdam Centraal → Köln Hbf, Tue,? 1 Dec 2026, 10:00 CET$/);
    expect(parsed.text).toContain("Ann-Marie D'Arcy (adult), coach 3, seat 12A, €29.50");
    expect(parsed.text).toContain('Payment: card (pm_card_visa), captured');
    expect(String(parsed.html)).toContain('Hello Ada &lt;Lovelace&gt;,');
    expect(String(parsed.html)).toContain('Ann-Marie D&#39;Arcy');
    const [image] = parsed.attachments;
    expect(parsed.attachments).toHaveLength(1);
    expect(String(parsed.html)).toContain(`src="cid:${image!.cid}"`);
    expect(decodeQr(image!.content)).toBe(confirmation.kind === 'confirmation' ? confirmation.tickets[0]!.code : '');
  });

  it('makes its folder once, and again when it was removed meanwhile', async () => {
    const mailDir = path.join(dir, 'mail-again');
    const transport = fileTransport(mailDir);
    const rendered = await renderMail(confirmation, { email: 'ada@example.com', name: 'Ada' });
    const mail = (id: string) => ({
      ...rendered,
      eventId: id,
      from: MAIL_FROM,
      to: { name: 'Ada', address: 'ada@example.com' },
      messageId: messageIdFor(id, MAIL_FROM),
    });
    await transport.send(mail('first'));
    await rm(mailDir, { recursive: true, force: true });
    await transport.send(mail('second'));
    transport.close();
    expect(await readdir(mailDir)).toEqual(['second.eml']);
  });

  it('writes into DATA_DIR/mail by default, or MAIL_DIR, from Railgraph <tickets@railgraph.local>', () => {
    expect(readTicketsEnv({ DATA_DIR: '/srv/railgraph' }).mail).toMatchObject({
      smtpUrl: null,
      from: 'Railgraph <tickets@railgraph.local>',
      dir: path.resolve('/srv/railgraph/mail'),
    });
    expect(readTicketsEnv({ MAIL_DIR: '/var/mail/railgraph' }).mail.dir).toBe('/var/mail/railgraph');
    expect(readTicketsEnv({}).mail.dir).toBe(path.resolve('.data/mail'));
  });

  it('sends over SMTP_URL with MAIL_FROM, and never shows the credentials', () => {
    const env = readTicketsEnv({
      SMTP_URL: 'smtp://mailer:s3cret@smtp.example.com:587',
      MAIL_FROM: 'Trains <noreply@example.com>',
    });
    expect(env.mail).toMatchObject({
      smtpUrl: 'smtp://mailer:s3cret@smtp.example.com:587',
      from: 'Trains <noreply@example.com>',
    });
    expect(withoutCredentials(env.mail.smtpUrl!)).toBe('smtp://smtp.example.com:587');
  });

  it('refuses an SMTP_URL that is not smtp:// or smtps://, and a MAIL_FROM that is not one address on one line', () => {
    for (const SMTP_URL of ['http://smtp.example.com', 'smtp.example.com:587', '']) {
      expect(() => readTicketsEnv({ SMTP_URL })).toThrow(EnvError);
    }
    for (const MAIL_FROM of [
      'Railgraph',
      'Railgraph <tickets@railgraph.local>\r\nBcc: all@example.com',
      'a@b@c',
      'x'.repeat(190) + '@example.com',
    ]) {
      expect(() => readTicketsEnv({ MAIL_FROM })).toThrow(EnvError);
    }
  });
});
