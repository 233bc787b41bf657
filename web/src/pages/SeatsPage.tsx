import { ErrorNotice } from '../components/ErrorNotice';
import { SeatMap } from '../components/SeatMap';
import { CLASS_NAMES } from '../format';
import { Link } from '../router';
import { searchHref, type TripChoice } from '../trip';
import { useSeatsPage } from './useSeatsPage';

/** Step 1 of booking: pick seats on the map, or let us seat the group together. */
export function SeatsPage({ choice }: { choice: TripChoice }) {
  const { required, mode, setMode, selected, pick, problem, submit, coaches, loaded, loading, error, retry } =
    useSeatsPage(choice);
  return (
    <section aria-labelledby="seats-heading">
      <p className="back-link">
        <Link href={searchHref(choice)}>← Back to trains</Link>
      </p>
      <h1 id="seats-heading">Choose your seats</h1>
      <p className="subtitle">
        {CLASS_NAMES[choice.seatClass]} class · {required} {required === 1 ? 'passenger' : 'passengers'}
      </p>
      <form onSubmit={submit} noValidate>
        <fieldset className="seat-mode">
          <legend>Seating</legend>
          <label>
            <input type="radio" name="seat-mode" checked={mode === 'any'} onChange={() => setMode('any')} /> Any seat
            (we seat your group together)
          </label>
          <label>
            <input type="radio" name="seat-mode" checked={mode === 'choose'} onChange={() => setMode('choose')} />{' '}
            Choose seats on the map
          </label>
        </fieldset>
        {mode === 'choose' ? (
          <>
            {error ? <ErrorNotice error={error} onRetry={retry} /> : null}
            {loading ? <p className="loading">Loading the seat map…</p> : null}
            {loaded && coaches.length === 0 ? (
              <p className="notice">This train has no seat map for this class.</p>
            ) : null}
            <p id="seat-help" className="hint">
              Use Tab to reach a coach, the arrow keys to move between seats, and Space to pick one.
            </p>
            <SeatMap coaches={coaches} required={required} selected={selected} onChange={pick} />
            <p className="selection" aria-live="polite">
              {selected.length === 0
                ? 'No seats picked yet.'
                : `Picked: ${selected.map((id) => id.replace(/^(\d+)-(.*)$/, 'coach $1 seat $2')).join(', ')}`}
            </p>
          </>
        ) : null}
        {problem ? (
          <p role="alert" className="notice error">
            {problem}
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="primary">
            Continue to passengers
          </button>
        </div>
      </form>
    </section>
  );
}
