import { useState, type FormEvent } from 'react';
import { localToday } from '../format';
import { navigate } from '../router';
import {
  MAX_PASSENGERS,
  PASSENGER_LABELS,
  PASSENGER_TYPES,
  searchHref,
  totalPassengers,
  type PassengerCounts,
  type TripSearch,
} from '../trip';
import { StationField } from './StationField';

/** From, to, date and passengers; submitting puts the search in the URL. */
export function SearchForm({ initial, compact = false }: { initial?: TripSearch | null; compact?: boolean }) {
  const [from, setFrom] = useState(initial?.from ?? '');
  const [to, setTo] = useState(initial?.to ?? '');
  const [date, setDate] = useState(initial?.date ?? localToday());
  const [passengers, setPassengers] = useState<PassengerCounts>(
    initial?.passengers ?? { ADULT: 1, CHILD: 0, YOUTH: 0, SENIOR: 0 },
  );
  const [errors, setErrors] = useState<{ from?: string; to?: string; passengers?: string }>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: typeof errors = {};
    if (!from) found.from = 'Choose the station you leave from.';
    if (!to) found.to = 'Choose the station you travel to.';
    if (from && from === to) found.to = 'Choose a different station to travel to.';
    if (totalPassengers(passengers) === 0) found.passengers = 'Add at least one passenger.';
    if (totalPassengers(passengers) > MAX_PASSENGERS) found.passengers = `At most ${MAX_PASSENGERS} passengers.`;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    navigate(searchHref({ from, to, date, passengers }));
  };

  return (
    <form
      className={compact ? 'search-form compact' : 'search-form'}
      onSubmit={submit}
      noValidate
      aria-label="Search trains"
    >
      <div className="search-stations">
        <StationField label="From" value={from} onChange={setFrom} error={errors.from} />
        <StationField label="To" value={to} onChange={setTo} error={errors.to} />
      </div>
      <div className="field">
        <label htmlFor="travel-date">Date</label>
        <input
          id="travel-date"
          type="date"
          value={date}
          min={localToday()}
          onChange={(e) => setDate(e.target.value)}
          required
        />
      </div>
      <fieldset className="passengers" aria-describedby={errors.passengers ? 'passengers-error' : undefined}>
        <legend>Passengers</legend>
        {PASSENGER_TYPES.map((type) => (
          <div key={type} className="passenger-count">
            <label htmlFor={`pax-${type}`}>
              {PASSENGER_LABELS[type].many[0]!.toUpperCase() + PASSENGER_LABELS[type].many.slice(1)}{' '}
              <span className="hint">{PASSENGER_LABELS[type].hint}</span>
            </label>
            <input
              id={`pax-${type}`}
              type="number"
              inputMode="numeric"
              min={0}
              max={MAX_PASSENGERS}
              value={passengers[type]}
              onChange={(e) =>
                setPassengers((p) => ({
                  ...p,
                  [type]: Math.max(0, Math.min(MAX_PASSENGERS, Number(e.target.value) || 0)),
                }))
              }
            />
          </div>
        ))}
        {errors.passengers ? (
          <p id="passengers-error" className="field-error">
            {errors.passengers}
          </p>
        ) : null}
      </fieldset>
      <button type="submit" className="primary">
        Search trains
      </button>
    </form>
  );
}
