import { enqueue, type OutboxPayload } from '../booking/outbox.js';
import type { Tx } from '../booking/model.js';

/**
 * A cancellation's refund, credited to the booking's payment in the cancellation's own
 * transaction: `Payment.refunded` grows (PARTIALLY_REFUNDED, then REFUNDED; a partner's stays
 * ON_ACCOUNT) and, for a card, the provider's refund is queued in the outbox with the refund's
 * id as its idempotency key. The statement only grows the sum while it stays within what the
 * payment takes (the CHECK in SQL says the same), so cancellations of one booking, however
 * concurrent, never refund more than was paid. Returns the outbox step to deliver, if any.
 * Bookings made before payments have no payment: nothing is credited.
 */
export async function refundToPayment(
  tx: Tx,
  bookingId: string,
  refundId: string,
  amountMinor: number,
  requestId: string,
): Promise<{ id: string; payload: OutboxPayload } | null> {
  if (amountMinor <= 0) return null;
  const rows = await tx.$queryRaw<Array<{ provider: string }>>`
    UPDATE "Payment" SET
      "refundedMinor" = "refundedMinor" + ${amountMinor},
      "status" = CASE
        WHEN "status" = 'ON_ACCOUNT' THEN 'ON_ACCOUNT'::"PaymentStatus"
        WHEN "refundedMinor" + ${amountMinor} = "amountMinor" THEN 'REFUNDED'::"PaymentStatus"
        ELSE 'PARTIALLY_REFUNDED'::"PaymentStatus" END,
      "updatedAt" = now()
    WHERE "bookingId" = ${bookingId}::uuid
      AND "status" IN ('AUTHORIZED', 'CAPTURED', 'PARTIALLY_REFUNDED', 'ON_ACCOUNT')
      AND "refundedMinor" + ${amountMinor} <= "amountMinor"
    RETURNING "provider"`;
  const [payment] = rows;
  if (!payment) {
    const exists = await tx.payment.findUnique({ where: { bookingId }, select: { status: true, refundedMinor: true } });
    if (!exists) return null;
    throw new Error(
      `refund ${amountMinor} cannot be credited to the ${exists.status} payment of booking ${bookingId} (refunded ${exists.refundedMinor})`,
    );
  }
  if (payment.provider === 'account') return null;
  const payload: OutboxPayload = { holdId: bookingId, requestId, bookingId, refundId, amountMinor };
  return { id: await enqueue(tx, 'REFUND_PAYMENT', payload), payload };
}
