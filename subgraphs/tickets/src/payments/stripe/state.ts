import type Stripe from 'stripe';
import { PaymentProviderUnavailable, type ProviderPaymentState } from '../provider.js';

/**
 * Stripe's PaymentIntent in the terms of `ProviderPaymentState`. `method` is what the booking
 * asked for, used when Stripe no longer names one (it detaches a payment method that failed).
 */
export function paymentStateOf(intent: Stripe.PaymentIntent, method: string): ProviderPaymentState {
  const paymentId = intent.id;
  const usedMethod = idOf(intent.payment_method) ?? idOf(intent.last_payment_error?.payment_method) ?? method;
  switch (intent.status) {
    case 'requires_capture':
      return { status: 'AUTHORIZED', paymentId, method: usedMethod };
    case 'requires_action': {
      // Stripe always gives a client secret to the server that created the intent with its secret key.
      if (!intent.client_secret)
        throw new PaymentProviderUnavailable(`Stripe sent ${paymentId} awaiting action without a client secret`);
      return { status: 'REQUIRES_ACTION', paymentId, method: usedMethod, clientSecret: intent.client_secret };
    }
    case 'succeeded':
      return {
        status: 'CAPTURED',
        paymentId,
        method: usedMethod,
        capturedMinor: intent.amount_received,
        refundedMinor: refundedOf(intent),
      };
    case 'canceled':
      return { status: 'VOIDED', paymentId, method: usedMethod };
    case 'requires_payment_method': {
      // Confirmed and refused (a decline, or 3-D Secure failed or refused): Stripe puts the
      // intent back to wait for another method, with the reason in last_payment_error.
      const failure = intent.last_payment_error;
      return {
        status: 'DECLINED',
        paymentId,
        method: usedMethod,
        declineCode: declineCodeOf(failure?.decline_code, failure?.code),
        message: failure?.message ?? 'The payment was not authorized.',
      };
    }
    default:
      // processing / requires_confirmation: not where a confirmed card payment with manual
      // capture settles; ask again later rather than guess.
      throw new PaymentProviderUnavailable(
        `Stripe's payment ${paymentId} is ${intent.status}, not a state tickets can act on yet`,
      );
  }
}

/**
 * The decline code a client sees (`generic_decline`, `insufficient_funds`, ...): the issuer's
 * reason when there is one, else Stripe's error code, with Stripe's 3-D Secure failure named as
 * the sandbox names it.
 */
export function declineCodeOf(declineCode: string | undefined | null, code: string | undefined | null): string {
  if (declineCode) return declineCode;
  if (code === 'payment_intent_authentication_failure') return 'authentication_required';
  return code || 'card_declined';
}

/** How much of the captured amount has been refunded: the latest charge's, when it is expanded. */
function refundedOf(intent: Stripe.PaymentIntent): number {
  const charge = intent.latest_charge;
  if (charge === null || typeof charge === 'string') {
    throw new PaymentProviderUnavailable(`Stripe sent the captured ${intent.id} without its charge expanded`);
  }
  return charge.amount_refunded;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}
