import { useEffect, useRef } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { Link } from '../router';
import { describePassengers } from '../trip';
import { BookingLegs } from './booking/BookingLegs';
import { ChangeResults } from './change/ChangeResults';
import { ChildAges } from './change/ChildAges';
import { ExchangeStep } from './change/ExchangeStep';
import { readChangeStep } from './change/change-plan';
import { useChangeTrainPage } from './useChangeTrainPage';

/**
 * Changing a booking to a later train, or rebooking for free after its train was cancelled:
 * the trains between the same stations for its travelling passengers, then the one chosen with
 * what the change costs, the card, and one press to change.
 */
export function ChangeTrainPage({ id, search }: { id: string; search: URLSearchParams }) {
  const step = readChangeStep(search);
  const page = useChangeTrainPage(id, step);
  const heading = useRef<HTMLHeadingElement>(null);
  const chosen = Boolean(step.choice);
  // Each step is announced by moving focus to the page's heading, as a new page would be.
  useEffect(() => {
    heading.current?.focus();
  }, [chosen]);
  const bookingHref = `/bookings/${encodeURIComponent(id)}`;
  const { booking, status } = page;

  return (
    <section aria-labelledby="change-heading">
      <p className="back-link">
        <Link href={bookingHref}>← Your booking</Link>
      </p>
      <h1 id="change-heading" ref={heading} tabIndex={-1}>
        {page.booking && page.free ? 'Rebook for free' : 'Change train'}
      </h1>
      {status.error && !booking ? <ErrorNotice error={status.error} onRetry={status.retry} /> : null}
      {status.loading && !booking ? <p className="loading">Loading your booking…</p> : null}
      {status.loaded && !booking ? <p className="notice">We could not find that booking.</p> : null}
      {page.booking ? (
        <>
          <div className="card change-from">
            <h2>Now booked</h2>
            <BookingLegs legs={page.booking.legs} label="Your booked trains" />
            {page.search ? <p>{describePassengers(page.search.passengers)}</p> : null}
          </div>
          {!page.changeable || !page.search ? (
            <div role="alert" className="notice error">
              <p>This booking can no longer be changed: it has no valid tickets.</p>
              <Link href={bookingHref}>Back to your booking</Link>
            </div>
          ) : (
            <>
              {page.children > 0 && !page.choice ? (
                <ChildAges children={page.children} ages={step.ages} onChange={page.setAges} />
              ) : null}
              {page.choice ? (
                <ExchangeStep
                  bookingId={id}
                  choice={page.choice}
                  passengers={page.passengers}
                  free={page.free}
                  trainsHref={page.trainsHref}
                  bookingHref={bookingHref}
                />
              ) : (
                <ChangeResults
                  search={page.search}
                  passengers={page.passengers}
                  choose={page.chooseHref}
                  onLater={page.later}
                />
              )}
            </>
          )}
        </>
      ) : null}
    </section>
  );
}
