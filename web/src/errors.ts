import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { declineCode, declineMessage } from './payment';

/**
 * A booking that waited for the customer's 3-D Secure answer expired before it came (its seats
 * went back on sale, its payment was voided). The API answers its retries with a generic
 * SERVICE_UNAVAILABLE; the app tells it apart by the booking's status, and says so.
 */
export class BookingExpired extends Error {
  constructor() {
    super('The booking expired before the payment was confirmed');
    this.name = 'BookingExpired';
  }
}

/**
 * Card payments cannot be taken: Stripe.js or its card form did not load (js.stripe.com
 * unreachable or blocked), or Stripe could not be reached to read the card. Nothing was sent
 * to Railgraph, so nothing was booked or charged.
 */
export class CardPaymentsUnavailable extends Error {
  constructor(cause?: unknown) {
    super('Card payments are unavailable: Stripe.js could not be used', { cause });
    this.name = 'CardPaymentsUnavailable';
  }
}

/**
 * Stripe refused the card details before a payment method was made (an incomplete number, a
 * past expiry date, …). Its message is written for the customer (and in their language), so it
 * is shown as it is. Nothing was sent to Railgraph.
 */
export class CardDetailsRefused extends Error {
  constructor(message: string | undefined) {
    super(message || 'Check the card details and try again.');
    this.name = 'CardDetailsRefused';
  }
}

/**
 * The `extensions.code` of the first GraphQL error, `BOOKING_EXPIRED` for {@link BookingExpired},
 * `CARD_PAYMENTS_UNAVAILABLE` and `CARD_DETAILS` for the card form's own errors, or `NETWORK`
 * when the API was unreachable.
 */
export function errorCode(error: unknown): string | null {
  if (!error) return null;
  if (error instanceof BookingExpired) return 'BOOKING_EXPIRED';
  if (error instanceof CardPaymentsUnavailable) return 'CARD_PAYMENTS_UNAVAILABLE';
  if (error instanceof CardDetailsRefused) return 'CARD_DETAILS';
  if (CombinedGraphQLErrors.is(error)) {
    const code = error.errors[0]?.extensions?.['code'];
    return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
  }
  return 'NETWORK';
}

/** The input field the first GraphQL error is about (`extensions.field`), when it names one. */
export function errorField(error: unknown): string | null {
  if (!CombinedGraphQLErrors.is(error)) return null;
  const field = error.errors[0]?.extensions?.['field'];
  return typeof field === 'string' ? field : null;
}

/**
 * How many seconds the API asked to wait before trying again (`extensions.retryAfterSeconds`
 * of a RATE_LIMITED error), or null when it did not say.
 */
export function retryAfterSeconds(error: unknown): number | null {
  if (!CombinedGraphQLErrors.is(error)) return null;
  const seconds = error.errors[0]?.extensions?.['retryAfterSeconds'];
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/** Said wherever card payments cannot be taken (the card form, and a Book press without it). */
export const CARD_PAYMENTS_UNAVAILABLE =
  'Card payments are unavailable right now: the secure card form could not be loaded. Nothing was charged. Check your connection, or try again later.';

/** What went wrong, in words a traveller can act on. */
export function plainMessage(error: unknown): string {
  switch (errorCode(error)) {
    case null:
      return '';
    case 'SOLD_OUT':
      return 'This train has just sold out in the class you chose.';
    case 'SEAT_TAKEN':
      return 'Someone has just taken a seat you picked. Please pick another seat.';
    case 'QUOTE_EXPIRED':
      return 'The price we quoted has expired. Refresh the price to continue.';
    case 'QUOTE_MISMATCH':
    case 'QUOTE_INVALID':
      return 'The price no longer matches your trip. Refresh the price to continue.';
    case 'UNAUTHENTICATED':
      return 'Please sign in again to continue.';
    case 'FORBIDDEN':
      return 'This belongs to another account.';
    case 'NOT_FOUND':
      return 'We could not find that.';
    case 'NOT_CANCELLABLE':
      return 'This booking can no longer be cancelled.';
    case 'NOT_EXCHANGEABLE':
      return 'This booking can no longer be changed: its train has left, or it was changed or cancelled meanwhile. Nothing was charged.';
    case 'IDEMPOTENCY_IN_PROGRESS':
      return 'Your booking is still being processed. Please wait a moment and try again.';
    case 'IDEMPOTENCY_KEY_REUSED':
      return 'This booking attempt changed while it was being sent. Please start the booking again.';
    case 'PAYMENT_REQUIRED':
      return 'Choose a card to pay with, then book again.';
    case 'PAYMENT_DECLINED':
      return declineMessage(declineCode(error));
    case 'PAYMENT_ACTION_REQUIRED':
      return 'Your bank asks you to confirm this payment.';
    case 'BOOKING_EXPIRED':
      return 'The payment was not confirmed in time, so the booking expired. Nothing was charged. Book again to start over.';
    case 'CARD_PAYMENTS_UNAVAILABLE':
      return CARD_PAYMENTS_UNAVAILABLE;
    case 'CARD_DETAILS':
      return `${(error as CardDetailsRefused).message} Nothing was charged.`;
    case 'RATE_LIMITED':
      return 'Too many requests just now. Please wait a few seconds and try again.';
    case 'BAD_USER_INPUT':
      return firstMessage(error) ?? 'Some of the details are not valid.';
    case 'NETWORK':
      return 'We could not reach Railgraph. Check your connection and try again.';
    default:
      return 'Something went wrong on our side. Please try again.';
  }
}

function firstMessage(error: unknown): string | null {
  return CombinedGraphQLErrors.is(error) ? (error.errors[0]?.message ?? null) : null;
}
