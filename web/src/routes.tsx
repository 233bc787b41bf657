import { lazy, type ComponentType } from 'react';
import { HomePage } from './pages/HomePage';
import { InvalidLinkPage } from './pages/notices';
import { ResultsPage } from './pages/ResultsPage';
import { route, type RouteProps } from './router';
import { readChoice, readSearch, type TripChoice } from './trip';

// Search and results load with the app; the booking steps and account pages load when needed.
const SeatsPage = lazy(() => import('./pages/SeatsPage').then((m) => ({ default: m.SeatsPage })));
const PassengersPage = lazy(() => import('./pages/PassengersPage').then((m) => ({ default: m.PassengersPage })));
const ReviewPage = lazy(() => import('./pages/ReviewPage').then((m) => ({ default: m.ReviewPage })));
const BookingPage = lazy(() => import('./pages/BookingPage').then((m) => ({ default: m.BookingPage })));
const ChangeTrainPage = lazy(() => import('./pages/ChangeTrainPage').then((m) => ({ default: m.ChangeTrainPage })));
const BookingsPage = lazy(() => import('./pages/BookingsPage').then((m) => ({ default: m.BookingsPage })));
const AccountPage = lazy(() => import('./pages/AccountPage').then((m) => ({ default: m.AccountPage })));

/** A booking step for the journey chosen in the query, or why the link does not work. */
const withChoice =
  (Step: ComponentType<{ choice: TripChoice }>) =>
  ({ search }: RouteProps) => {
    const choice = readChoice(search);
    return choice ? <Step choice={choice} /> : <InvalidLinkPage />;
  };

const signedIn = { signedIn: true };

/**
 * Every page of the app by path; the trip lives in the query (see trip.ts). Any other path is
 * "Page not found"; a signed-in page asks anyone else to sign in first.
 */
export const routes = [
  route('/', () => <HomePage />),
  route('/journeys', ({ search }) => {
    const trip = readSearch(search);
    return trip ? <ResultsPage search={trip} /> : <InvalidLinkPage />;
  }),
  route('/seats', withChoice(SeatsPage)),
  route('/passengers', withChoice(PassengersPage)),
  route('/review', withChoice(ReviewPage)),
  route('/bookings', () => <BookingsPage />, signedIn),
  route(
    '/bookings/:id',
    ({ params, search }) => <BookingPage id={params.id} justBooked={search.get('booked') === '1'} />,
    signedIn,
  ),
  route('/bookings/:id/change', ({ params, search }) => <ChangeTrainPage id={params.id} search={search} />, signedIn),
  route('/account', ({ search }) => <AccountPage next={search.get('next')} />),
];
