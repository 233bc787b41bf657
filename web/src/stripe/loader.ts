import type { Stripe } from '@stripe/stripe-js';
import { CardPaymentsUnavailable } from '../errors';

/**
 * Loads Stripe.js for a publishable key. The app uses the official loader; tests hand the page
 * a fake through this seam (js.stripe.com cannot be reached from where they run).
 */
export type StripeLoader = (publishableKey: string) => Promise<Stripe>;

let loading: { key: string; promise: Promise<Stripe> } | null = null;

/**
 * The official loader (`@stripe/stripe-js`), imported only when called: it is a chunk of its own,
 * fetched when the review page needs a card form, and its `pure` entry adds the js.stripe.com
 * script only then (the plain entry adds it as soon as the module is imported, on every page).
 * One load per page; a failed one (js.stripe.com unreachable or blocked) is forgotten, so the
 * next review page tries again.
 */
export const loadStripeJs: StripeLoader = (publishableKey) => {
  if (loading?.key === publishableKey) return loading.promise;
  const promise = import('@stripe/stripe-js/pure')
    .then(({ loadStripe }) => loadStripe(publishableKey))
    .then((stripe) => {
      // Null only where there is no window (not in a browser).
      if (!stripe) throw new CardPaymentsUnavailable();
      return stripe;
    })
    .catch((error: unknown) => {
      if (loading?.promise === promise) loading = null;
      throw error instanceof CardPaymentsUnavailable ? error : new CardPaymentsUnavailable(error);
    });
  loading = { key: publishableKey, promise };
  return promise;
};
