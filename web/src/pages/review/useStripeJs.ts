import type { Stripe } from '@stripe/stripe-js';
import { useEffect, useState, type ComponentType } from 'react';
import type { PaymentSettings } from '../../stripe/settings';
import type { StripeCardFormProps } from './StripeCardForm';

/** Where Stripe.js and the card form stand on the review page. */
export type StripeJsState =
  /** No publishable key: the sandbox's test cards, and Stripe.js is not loaded. */
  | { status: 'off' }
  | { status: 'loading' }
  | { status: 'ready'; stripe: Stripe; CardForm: ComponentType<StripeCardFormProps> }
  /** js.stripe.com (or the card form's own chunk) could not be loaded: no card payments now. */
  | { status: 'failed' };

/**
 * Stripe.js and the card form (Stripe Elements, a chunk of its own), loaded together once the
 * review page needs them and only when a publishable key is configured: the sandbox path never
 * fetches either. A failure is a state, not a crash; the page says card payments are unavailable.
 */
export function useStripeJs({ stripePublishableKey, loadStripe }: PaymentSettings): StripeJsState {
  const [state, setState] = useState<StripeJsState>(() =>
    stripePublishableKey ? { status: 'loading' } : { status: 'off' },
  );
  useEffect(() => {
    if (!stripePublishableKey) return;
    let current = true;
    Promise.all([loadStripe(stripePublishableKey), import('./StripeCardForm')]).then(
      ([stripe, module]) => {
        if (current) setState({ status: 'ready', stripe, CardForm: module.StripeCardForm });
      },
      () => {
        if (current) setState({ status: 'failed' });
      },
    );
    return () => {
      current = false;
    };
  }, [stripePublishableKey, loadStripe]);
  return state;
}
