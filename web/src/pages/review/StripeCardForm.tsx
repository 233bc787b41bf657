import type { Stripe, StripeElementsOptions } from '@stripe/stripe-js';
import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import { useEffect, useMemo } from 'react';
import type { MoneyValue } from '../../format';
import { createCardPaymentMethod } from '../../stripe/card-payment';

/** Makes the card typed in into a payment method id (`pm_...`), or throws why it cannot. */
export type CardCollector = () => Promise<string>;

export interface StripeCardFormProps {
  stripe: Stripe;
  /** The price being paid: the Payment Element shows what suits it (and Stripe checks the card against it). */
  amount: MoneyValue;
  /** The way to read the card while the form is up; null once it is gone. */
  onCollector: (collect: CardCollector | null) => void;
  /** The form's frame could not be loaded from Stripe. */
  onLoadError: () => void;
}

/**
 * Stripe's Payment Element in "finalize on the server" mode: the card is read into a payment
 * method on Book, and tickets makes and confirms the payment. Cards only and a manual capture,
 * as tickets creates them (see its Stripe provider), so the form offers what the payment allows.
 * Loaded as a chunk of its own (useStripeJs), with @stripe/react-stripe-js.
 */
export function StripeCardForm({ stripe, amount, onCollector, onLoadError }: StripeCardFormProps) {
  const options = useMemo<StripeElementsOptions>(
    () => ({
      mode: 'payment',
      amount: amount.amountMinor,
      currency: amount.currency.toLowerCase(),
      paymentMethodCreation: 'manual',
      paymentMethodTypes: ['card'],
      captureMethod: 'manual',
    }),
    [amount.amountMinor, amount.currency],
  );
  return (
    <Elements stripe={stripe} options={options}>
      <CardFields onCollector={onCollector} onLoadError={onLoadError} />
    </Elements>
  );
}

function CardFields({ onCollector, onLoadError }: Pick<StripeCardFormProps, 'onCollector' | 'onLoadError'>) {
  const stripe = useStripe();
  const elements = useElements();
  useEffect(() => {
    if (!stripe || !elements) return;
    onCollector(() => createCardPaymentMethod(stripe, elements));
    return () => onCollector(null);
  }, [stripe, elements, onCollector]);
  // The fields live in Stripe's frame, labelled by Stripe; the fieldset around names the step.
  return <PaymentElement options={{ layout: 'tabs' }} onLoadError={onLoadError} />;
}
