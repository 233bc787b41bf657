import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useState, type FormEvent } from 'react';
import type { PassengerType } from '../__generated__/graphql';
import { useSessionStore } from '../app-context';
import { plainMessage } from '../errors';
import { CLASS_NAMES, PASSENGER_NAMES } from '../format';
import { AddSavedPassengerMutation, SavedPassengersQuery } from '../operations';
import {
  AGE_RANGE,
  NAME_MAX,
  blankParty,
  countsOf,
  memberProblems,
  readParty,
  writeParty,
  type PartyMember,
} from '../party';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { PASSENGER_LABELS, PASSENGER_TYPES, reviewHref, seatsHref, writeChoice, type TripChoice } from '../trip';

interface Row extends PartyMember {
  /** The age field as typed. */
  ageText: string;
  /** Save this passenger to the profile on continuing. */
  save: boolean;
}

type Saved = { id: string; name: string; type: PassengerType };

const toRow = (member: PartyMember): Row => ({
  ...member,
  ageText: member.age === undefined ? '' : String(member.age),
  save: false,
});

function toMember(row: Row): PartyMember {
  const age = row.type === 'CHILD' && row.ageText.trim() !== '' ? Number(row.ageText) : undefined;
  return {
    name: row.name.trim(),
    type: row.type,
    ...(age === undefined ? {} : { age: Number.isInteger(age) ? age : -1 }),
    ...(row.savedId ? { savedId: row.savedId } : {}),
  };
}

/** Fills empty rows with saved passengers of the same category, each used once. */
function prefill(rows: Row[], saved: readonly Saved[]): Row[] {
  const used = new Set(rows.map((r) => r.savedId).filter(Boolean));
  return rows.map((row) => {
    if (row.name.trim()) return row;
    const match = saved.find((s) => s.type === row.type && !used.has(s.id));
    if (!match) return row;
    used.add(match.id);
    return { ...row, name: match.name, savedId: match.id };
  });
}

/** The rows to start from: the party filled in earlier for these passengers, or blank ones. */
const initialRows = (choice: TripChoice): Row[] => (readParty(choice) ?? blankParty(choice)).map(toRow);

/** Step 2 of booking: who is travelling — a name and category each, an age for children. */
export function PassengersPage({ choice }: { choice: TripChoice }) {
  const session = useSession(useSessionStore());
  const [rows, setRows] = useState<Row[]>(() => initialRows(choice));
  const [showProblems, setShowProblems] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const saved = useQuery(SavedPassengersQuery, { skip: !session, fetchPolicy: 'cache-and-network' });
  const savedPassengers = saved.data?.me?.savedPassengers ?? [];
  const [addSaved] = useMutation(AddSavedPassengerMutation, { refetchQueries: [SavedPassengersQuery] });
  const [prefilled, setPrefilled] = useState(false);

  useEffect(() => {
    if (prefilled || !saved.data?.me) return;
    setPrefilled(true);
    setRows((current) => prefill(current, saved.data?.me?.savedPassengers ?? []));
  }, [prefilled, saved.data]);

  const update = (index: number, change: Partial<Row>) =>
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...change } : row)));

  const isSaved = (row: Row) =>
    savedPassengers.some((s) => s.type === row.type && s.name.trim().toLowerCase() === row.name.trim().toLowerCase());

  const members = rows.map(toMember);
  const problems = members.map(memberProblems);
  const complete = problems.every((p) => !p.name && !p.age);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (saving) return;
    if (!complete) {
      setShowProblems(true);
      const first = problems.findIndex((p) => p.name || p.age);
      document.getElementById(`passenger-${first}-${problems[first]?.name ? 'name' : 'age'}`)?.focus();
      return;
    }
    setSaving(true);
    setSaveError(null);
    try {
      const party = [...members];
      for (const [index, row] of rows.entries()) {
        if (!session || !row.save || isSaved(row)) continue;
        const result = await addSaved({ variables: { input: { name: members[index]!.name, type: row.type } } });
        if (result.data) party[index] = { ...party[index]!, savedId: result.data.addSavedPassenger.id };
      }
      writeParty(party);
      navigate(reviewHref({ ...choice, passengers: countsOf(party) }));
    } catch (caught) {
      setSaveError(caught);
    } finally {
      setSaving(false);
    }
  };

  const here = `/passengers?${writeChoice(choice).toString()}`;
  return (
    <section aria-labelledby="passengers-heading">
      <p className="back-link">
        <Link href={seatsHref(choice)}>← Back to seats</Link>
      </p>
      <h1 id="passengers-heading">Who is travelling?</h1>
      <p className="subtitle">
        {CLASS_NAMES[choice.seatClass]} class · {rows.length} {rows.length === 1 ? 'passenger' : 'passengers'}
      </p>
      {session ? null : (
        <p className="hint">
          <Link href={`/account?next=${encodeURIComponent(here)}`}>Sign in</Link> to fill in the passengers you saved
          and to save new ones for next time.
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} noValidate className="party">
        {rows.map((row, index) => {
          const id = `passenger-${index}`;
          const problem = showProblems ? problems[index]! : {};
          const range = AGE_RANGE[row.type];
          return (
            <fieldset key={index} className="party-member card">
              <legend>Passenger {index + 1}</legend>
              {savedPassengers.length > 0 ? (
                <div className="field">
                  <label htmlFor={`${id}-saved`}>Saved passenger</label>
                  <select
                    id={`${id}-saved`}
                    value={row.savedId ?? ''}
                    onChange={(e) => {
                      const pick = savedPassengers.find((s) => s.id === e.target.value);
                      update(
                        index,
                        pick
                          ? { name: pick.name, type: pick.type, savedId: pick.id, save: false }
                          : { name: '', savedId: undefined },
                      );
                    }}
                  >
                    <option value="">Someone new</option>
                    {savedPassengers.map((s) => (
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
                  aria-invalid={problem.name ? true : undefined}
                  aria-describedby={problem.name ? `${id}-name-error` : undefined}
                  onChange={(e) => update(index, { name: e.target.value, savedId: undefined })}
                />
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
                    update(index, {
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
                    onChange={(e) => update(index, { ageText: e.target.value })}
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
              {session && !row.savedId && !isSaved(row) ? (
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={row.save}
                    onChange={(e) => update(index, { save: e.target.checked })}
                  />{' '}
                  Save {row.name.trim() || 'this passenger'} to my profile
                </label>
              ) : null}
            </fieldset>
          );
        })}
        {saveError ? (
          <p role="alert" className="notice error">
            We could not save a passenger to your profile: {plainMessage(saveError)}
          </p>
        ) : null}
        {showProblems && !complete ? (
          <p role="alert" className="notice error">
            Please complete the passengers’ details.
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" className="primary" disabled={saving}>
            {saving ? 'Saving…' : 'Continue to review'}
          </button>
        </div>
      </form>
    </section>
  );
}
