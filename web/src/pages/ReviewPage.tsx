import { AuthForms } from '../components/AuthForms';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatMoney } from '../format';
import { Link } from '../router';
import { firstStepHref, passengersHref, searchHref, type TripChoice } from '../trip';
import { BookingFailure } from './review/BookingFailure';
import { PaymentSection } from './review/PaymentSection';
import { PriceCard } from './review/PriceCard';
import { QueueNotice } from './review/QueueNotice';
import { TripItinerary } from './review/TripItinerary';
import { TripSummary } from './review/TripSummary';
import { useReviewPage } from './useReviewPage';

/**
 * Step 3 of booking: the trip, passengers, price breakdown and the quote's expiry, the card
 * paying; one "Book" press, and the bank's confirmation when the card asks for it.
 */
export function ReviewPage({ choice }: { choice: TripChoice }) {
  const review = useReviewPage(choice);
  const { session, party, journey, trip, offer, error, failure, attempt } = review;
  const { action } = review.payment;
  return (
    <section aria-labelledby="review-heading">
      <p className="back-link">
        <Link href={passengersHref(choice)}>← Back to passengers</Link>
      </p>
      <h1 id="review-heading">Review and book</h1>
      {party ? null : (
        <div className="notice">
          <p>Tell us who is travelling before we can price this trip.</p>
          <Link className="button primary" href={passengersHref(choice)}>
            Add passengers
          </Link>
        </div>
      )}
      {error ? <ErrorNotice error={error} onRetry={review.retry} /> : null}
      {review.loading && !review.loaded ? <p className="loading">Getting the latest price…</p> : null}
      {review.loaded && !journey && !trip ? (
        <div role="alert" className="notice error">
          <p>{choice.tripId ? 'This trip is no longer on sale.' : 'This train is no longer on sale.'}</p>
          <Link href={searchHref(choice)}>Choose another train</Link>
        </div>
      ) : null}
      {journey || trip ? (
        <div className="review-grid">
          {trip ? <TripItinerary trip={trip} choice={choice} /> : null}
          {journey ? <TripSummary journey={journey} choice={choice} /> : null}
          <PriceCard
            fare={offer}
            seatClass={choice.seatClass}
            party={party}
            now={review.now}
            expired={review.expired}
          />
        </div>
      ) : null}

      {failure ? (
        <BookingFailure
          failure={failure}
          code={review.code}
          nextTrains={review.nextTrains}
          seats={firstStepHref(choice)}
          passengers={passengersHref(choice)}
          refreshPrice={review.retryWithNewPrice}
        />
      ) : null}
      <QueueNotice queue={review.queue} slow={review.slow} onLeave={review.leaveQueue} />

      {offer ? (
        <PaymentSection
          payment={review.payment}
          amount={offer.total}
          attempt={attempt}
          payable={review.bookable && Boolean(session)}
          busy={review.booking}
          heldNote="Your seats are held for a few minutes meanwhile."
        />
      ) : null}

      {review.bookable && offer && !action ? (
        session ? (
          <div className="actions">
            {attempt ? (
              <p className="hint">
                You already pressed Book for this trip; pressing it again finishes that same booking.
              </p>
            ) : null}
            {review.expired && !attempt ? (
              <button type="button" className="primary" onClick={review.retry}>
                Refresh the price
              </button>
            ) : (
              <button
                type="button"
                className="primary book-button"
                onClick={review.book}
                disabled={review.booking || !review.canPay}
                aria-describedby="book-terms"
              >
                {review.booking ? 'Booking…' : `Book for ${formatMoney(offer.total)}`}
              </button>
            )}
            <p id="book-terms" className="hint">
              Signed in as {session.user.email}. Refunds on cancellation follow the fare rules.
            </p>
          </div>
        ) : (
          <AuthForms intro="Sign in or create an account to book. Your trip stays as it is." />
        )
      ) : null}
    </section>
  );
}
