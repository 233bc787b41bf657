import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { composeMessage, mailboxOf } from './mime.js';
import type { InlineImage } from './render.js';

/** One email, ready to go. */
export interface OutgoingMail {
  /** The event it reports; names the .eml file. */
  eventId: string;
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  attachments: InlineImage[];
  /** Deterministic (`messageIdFor`): the same on every attempt. */
  messageId: string;
}

/** Where emails go: an SMTP server, or .eml files. */
export interface MailTransport {
  /** For logs and the launcher: never with credentials. */
  readonly target: string;
  /** Resolves once the server (or the file system) took the message. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** How long the SMTP conversation may stall at each step before the attempt fails (and is retried). */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/** The longest one SMTP delivery can take with those timeouts. */
export const SMTP_SEND_MAX_MS = 40_000;

/** `smtp://user:pass@host:587` as `smtp://host:587`. */
export function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

/**
 * SMTP through nodemailer, one connection per message (mail is a trickle next to bookings):
 * `smtp://` upgrades with STARTTLS when the server offers it, `smtps://` is TLS from the start.
 * The message is composed here (`composeMessage`); nodemailer only holds the SMTP conversation,
 * with the envelope named outright: MAIL FROM the From address, RCPT TO the traveller.
 */
export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport({ url, ...SMTP_TIMEOUTS });
  return {
    target: withoutCredentials(url),
    async send(mail) {
      const raw = composeMessage(mail);
      await transporter.sendMail({ envelope: { from: mailboxOf(mail.from).address, to: [mail.to.address] }, raw });
    },
    close: () => transporter.close(),
  };
}

/**
 * The embedded default: each email as an .eml file (RFC 5322, what a mail client opens) in
 * `dir`, named by its event, so a resend replaces the same file rather than adding one. Written
 * to a temporary name and renamed, so a reader never sees half a message.
 *
 * Written synchronously: a message of ~9 KB written and renamed blocks the event loop for
 * ~26 µs, where the same two calls through the thread pool cost ~80 µs of CPU (the hand-offs
 * to and from its threads), measured on this project's machines; at a rush's sales that was
 * several per cent of tickets' CPU. No fsync either way.
 */
export function fileTransport(dir: string): MailTransport {
  // The folder is made once, and again should it vanish (a write then fails ENOENT).
  let made = false;
  const write = (partial: string, message: Buffer) => {
    if (!made) {
      fs.mkdirSync(dir, { recursive: true });
      made = true;
    }
    fs.writeFileSync(partial, message);
  };
  return {
    target: dir,
    async send(mail) {
      const message = composeMessage(mail);
      const file = path.join(dir, `${mail.eventId}.eml`);
      const partial = `${file}.${process.pid}.partial`;
      try {
        write(partial, message);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        made = false;
        write(partial, message);
      }
      fs.renameSync(partial, file);
    },
    // Nothing is held open between messages.
    close: () => undefined,
  };
}

export function mailTransportOf(settings: { smtpUrl: string | null; dir: string }): MailTransport {
  return settings.smtpUrl ? smtpTransport(settings.smtpUrl) : fileTransport(settings.dir);
}

/**
 * Whether the recipient's server refused the address for good (a 5xx reply to RCPT TO): no
 * retry can deliver it. Every other failure (server down, a 4xx, a refused login) is retried.
 */
export function recipientRefused(error: unknown): boolean {
  const failure = error as { code?: unknown; command?: unknown; responseCode?: unknown };
  return (
    failure.code === 'EENVELOPE' &&
    failure.command === 'RCPT TO' &&
    typeof failure.responseCode === 'number' &&
    failure.responseCode >= 500
  );
}
