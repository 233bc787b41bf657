import { useRef } from 'react';
import type { BookingAttempt } from '../../booking-attempt';
import { plainMessage } from '../../errors';
import type { MoneyValue } from '../../format';
import { PaymentStep } from './PaymentStep';
import { SandboxChallenge } from './SandboxChallenge';
import { StripePaymentStep } from './StripePaymentStep';
import type { CardPayment } from './useCardPayment';

interface PaymentSectionProps {
  /** The card paying, and the customer's 3-D Secure step when the booking waits for it. */
  payment: CardPayment;
  /** What the card pays. */
  amount: MoneyValue;
  /** The attempt already sent: its card is the one paying, and cannot change until it ends. */
  attempt: BookingAttempt | null;
  /** The booking (or exchange) can be sent: the card is asked for. */
  payable: boolean;
  /** It is being sent. */
  busy: boolean;
  /** What the flow holds while the bank waits for the customer, e.g. "Your seats are held…". */
  heldNote: string;
}

/**
 * The card paying a booking, as the review and a booking's change ask for it: the sandbox's test
 * cards or Stripe's form, then, while the payment waits for the customer's 3-D Secure answer, the
 * notice saying so with the button giving it (again), and the sandbox's challenge dialog.
 */
export function PaymentSection({ payment, amount, attempt, payable, busy, heldNote }: PaymentSectionProps) {
  const reopenChallenge = useRef<HTMLButtonElement>(null);
  const lockedBy = attempt ? (attempt.paymentMethod ?? null) : null;
  const { action, challenge, stripeJs } = payment;
  return (
    <>
      {payable ? (
        stripeJs.status === 'off' ? (
          <PaymentStep method={payment.method} onChange={payment.setMethod} lockedBy={lockedBy} busy={busy} />
        ) : (
          <StripePaymentStep
            stripeJs={stripeJs}
            amount={amount}
            onCollector={payment.setCardCollector}
            lockedBy={lockedBy}
            busy={busy}
          />
        )
      ) : null}

      {action ? (
        <div role="status" className="notice payment-waiting">
          <p>Your bank is waiting for you to confirm this payment. {heldNote}</p>
          {/* Stripe's page is Stripe.js's own modal: while it is up, this says so. */}
          {action.provider === 'stripe' && challenge.answering ? (
            <p className="loading">Waiting for your bank’s confirmation…</p>
          ) : null}
          <button
            ref={reopenChallenge}
            type="button"
            className="primary"
            onClick={payment.openChallenge}
            // Stripe's page needs Stripe.js: it cannot be given until it has loaded.
            disabled={challenge.answering || (action.provider === 'stripe' && stripeJs.status === 'loading')}
          >
            Confirm the payment
          </button>
        </div>
      ) : null}
      {action && action.provider !== 'sandbox' && challenge.error ? (
        <p role="alert" className="notice error">
          {plainMessage(challenge.error)} Confirm the payment again to retry.
        </p>
      ) : null}
      {action && payment.challengeOpen ? (
        <SandboxChallenge
          amount={amount}
          method={attempt?.paymentMethod ?? payment.method}
          onAnswer={payment.answerSandbox}
          onDismiss={payment.closeChallenge}
          answering={challenge.answering}
          error={challenge.error}
          returnFocus={reopenChallenge}
        />
      ) : null}
    </>
  );
}
