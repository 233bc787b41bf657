import { CombinedGraphQLErrors } from '@apollo/client/errors';
import type { PaymentStatus } from './__generated__/graphql';

/**
 * The embedded sandbox's test cards: Stripe's test payment method ids, which the sandbox
 * answers as Stripe test mode does (the contract in the tickets schema's `paymentMethod`).
 * No money moves with any of them.
 */
export interface TestCard {
  /** The payment method id sent as `paymentMethod`. */
  id: string;
  /** The card as the traveller picks it. */
  label: string;
  /** What paying with it does, said next to it. */
  outcome: string;
}

export const TEST_CARDS: readonly TestCard[] = [
  { id: 'pm_card_visa', label: 'Visa', outcome: 'Pays' },
  { id: 'pm_card_mastercard', label: 'Mastercard', outcome: 'Pays' },
  { id: 'pm_card_chargeDeclined', label: 'Declined', outcome: 'The bank declines it' },
  {
    id: 'pm_card_visa_chargeDeclinedInsufficientFunds',
    label: 'Insufficient funds',
    outcome: 'Declined: not enough money on the card',
  },
  { id: 'pm_card_threeDSecure2Required', label: '3-D Secure', outcome: 'Your bank asks you to confirm (3-D Secure)' },
];

/** The card chosen until the traveller picks another: one that pays. */
export const DEFAULT_TEST_CARD = 'pm_card_visa';

/** The method a booking was paid with, in words: `Visa test card`, or the provider's id for another method. */
export function methodName(method: string): string {
  const card = TEST_CARDS.find((c) => c.id === method);
  return card ? `${card.label} test card` : method;
}

/** Where a booking's payment stands, in words. */
export const PAYMENT_STATUS_NAMES: Record<PaymentStatus, string> = {
  REQUIRES_ACTION: 'Waiting for your bank’s confirmation',
  AUTHORIZED: 'Authorized, not yet taken',
  CAPTURED: 'Paid',
  PARTIALLY_REFUNDED: 'Paid, partly refunded',
  REFUNDED: 'Refunded',
  VOIDED: 'Released, nothing taken',
  FAILED: 'Declined, nothing taken',
  ON_ACCOUNT: 'On account',
};

/** Why a card was declined (`extensions.declineCode` of PAYMENT_DECLINED), in words a traveller can act on. */
export function declineMessage(declineCode: string | null): string {
  switch (declineCode) {
    case 'insufficient_funds':
      return 'Your card was declined: there is not enough money on it. Nothing was charged. Choose another card and book again.';
    case 'authentication_required':
      return 'Your bank could not confirm this payment, so it was declined. Nothing was charged. Choose another card and book again.';
    case 'invalid_payment_method':
      return 'We could not use this card. Nothing was charged. Choose another card and book again.';
    default:
      return 'Your card was declined. Nothing was charged. Choose another card and book again.';
  }
}

/** The `extensions.declineCode` of a PAYMENT_DECLINED error, when it has one. */
export function declineCode(error: unknown): string | null {
  const code = firstExtensions(error)?.['declineCode'];
  return typeof code === 'string' ? code : null;
}

/** The customer's step a PAYMENT_ACTION_REQUIRED error asks for: the booking waiting on it, and the challenge. */
export interface PaymentAction {
  bookingId: string;
  provider: string;
  clientSecret: string;
}

/** What PAYMENT_ACTION_REQUIRED asks the customer to do, or null when the error is not one (or lacks it). */
export function paymentAction(error: unknown): PaymentAction | null {
  const extensions = firstExtensions(error);
  if (extensions?.['code'] !== 'PAYMENT_ACTION_REQUIRED') return null;
  const { bookingId, provider, clientSecret } = extensions;
  return typeof bookingId === 'string' && typeof provider === 'string' && typeof clientSecret === 'string'
    ? { bookingId, provider, clientSecret }
    : null;
}

function firstExtensions(error: unknown): Record<string, unknown> | null {
  return CombinedGraphQLErrors.is(error) ? (error.errors[0]?.extensions ?? null) : null;
}
