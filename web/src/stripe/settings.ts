import { createContext, useContext } from 'react';
import { loadStripeJs, type StripeLoader } from './loader';

/** How the app takes card payments, as told at runtime (config.ts). */
export interface PaymentSettings {
  /** Stripe's publishable key: cards through Stripe Elements. Null: the sandbox's test cards. */
  stripePublishableKey: string | null;
  loadStripe: StripeLoader;
}

/** Without a provider: the sandbox, as when no key is configured. */
export const PaymentSettingsContext = createContext<PaymentSettings>({
  stripePublishableKey: null,
  loadStripe: loadStripeJs,
});

export const usePaymentSettings = (): PaymentSettings => useContext(PaymentSettingsContext);
