import Stripe from 'stripe';

/** A webhook whose `Stripe-Signature` does not prove it came from Stripe: answer 400, act on nothing. */
export class StripeWebhookSignatureInvalid extends Error {
  override name = 'StripeWebhookSignatureInvalid';
}

/** How old a signed webhook may be (Stripe's own default): older ones may be replays. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * The event of a webhook request once its signature is checked against the endpoint's signing
 * secret (`whsec_...`). `payload` must be the raw body exactly as received (not re-serialized
 * JSON), since the signature covers its bytes.
 */
export function verifyStripeWebhook(
  payload: string | Uint8Array,
  signatureHeader: string | string[] | undefined,
  secret: string,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): Stripe.Event {
  if (typeof signatureHeader !== 'string' || signatureHeader === '') {
    throw new StripeWebhookSignatureInvalid('the request has no single Stripe-Signature header');
  }
  try {
    return Stripe.webhooks.constructEvent(payload, signatureHeader, secret, toleranceSeconds);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      throw new StripeWebhookSignatureInvalid(error.message, { cause: error });
    }
    throw error;
  }
}
