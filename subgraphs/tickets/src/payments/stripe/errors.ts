import Stripe from 'stripe';
import { PaymentProviderUnavailable, type ProviderPaymentState } from '../provider.js';
import { declineCodeOf } from './state.js';

const errors = Stripe.errors;

/**
 * Stripe refused an operation for the state the payment is in (capturing a voided or declined
 * payment, voiding a captured one, refunding more than is left): retrying will not help. The
 * sandbox's `SandboxPaymentStateError` for the same cases.
 */
export class StripePaymentStateError extends Error {
  override name = 'StripePaymentStateError';
}

/**
 * A Stripe error that a later retry may get past: the network, Stripe's side (5xx), rate limits
 * and lock timeouts (429), a concurrent request with the same idempotency key (409), and a key
 * Stripe refuses (401/403: an operator fixes the configuration; never the customer's decline).
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof errors.StripeError)) return false;
  if (
    error instanceof errors.StripeConnectionError ||
    error instanceof errors.StripeAPIError ||
    error instanceof errors.StripeRateLimitError ||
    error instanceof errors.StripeAuthenticationError ||
    error instanceof errors.StripePermissionError
  ) {
    return true;
  }
  const status = error.statusCode ?? 0;
  return status === 409 || status === 429 || status >= 500;
}

/** `PaymentProviderUnavailable` for a transient error (keeping it as the cause), else the error itself. */
export function providerErrorOf(error: unknown, doing: string): unknown {
  if (!isTransient(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new PaymentProviderUnavailable(`Stripe could not ${doing}: ${detail}`, { cause: error });
}

/**
 * The decline a failed authorization stands for, or null when the error is no decline. A card
 * error (402) is the issuer's or Stripe's refusal; a payment method Stripe does not know (an
 * unknown `pm_...`, one of another account) is refused as `invalid_payment_method`, as the
 * sandbox refuses it.
 */
export function declineOf(
  error: unknown,
  method: string,
): Extract<ProviderPaymentState, { status: 'DECLINED' }> | null {
  if (error instanceof errors.StripeCardError) {
    return {
      status: 'DECLINED',
      paymentId: error.payment_intent?.id ?? null,
      method,
      declineCode: declineCodeOf(error.decline_code, error.code),
      message: error.message,
    };
  }
  if (error instanceof errors.StripeInvalidRequestError && error.param === 'payment_method') {
    return {
      status: 'DECLINED',
      paymentId: error.payment_intent?.id ?? null,
      method,
      declineCode: 'invalid_payment_method',
      message: error.message,
    };
  }
  return null;
}

/** Stripe refuses to capture or cancel an intent that is no longer in a state that allows it. */
export function isUnexpectedState(error: unknown): boolean {
  return error instanceof errors.StripeInvalidRequestError && error.code === 'payment_intent_unexpected_state';
}
