import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import type { BookingOwner } from '../src/booking/owner.js';
import { backoffMs } from '../src/booking/outbox.js';
import { messageIdFor } from '../src/mail/message-id.js';
import { claimDueMessages, followEventStream, handBack, settleMessages } from '../src/mail/queue.js';
import { beforeDeparture, suiteDatabase, testBookings } from './fixtures.js';
import {
  MAIL_FROM,
  decodeQr,
  freePort,
  later,
  smtpTo,
  startSmtp,
  suiteSmtp,
  testContacts,
  testDispatcher,
  type TestSmtp,
} from './mail-support.js';
import { FARE, keepingInventory, partner, quoteFor, request, traveller } from './payment-support.js';

/**
 * Booking emails (docs/design.md §12): bookings made and cancelled through the real booking
 * path, their events followed by the mail dispatcher, each email received by a real SMTP
 * server and parsed.
 */
await describeEachDatabase('booking emails', (target) => {
  const database = suiteDatabase(target);
  const contacts = testContacts();
  const smtp = suiteSmtp();

  /** A traveller users knows, under `name` and a fresh address. */
  const knownTraveller = (name = 'Ada Lovelace'): { owner: BookingOwner; email: string } => {
    const owner = traveller();
    const email = `${owner.id}@example.com`;
    contacts.accounts[owner.id] = { email, name };
    return { owner, email };
  };
  const booker = async (passengers: number) =>
    (await testBookings(database.prisma, keepingInventory(), { quotes: quoteFor(passengers), clock: beforeDeparture }))
      .bookings;
  const mailOf = (eventId: string) => database.prisma.mailMessage.findUnique({ where: { eventId } });
  const eventsOf = (bookingId: string) =>
    database.prisma.bookingEvent.findMany({ where: { bookingId }, orderBy: { position: 'asc' } });
  const receivedFor = (eventId: string) =>
    smtp.received.filter((r) => r.mail.messageId === messageIdFor(eventId, MAIL_FROM));

  it('sends the traveller one confirmation with the journey, each passenger and seat, a QR code per ticket and the receipt', async () => {
    const { owner, email } = knownTraveller('<script>alert("x")</script> & Co');
    const bookings = await booker(2);
    const booked = await bookings.book(
      owner,
      { ...request('pm_card_visa', 2), passengerNames: ["Zoë O'Brien", 'Émile Zola'] },
      'mail-1',
    );
    // Its event published and its payment captured after the answer (step 6).
    await bookings.afterCommitDone();
    const dispatcher = testDispatcher(database.prisma, smtpTo(smtp), contacts);
    await dispatcher.pass();
    await dispatcher.pass();

    const [confirmed] = await eventsOf(booked.id);
    const got = receivedFor(confirmed!.id);
    expect(got).toHaveLength(1);
    const { mail, to } = got[0]!;
    expect(to).toEqual([email]);
    expect(mail.from?.value).toEqual([{ name: 'Railgraph', address: 'tickets@railgraph.test' }]);
    // The quote bound no departure: trains' departure, in UTC and saying so.
    expect(mail.subject).toMatch(/^Booking confirmed: Amsterdam Centraal → Köln Hbf, Tue,? 1 Dec 2026, 09:00 UTC$/);
    const tickets = await database.prisma.ticket.findMany({
      where: { bookingId: booked.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(tickets).toHaveLength(2);

    const text = mail.text ?? '';
    for (const fact of [
      `Booking reference: ${booked.id}`,
      'Train: EC 117 (run EC117:2026-12-01)',
      'From: Amsterdam Centraal',
      'To: Köln Hbf',
      "Zoë O'Brien (adult)",
      'Émile Zola (adult)',
      `coach ${tickets[0]!.coach}, seat ${tickets[0]!.seatLabel}`,
      `coach ${tickets[1]!.coach}, seat ${tickets[1]!.seatLabel}`,
      tickets[0]!.code,
      tickets[1]!.code,
      'Total: £84.00',
      'Payment: card (pm_card_visa), captured',
    ]) {
      expect(text).toContain(fact);
    }

    // Names are user input: escaped in the HTML, never markup.
    const html = String(mail.html);
    expect(html).toContain('Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co,');
    expect(html).not.toContain('<script>');
    expect(html).toContain('Zo&#39;Brien'.replace('Zo', 'Zoë O'));
    expect(html).toContain('£84.00');

    // Passengers in the order booked, whatever order the ticket rows come back in.
    expect(text.indexOf("Zoë O'Brien")).toBeLessThan(text.indexOf('Émile Zola'));
    // One inline PNG per ticket, shown by the HTML, holding that ticket's signed code.
    const images = mail.attachments.filter((a) => a.contentType === 'image/png');
    expect(images).toHaveLength(2);
    expect(images.map((image) => decodeQr(image.content)).sort()).toEqual(tickets.map((t) => t.code).sort());
    for (const image of images) {
      expect(html).toContain(`src="cid:${image.cid}"`);
      const ticket = tickets.find((t) => image.cid === `ticket-${t.id}@railgraph`);
      expect(decodeQr(image.content)).toBe(ticket?.code);
    }

    expect(await mailOf(confirmed!.id)).toMatchObject({
      status: 'SENT',
      attempts: 1,
      recipient: email,
      messageId: messageIdFor(confirmed!.id, MAIL_FROM),
      sentAt: expect.any(Date),
    });
  });

  it('sends each event once with two dispatchers racing on one database', async () => {
    const bookings = await booker(1);
    const made = await Promise.all(
      Array.from({ length: 6 }, (_, i) => bookings.book(knownTraveller().owner, request('pm_card_visa'), `race-${i}`)),
    );
    // Their events published after the answers (step 6).
    await bookings.afterCommitDone();
    const one = testDispatcher(database.prisma, smtpTo(smtp), contacts);
    const other = testDispatcher(database.prisma, smtpTo(smtp), contacts);
    await Promise.all([one.pass(), other.pass(), one.pass(), other.pass()]);
    await Promise.all([one.pass(), other.pass()]);

    for (const booking of made) {
      const [event] = await eventsOf(booking.id);
      expect(receivedFor(event!.id)).toHaveLength(1);
      expect(await mailOf(event!.id)).toMatchObject({ status: 'SENT', attempts: 1 });
    }
    expect(await database.prisma.mailMessage.count({ where: { bookingId: { in: made.map((b) => b.id) } } })).toBe(6);
  });

  it('keeps a message while the SMTP server is down and delivers it once the server is back', async () => {
    const port = await freePort();
    const { owner, email } = knownTraveller();
    const bookings = await booker(1);
    const booked = await bookings.book(owner, request('pm_card_visa'), 'down-1');
    // Its event published after the answer (step 6).
    await bookings.afterCommitDone();
    const [event] = await eventsOf(booked.id);
    const dispatcher = testDispatcher(
      database.prisma,
      smtpTo({ url: `smtp://127.0.0.1:${port}` } as TestSmtp),
      contacts,
    );

    await dispatcher.pass();
    const waiting = await mailOf(event!.id);
    expect(waiting).toMatchObject({ status: 'PENDING', attempts: 1, sentAt: null });
    expect(waiting?.lastError).toMatch(/not sent: .*ECONNREFUSED|not sent: .*connect/i);
    expect(waiting!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() - 1_000);
    await dispatcher.pass(later());
    expect(await mailOf(event!.id)).toMatchObject({ status: 'PENDING', attempts: 2 });

    const back = await startSmtp(port);
    try {
      await dispatcher.pass(later());
      await dispatcher.pass(later());
      expect(back.received).toHaveLength(1);
      expect(back.received[0]!.to).toEqual([email]);
      expect(back.received[0]!.mail.messageId).toBe(messageIdFor(event!.id, MAIL_FROM));
      expect(await mailOf(event!.id)).toMatchObject({ status: 'SENT', attempts: 3, lastError: null });
    } finally {
      await back.close();
    }
  });

  it('waits while users cannot be asked for the address, then sends', async () => {
    const { owner, email } = knownTraveller();
    const bookings = await booker(1);
    const booked = await bookings.book(owner, request('pm_card_visa'), 'users-down');
    // Its event published after the answer (step 6).
    await bookings.afterCommitDone();
    const [event] = await eventsOf(booked.id);
    const dispatcher = testDispatcher(database.prisma, smtpTo(smtp), contacts);
    contacts.down = true;
    try {
      await dispatcher.pass();
    } finally {
      contacts.down = false;
    }
    expect(await mailOf(event!.id)).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect((await mailOf(event!.id))?.lastError).toMatch(/users cannot be asked/);
    expect(receivedFor(event!.id)).toHaveLength(0);

    await dispatcher.pass(later());
    expect(receivedFor(event!.id).map((r) => r.to)).toEqual([[email]]);
    expect(await mailOf(event!.id)).toMatchObject({ status: 'SENT', attempts: 2, lastError: null });
  });

  it("records a partner's booking as SKIPPED with the reason, and sends nothing", async () => {
    const owner = partner();
    const bookings = await booker(1);
    const booked = await bookings.book(owner, request(null), 'partner-1');
    // Its event published after the answer (step 6).
    await bookings.afterCommitDone();
    const [event] = await eventsOf(booked.id);
    const sentBefore = smtp.received.length;
    await testDispatcher(database.prisma, smtpTo(smtp), contacts).pass();
    expect(await mailOf(event!.id)).toMatchObject({
      status: 'SKIPPED',
      reason: 'partner booking: partners follow their booking event stream',
      attempts: 1,
      sentAt: null,
    });
    expect(smtp.received.length).toBe(sentBefore);
  });

  it('forgets the recipient of an email settled longer ago than the retention, and keeps the outcome', async () => {
    const DAY = 24 * 60 * 60 * 1000;
    const { owner, email } = knownTraveller();
    const bookings = await booker(1);
    const old = await bookings.book(owner, request('pm_card_visa'), 'retention-old');
    const recent = await bookings.book(owner, request('pm_card_visa'), 'retention-recent');
    // Both events published after the answers (step 6).
    await bookings.afterCommitDone();
    await testDispatcher(database.prisma, smtpTo(smtp), contacts).pass();
    const [oldEvent] = await eventsOf(old.id);
    const [recentEvent] = await eventsOf(recent.id);
    await database.prisma.mailMessage.update({
      where: { eventId: oldEvent!.id },
      data: { createdAt: new Date(Date.now() - 91 * DAY) },
    });
    await testDispatcher(database.prisma, smtpTo(smtp), contacts, undefined, 90 * DAY).pass();
    expect(await mailOf(oldEvent!.id)).toMatchObject({ status: 'SENT', recipient: null });
    expect(await mailOf(recentEvent!.id)).toMatchObject({ status: 'SENT', recipient: email });
  });

  it('records SKIPPED for a traveller users has no account for', async () => {
    const owner = traveller();
    const bookings = await booker(1);
    const booked = await bookings.book(owner, request('pm_card_visa'), 'no-account');
    // Its event published after the answer (step 6).
    await bookings.afterCommitDone();
    const [event] = await eventsOf(booked.id);
    await testDispatcher(database.prisma, smtpTo(smtp), contacts).pass();
    expect(await mailOf(event!.id)).toMatchObject({ status: 'SKIPPED', reason: `users has no account ${owner.id}` });
    expect(receivedFor(event!.id)).toHaveLength(0);
  });

  it("records FAILED, without retrying, when the recipient's server refuses the address", async () => {
    const { owner, email } = knownTraveller();
    const refusing = await startSmtp(0, [email]);
    try {
      const bookings = await booker(1);
      const booked = await bookings.book(owner, request('pm_card_visa'), 'refused');
      // Its event published after the answer (step 6).
      await bookings.afterCommitDone();
      const [event] = await eventsOf(booked.id);
      const dispatcher = testDispatcher(database.prisma, smtpTo(refusing), contacts);
      await dispatcher.pass();
      await dispatcher.pass(later());
      const row = await mailOf(event!.id);
      expect(row).toMatchObject({ status: 'FAILED', attempts: 1, recipient: email });
      expect(row?.reason).toMatch(/550/);
      expect(refusing.received).toHaveLength(0);
    } finally {
      await refusing.close();
    }
  });

  it('sends one email for single tickets cancelled and one for the cancellation, each with its refund going back to the card', async () => {
    const { owner, email } = knownTraveller();
    const bookings = await booker(2);
    const booked = await bookings.book(owner, request('pm_card_visa', 2), 'cancel-1');
    // Its event published and its payment captured after the answer (step 6).
    await bookings.afterCommitDone();
    const dispatcher = testDispatcher(database.prisma, smtpTo(smtp), contacts);
    await dispatcher.pass();
    const [first, second] = booked.tickets;

    await bookings.cancelTickets(owner, booked.id, [first!.id], 'cancel-2');
    await bookings.cancel(owner, booked.id, 'cancel-3');
    await dispatcher.pass();

    const events = await eventsOf(booked.id);
    expect(events.map((e) => e.kind)).toEqual([
      'BookingConfirmed',
      'SeatsReleased',
      'BookingCancelled',
      'SeatsReleased',
    ]);
    const [, ticketsReleased, cancelled, bookingReleased] = events;
    const refunds = await database.prisma.refund.findMany({
      where: { bookingId: booked.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(refunds).toHaveLength(2);
    const pounds = (minor: number) => `£${(minor / 100).toFixed(2)}`;
    expect(refunds[0]!.amountMinor).toBeGreaterThan(0);

    const [single] = receivedFor(ticketsReleased!.id);
    expect(receivedFor(ticketsReleased!.id)).toHaveLength(1);
    expect(single!.to).toEqual([email]);
    expect(single!.mail.subject).toMatch(/^Tickets cancelled: Amsterdam Centraal → Köln Hbf/);
    expect(single!.mail.text).toContain(
      `Cancelled ticket 1: Passenger A (adult), coach ${first!.coach}, seat ${first!.seatLabel}`,
    );
    expect(single!.mail.text).toContain(
      `Still valid 1: Passenger B (adult), coach ${second!.coach}, seat ${second!.seatLabel}`,
    );
    expect(single!.mail.text).toContain(
      `Refund: ${pounds(refunds[0]!.amountMinor)} (${refunds[0]!.refundPercent}% of the fares)`,
    );
    expect(single!.mail.text).toContain('Paid back to: the card you paid with');
    expect(String(single!.mail.html)).toContain(pounds(refunds[0]!.amountMinor));

    const [whole] = receivedFor(cancelled!.id);
    expect(receivedFor(cancelled!.id)).toHaveLength(1);
    expect(whole!.mail.subject).toMatch(/^Booking cancelled: Amsterdam Centraal → Köln Hbf/);
    expect(whole!.mail.text).toContain(
      `Cancelled ticket 1: Passenger B (adult), coach ${second!.coach}, seat ${second!.seatLabel}`,
    );
    expect(whole!.mail.text).not.toContain('Passenger A');
    expect(whole!.mail.text).toContain(`Refund: ${pounds(refunds[1]!.amountMinor)}`);
    expect(whole!.mail.text).toContain('Paid back to: the card you paid with');
    expect(refunds[0]!.amountMinor + refunds[1]!.amountMinor).toBeLessThanOrEqual(2 * FARE);

    // The seats the cancellation released are in its email: that event gets none of its own.
    expect(await mailOf(bookingReleased!.id)).toMatchObject({
      status: 'SKIPPED',
      reason: 'reported in the BookingCancelled email of the same cancellation',
    });
    expect(receivedFor(bookingReleased!.id)).toHaveLength(0);
  });

  it('drains a backlog larger than one claim in a single pass', async () => {
    const bookings = await booker(1);
    const made = [];
    for (let i = 0; i < 45; i++) made.push(await bookings.book(partner(), request(null), `backlog-${i}`));
    // Their events published after the answers (step 6).
    await bookings.afterCommitDone();
    expect(await testDispatcher(database.prisma, smtpTo(smtp), contacts).pass()).toBeGreaterThanOrEqual(45);
    expect(
      await database.prisma.mailMessage.count({
        where: { bookingId: { in: made.map((b) => b.id) }, status: 'SKIPPED' },
      }),
    ).toBe(45);
  });

  it('takes in only published events, and each once, whatever passes run', async () => {
    const { owner } = knownTraveller();
    const bookings = await booker(1);
    const booked = await bookings.book(owner, request('pm_card_visa'), 'published-only');
    // Its own event published after the answer (step 6), before the unpublished one is written.
    await bookings.afterCommitDone();
    // An event written but not published yet (its process died before publishing) has no message.
    const unpublished = randomUUID();
    await database.prisma.bookingEvent.create({
      data: {
        id: unpublished,
        kind: 'BookingCancelled',
        bookingId: booked.id,
        ownerKind: owner.kind,
        ownerId: owner.id,
        payload: { status: 'CANCELLED', refund: { amountMinor: 0, currency: 'GBP' }, refundPercent: 0 },
      },
    });
    const dispatcher = testDispatcher(database.prisma, smtpTo(smtp), contacts);
    await Promise.all([dispatcher.pass(), dispatcher.pass()]);
    expect(await mailOf(unpublished)).toBeNull();
    await database.prisma.bookingEvent.delete({ where: { id: unpublished } });
    const published = await database.prisma.bookingEvent.count({ where: { position: { not: null } } });
    expect(await database.prisma.mailMessage.count()).toBe(published);
    expect(await database.prisma.mailMessage.count({ where: { status: 'PENDING' } })).toBe(0);
  });

  it('settles outcomes that share a statement each under its own claim only', async () => {
    const bookings = await booker(1);
    const made = await Promise.all(
      ['kept', 'lapsed', 'settled', 'retried'].map((key) =>
        bookings.book(knownTraveller().owner, request('pm_card_visa'), `shared-settle-${key}`),
      ),
    );
    // Their events published after the answers (step 6).
    await bookings.afterCommitDone();
    const eventIds = await Promise.all(made.map(async (booking) => (await eventsOf(booking.id))[0]!.id));
    await followEventStream(database.prisma);
    const now = new Date();
    const claimedUntil = new Date(now.getTime() + 60_000);
    const claimed = await claimDueMessages(database.prisma, now, claimedUntil, 100);
    await handBack(
      database.prisma,
      claimed.filter((m) => !eventIds.includes(m.eventId)).map((m) => m.eventId),
      claimedUntil,
    );
    const [kept, lapsed, settled, retried] = eventIds.map((id) => claimed.find((m) => m.eventId === id)!);
    // The lapsed claim was taken by another dispatcher since; the settled one was recorded already.
    const othersClaim = new Date(now.getTime() + 120_000);
    await database.prisma.mailMessage.update({
      where: { eventId: lapsed!.eventId },
      data: { nextAttemptAt: othersClaim },
    });
    const sent = (eventId: string) => ({
      status: 'SENT' as const,
      messageId: messageIdFor(eventId, MAIL_FROM),
      recipient: `${eventId}@example.com`,
    });
    expect(
      await settleMessages(database.prisma, [{ message: settled!, claimedUntil, outcome: sent(settled!.eventId) }]),
    ).toEqual([true]);

    const settledAt = new Date();
    const counted = await settleMessages(
      database.prisma,
      [
        { message: kept!, claimedUntil, outcome: sent(kept!.eventId) },
        { message: lapsed!, claimedUntil, outcome: sent(lapsed!.eventId) },
        { message: settled!, claimedUntil, outcome: { status: 'RETRY', error: 'not sent: again' } },
        { message: retried!, claimedUntil, outcome: { status: 'RETRY', error: 'not sent: 421 try later' } },
        // The kept message again, under an older claim of its own: that one does not count.
        { message: kept!, claimedUntil: new Date(claimedUntil.getTime() - 60_000), outcome: sent(kept!.eventId) },
      ],
      settledAt,
    );
    expect(counted).toEqual([true, false, false, true, false]);
    expect(await mailOf(kept!.eventId)).toMatchObject({
      status: 'SENT',
      attempts: kept!.attempts + 1,
      messageId: messageIdFor(kept!.eventId, MAIL_FROM),
      recipient: `${kept!.eventId}@example.com`,
      sentAt: settledAt,
      lastError: null,
    });
    expect(await mailOf(lapsed!.eventId)).toMatchObject({
      status: 'PENDING',
      attempts: lapsed!.attempts,
      nextAttemptAt: othersClaim,
      sentAt: null,
    });
    expect(await mailOf(settled!.eventId)).toMatchObject({ status: 'SENT', attempts: settled!.attempts + 1 });
    expect(await mailOf(retried!.eventId)).toMatchObject({
      status: 'PENDING',
      attempts: retried!.attempts + 1,
      lastError: 'not sent: 421 try later',
      nextAttemptAt: new Date(settledAt.getTime() + backoffMs(retried!.attempts)),
    });
    await handBack(database.prisma, [lapsed!.eventId, retried!.eventId], othersClaim);
    await handBack(database.prisma, [retried!.eventId], new Date(settledAt.getTime() + backoffMs(retried!.attempts)));
  });
});
