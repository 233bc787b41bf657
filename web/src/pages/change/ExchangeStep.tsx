import type { PassengerInput } from '../../__generated__/graphql';
import { ErrorNotice } from '../../components/ErrorNotice';
import { plainMessage } from '../../errors';
import { Link } from '../../router';
import type { TripChoice } from '../../trip';
import { PaymentSection } from '../review/PaymentSection';
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

      <PaymentSection
        payment={payment}
        amount={offer.total}
        attempt={attempt}
        payable={exchange.sendable}
        busy={exchange.busy}
        heldNote="Your new seats are held for a few minutes meanwhile."
      />

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
