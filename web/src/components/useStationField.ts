import { useQuery } from '@apollo/client/react';
import { useEffect, useState, type KeyboardEvent } from 'react';
import { graphql } from '../__generated__/gql';

/** Stations whose name or code matches what is typed. */
const StationsQuery = graphql(`
  query Stations($search: String, $first: Int) {
    stations(search: $search, first: $first) {
      code
      name
    }
  }
`);

/**
 * A station picker's state: the text typed (looked up 150 ms after the last key), the
 * suggestions, which one is active, and choosing one.
 */
export function useStationField(value: string, onChange: (code: string) => void) {
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
  if (chosen && !open && text === value) setText(`${chosen.name} (${chosen.code})`);

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

  const type = (typed: string) => {
    setText(typed);
    setOpen(true);
    setActive(-1);
    if (value) onChange('');
  };

  return {
    text,
    stations,
    active,
    expanded: open && stations.length > 0,
    choose,
    type,
    onKeyDown,
    onFocus: () => setOpen(true),
    onBlur: () => setTimeout(() => setOpen(false), 150),
  };
}
