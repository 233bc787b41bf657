import type { PassengerType } from '../../__generated__/graphql';
import { PASSENGER_NAMES } from '../../format';
import { AGE_RANGE, NAME_MAX } from '../../party';
import { PASSENGER_LABELS, PASSENGER_TYPES } from '../../trip';
import type { Row, Saved } from './passenger-rows';

interface PassengerFieldsetProps {
  index: number;
  row: Row;
  /** What is wrong with the row, when shown. */
  problem: { name?: string; age?: string };
  /** Saved passengers to choose from (none when signed out). */
  saved: readonly Saved[];
  /** Offer saving this passenger to the profile. */
  canSave: boolean;
  onChange: (change: Partial<Row>) => void;
  onChooseSaved: (savedId: string) => void;
}

/**
 * One passenger: a saved passenger or someone new, the name as on their ID (it goes on the
 * ticket), fare category and a child's age.
 */
export function PassengerFieldset({
  index,
  row,
  problem,
  saved,
  canSave,
  onChange,
  onChooseSaved,
}: PassengerFieldsetProps) {
  const id = `passenger-${index}`;
  const range = AGE_RANGE[row.type];
  return (
    <fieldset className="party-member card">
      <legend>Passenger {index + 1}</legend>
      {saved.length > 0 ? (
        <div className="field">
          <label htmlFor={`${id}-saved`}>Saved passenger</label>
          <select id={`${id}-saved`} value={row.savedId ?? ''} onChange={(e) => onChooseSaved(e.target.value)}>
            <option value="">Someone new</option>
            {saved.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name} ({PASSENGER_LABELS[s.type].one})
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          type="text"
          autoComplete={index === 0 ? 'name' : 'off'}
          maxLength={NAME_MAX}
          value={row.name}
          aria-required
          aria-invalid={problem.name ? true : undefined}
          aria-describedby={`${id}-name-hint${problem.name ? ` ${id}-name-error` : ''}`}
          onChange={(e) => onChange({ name: e.target.value, savedId: undefined })}
        />
        <p id={`${id}-name-hint`} className="hint">
          As on their ID: it is printed on the ticket, and the inspector may check it.
        </p>
        {problem.name ? (
          <p id={`${id}-name-error`} className="field-error">
            {problem.name}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={`${id}-type`}>Fare category</label>
        <select
          id={`${id}-type`}
          value={row.type}
          onChange={(e) =>
            onChange({
              type: e.target.value as PassengerType,
              savedId: undefined,
              ...(e.target.value === 'CHILD' ? {} : { ageText: '' }),
            })
          }
        >
          {PASSENGER_TYPES.map((type) => (
            <option key={type} value={type}>
              {PASSENGER_NAMES[type]} ({PASSENGER_LABELS[type].hint})
            </option>
          ))}
        </select>
      </div>
      {row.type === 'CHILD' && range ? (
        <div className="field">
          <label htmlFor={`${id}-age`}>
            Age <span className="hint">optional</span>
          </label>
          <input
            id={`${id}-age`}
            type="number"
            inputMode="numeric"
            min={range.min}
            max={range.max}
            value={row.ageText}
            aria-invalid={problem.age ? true : undefined}
            aria-describedby={`${id}-age-hint${problem.age ? ` ${id}-age-error` : ''}`}
            onChange={(e) => onChange({ ageText: e.target.value })}
          />
          <p id={`${id}-age-hint`} className="hint">
            Children under 4 travel free when you give their age.
          </p>
          {problem.age ? (
            <p id={`${id}-age-error`} className="field-error">
              {problem.age}
            </p>
          ) : null}
        </div>
      ) : null}
      {canSave ? (
        <label className="checkbox">
          <input type="checkbox" checked={row.save} onChange={(e) => onChange({ save: e.target.checked })} /> Save{' '}
          {row.name.trim() || 'this passenger'} to my profile
        </label>
      ) : null}
    </fieldset>
  );
}
