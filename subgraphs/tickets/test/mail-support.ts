import type net from 'node:net';
import jsQRModule from 'jsqr';
import { simpleParser, type ParsedMail } from 'mailparser';
import { PNG } from 'pngjs';
import { SMTPServer } from 'smtp-server';
import { reserveFreePorts } from '@railgraph/database/embedded';
import type { PrismaClient } from '../src/__generated__/prisma/client.js';
import { MailDispatcher } from '../src/mail/dispatcher.js';
import type { JourneyDetails, JourneyDirectory } from '../src/mail/journeys.js';
import type { Contact, ContactDirectory } from '../src/mail/recipients.js';
import { smtpTransport, type MailTransport } from '../src/mail/transport.js';
import { forSuite, testLog } from './fixtures.js';

/** Shared set-up of the mail suites: a real SMTP server, and users and trains as the dispatcher asks them. */

export const MAIL_FROM = 'Railgraph <tickets@railgraph.test>';

export interface ReceivedMail {
  /** RCPT TO addresses. */
  to: string[];
  mail: ParsedMail;
}

export interface TestSmtp {
  port: number;
  url: string;
  received: ReceivedMail[];
  close(): Promise<void>;
}

/** A real SMTP server for the suite's tests: started before them, closed after them (`forSuite`). */
export const suiteSmtp = (): TestSmtp =>
  forSuite(
    () => startSmtp(),
    (smtp) => smtp.close(),
  );

/**
 * A port nothing listens on now, reserved for this process, so the SMTP server can be started on
 * it later without another process having taken it meanwhile (`reserveFreePorts`).
 */
export const freePort = (): Promise<number> => reserveFreePorts(1);

/**
 * A real SMTP server (the `smtp-server` package) on `port` (a free one by default), without
 * TLS or authentication, that keeps every message it accepts, parsed, before it answers 250:
 * once `sendMail` resolves the message is in `received`. RCPT TO an address in `refuse` is
 * answered 550, as a server refusing an unknown mailbox does.
 */
export async function startSmtp(port = 0, refuse: readonly string[] = []): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!refuse.includes(address.address)) return callback();
      const refusal = new Error('5.1.1 No such mailbox here') as Error & { responseCode: number };
      refusal.responseCode = 550;
      callback(refusal);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        // keepCidLinks: the HTML as sent, its inline images still `cid:` references.
        simpleParser(Buffer.concat(chunks), { keepCidLinks: true }).then(
          (mail) => {
            received.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const bound = (server.server.address() as net.AddressInfo).port;
  return {
    port: bound,
    url: `smtp://127.0.0.1:${bound}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Users as the dispatcher asks it: the accounts it was given, and unreachable while `down` is
 * set (as `contactsOverHttp` rejects when users does not answer).
 */
export function testContacts(accounts: Record<string, Contact> = {}): ContactDirectory & {
  accounts: Record<string, Contact>;
  down: boolean;
  asked: number;
} {
  const directory = {
    accounts,
    down: false,
    asked: 0,
    async contactsOf(userIds: readonly string[]) {
      directory.asked += 1;
      if (directory.down) throw new Error('A service this operation needs is unavailable (users)');
      return new Map(userIds.map((id) => [id, directory.accounts[id] ?? null]));
    },
  };
  return directory;
}

/** The test quote's journey (EC117 on 1 December 2026, stops 0 to 4) as trains describes it. */
export const EC117: JourneyDetails = {
  trainNumber: 'EC 117',
  origin: 'Amsterdam Centraal',
  destination: 'Köln Hbf',
  departure: new Date('2026-12-01T09:00:00Z'),
  arrival: new Date('2026-12-01T11:40:00Z'),
};

/** Trains as the dispatcher asks it: every journey is EC117's. */
export const testJourneys = (details: JourneyDetails = EC117): JourneyDirectory => ({
  journeyOf: async () => details,
});

export function testDispatcher(
  prisma: PrismaClient,
  transport: MailTransport,
  contacts: ContactDirectory,
  journeys: JourneyDirectory = testJourneys(),
  retentionMs?: number,
): MailDispatcher {
  return new MailDispatcher({
    prisma,
    transport,
    contacts,
    journeys,
    from: MAIL_FROM,
    log: testLog,
    intervalMs: 60_000,
    ...(retentionMs === undefined ? {} : { retentionMs }),
  });
}

export const smtpTo = (smtp: TestSmtp): MailTransport => smtpTransport(smtp.url);

/** What a PNG QR code holds. */
export function decodeQr(png: Buffer): string | null {
  const image = PNG.sync.read(png);
  // jsqr is CommonJS whose exports object is also its `default`: the function is `.default` both ways.
  return jsQRModule.default(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}

/** A moment after every backoff a test's failed attempts set (at most a few seconds): due now. */
export const later = (): Date => new Date(Date.now() + 120_000);
