import { localToday } from '../format';
import { MAX_PASSENGERS, PASSENGER_LABELS, PASSENGER_TYPES, type TripSearch } from '../trip';
import { StationField } from './StationField';
import { useSearchForm } from './useSearchForm';

/** From, to, date and passengers; submitting puts the search in the URL. */
export function SearchForm({ initial, compact = false }: { initial?: TripSearch | null; compact?: boolean }) {
  const form = useSearchForm(initial);
  const { errors } = form;
  return (
    <form
      className={compact ? 'search-form compact' : 'search-form'}
      onSubmit={form.submit}
      noValidate
      aria-label="Search trains"
    >
      <div className="search-stations">
        <StationField label="From" value={form.from} onChange={form.setFrom} error={errors.from} />
        <StationField label="To" value={form.to} onChange={form.setTo} error={errors.to} />
      </div>
      <div className="field">
        <label htmlFor="travel-date">Date</label>
        <input
          id="travel-date"
          type="date"
          value={form.date}
          min={localToday()}
          onChange={(e) => form.setDate(e.target.value)}
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
              value={form.passengers[type]}
              onChange={(e) => form.setCount(type, e.target.value)}
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
