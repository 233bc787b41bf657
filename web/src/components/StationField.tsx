import { useId } from 'react';
import { useStationField } from './useStationField';

interface StationFieldProps {
  label: string;
  /** The chosen station code ('' when none). */
  value: string;
  onChange: (code: string) => void;
  error?: string | undefined;
}

/** A station picker: type part of a name or code, choose from the list (WAI-ARIA combobox). */
export function StationField({ label, value, onChange, error }: StationFieldProps) {
  const id = useId();
  const listId = `${id}-list`;
  const field = useStationField(value, onChange);
  const { active, expanded } = field;
  return (
    <div className="field station-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        value={field.text}
        placeholder="Station name or code"
        onChange={(event) => field.type(event.target.value)}
        onFocus={field.onFocus}
        onBlur={field.onBlur}
        onKeyDown={field.onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label={`${label} stations`} className="station-options" hidden={!expanded}>
        {field.stations.map((station, index) => (
          <li
            key={station.code}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === active}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => field.choose(index)}
          >
            <span>{station.name}</span> <span className="code">{station.code}</span>
          </li>
        ))}
      </ul>
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
