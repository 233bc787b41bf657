import { randomUUID } from 'node:crypto';
import type { QuoteClaims, QuoteVerifier } from '@railgraph/quotes';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import { messageIdFor } from '../src/mail/message-id.js';
import { CountedSeats } from './counted-seats.js';
import { beforeDeparture, suiteDatabase, testBookings, testQuote } from './fixtures.js';
import { MAIL_FROM, smtpTo, suiteSmtp, testContacts, testDispatcher, testJourneys } from './mail-support.js';
import { request, traveller } from './payment-support.js';

/**
 * The emails of an exchange (docs/design.md §12): the new booking's confirmation, and a "Booking
 * changed" email for the old one saying which booking replaced it and what came back to the
 * card; the old booking's released seats are told there, not on their own. Booked and exchanged
 * through the real saga, received by a real SMTP server.
 */
await describeEachDatabase('booking emails of an exchange', (target) => {
  const database = suiteDatabase(target);
  const contacts = testContacts();
  const smtp = suiteSmtp();

  it('tells the traveller the booking changed, which one replaced it and what goes back to the card', async () => {
    const owner = traveller();
    contacts.accounts[owner.id] = { email: `${owner.id}@example.com`, name: 'Ada Lovelace' };
    const runs = { old: `EC117-${randomUUID()}:2026-12-01`, replacement: `EC119-${randomUUID()}:2026-12-01` };
    const departure = { at: new Date('2026-12-01T09:00:00Z'), timeZone: 'Europe/Amsterdam' };
    const quoteOn = (runId: string, fare: number): QuoteClaims =>
      testQuote({
        quoteId: `quote-${randomUUID()}`,
        journey: { runId, fromStop: 0, toStop: 4 },
        seatClass: 'STANDARD',
        total: { amountMinor: fare, currency: 'GBP' },
        breakdown: [fare],
        departure,
      });
    const byToken: Record<string, QuoteClaims> = {
      old: quoteOn(runs.old, 4_200),
      replacement: quoteOn(runs.replacement, 5_000),
    };
    const quotes: QuoteVerifier = { verify: async (token) => byToken[token]! };
    const { bookings } = await testBookings(
      database.prisma,
      new CountedSeats({ [runs.old]: 5, [runs.replacement]: 5 }),
      {
        quotes,
        clock: beforeDeparture,
      },
    );
    const old = await bookings.book(owner, { ...request('pm_card_visa'), quoteToken: 'old' }, 'book');
    // Its hold confirmed and its payment captured (step 6, after the answer) before it is exchanged.
    await bookings.afterCommitDone();
    const replaced = await bookings.exchange(
      owner,
      {
        bookingId: old.id,
        quoteToken: 'replacement',
        passengers: [{ type: 'ADULT' }],
        idempotencyKey: `exchange-${randomUUID()}`,
        paymentMethod: 'pm_card_visa',
      },
      'exchange',
    );
    // The exchange's events published after its answer (step 6).
    await bookings.afterCommitDone();
    await testDispatcher(database.prisma, smtpTo(smtp), contacts, testJourneys()).pass();

    const eventsOf = (bookingId: string) =>
      database.prisma.bookingEvent.findMany({ where: { bookingId }, orderBy: { position: 'asc' } });
    const receivedFor = (eventId: string) =>
      smtp.received.filter((r) => r.mail.messageId === messageIdFor(eventId, MAIL_FROM));
    const [, exchanged, released] = await eventsOf(old.id);
    expect([exchanged?.kind, released?.kind]).toEqual(['BookingExchanged', 'SeatsReleased']);
    const [changed] = receivedFor(exchanged!.id);
    expect(changed!.mail.subject).toMatch(/^Booking changed: Amsterdam Centraal → Köln Hbf/);
    const text = changed!.mail.text ?? '';
    expect(text).toContain(`Your booking is changed for booking ${replaced.id}`);
    expect(text).toContain('Back to you: £42.00');
    expect(text).toContain('Paid back to: the card you paid with');
    // Free more than a day before departure: no fee line.
    expect(text).not.toContain('Exchange fee');
    expect(await database.prisma.mailMessage.findUnique({ where: { eventId: released!.id } })).toMatchObject({
      status: 'SKIPPED',
      reason: 'reported in the BookingExchanged email of the same exchange',
    });
    // The new booking's own confirmation.
    const [confirmed] = await eventsOf(replaced.id);
    expect(receivedFor(confirmed!.id)[0]!.mail.subject).toMatch(/^Booking confirmed: /);
  });
});
