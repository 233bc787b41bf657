import { plainMessage } from '../errors';
import { CLASS_NAMES } from '../format';
import { Link } from '../router';
import { searchHref, seatsHref, type TripChoice } from '../trip';
import { PassengerFieldset } from './passengers/PassengerFieldset';
import { usePassengersPage } from './usePassengersPage';

/** Step 2 of booking: who is travelling — a name and category each, an age for children. */
export function PassengersPage({ choice }: { choice: TripChoice }) {
  const page = usePassengersPage(choice);
  const { rows } = page;
  return (
    <section aria-labelledby="passengers-heading">
      <p className="back-link">
        {/* A trip with changes has no seat step: its seats are assigned on every train. */}
        {choice.tripId ? (
          <Link href={searchHref(choice)}>← Back to trains</Link>
        ) : (
          <Link href={seatsHref(choice)}>← Back to seats</Link>
        )}
      </p>
      <h1 id="passengers-heading">Who is travelling?</h1>
      <p className="subtitle">
        {CLASS_NAMES[choice.seatClass]} class · {rows.length} {rows.length === 1 ? 'passenger' : 'passengers'}
      </p>
      {page.signedIn ? null : (
        <p className="hint">
          <Link href={`/account?next=${encodeURIComponent(page.here)}`}>Sign in</Link> to fill in the passengers you
          saved and to save new ones for next time.
        </p>
      )}
      <form onSubmit={page.submit} noValidate className="party">
        {rows.map((row, index) => (
          <PassengerFieldset
            key={index}
            index={index}
            row={row}
            problem={page.problems[index] ?? {}}
            saved={page.savedPassengers}
            canSave={page.canSave(row)}
            onChange={(change) => page.update(index, change)}
            onChooseSaved={(savedId) => page.chooseSaved(index, savedId)}
          />
        ))}
        {page.saveError ? (
          <p role="alert" className="notice error">
            We could not save a passenger to your profile: {plainMessage(page.saveError)}
          </p>
        ) : null}
        {page.incomplete ? (
          <p role="alert" className="notice error">
            Please complete the passengers’ details.
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="primary" disabled={page.saving}>
            {page.saving ? 'Saving…' : 'Continue to review'}
          </button>
        </div>
      </form>
    </section>
  );
}
