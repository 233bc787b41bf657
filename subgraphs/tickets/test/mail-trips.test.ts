import { randomUUID } from 'node:crypto';
import type { QuoteClaims } from '@railgraph/quotes';
import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import type { BookingOwner } from '../src/booking/owner.js';
import { REPORTED_WITH_EARLIER_LEG, type MailContent } from '../src/mail/content.js';
import type { JourneyDetails, JourneyDirectory } from '../src/mail/journeys.js';
import { messageIdFor } from '../src/mail/message-id.js';
import { renderMail } from '../src/mail/render.js';
import { acceptingQuotes, beforeDeparture, suiteDatabase, testBookings, testQuote } from './fixtures.js';
import { EC117, MAIL_FROM, decodeQr, smtpTo, suiteSmtp, testContacts, testDispatcher } from './mail-support.js';
import { request, traveller } from './payment-support.js';

/**
 * Booking emails of trips with changes (docs/design.md §4 and §12): trips booked through the
 * real saga, cancelled through the real cancellation path, their emails received by a real
 * SMTP server and parsed. The trip is EC 117 Amsterdam → Köln, then ICE 15 Köln → Frankfurt.
 */

const FIRST_RUN = 'EC117:2026-12-01';
const SECOND_RUN = 'ICE15:2026-12-01';

/** The second train as trains describes it: 25 minutes after EC 117 arrives (11:40 UTC). */
const ICE15: JourneyDetails = {
  trainNumber: 'ICE 15',
  origin: 'Köln Hbf',
  destination: 'Frankfurt (Main) Hbf',
  departure: new Date('2026-12-01T12:05:00Z'),
  arrival: new Date('2026-12-01T13:10:00Z'),
};

/** Trains as the dispatcher asks it: the trip's two runs (the second one unknown when `second` is null). */
const tripJourneys = (second: JourneyDetails | null = ICE15): JourneyDirectory => ({
  journeyOf: async ({ runId }) => (runId === FIRST_RUN ? EC117 : runId === SECOND_RUN ? second : null),
});

const FIRST_FARE = 4_200;
const SECOND_FARE = 2_300;

/** A two-train trip for `count` adults, second class, first leg bound to 10:00 in Amsterdam. */
const tripQuote = (count: number): QuoteClaims => {
  const departure = { at: new Date('2026-12-01T09:00:00Z'), timeZone: 'Europe/Amsterdam' };
  const each = <T>(value: T): T[] => Array.from({ length: count }, () => value);
  return testQuote({
    quoteId: `quote-trip-${randomUUID()}`,
    seatClass: 'STANDARD',
    passengers: each({ type: 'ADULT' as const }),
    total: { amountMinor: count * (FIRST_FARE + SECOND_FARE), currency: 'GBP' },
    breakdown: each(FIRST_FARE + SECOND_FARE),
    departure,
    legs: [
      { journey: testQuote().journey, breakdown: each(FIRST_FARE), departure },
      {
        journey: { runId: SECOND_RUN, fromStop: 2, toStop: 5 },
        breakdown: each(SECOND_FARE),
        departure: { at: ICE15.departure, timeZone: 'Europe/Berlin' },
      },
    ],
  });
};

/** Seat numbers handed out so far in the suite. */
let seatsHandedOut = 0;

/**
 * Inventory that gives each booking fresh seats, the same labels on every leg (coach 1, seats
 * `<n>A`): a cancellation's email must tell the legs' tickets apart by leg, not by seat.
 */
function sameSeatsOnEveryLeg(): InventoryClient {
  const byBooking = new Map<string, number>();
  return {
    hold: async ({ holdId, count }) => {
      const bookingId = holdId.split(':')[0]!;
      let first = byBooking.get(bookingId);
      if (first === undefined) {
        first = seatsHandedOut + 1;
        seatsHandedOut += count;
        byBooking.set(bookingId, first);
      }
      return Array.from({ length: count }, (_, i) => ({ coach: 1, label: `${first + i}A` }));
    },
    confirm: async () => undefined,
    release: async () => undefined,
    releaseSeats: async () => undefined,
  };
}

