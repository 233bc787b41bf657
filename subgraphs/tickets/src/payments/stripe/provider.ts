import Stripe from 'stripe';
import type { AuthorizeRequest, PaymentProvider, ProviderPaymentState, RefundResult } from '../provider.js';
import { createStripeClient, type StripeClientSettings } from './client.js';
import { declineOf, isUnexpectedState, providerErrorOf, StripePaymentStateError } from './errors.js';
import { paymentStateOf } from './state.js';

/**
 * The captured amount's refunds are on the charge, which Stripe only inlines when asked: every
 * call whose answer may be a captured payment expands it.
 */
const EXPAND = ['latest_charge'];

/**
 * Idempotency keys are per Stripe account and per endpoint+parameters: the same caller key used
 * for a create and a capture would be refused as a reuse. One prefix per operation keeps them apart.
 */
const keyFor = (operation: 'authorize' | 'capture' | 'void' | 'refund', key: string): string =>
  `railgraph-${operation}-${key}`;

/**
 * Stripe answers an idempotent retry with the response it stored the first time, which may be
 * out of date (an authorization replayed after its capture): such answers are read again.
 */
const replayed = (response: Stripe.Response<unknown>): boolean =>
  response.lastResponse?.headers?.['idempotent-replayed'] === 'true';

/**
 * Card payments through Stripe's PaymentIntents API: created and confirmed with manual capture
 * (the booking's amount is reserved on the card, then captured once the booking is committed
 * or released when it is not), 3-D Secure left to the customer's browser with the intent's
 * client secret, refunds against the intent.
 */
export function createStripeProvider(settings: StripeClientSettings): PaymentProvider {
  const stripe = createStripeClient(settings);

  async function retrieve(paymentId: string, method = ''): Promise<ProviderPaymentState> {
    try {
      const intent = await stripe.paymentIntents.retrieve(paymentId, { expand: EXPAND });
      return paymentStateOf(intent, method);
    } catch (error) {
      throw providerErrorOf(error, `read payment ${paymentId}`);
    }
  }

  /**
   * Capture or cancel, then where the payment stands. When Stripe says the intent is past that
   * step (captured twice, voided twice), the payment as it is now; `acceptable` says which
   * outcomes the step may end in, as the sandbox does.
   */
  async function transition(
    paymentId: string,
    doing: string,
    call: () => Promise<Stripe.Response<Stripe.PaymentIntent>>,
    acceptable: (state: ProviderPaymentState) => boolean,
  ): Promise<ProviderPaymentState> {
    let state: ProviderPaymentState;
    try {
      const intent = await call();
      state = replayed(intent) ? await retrieve(paymentId) : paymentStateOf(intent, '');
    } catch (error) {
      if (!isUnexpectedState(error)) throw providerErrorOf(error, `${doing} payment ${paymentId}`);
      state = await retrieve(paymentId);
    }
    if (!acceptable(state)) {
      throw new StripePaymentStateError(
        `Payment ${paymentId} is ${state.status.toLowerCase()}; it cannot be ${doing === 'void' ? 'voided' : 'captured'}`,
      );
    }
    return state;
  }

  return {
    name: 'stripe',

    async authorize(request: AuthorizeRequest): Promise<ProviderPaymentState> {
      try {
        const intent = await stripe.paymentIntents.create(
          {
            amount: request.amountMinor,
            currency: request.currency.toLowerCase(),
            payment_method: request.method,
            // Cards only (this API version's name for payment_method_types): no redirect-based
            // method, so no return_url; 3-D Secure is the one action a customer may be asked for.
            allowed_payment_method_types: ['card'],
            capture_method: 'manual',
            confirm: true,
            description: request.description,
            metadata: request.metadata,
            expand: EXPAND,
          },
          { idempotencyKey: keyFor('authorize', request.idempotencyKey) },
        );
        return replayed(intent) ? await retrieve(intent.id, request.method) : paymentStateOf(intent, request.method);
      } catch (error) {
        const decline = declineOf(error, request.method);
        if (decline) return decline;
        throw providerErrorOf(error, 'authorize a payment');
      }
    },

    retrieve: (paymentId) => retrieve(paymentId),

    capture: (paymentId, idempotencyKey) =>
      transition(
        paymentId,
        'capture',
        () =>
          stripe.paymentIntents.capture(
            paymentId,
            { expand: EXPAND },
            { idempotencyKey: keyFor('capture', idempotencyKey) },
          ),
        (state) => state.status === 'CAPTURED',
      ),

    void: (paymentId, idempotencyKey) =>
      transition(
        paymentId,
        'void',
        () =>
          stripe.paymentIntents.cancel(
            paymentId,
            { expand: EXPAND },
            { idempotencyKey: keyFor('void', idempotencyKey) },
          ),
        // Voided now or before, or declined: nothing is reserved either way. Captured: refund it.
        (state) => state.status !== 'CAPTURED',
      ),

    async refund(paymentId: string, amountMinor: number, idempotencyKey: string): Promise<RefundResult> {
      if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
        throw new RangeError(`a refund is a positive whole number of minor units, not ${amountMinor}`);
      }
      try {
        const refund = await stripe.refunds.create(
          { payment_intent: paymentId, amount: amountMinor },
          { idempotencyKey: keyFor('refund', idempotencyKey) },
        );
        return { refundId: refund.id, amountMinor: refund.amount };
      } catch (error) {
        // Stripe refuses a refund beyond what is left of the capture, or of a payment not captured.
        if (error instanceof Stripe.errors.StripeInvalidRequestError) {
          throw new StripePaymentStateError(
            `Stripe refused to refund ${amountMinor} of ${paymentId}: ${error.message}`,
            {
              cause: error,
            },
          );
        }
        throw providerErrorOf(error, `refund payment ${paymentId}`);
      }
    },
  };
}
