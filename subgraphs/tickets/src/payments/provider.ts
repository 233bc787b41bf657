/**
 * What tickets asks of a payment provider (docs/adr/0009): card payments authorized when a
 * booking is made, captured once it is committed, voided when it is not, refunded (in part or
 * in full) when tickets are cancelled. Two implementations: the embedded sandbox (`npm start`,
 * the tests; Stripe test mode's behaviour for its test payment methods) and Stripe.
 *
 * Every call that moves money takes an idempotency key, so a retry (the outbox relay, a
 * restarted process) never moves it twice. Amounts are integer minor units, as everywhere.
 */
export type PaymentProviderName = 'sandbox' | 'stripe';

export interface AuthorizeRequest {
  /** One per booking attempt (the booking's id): the same key gives the same payment back. */
  idempotencyKey: string;
  amountMinor: number;
  /** ISO 4217, upper case (`GBP`, `EUR`). */
  currency: string;
  /** The provider's payment method id (`pm_...`), as the client sent it. */
  method: string;
  /** Shown on statements and in the provider's dashboard. */
  description: string;
  /** Kept with the payment at the provider (booking id, owner), strings only. */
  metadata: Record<string, string>;
}

/** Where a payment stands at the provider, in the terms tickets needs. */
export type ProviderPaymentState =
  /** Authorized, not yet captured: the money is reserved on the card. */
  | { status: 'AUTHORIZED'; paymentId: string; method: string }
  /** The customer must authenticate (3-D Secure) before it can be authorized. */
  | { status: 'REQUIRES_ACTION'; paymentId: string; method: string; clientSecret: string }
  /** Refused by the card's bank or the provider: nothing is reserved. */
  | { status: 'DECLINED'; paymentId: string | null; method: string; declineCode: string; message: string }
  | { status: 'CAPTURED'; paymentId: string; method: string; capturedMinor: number; refundedMinor: number }
  /** Authorization released without capture. */
  | { status: 'VOIDED'; paymentId: string; method: string };

export interface RefundResult {
  refundId: string;
  amountMinor: number;
}

/** The provider is unreachable or answered something it should not: retry later (never a decline). */
export class PaymentProviderUnavailable extends Error {
  override name = 'PaymentProviderUnavailable';
}

export interface PaymentProvider {
  readonly name: PaymentProviderName;
  /** Creates and confirms a payment with manual capture; idempotent by `idempotencyKey`. */
  authorize(request: AuthorizeRequest): Promise<ProviderPaymentState>;
  /** The payment as it stands now (after the customer's 3-D Secure step, for instance). */
  retrieve(paymentId: string): Promise<ProviderPaymentState>;
  /** Captures the whole authorized amount; capturing a captured payment returns it as it is. */
  capture(paymentId: string, idempotencyKey: string): Promise<ProviderPaymentState>;
  /** Releases an authorization (or a payment still awaiting action); a voided one stays voided. */
  void(paymentId: string, idempotencyKey: string): Promise<ProviderPaymentState>;
  /** Refunds part of a captured payment; the provider refuses more than was captured. */
  refund(paymentId: string, amountMinor: number, idempotencyKey: string): Promise<RefundResult>;
}
