import { expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import { beforeDeparture, suiteDatabase, testBookings } from './fixtures.js';
import { FARE, keepingInventory, partner, quoteFor, request, traveller, writtenBy } from './payment-support.js';

/**
 * Cancelling refunds the refundable part to the payment (docs/design.md §4): through the outbox
 * to the provider, keyed by the refund, and never more than was captured, however many
 * cancellations of one booking's tickets run at once.
 */
await describeEachDatabase('payment refunds', (target) => {
  const database = suiteDatabase(target);
  const PARTY = 4;
  const setUp = () =>
    testBookings(database.prisma, keepingInventory(), { quotes: quoteFor(PARTY), clock: beforeDeparture });

  it('refunds single tickets to the card, PARTIALLY_REFUNDED then REFUNDED, in step with the provider', async () => {
    const { bookings } = await setUp();
    const owner = traveller();
    const booked = await bookings.book(owner, request('pm_card_visa', PARTY), 'r-1');
    // Captured after the answer (step 6): refunds come out of the capture.
    await bookings.afterCommitDone();
    await bookings.cancelTickets(owner, booked.id, [booked.tickets[0]!.id], 'r-2');
    let { bookings: rows, sandbox } = await writtenBy(database.prisma, owner);
    expect(rows[0]!.payment).toMatchObject({
      status: 'PARTIALLY_REFUNDED',
      refundedMinor: FARE,
      capturedMinor: FARE * PARTY,
    });
    expect(sandbox[0]).toMatchObject({ refundedMinor: FARE });
    await bookings.cancel(owner, booked.id, 'r-3');
    ({ bookings: rows, sandbox } = await writtenBy(database.prisma, owner));
    expect(rows[0]!.payment).toMatchObject({ status: 'REFUNDED', refundedMinor: FARE * PARTY });
    expect(sandbox[0]).toMatchObject({ refundedMinor: FARE * PARTY, capturedMinor: FARE * PARTY });
    const refunds = await database.prisma.sandboxRefund.findMany({ where: { paymentId: sandbox[0]!.id } });
    const recorded = await database.prisma.refund.findMany({ where: { bookingId: booked.id } });
    // One provider refund per recorded refund, keyed by it.
    expect(refunds.map((r) => r.idempotencyKey).sort()).toEqual(recorded.map((r) => r.id).sort());
  });

  it('never refunds more than was captured when every ticket and the booking are cancelled at once', async () => {
    const { bookings, relay } = await setUp();
    const owner = traveller();
    const booked = await bookings.book(owner, request('pm_card_visa', PARTY), 'r-4');
    // Captured after the answer (step 6): refunds come out of the capture.
    await bookings.afterCommitDone();
    const outcomes = await Promise.allSettled([
      ...booked.tickets.map((t, i) => bookings.cancelTickets(owner, booked.id, [t.id], `r-t${i}`)),
      bookings.cancel(owner, booked.id, 'r-all'),
      bookings.cancelTickets(owner, booked.id, booked.tickets.map((t) => t.id).slice(0, 2), 'r-pair'),
    ]);
    expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'NOT_CANCELLABLE' });
    await relay.drain(new Date(Date.now() + 3_600_000));
    const { bookings: rows, sandbox } = await writtenBy(database.prisma, owner);
    const payment = rows[0]!.payment!;
    const recorded = await database.prisma.refund.aggregate({
      where: { bookingId: booked.id },
      _sum: { amountMinor: true },
    });
    expect(payment.refundedMinor).toBe(recorded._sum.amountMinor);
    expect(payment.refundedMinor).toBe(FARE * PARTY);
    expect(payment.refundedMinor).toBeLessThanOrEqual(payment.capturedMinor);
    expect(payment.status).toBe('REFUNDED');
    expect(sandbox[0]!.refundedMinor).toBe(payment.refundedMinor);
    expect(sandbox[0]!.refundedMinor).toBeLessThanOrEqual(sandbox[0]!.capturedMinor);
    expect(await database.prisma.outboxMessage.count({ where: { kind: 'REFUND_PAYMENT' } })).toBe(0);
  });

  it('refuses a provider refund beyond the capture, and gives the same refund for the same key', async () => {
    const { bookings, payments } = await setUp();
    const owner = traveller();
    const booked = await bookings.book(owner, request('pm_card_visa', PARTY), 'r-5');
    // Captured after the answer (step 6): refunds come out of the capture.
    await bookings.afterCommitDone();
    const { sandbox } = await writtenBy(database.prisma, owner);
    const paymentId = sandbox[0]!.id;
    const first = await payments.refund(paymentId, FARE, 'refund-key-1');
    expect(await payments.refund(paymentId, FARE, 'refund-key-1')).toEqual(first);
    await expect(payments.refund(paymentId, FARE * PARTY, 'refund-key-2')).rejects.toThrow(/more than is left/);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => payments.refund(paymentId, FARE, `refund-key-c${i}`)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(PARTY - 1);
    expect(await database.prisma.sandboxPayment.findUnique({ where: { id: paymentId } })).toMatchObject({
      refundedMinor: FARE * PARTY,
      capturedMinor: FARE * PARTY,
    });
    expect(booked.status).toBe('CONFIRMED');
  });

  it('records a partner refund on account, with no provider call', async () => {
    const { bookings } = await setUp();
    const owner = partner();
    const booked = await bookings.book(owner, request(null, PARTY), 'r-6');
    await bookings.cancelTickets(owner, booked.id, [booked.tickets[1]!.id], 'r-7');
    const { bookings: rows, sandbox } = await writtenBy(database.prisma, owner);
    expect(rows[0]!.payment).toMatchObject({ status: 'ON_ACCOUNT', refundedMinor: FARE, capturedMinor: FARE * PARTY });
    expect(sandbox).toEqual([]);
    expect(await database.prisma.outboxMessage.count({ where: { kind: 'REFUND_PAYMENT' } })).toBe(0);
  });
});
