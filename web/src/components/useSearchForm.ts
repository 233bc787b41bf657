import { useState, type FormEvent } from 'react';
import { localToday } from '../format';
import { navigate } from '../router';
import { MAX_PASSENGERS, searchHref, totalPassengers, type PassengerCounts, type TripSearch } from '../trip';

type SearchErrors = { from?: string; to?: string; passengers?: string };

/** The search form's fields and checks; a complete search goes into the URL. */
export function useSearchForm(initial?: TripSearch | null) {
  const [from, setFrom] = useState(initial?.from ?? '');
  const [to, setTo] = useState(initial?.to ?? '');
  const [date, setDate] = useState(initial?.date ?? localToday());
  const [passengers, setPassengers] = useState<PassengerCounts>(
    initial?.passengers ?? { ADULT: 1, CHILD: 0, YOUTH: 0, SENIOR: 0 },
  );
  const [errors, setErrors] = useState<SearchErrors>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: SearchErrors = {};
    if (!from) found.from = 'Choose the station you leave from.';
    if (!to) found.to = 'Choose the station you travel to.';
    if (from && from === to) found.to = 'Choose a different station to travel to.';
    if (totalPassengers(passengers) === 0) found.passengers = 'Add at least one passenger.';
    if (totalPassengers(passengers) > MAX_PASSENGERS) found.passengers = `At most ${MAX_PASSENGERS} passengers.`;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    navigate(searchHref({ from, to, date, passengers }));
  };

  /** Sets how many of a category travel, kept within 0 and the maximum. */
  const setCount = (type: keyof PassengerCounts, typed: string) =>
    setPassengers((p) => ({ ...p, [type]: Math.max(0, Math.min(MAX_PASSENGERS, Number(typed) || 0)) }));

  return { from, setFrom, to, setTo, date, setDate, passengers, setCount, errors, submit };
}
