import type { Stripe, StripeElements, StripeError } from '@stripe/stripe-js';
import { CardDetailsRefused, CardPaymentsUnavailable } from '../errors';

/** The Stripe.js calls the booking makes itself (the card form makes its own through Elements). */
export type CardStripe = Pick<Stripe, 'createPaymentMethod' | 'handleNextAction'>;

/** Errors about what the customer typed; any other means Stripe could not be used just now. */
const CUSTOMER_ERRORS: ReadonlySet<StripeError['type']> = new Set(['card_error', 'validation_error']);

const refusal = (error: StripeError) =>
  CUSTOMER_ERRORS.has(error.type) ? new CardDetailsRefused(error.message) : new CardPaymentsUnavailable(error);

/**
 * The card in the Payment Element as a payment method (`pm_...`), sent as `paymentMethod` in
 * `bookJourney` as the sandbox sends its test ids: tickets creates and confirms the payment
 * itself (Stripe's "finalize payments on the server" flow). `elements.submit()` first, as that
 * flow requires: it checks the fields and marks the wrong ones in the form.
 */
export async function createCardPaymentMethod(stripe: CardStripe, elements: StripeElements): Promise<string> {
  const submitted = await elements.submit();
  if (submitted.error) throw refusal(submitted.error);
  const { paymentMethod, error } = await stripe.createPaymentMethod({ elements });
  if (error) throw refusal(error);
  return paymentMethod.id;
}

/**
 * Stripe's 3-D Secure step for a payment that waits on it (PAYMENT_ACTION_REQUIRED, provider
 * `stripe`): Stripe.js shows the bank's page in its own modal. Its outcome is not read here:
 * a challenge failed or left unanswered leaves the payment declined or still waiting, and
 * finishing the booking (`completeBookingPayment`, which reads the payment at Stripe) answers
 * with that, as it does after the sandbox's dialog.
 */
export async function authenticateWithStripe(stripe: CardStripe, clientSecret: string): Promise<void> {
  await stripe.handleNextAction({ clientSecret });
}
