import { coalescingEach, repeatEvery, type Logger, type RepeatingTask } from '@railgraph/service-kit';
import type { BookingEvent, PrismaClient } from '../__generated__/prisma/client.js';
import { readBookingEvents } from './batch-reads.js';
import { contentOf, mailBookingsOf, skipReasonOf, type MailBooking } from './content.js';
import type { JourneyDirectory } from './journeys.js';
import { messageIdFor } from './message-id.js';
import {
  claimDueMessages,
  followEventStream,
  forgetRecipients,
  handBack,
  settleMessages,
  type ClaimedMessage,
  type MailOutcome,
  type Settlement,
} from './queue.js';
import type { Contact, ContactDirectory } from './recipients.js';
import { renderMail } from './render.js';
import { recipientRefused, SMTP_SEND_MAX_MS, type MailTransport } from './transport.js';

/**
 * Most messages one claim takes. Each claim first waits on its reads (the events, the
 * travellers at users, the bookings) before any message starts: claims of 40 fell seconds
 * behind sales of 400 bookings/s (bench/RESULTS.md), claims of 200 keep pace.
 */
const MAIL_BATCH = 200;

/**
 * Messages of a claim under way at once, so at most this many SMTP connections per process: a
 * message spends most of its time waiting (users, the SMTP server, the file system, its
 * settle), so several side by side keep pace with a rush's sales where one at a time fell
 * behind them (8 still trailed 400 bookings/s by ~2 s).
 */
const MAIL_PARALLEL = 16;

/** How often a dispatcher clears the addresses of old messages. */
const FORGET_EVERY_MS = 60 * 60 * 1000;

/** Most claims one pass makes: a pass ends within a few seconds of `stop()` even with a backlog. */
const MAX_BATCHES_PER_PASS = 10;

/**
 * The longest one message takes: a trains look-up (5 s at most), rendering, and the SMTP
 * conversation (`SMTP_SEND_MAX_MS`). A dispatcher starts a message only while its claim has at
 * least this long to run, so a claim never lapses mid-send and lets another dispatcher in.
 */
export const MAIL_DELIVERY_MAX_MS = 5_000 + SMTP_SEND_MAX_MS + 5_000;

/** How long a claim lasts: a few deliveries, so a slow server does not end a pass at once. */
export const MAIL_CLAIM_MS = 3 * MAIL_DELIVERY_MAX_MS;

export interface MailDispatcherDeps {
  prisma: PrismaClient;
  transport: MailTransport;
  contacts: ContactDirectory;
  journeys: JourneyDirectory;
  /** The From header; its domain names the Message-IDs. */
  from: string;
  log: Logger;
  intervalMs: number;
  /** How long a settled message keeps its recipient's address (MAIL_RETENTION_DAYS); kept forever without. */
  retentionMs?: number;
  /** Counts each settled message by its outcome (`tickets_mail_messages_total`). */
  onOutcome?: (status: MailOutcome['status']) => void;
}

/**
 * Sends the confirmation emails of booking events (docs/design.md §12): follows the event
 * stream into `MailMessage` rows, then claims due rows and sends each, exactly one outcome per
 * event (SENT, SKIPPED or FAILED), retrying with backoff until then. Runs every `intervalMs`
 * and when nudged after events are published; every tickets process runs one.
 */
export class MailDispatcher {
  private readonly schedule: RepeatingTask;
  /** The pass a nudge started, and whether another was asked for while it ran. */
  private nudged: Promise<void> | null = null;
  private nudgedAgain = false;
  private stopped = false;
  /** When this dispatcher last forgot old recipients (ms); once an hour is plenty. */
  private forgotAt = 0;
  /**
   * Records an outcome as soon as its attempt ends; outcomes that end while a settle statement
   * runs share the next one (each still conditional on its own claim).
   */
  private readonly settle: (settlement: Settlement) => Promise<boolean>;

