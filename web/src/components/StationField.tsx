import { useQuery } from '@apollo/client/react';
import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import { StationsQuery } from '../operations';

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
  const [text, setText] = useState(value);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [debounced, setDebounced] = useState(text);

  useEffect(() => {
    const timer = setTimeout(() => setDebounced(text), 150);
    return () => clearTimeout(timer);
  }, [text]);

  const { data } = useQuery(StationsQuery, { variables: { search: debounced.trim() || null, first: 8 } });
  const stations = data?.stations ?? [];
  const chosen = stations.find((s) => s.code === value);

  // Show the station's name once it is known (e.g. when the code came from the URL).
  useEffect(() => {
    if (chosen && !open && text === value) setText(`${chosen.name} (${chosen.code})`);
  }, [chosen, open, text, value]);

  const choose = (index: number) => {
    const station = stations[index];
    if (!station) return;
    onChange(station.code);
    setText(`${station.name} (${station.code})`);
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, stations.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (event.key === 'Enter' && open && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === 'Escape') {
      setOpen(false);
    }
  };

  const expanded = open && stations.length > 0;
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
        value={text}
        placeholder="Station name or code"
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
          setActive(-1);
          if (value) onChange('');
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label={`${label} stations`} className="station-options" hidden={!expanded}>
        {stations.map((station, index) => (
          <li
            key={station.code}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === active}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => choose(index)}
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