await describeEachDatabase('booking emails of trips with changes', (target) => {
  const database = suiteDatabase(target);
  const contacts = testContacts();
  const smtp = suiteSmtp();

  const knownTraveller = (): { owner: BookingOwner; email: string } => {
    const owner = traveller();
    const email = `${owner.id}@example.com`;
    contacts.accounts[owner.id] = { email, name: 'Ada Lovelace' };
    return { owner, email };
  };
  /** A two-passenger trip booked through the saga for a known traveller. */
  const bookTrip = async () => {
    const { owner, email } = knownTraveller();
    const { bookings } = await testBookings(database.prisma, sameSeatsOnEveryLeg(), {
      quotes: acceptingQuotes(tripQuote(2)),
      clock: beforeDeparture,
    });
    const booked = await bookings.book(
      owner,
      { ...request('pm_card_visa', 2), passengerNames: ["Zoë O'Brien", 'Émile Zola'] },
      `trip-${randomUUID()}`,
    );
    // Its event published and its payment captured after the answer (step 6).
    await bookings.afterCommitDone();
    return { owner, email, bookings, booked };
  };
  const ticketsOf = (bookingId: string) =>
    database.prisma.ticket.findMany({ where: { bookingId }, orderBy: [{ tripLeg: 'asc' }, { position: 'asc' }] });
  const eventsOf = (bookingId: string) =>
    database.prisma.bookingEvent.findMany({ where: { bookingId }, orderBy: { position: 'asc' } });
  const mailOf = (eventId: string) => database.prisma.mailMessage.findUnique({ where: { eventId } });
  const receivedFor = (eventId: string) =>
    smtp.received.filter((r) => r.mail.messageId === messageIdFor(eventId, MAIL_FROM));
  const dispatcher = () => testDispatcher(database.prisma, smtpTo(smtp), contacts, tripJourneys());

  it('confirms a trip in one email: each leg with its train and its tickets, the change, a QR code per ticket', async () => {
    const { email, booked } = await bookTrip();
    expect(booked).toMatchObject({ status: 'CONFIRMED', legCount: 2 });
    await dispatcher().pass();

    const events = await eventsOf(booked.id);
    expect(events.map((e) => e.kind)).toEqual(['BookingConfirmed']);
    const got = receivedFor(events[0]!.id);
    expect(got).toHaveLength(1);
    const { mail, to } = got[0]!;
    expect(to).toEqual([email]);
    // Named by where the trip starts and where it ends, and when it leaves.
    expect(mail.subject).toMatch(
      /^Booking confirmed: Amsterdam Centraal → Frankfurt \(Main\) Hbf, Tue,? 1 Dec 2026, 10:00 CET$/,
    );

    const tickets = await ticketsOf(booked.id);
    expect(tickets.map((t) => [t.tripLeg, t.position])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    // The same seat on both trains: only the leg tells the tickets apart.
    expect(tickets[2]!.seatLabel).toBe(tickets[0]!.seatLabel);

    const text = mail.text ?? '';
    for (const fact of [
      `Booking reference: ${booked.id}`,
      'Trip: 2 trains, 1 change',
      'From: Amsterdam Centraal',
      'To: Frankfurt (Main) Hbf',
      'Total: £130.00',
    ]) {
      expect(text).toContain(fact);
    }
    const firstLeg = text.search(
      /Leg 1 of 2: Amsterdam Centraal → Köln Hbf, train EC 117 \(run EC117:2026-12-01\), departs Tue,? 1 Dec 2026, 10:00 CET\n/,
    );
    const change = text.indexOf('Change at Köln Hbf: 25 min (arrive 12:40 CET, leave 13:05 CET)\n');
    const secondLeg = text.search(
      /Leg 2 of 2: Köln Hbf → Frankfurt \(Main\) Hbf, train ICE 15 \(run ICE15:2026-12-01\), departs Tue,? 1 Dec 2026, 13:05 CET\n/,
    );
    const receipt = text.indexOf('Receipt\n');
    expect(firstLeg).toBeGreaterThan(0);
    expect(change).toBeGreaterThan(firstLeg);
    expect(secondLeg).toBeGreaterThan(change);
    expect(receipt).toBeGreaterThan(secondLeg);
    // Each ticket under its own leg, passengers in the order booked, numbered through the email.
    const sections = [
      [firstLeg, change],
      [secondLeg, receipt],
    ] as const;
    for (const [i, ticket] of tickets.entries()) {
      const [from, until] = sections[ticket.tripLeg]!;
      const at = text.indexOf(ticket.code);
      expect(at).toBeGreaterThan(from);
      expect(at).toBeLessThan(until);
      const fare = ticket.tripLeg === 0 ? '£42.00' : '£23.00';
      const name = ticket.position === 0 ? "Zoë O'Brien" : 'Émile Zola';
      expect(text.slice(from, until)).toContain(
        `Ticket ${i + 1}: ${name} (adult), coach 1, seat ${ticket.seatLabel}, ${fare}`,
      );
    }

    // One inline PNG per ticket holding its code, shown under its leg's heading in the HTML.
    const html = String(mail.html);
    const images = mail.attachments.filter((a) => a.contentType === 'image/png');
    expect(images).toHaveLength(4);
    const secondHeading = html.indexOf('<h2>Leg 2 of 2: Köln Hbf');
    expect(html.indexOf('<h2>Leg 1 of 2: Amsterdam Centraal')).toBeGreaterThan(0);
    expect(html.indexOf('Change at Köln Hbf: 25 min')).toBeLessThan(secondHeading);
    for (const ticket of tickets) {
      const image = images.find((a) => a.cid === `ticket-${ticket.id}@railgraph`);
      expect(image && decodeQr(image.content)).toBe(ticket.code);
      const shown = html.indexOf(`src="cid:${image!.cid}"`);
      expect(shown).toBeGreaterThan(0);
      expect(shown > secondHeading).toBe(ticket.tripLeg === 1);
    }
    expect(html).toContain('Zo&#39;Brien'.replace('Zo', 'Zoë O'));
  });

  it("tells one cancellation of a trip's tickets once, with the leg of every cancelled and remaining ticket", async () => {
    const { owner, bookings, booked } = await bookTrip();
    const send = dispatcher();
    await send.pass();
    const tickets = await ticketsOf(booked.id);
    const [zoeFirst, emileFirst, zoeSecond, emileSecond] = tickets;
    const seat = (t: (typeof tickets)[number]) => `coach 1, seat ${t.seatLabel}`;
    const onFirst = 'leg 1 of 2 (Amsterdam Centraal → Köln Hbf)';
    const onSecond = 'leg 2 of 2 (Köln Hbf → Frankfurt (Main) Hbf)';

    // Émile's whole trip: one SeatsReleased per leg, one email for the two.
    await bookings.cancelTickets(owner, booked.id, [emileFirst!.id, emileSecond!.id], 'trip-cancel-1');
    await send.pass();
    const [, firstReleased, secondReleased] = await eventsOf(booked.id);
    expect([firstReleased?.kind, secondReleased?.kind]).toEqual(['SeatsReleased', 'SeatsReleased']);
    const [refund] = await database.prisma.refund.findMany({ where: { bookingId: booked.id } });
    expect(refund!.amountMinor).toBeGreaterThan(0);
    const got = receivedFor(firstReleased!.id);
    expect(got).toHaveLength(1);
    const { mail } = got[0]!;
    expect(mail.subject).toMatch(/^Tickets cancelled: Amsterdam Centraal → Frankfurt \(Main\) Hbf, Tue,? 1 Dec 2026/);
    const text = mail.text ?? '';
    for (const fact of [
      'Trip: 2 trains, 1 change',
      'Leg 1 of 2: Amsterdam Centraal → Köln Hbf, train EC 117 (run EC117:2026-12-01)',
      'Change at Köln Hbf: 25 min (arrive 12:40 CET, leave 13:05 CET)',
      'Leg 2 of 2: Köln Hbf → Frankfurt (Main) Hbf, train ICE 15 (run ICE15:2026-12-01)',
      `Cancelled ticket 1: Émile Zola (adult), ${seat(emileFirst!)}, ${onFirst}\n`,
      `Cancelled ticket 2: Émile Zola (adult), ${seat(emileSecond!)}, ${onSecond}\n`,
      `Still valid 1: Zoë O'Brien (adult), ${seat(zoeFirst!)}, ${onFirst}\n`,
      `Still valid 2: Zoë O'Brien (adult), ${seat(zoeSecond!)}, ${onSecond}\n`,
      `Refund: £${(refund!.amountMinor / 100).toFixed(2)} (${refund!.refundPercent}% of the fares)`,
    ]) {
      expect(text).toContain(fact);
    }
    expect(text.match(/Refund: /g)).toHaveLength(1);
    expect(text).not.toContain('Cancelled ticket 3');
    expect(text).not.toContain('Still valid 3');
    // The second leg's release is in that email: no email of its own.
    expect(await mailOf(secondReleased!.id)).toMatchObject({ status: 'SKIPPED', reason: REPORTED_WITH_EARLIER_LEG });
    expect(receivedFor(secondReleased!.id)).toHaveLength(0);

    // Zoë's second train alone: its own leg's event sends the email.
    await bookings.cancelTickets(owner, booked.id, [zoeSecond!.id], 'trip-cancel-2');
    await send.pass();
    const secondLegOnly = (await eventsOf(booked.id))[3]!;
    expect(secondLegOnly.kind).toBe('SeatsReleased');
    const [alone] = receivedFor(secondLegOnly.id);
    expect(receivedFor(secondLegOnly.id)).toHaveLength(1);
    expect(alone!.mail.text).toContain(`Cancelled ticket 1: Zoë O'Brien (adult), ${seat(zoeSecond!)}, ${onSecond}\n`);
    expect(alone!.mail.text).toContain(`Still valid 1: Zoë O'Brien (adult), ${seat(zoeFirst!)}, ${onFirst}\n`);
    expect(alone!.mail.text).not.toContain('Émile');

    // The rest: the booking cancelled, with the ticket it cancelled and that ticket's leg.
    await bookings.cancel(owner, booked.id, 'trip-cancel-3');
    await send.pass();
    const [cancelled, lastReleased] = (await eventsOf(booked.id)).slice(4);
    expect([cancelled?.kind, lastReleased?.kind]).toEqual(['BookingCancelled', 'SeatsReleased']);
    const [whole] = receivedFor(cancelled!.id);
    expect(whole!.mail.subject).toMatch(/^Booking cancelled: Amsterdam Centraal → Frankfurt \(Main\) Hbf/);
    expect(whole!.mail.text).toContain(`Cancelled ticket 1: Zoë O'Brien (adult), ${seat(zoeFirst!)}, ${onFirst}\n`);
    expect(whole!.mail.text).not.toContain('Cancelled ticket 2');
    expect(await mailOf(lastReleased!.id)).toMatchObject({
      status: 'SKIPPED',
      reason: 'reported in the BookingCancelled email of the same cancellation',
    });
  });

  it('names the run of a leg trains does not know, and the change station without a time', async () => {
    const { booked } = await bookTrip();
    await testDispatcher(database.prisma, smtpTo(smtp), contacts, tripJourneys(null)).pass();
    const [confirmed] = await eventsOf(booked.id);
    const got = receivedFor(confirmed!.id);
    expect(got).toHaveLength(1);
    const { mail } = got[0]!;
    expect(mail.subject).toMatch(/^Booking confirmed: Amsterdam Centraal → run ICE15:2026-12-01, /);
    expect(mail.text).toContain('\n\nChange at Köln Hbf\n\n');
    expect(mail.text).toMatch(/Leg 2 of 2: run ICE15:2026-12-01, departs Tue,? 1 Dec 2026, 13:05 CET\n/);
    expect(mail.text).not.toContain('To: ');
  });
});

describe('trip emails as rendered', () => {
  const leg = (n: number, journey: JourneyDetails | null, runId: string) => ({
    leg: n,
    runId,
    fromStop: 0,
    toStop: 2,
    journey,
    departure: { at: journey?.departure ?? new Date('2026-12-01T12:05:00Z'), timeZone: 'Europe/Berlin' },
  });
  const ticket = (n: number, tripLeg: number) => ({
    ticketId: `t-${n}`,
    passengerName: 'Ada',
    passengerType: 'ADULT',
    coach: 1,
    seatLabel: '1A',
    fare: { amountMinor: 1_000, currency: 'EUR' },
    code: `code-${n}`,
    leg: tripLeg,
  });

  it('says a change between two stations, and over an hour in hours and minutes', async () => {
    const walk = { ...ICE15, origin: 'Köln Messe/Deutz', departure: new Date('2026-12-01T12:45:00Z') };
    const content: MailContent = {
      kind: 'confirmation',
      booking: {
        bookingId: 'b-1',
        runId: FIRST_RUN,
        seatClass: 'STANDARD',
        journey: EC117,
        departure: { at: EC117.departure, timeZone: 'Europe/Amsterdam' },
        legs: [leg(0, EC117, FIRST_RUN), leg(1, walk, SECOND_RUN)],
      },
      tickets: [ticket(1, 0), ticket(2, 1)],
      receipt: { total: { amountMinor: 2_000, currency: 'EUR' }, payment: null },
    };
    const { text, attachments } = await renderMail(content, { email: 'ada@example.com', name: 'Ada' });
    expect(text).toContain('Change from Köln Hbf to Köln Messe/Deutz: 1 h 5 min (arrive 12:40 CET, leave 13:45 CET)\n');
    expect(attachments.map((a) => decodeQr(a.content))).toEqual(['code-1', 'code-2']);
  });
});
