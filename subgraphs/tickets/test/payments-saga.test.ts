import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import { expireStalledBookings } from '../src/booking/expiry.js';
import { PaymentProviderUnavailable } from '../src/payments/provider.js';
import { beforeDeparture, suiteDatabase, testBookings, testQuoteBookingRow } from './fixtures.js';
import {
  FARE,
  keepingInventory,
  partner,
  quoteFor,
  refusal,
  request,
  traveller,
  writtenBy,
} from './payment-support.js';

/**
 * The sale (docs/design.md §4): a traveller's booking is paid by card through the embedded
 * sandbox provider (Stripe test mode's behaviour), authorized before the commit and captured
 * after it; a decline fails the booking and frees its seats; 3-D Secure leaves it PENDING until
 * `completeBookingPayment`; crashes are mended by the sweeper (void) and the relay (capture).
 */
await describeEachDatabase('booking payments', (target) => {
  const database = suiteDatabase(target);
  const quotes = quoteFor(1);
  const setUp = async () => {
    const inventory = keepingInventory();
    const made = await testBookings(database.prisma, inventory, { quotes, clock: beforeDeparture });
    return { inventory, ...made };
  };

  it('refuses a traveller without a payment method with PAYMENT_REQUIRED, holding and writing nothing', async () => {
    const { bookings, inventory } = await setUp();
    const owner = traveller();
    expect(await refusal(bookings.book(owner, request(null), 'r-1'))).toMatchObject({ code: 'PAYMENT_REQUIRED' });
    expect(inventory.holds.size).toBe(0);
    expect(await writtenBy(database.prisma, owner)).toEqual({ bookings: [], sandbox: [] });
  });

  it('refuses a method that is not a pm_ id with BAD_USER_INPUT on paymentMethod, writing nothing', async () => {
    const { bookings, inventory } = await setUp();
    const owner = traveller();
    for (const method of ['', 'card_visa', 'pm_', 'pm_card visa', `pm_${'x'.repeat(253)}`]) {
      expect(await refusal(bookings.book(owner, request(method), 'r-2'))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'paymentMethod',
      });
    }
    expect(inventory.holds.size).toBe(0);
    expect((await writtenBy(database.prisma, owner)).bookings).toEqual([]);
  });

  it('authorizes the quote total, commits, then captures it; a retry returns the booking without charging again', async () => {
    const { bookings, inventory } = await setUp();
    const owner = traveller();
    const sent = request('pm_card_visa');
    const booked = await bookings.book(owner, sent, 'r-3');
    expect(booked.status).toBe('CONFIRMED');
    // The hold confirmed and the payment captured after the answer (step 6).
    await bookings.afterCommitDone();
    expect(inventory.holds.get(booked.id)).toBe('CONFIRMED');
    const again = await bookings.book(owner, sent, 'r-4');
    expect(again.id).toBe(booked.id);
    const { bookings: rows, sandbox } = await writtenBy(database.prisma, owner);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.payment).toMatchObject({
      provider: 'sandbox',
      method: 'pm_card_visa',
      amountMinor: FARE,
      capturedMinor: FARE,
      refundedMinor: 0,
      status: 'CAPTURED',
    });
    expect(sandbox).toHaveLength(1);
    expect(sandbox[0]).toMatchObject({ status: 'CAPTURED', amountMinor: FARE, capturedMinor: FARE });
    expect(
      await database.prisma.outboxMessage.count({ where: { payload: { path: ['holdId'], equals: booked.id } } }),
    ).toBe(0);
    expect((await bookings.paymentsOfMany([booked.id]))[0]).toEqual({
      status: 'CAPTURED',
      amount: { amountMinor: FARE, currency: 'GBP' },
      refunded: { amountMinor: 0, currency: 'GBP' },
      method: 'pm_card_visa',
    });
  });

  it.each([
    ['pm_card_chargeDeclined', 'generic_decline'],
    ['pm_card_visa_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
    ['pm_card_doesNotExist', 'invalid_payment_method'],
  ])(
    'fails the booking on a decline (%s: %s), releases its hold, charges nothing, and says so again on a retry',
    async (method, declineCode) => {
      const { bookings, inventory } = await setUp();
      const owner = traveller();
      const sent = request(method);
      expect(await refusal(bookings.book(owner, sent, 'r-5'))).toMatchObject({ code: 'PAYMENT_DECLINED', declineCode });
      const { bookings: rows, sandbox } = await writtenBy(database.prisma, owner);
      expect(rows).toHaveLength(1);
      const failed = rows[0]!;
      expect(failed).toMatchObject({ status: 'FAILED', failureCode: 'PAYMENT_DECLINED' });
      expect(failed.payment).toMatchObject({ status: 'FAILED', declineCode, capturedMinor: 0 });
      expect(inventory.holds.get(failed.id)).toBe('RELEASED');
      expect(sandbox.map((p) => p.status)).toEqual(['DECLINED']);
      // The same key: the first attempt's answer, nothing held or asked of the provider again.
      expect(await refusal(bookings.book(owner, sent, 'r-6'))).toMatchObject({ code: 'PAYMENT_DECLINED', declineCode });
      expect((await writtenBy(database.prisma, owner)).sandbox).toHaveLength(1);
      expect([...inventory.holds.values()].filter((s) => s === 'HELD')).toEqual([]);
    },
  );

  it('3-D Secure approved: PAYMENT_ACTION_REQUIRED with the seats held, then completeBookingPayment confirms and captures', async () => {
    const { bookings, inventory, payments } = await setUp();
    const owner = traveller();
    const sent = request('pm_card_threeDSecure2Required');
    const answer = await refusal(bookings.book(owner, sent, 'r-7'));
    expect(answer).toMatchObject({ code: 'PAYMENT_ACTION_REQUIRED', provider: 'sandbox' });
    // A retry of the key (the first answer lost) is told the same, nothing held twice.
    expect(await refusal(bookings.book(owner, sent, 'r-7b'))).toEqual(answer);
    expect(inventory.holds.size).toBe(1);
    const { bookingId, clientSecret } = answer as { bookingId: string; clientSecret: string };
    expect(clientSecret).toMatch(/^pi_sandbox_\w+_secret_\w+$/);
    expect(inventory.holds.get(bookingId)).toBe('HELD');
    expect(await database.prisma.booking.findUnique({ where: { id: bookingId } })).toMatchObject({ status: 'PENDING' });
    // Not answered yet: still waiting.
    expect(await refusal(bookings.completePayment(owner, bookingId, 'r-8'))).toMatchObject({
      code: 'PAYMENT_ACTION_REQUIRED',
      clientSecret,
    });
    // Someone else's booking is not found.
    expect(await refusal(bookings.completePayment(traveller(), bookingId, 'r-9'))).toMatchObject({ code: 'NOT_FOUND' });
    // So is an id that is no booking's at all, whatever its shape (never a database error).
    for (const odd of ['5174-6673-f181-df09', '-'.repeat(36), `${bookingId}x`, ''])
      expect(await refusal(bookings.completePayment(owner, odd, 'r-9b'))).toMatchObject({ code: 'NOT_FOUND' });
    // A secret no payment has, whatever its shape (a NUL byte, a megabyte), is bad input, never a database error.
    for (const odd of [`${clientSecret}x`, 'pi_sandbox_\u0000', 'x'.repeat(1_000_000), ''])
      expect(await refusal(bookings.authenticateSandboxPayment(odd, true))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await bookings.authenticateSandboxPayment(clientSecret, true)).toBe(true);
    // A different answer after the first does not stand.
    expect(await payments.authenticate(clientSecret, false)).toBe(false);
    const confirmed = await bookings.completePayment(owner, bookingId, 'r-10');
    expect(confirmed).toMatchObject({ id: bookingId, status: 'CONFIRMED' });
    // The hold confirmed and the payment captured after the answer (step 6).
    await bookings.afterCommitDone();
    expect(confirmed.tickets).toHaveLength(1);
    expect(inventory.holds.get(bookingId)).toBe('CONFIRMED');
    // Idempotent: the booking again, captured once.
    expect(await bookings.completePayment(owner, bookingId, 'r-11')).toMatchObject({
      id: bookingId,
      status: 'CONFIRMED',
    });
    const { bookings: rows, sandbox } = await writtenBy(database.prisma, owner);
    expect(rows[0]!.payment).toMatchObject({ status: 'CAPTURED', capturedMinor: FARE });
    expect(sandbox).toHaveLength(1);
    expect(sandbox[0]).toMatchObject({ status: 'CAPTURED', capturedMinor: FARE, challenge: 'APPROVED' });
  });

  it('3-D Secure refused: completeBookingPayment answers PAYMENT_DECLINED, the booking FAILED and its seats free', async () => {
    const { bookings, inventory } = await setUp();
    const owner = traveller();
    const { bookingId, clientSecret } = (await refusal(
      bookings.book(owner, request('pm_card_threeDSecure2Required'), 'r-12'),
    )) as { bookingId: string; clientSecret: string };
    expect(await bookings.authenticateSandboxPayment(clientSecret, false)).toBe(true);
    for (const requestId of ['r-13', 'r-14']) {
      expect(await refusal(bookings.completePayment(owner, bookingId, requestId))).toMatchObject({
        code: 'PAYMENT_DECLINED',
        declineCode: 'authentication_required',
      });
    }
    expect(
      await database.prisma.booking.findUnique({ where: { id: bookingId }, include: { payment: true } }),
    ).toMatchObject({ status: 'FAILED', payment: { status: 'FAILED', capturedMinor: 0 } });
    expect(inventory.holds.get(bookingId)).toBe('RELEASED');
  });

  it('3-D Secure abandoned: the sweeper ends the booking at the hold expiry, frees its seats and voids the payment', async () => {
    const { bookings, inventory, relay } = await setUp();
    const owner = traveller();
    const { bookingId } = (await refusal(bookings.book(owner, request('pm_card_threeDSecure2Required'), 'r-15'))) as {
      bookingId: string;
    };
    // Not yet past a short hold TTL: left alone.
    const holdTtlMs = 10_000;
    expect(await expireStalledBookings(database.prisma, relay, { holdTtlMs })).not.toContain(bookingId);
    const later = new Date(Date.now() + holdTtlMs + 1_000);
    expect(await expireStalledBookings(database.prisma, relay, { holdTtlMs, now: later })).toContain(bookingId);
    expect(inventory.holds.get(bookingId)).toBe('RELEASED');
    const { bookings: rows, sandbox } = await writtenBy(database.prisma, owner);
    expect(rows[0]).toMatchObject({ status: 'EXPIRED', payment: { status: 'VOIDED', capturedMinor: 0 } });
    expect(sandbox[0]).toMatchObject({ status: 'VOIDED', capturedMinor: 0 });
    // Completing after the sweep answers as the booking ended; the customer's late answer changes nothing.
    expect(await refusal(bookings.completePayment(owner, bookingId, 'r-16'))).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
  });

  it('a crash between the authorization and the commit: the sweeper voids the payment it finds by the booking key', async () => {
    const { relay, payments, inventory } = await setUp();
    const owner = traveller();
    // What the saga had written when it died: the PENDING booking, its hold, the payment being
    // authorized (the provider authorized it; the answer never came back).
    const id = randomUUID();
    await database.prisma.booking.create({
      data: testQuoteBookingRow(id, owner, 'PENDING', { createdAt: new Date(Date.now() - 60_000) }),
    });
    await inventory.hold(
      { holdId: id, runId: 'r', fromStop: 0, toStop: 1, seatClass: 'FIRST', count: 1, ttlSeconds: 30 },
      'r',
    );
    await database.prisma.payment.create({
      data: {
        bookingId: id,
        provider: 'sandbox',
        method: 'pm_card_visa',
        amountMinor: FARE,
        currency: 'GBP',
        status: 'AUTHORIZING',
      },
    });
    await payments.authorize({
      idempotencyKey: id,
      amountMinor: FARE,
      currency: 'GBP',
      method: 'pm_card_visa',
      description: 'test',
      metadata: {},
    });
    expect(await expireStalledBookings(database.prisma, relay, { holdTtlMs: 30_000 })).toContain(id);
    expect(inventory.holds.get(id)).toBe('RELEASED');
    const { bookings: rows, sandbox } = await writtenBy(database.prisma, owner);
    expect(rows[0]).toMatchObject({ status: 'EXPIRED', payment: { status: 'VOIDED' } });
    expect(sandbox).toHaveLength(1);
    expect(sandbox[0]).toMatchObject({ status: 'VOIDED', capturedMinor: 0 });
  });

  it('a crash between the commit and the capture: the relay captures once the provider answers', async () => {
    const { bookings, relay, payments } = await setUp();
    const owner = traveller();
    const capture = payments.capture.bind(payments);
    // The provider is down after the commit (as if the process died before its capture).
    payments.capture = async () => {
      throw new PaymentProviderUnavailable('provider down');
    };
    const booked = await bookings.book(owner, request('pm_card_mastercard'), 'r-17');
    expect(booked.status).toBe('CONFIRMED');
    // The capture tried, and failed, after the answer (step 6).
    await bookings.afterCommitDone();
    expect((await writtenBy(database.prisma, owner)).bookings[0]!.payment).toMatchObject({
      status: 'AUTHORIZED',
      capturedMinor: 0,
    });
    const step = await database.prisma.outboxMessage.findFirst({
      where: { kind: 'CAPTURE_PAYMENT', payload: { path: ['bookingId'], equals: booked.id } },
    });
    expect(step?.attempts).toBe(1);
    payments.capture = capture;
    await relay.drain(new Date(Date.now() + 3_600_000));
    const { bookings: rows, sandbox } = await writtenBy(database.prisma, owner);
    expect(rows[0]!.payment).toMatchObject({ status: 'CAPTURED', capturedMinor: FARE });
    expect(sandbox[0]).toMatchObject({ status: 'CAPTURED', capturedMinor: FARE });
    expect(await database.prisma.outboxMessage.count({ where: { id: step!.id } })).toBe(0);
  });

  it('books a partner ON_ACCOUNT: no provider, whatever method it sends', async () => {
    const { bookings } = await setUp();
    const owner = partner();
    const booked = await bookings.book(owner, request('pm_card_chargeDeclined'), 'r-18');
    expect(booked.status).toBe('CONFIRMED');
    const { bookings: rows, sandbox } = await writtenBy(database.prisma, owner);
    expect(rows[0]!.payment).toMatchObject({
      provider: 'account',
      status: 'ON_ACCOUNT',
      method: null,
      amountMinor: FARE,
    });
    expect(sandbox).toEqual([]);
  });
});