  constructor(private readonly deps: MailDispatcherDeps) {
    this.settle = coalescingEach((settlements: readonly Settlement[]) => settleMessages(deps.prisma, settlements));
    this.schedule = repeatEvery(
      deps.intervalMs,
      () => this.pass(),
      (error) => deps.log.error({ err: error }, 'mail dispatcher pass failed'),
    );
  }

  /** Takes in newly published events, then sends what is due; returns how many messages it settled. */
  async pass(now?: Date): Promise<number> {
    await followEventStream(this.deps.prisma);
    await this.forgetOldRecipients(now ?? new Date());
    let settled = 0;
    // A backlog (after a rush) drains batch after batch; a batch with a failure ends the pass,
    // since the next would likely fail alike, and so does stopping. `now` is taken once the new
    // messages exist, so they are due in this very pass.
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch++) {
      const outcome = await this.sendDue(now ?? new Date());
      settled += outcome.settled;
      if (outcome.claimed < MAIL_BATCH || outcome.retries > 0 || this.stopped) break;
    }
    return settled;
  }

  /** Clears the addresses of messages settled longer than the retention ago, at most hourly per process. */
  private async forgetOldRecipients(now: Date): Promise<void> {
    const { retentionMs, prisma } = this.deps;
    if (retentionMs === undefined || now.getTime() - this.forgotAt < FORGET_EVERY_MS) return;
    this.forgotAt = now.getTime();
    const forgotten = await forgetRecipients(prisma, new Date(now.getTime() - retentionMs));
    if (forgotten > 0) this.deps.log.info({ forgotten }, 'forgot the recipients of old booking emails');
  }

  /**
   * A pass soon, after events were published, so an email does not wait for the next interval.
   * Nudges while a nudged pass runs share one more pass after it. Never throws.
   */
  nudge(): void {
    if (this.stopped) return;
    if (this.nudged) {
      this.nudgedAgain = true;
      return;
    }
    this.nudged = this.pass()
      .then(() => undefined)
      .catch((error: unknown) =>
        this.deps.log.warn({ err: error }, 'mail pass after publishing failed; the next one retries'),
      )
      .finally(() => {
        this.nudged = null;
        if (this.nudgedAgain) {
          this.nudgedAgain = false;
          this.nudge();
        }
      });
  }

  start(): void {
    this.stopped = false;
    this.schedule.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.schedule.stop();
    await this.nudged;
    this.deps.transport.close();
  }

  /** Claims due messages and attempts each; says how many it claimed, settled and left to retry. */
  private async sendDue(now: Date): Promise<{ claimed: number; settled: number; retries: number }> {
    const { prisma } = this.deps;
    const claimedUntil = new Date(now.getTime() + MAIL_CLAIM_MS);
    const claimed = await claimDueMessages(prisma, now, claimedUntil, MAIL_BATCH);
    if (claimed.length === 0) return { claimed: 0, settled: 0, retries: 0 };
    const eventIds = claimed.map((m) => m.eventId);
    const events = new Map((await readBookingEvents(prisma, eventIds)).map((e) => [e.id, e]));
    const contacts = await this.contactsFor([...events.values()]);
    const mailed = [...events.values()].filter((e) => skipReasonOf(e) === null);
    // Should the batch's read fail, each email reads its own booking and retries as it always did.
    const bookings = await mailBookingsOf(
      prisma,
      mailed.map((e) => e.bookingId),
    ).catch((error: unknown) => {
      this.deps.log.warn({ err: error }, "a mail batch's bookings could not be read together; reading each");
      return new Map<string, MailBooking>();
    });
    let settled = 0;
    let retries = 0;
    // MAIL_PARALLEL workers take the claim's messages in order. A message starts only while the
    // claim has a whole delivery left; once one does not, the rest are handed back at once.
    let next = 0;
    const work = async (): Promise<void> => {
      while (next < claimed.length) {
        if (Date.now() + MAIL_DELIVERY_MAX_MS > claimedUntil.getTime()) {
          const rest = claimed.slice(next).map((m) => m.eventId);
          next = claimed.length;
          await handBack(prisma, rest, claimedUntil);
          // Slow deliveries: the next batch waits for the next pass.
          retries += 1;
          return;
        }
        const message = claimed[next++]!;
        const event = events.get(message.eventId);
        // The foreign key keeps the event; never reached.
        if (!event) continue;
        const outcome = await this.attempt(event, contacts, bookings.get(event.bookingId));
        if (outcome.status === 'RETRY') retries += 1;
        if (await this.settle({ message, claimedUntil, outcome })) {
          settled += 1;
          this.deps.onOutcome?.(outcome.status);
          this.logOutcome(message, event, outcome);
        }
      }
    };
    // Every worker ends before the batch does (stop() waits for the pass); the first failure is its error.
    const ended = await Promise.allSettled(Array.from({ length: Math.min(MAIL_PARALLEL, claimed.length) }, work));
    const failure = ended.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
    return { claimed: claimed.length, settled, retries };
  }

  /** The travellers' contacts for the events that get an email, or why users could not say. */
  private async contactsFor(events: BookingEvent[]): Promise<Map<string, Contact | null> | Error> {
    const travellers = events.filter((e) => skipReasonOf(e) === null).map((e) => e.ownerId);
    if (travellers.length === 0) return new Map();
    try {
      return await this.deps.contacts.contactsOf(travellers);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /** One attempt at an event's email; every failure is an outcome, none is thrown. */
  private async attempt(
    event: BookingEvent,
    contacts: Map<string, Contact | null> | Error,
    booking: MailBooking | undefined,
  ): Promise<MailOutcome> {
    const skip = skipReasonOf(event);
    if (skip) return { status: 'SKIPPED', reason: skip };
    if (contacts instanceof Error) return { status: 'RETRY', error: `users cannot be asked: ${contacts.message}` };
    const contact = contacts.get(event.ownerId);
    if (!contact) return { status: 'SKIPPED', reason: `users has no account ${event.ownerId}` };
    const messageId = messageIdFor(event.id, this.deps.from);
    const recipient = contact.email;
    let mail;
    try {
      const content = await contentOf(this.deps.prisma, event, this.deps.journeys, booking);
      // Another event of the same change sends the email that reports this one.
      if (content.kind === 'skipped') return { status: 'SKIPPED', reason: content.reason };
      const rendered = await renderMail(content, contact);
      mail = {
        ...rendered,
        eventId: event.id,
        from: this.deps.from,
        to: { name: contact.name, address: recipient },
        messageId,
      };
    } catch (error) {
      return { status: 'RETRY', error: `not composed: ${(error as Error).message}`, messageId, recipient };
    }
    try {
      await this.deps.transport.send(mail);
      return { status: 'SENT', messageId, recipient };
    } catch (error) {
      const reason = (error as Error).message;
      if (recipientRefused(error)) return { status: 'FAILED', reason, recipient, messageId };
      return { status: 'RETRY', error: `not sent: ${reason}`, messageId, recipient };
    }
  }

  private logOutcome(message: ClaimedMessage, event: BookingEvent, outcome: MailOutcome): void {
    const fields = { eventId: event.id, bookingId: event.bookingId, kind: event.kind, attempts: message.attempts + 1 };
    if (outcome.status === 'SENT')
      this.deps.log.info({ ...fields, messageId: outcome.messageId }, 'booking email sent');
    else if (outcome.status === 'SKIPPED')
      this.deps.log.debug({ ...fields, reason: outcome.reason }, 'booking email skipped');
    else if (outcome.status === 'FAILED')
      this.deps.log.error({ ...fields, reason: outcome.reason }, 'booking email refused by the recipient’s server');
    else this.deps.log.warn({ ...fields, error: outcome.error }, 'booking email not sent yet; retrying with backoff');
  }
}
