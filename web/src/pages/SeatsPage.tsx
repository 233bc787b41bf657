import { useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { SeatMap } from '../components/SeatMap';
import { ErrorNotice } from '../components/ErrorNotice';
import { CLASS_NAMES } from '../format';
import { SeatMapQuery } from '../operations';
import { Link, navigate } from '../router';
import { passengerList, passengersHref, searchHref, type TripChoice } from '../trip';

/** Step 1 of booking: pick seats on the map, or let us seat the group together. */
export function SeatsPage({ choice }: { choice: TripChoice }) {
  const required = passengerList(choice.passengers).length;
  const [mode, setMode] = useState<'any' | 'choose'>(choice.seats.length > 0 ? 'choose' : 'any');
  const [selected, setSelected] = useState<string[]>(choice.seats);
  const [problem, setProblem] = useState<string | null>(null);
  const { data, loading, error, refetch } = useQuery(SeatMapQuery, {
    variables: { runId: choice.runId, fromStop: choice.fromStop, toStop: choice.toStop, seatClass: choice.seatClass },
    fetchPolicy: 'network-only',
  });
  const coaches = data?.trainRun?.seatMap ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (mode === 'choose' && selected.length !== required) {
      setProblem(
        `Pick ${required} ${required === 1 ? 'seat' : 'seats'}, one for each passenger (${selected.length} picked).`,
      );
      return;
    }
    navigate(passengersHref({ ...choice, seats: mode === 'choose' ? selected : [] }));
  };

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
            {error ? <ErrorNotice error={error} onRetry={() => void refetch()} /> : null}
            {loading ? <p className="loading">Loading the seat map…</p> : null}
            {data && coaches.length === 0 ? <p className="notice">This train has no seat map for this class.</p> : null}
            <p id="seat-help" className="hint">
              Use Tab to reach a coach, the arrow keys to move between seats, and Space to pick one.
            </p>
            <SeatMap
              coaches={coaches}
              required={required}
              selected={selected}
              onChange={(ids) => {
                setSelected(ids);
                setProblem(null);
              }}
            />
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
