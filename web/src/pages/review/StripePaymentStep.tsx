import { useState } from 'react';
import { CARD_PAYMENTS_UNAVAILABLE } from '../../errors';
import type { MoneyValue } from '../../format';
import type { CardCollector } from './StripeCardForm';
import type { StripeJsState } from './useStripeJs';

interface StripePaymentStepProps {
  stripeJs: StripeJsState;
  amount: MoneyValue;
  onCollector: (collect: CardCollector | null) => void;
  /**
   * The payment method of an attempt already sent (Book pressed, answer not final): that attempt
   * is sent again as it was, so no card is asked for until it ends.
   */
  lockedBy: string | null;
  /** A booking is being sent. */
  busy: boolean;
}

/**
 * The payment step with Stripe: the card typed into Stripe's Payment Element. While Stripe.js
 * loads it says so; when it cannot be loaded (js.stripe.com unreachable or blocked) it says, as
 * an alert, that card payments are unavailable right now, and the page stays usable.
 */
export function StripePaymentStep({ stripeJs, amount, onCollector, lockedBy, busy }: StripePaymentStepProps) {
  const [formFailed, setFormFailed] = useState(false);
  const unavailable = stripeJs.status === 'failed' || formFailed;
  const ready = stripeJs.status === 'ready' ? stripeJs : null;
  return (
    <fieldset className="card payment-step" disabled={busy || lockedBy !== null}>
      <legend>
        <h2>Payment</h2>
      </legend>
      {lockedBy ? (
        <p className="hint">You already pressed Book with this card: pressing it again finishes that same payment.</p>
      ) : unavailable ? (
        <p role="alert" className="notice error">
          {CARD_PAYMENTS_UNAVAILABLE}
        </p>
      ) : (
        <>
          {ready ? null : (
            <p role="status" className="loading">
              Loading the secure card form…
            </p>
          )}
          {ready ? (
            <ready.CardForm
              stripe={ready.stripe}
              amount={amount}
              onCollector={onCollector}
              onLoadError={() => {
                onCollector(null);
                setFormFailed(true);
              }}
            />
          ) : null}
          <p className="hint">
            Your card details go straight to Stripe, our payment provider; Railgraph never sees them.
          </p>
        </>
      )}
    </fieldset>
  );
}
