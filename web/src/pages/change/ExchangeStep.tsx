import { useRef } from 'react';
import type { PassengerInput } from '../../__generated__/graphql';
import { ErrorNotice } from '../../components/ErrorNotice';
import { plainMessage } from '../../errors';
import { Link } from '../../router';
import type { TripChoice } from '../../trip';
import { PaymentStep } from '../review/PaymentStep';
import { SandboxChallenge } from '../review/SandboxChallenge';
import { StripePaymentStep } from '../review/StripePaymentStep';
import { ExchangeQuoteCard } from './ExchangeQuoteCard';
import { NewTrain } from './NewTrain';
import { useExchange } from './useExchange';

interface ExchangeStepProps {
  bookingId: string;
  choice: TripChoice;
  passengers: PassengerInput[];
  /** The booking's train was cancelled: the change is free. */
  free: boolean;
  /** Back to the trains to choose from. */
  trainsHref: string;
  /** Back to the booking. */
  bookingHref: string;
}

/**
 * The change's last step: the new train, what the change costs, the card paying the new train,
 * and one press to change; the bank's confirmation when the card asks for it.
 */
export function ExchangeStep({ bookingId, choice, passengers, free, trainsHref, bookingHref }: ExchangeStepProps) {
  const exchange = useExchange(bookingId, choice, passengers);
  const { quote, offer, costs, payment, attempt, failure, code } = exchange;
  const reopenChallenge = useRef<HTMLButtonElement>(null);
  const lockedBy = attempt ? (attempt.paymentMethod ?? null) : null;
  const { action } = payment;

  if (quote.status.error) return <ErrorNotice error={quote.status.error} onRetry={quote.status.retry} />;
  if (!quote.status.loaded) return <p className="loading">Getting the latest price…</p>;
  if (!offer)
    return (
      <div role="alert" className="notice error">
        <p>This train is no longer on sale in this class.</p>
        <Link href={trainsHref}>Choose another train</Link>
      </div>
    );
  return (
    <>
      <NewTrain journey={quote.journey} trip={quote.trip} seatClass={choice.seatClass} />
      <p>
        <Link href={trainsHref}>Choose another train</Link>
      </p>
      {exchange.costsError ? (
        <div role="alert" className="notice error">
          <p>{plainMessage(exchange.costsError)}</p>
          <Link href={bookingHref}>Back to your booking</Link>
        </div>
      ) : null}
      {!costs && !exchange.costsError ? <p className="loading">Working out what the change costs…</p> : null}
      {costs ? <ExchangeQuoteCard quote={costs} free={free} /> : null}

      {failure ? (
        <div role="alert" className="notice error exchange-error">
          <p>{plainMessage(failure)}</p>
          {code === 'NOT_EXCHANGEABLE' ? <Link href={bookingHref}>Back to your booking</Link> : null}
          {code === 'SOLD_OUT' ? (
            <Link className="button primary" href={trainsHref}>
              Choose another train
            </Link>
          ) : null}
          {code === 'QUOTE_EXPIRED' || code === 'QUOTE_MISMATCH' || code === 'QUOTE_INVALID' ? (
            <button type="button" className="primary" onClick={exchange.refreshPrice}>
              Refresh the price
            </button>
          ) : null}
        </div>
      ) : null}

      {exchange.sendable ? (
        payment.stripeJs.status === 'off' ? (
          <PaymentStep method={payment.method} onChange={payment.setMethod} lockedBy={lockedBy} busy={exchange.busy} />
        ) : (
          <StripePaymentStep
            stripeJs={payment.stripeJs}
            amount={offer.total}
            onCollector={payment.setCardCollector}
            lockedBy={lockedBy}
            busy={exchange.busy}
          />
        )
      ) : null}

      {action ? (
        <div role="status" className="notice payment-waiting">
          <p>
            Your bank is waiting for you to confirm this payment. Your new seats are held for a few minutes meanwhile.
          </p>
          {action.provider === 'stripe' && payment.challenge.answering ? (
            <p className="loading">Waiting for your bank’s confirmation…</p>
          ) : null}
          <button
            ref={reopenChallenge}
            type="button"
            className="primary"
            onClick={payment.openChallenge}
            disabled={payment.challenge.answering}
          >
            Confirm the payment
          </button>
        </div>
      ) : null}
      {action && action.provider !== 'sandbox' && payment.challenge.error ? (
        <p role="alert" className="notice error">
          {plainMessage(payment.challenge.error)} Confirm the payment again to retry.
        </p>
      ) : null}
      {action && payment.challengeOpen ? (
        <SandboxChallenge
          amount={offer.total}
          method={attempt?.paymentMethod ?? payment.method}
          onAnswer={payment.answerSandbox}
          onDismiss={payment.closeChallenge}
          answering={payment.challenge.answering}
          error={payment.challenge.error}
          returnFocus={reopenChallenge}
        />
      ) : null}

      {exchange.sendable && !action ? (
        <div className="actions">
          {attempt ? (
            <p className="hint">
              You already pressed Change for this train; pressing it again finishes that same change.
            </p>
          ) : null}
          <button
            type="button"
            className="primary exchange-button"
            onClick={exchange.exchange}
            disabled={exchange.busy || !exchange.canPay}
          >
            {exchange.busy ? 'Changing…' : 'Change to this train'}
          </button>
          <p className="hint">Your old tickets stop being valid once the new ones are issued.</p>
        </div>
      ) : null}
    </>
  );
}
