import type Stripe from 'stripe';
import { DomainError, ErrorCode, type Logger } from '@railgraph/service-kit';
import type { PrismaClient } from '../../__generated__/prisma/client.js';
import type { BookingOwner } from '../../booking/owner.js';

/**
 * What tickets does with a verified Stripe event (docs/adr/0009). Stripe tells of a payment's
 * moves out of band: above all that the customer finished (or failed, or abandoned) 3-D Secure
 * in their browser, which otherwise only the client's `completeBookingPayment` reports. A booking
 * waiting on the customer is finished exactly as that mutation finishes it (`complete`): the
 * provider's current word on the payment is read again and decides, so an event that arrives
 * late, twice or out of order cannot move a booking the wrong way, and a second delivery finds
 * nothing left to do. Everything else is logged and acknowledged, so Stripe stops sending it.
 */

/** What a delivery came to; the HTTP answer is 200 for each (a throw is a 500, and Stripe retries). */
export type StripeEventOutcome =
  /** A booking that waited on the customer was finished: confirmed, or failed and its seats released. */
  | 'completed'
  /** A capture Stripe reports was recorded on the payment. */
  | 'capture_recorded'
  /** The booking already left the state the event is about: nothing to do (a replay, or the saga was first). */
  | 'already_settled'
  /** The booking's own request is still authorizing it, or Stripe still waits on the customer: they finish it. */
  | 'in_progress'
  /** No booking has this payment (another integration's, or one from before tickets recorded it). */
  | 'unknown_payment'
  /** Stripe reports something tickets never asks for (see the log line); acknowledged, not acted on. */
  | 'unexpected'
  /** An event type tickets does not act on. */
  | 'ignored';

export interface StripeEventDeps {
  prisma: PrismaClient;
  /** `Bookings.completePayment`: finishes a booking whose payment waited on the customer. */
  completePayment(owner: BookingOwner, bookingId: string, requestId: string): Promise<unknown>;
  log: Logger;
}

type PaymentIntentEvent = Extract<
  Stripe.Event,
  {
    type:
      | 'payment_intent.succeeded'
      | 'payment_intent.amount_capturable_updated'
      | 'payment_intent.payment_failed'
      | 'payment_intent.canceled';
  }
>;

const HANDLED = new Set<string>([
  'payment_intent.succeeded',
  'payment_intent.amount_capturable_updated',
  'payment_intent.payment_failed',
  'payment_intent.canceled',
]);

const isHandled = (event: Stripe.Event): event is PaymentIntentEvent => HANDLED.has(event.type);

/** Errors of `complete` that mean "not now": Stripe should deliver the event again later. */
const RETRY_LATER = new Set<string>([ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.RATE_LIMITED]);

export async function handleStripeEvent(
  deps: StripeEventDeps,
  event: Stripe.Event,
  requestId: string,
): Promise<StripeEventOutcome> {
  const log = deps.log.child({ stripeEventId: event.id, stripeEventType: event.type });
  if (!isHandled(event)) {
    log.info('stripe webhook: event type not acted on');
    return 'ignored';
  }
  const intent = event.data.object;
  const payment = await deps.prisma.payment.findFirst({
    where: { provider: 'stripe', providerPaymentId: intent.id },
    include: { booking: { select: { status: true, ownerKind: true, ownerId: true } } },
  });
  if (!payment) {
    log.info({ paymentIntent: intent.id }, 'stripe webhook: no booking has this payment');
    return 'unknown_payment';
  }
  const { bookingId, booking } = payment;
  const context = { paymentIntent: intent.id, bookingId, bookingStatus: booking.status, paymentStatus: payment.status };

  if (event.type === 'payment_intent.succeeded') {
    return recordCapture(deps.prisma, log.child(context), payment, intent.amount_received, booking.status);
  }
  if (booking.status !== 'PENDING') {
    if (event.type === 'payment_intent.canceled' && payment.status === 'AUTHORIZED') {
      // Stripe cancels authorizations left uncaptured for days: the capture in the outbox will fail.
      log.error(context, 'stripe webhook: Stripe canceled the authorization of a sold booking before its capture');
      return 'unexpected';
    }
    log.info(context, 'stripe webhook: booking already settled');
    return 'already_settled';
  }
  // Only a booking whose request handed it to the customer (3-D Secure, its tickets kept on the
  // payment) is finished here: one still AUTHORIZING or AUTHORIZED is in its own request's hands,
  // and committing it from here too would race that request's commit.
  if (payment.status !== 'REQUIRES_ACTION' || payment.pendingTickets === null) {
    log.info(context, 'stripe webhook: the booking request is still authorizing; it finishes the booking');
    return 'in_progress';
  }
  try {
    await deps.completePayment({ kind: booking.ownerKind, id: booking.ownerId }, bookingId, requestId);
    log.info(context, 'stripe webhook: booking confirmed after the customer authenticated');
    return 'completed';
  } catch (error) {
    if (!(error instanceof DomainError) || RETRY_LATER.has(error.code)) throw error;
    if (error.code === ErrorCode.PAYMENT_ACTION_REQUIRED || error.code === ErrorCode.IDEMPOTENCY_IN_PROGRESS) {
      log.info({ ...context, code: error.code }, 'stripe webhook: the payment still waits on the customer');
      return 'in_progress';
    }
    // The booking's own outcome, a decline above all: it ended FAILED, its hold released.
    log.info({ ...context, code: error.code }, 'stripe webhook: booking failed with its payment');
    return 'completed';
  }
}

/**
 * A capture Stripe reports (`succeeded`): recorded as the relay's CAPTURE_PAYMENT step records
 * it, should the relay not have heard the answer yet. The captured amount only grows, and a
 * payment refunded meanwhile keeps its status. A capture of a booking that sold nothing is
 * never tickets' doing: it is logged for an operator to refund.
 */
async function recordCapture(
  prisma: PrismaClient,
  log: Logger,
  payment: { bookingId: string; amountMinor: number },
  capturedMinor: number,
  bookingStatus: string,
): Promise<StripeEventOutcome> {
  if (bookingStatus === 'PENDING' || bookingStatus === 'FAILED' || bookingStatus === 'EXPIRED') {
    log.error({ capturedMinor }, 'stripe webhook: Stripe captured the payment of a booking that sold nothing');
    return 'unexpected';
  }
  if (!Number.isSafeInteger(capturedMinor) || capturedMinor <= 0 || capturedMinor > payment.amountMinor) {
    log.error({ capturedMinor, amountMinor: payment.amountMinor }, 'stripe webhook: captured amount out of range');
    return 'unexpected';
  }
  const { bookingId } = payment;
  const grown = await prisma.payment.updateMany({
    where: { bookingId, capturedMinor: { lt: capturedMinor } },
    data: { capturedMinor },
  });
  const moved = await prisma.payment.updateMany({
    where: { bookingId, status: 'AUTHORIZED' },
    data: { status: 'CAPTURED' },
  });
  if (grown.count + moved.count === 0) {
    log.info('stripe webhook: capture already recorded');
    return 'already_settled';
  }
  log.info({ capturedMinor }, 'stripe webhook: capture recorded');
  return 'capture_recorded';
}
