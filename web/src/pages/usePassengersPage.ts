import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { graphql } from '../__generated__/gql';
import { useSessionStore } from '../app-context';
import { countsOf, memberProblems, writeParty } from '../party';
import { navigate } from '../router';
import { useSession } from '../session';
import { reviewHref, writeChoice, type TripChoice } from '../trip';
import { initialRows, isSaved, prefill, toMember, type Row } from './passengers/passenger-rows';

/** The signed-in traveller's saved passengers, to fill in a booking's passengers. */
const SavedPassengersQuery = graphql(`
  query SavedPassengers {
    me {
      id
      savedPassengers {
        id
        name
        type
      }
    }
  }
`);

const AddSavedPassengerMutation = graphql(`
  mutation AddSavedPassenger($input: SavedPassengerInput!) {
    addSavedPassenger(input: $input) {
      id
      name
      type
    }
  }
`);

/**
 * The passengers step: a row per passenger (filled in from the saved passengers when signed
 * in), checked on continuing; new passengers marked to save go to the profile on the way.
 */
export function usePassengersPage(choice: TripChoice) {
  const session = useSession(useSessionStore());
  const [rows, setRows] = useState<Row[]>(() => initialRows(choice));
  const [showProblems, setShowProblems] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const saved = useQuery(SavedPassengersQuery, { skip: !session, fetchPolicy: 'cache-and-network' });
  const [addSaved] = useMutation(AddSavedPassengerMutation, { refetchQueries: [SavedPassengersQuery] });
  const [prefilled, setPrefilled] = useState(false);

  const me = saved.data?.me;
  const savedPassengers = me?.savedPassengers ?? [];
  // Once, when the saved passengers arrive: fill in the rows still empty.
  if (!prefilled && me) {
    setPrefilled(true);
    setRows((current) => prefill(current, me.savedPassengers));
  }

  const update = (index: number, change: Partial<Row>) =>
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...change } : row)));

  /** Fills a row from a saved passenger, or empties it for someone new (`''`). */
  const chooseSaved = (index: number, savedId: string) => {
    const pick = savedPassengers.find((s) => s.id === savedId);
    update(
      index,
      pick ? { name: pick.name, type: pick.type, savedId: pick.id, save: false } : { name: '', savedId: undefined },
    );
  };

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
        if (!session || !row.save || isSaved(row, savedPassengers)) continue;
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

  return {
    signedIn: session !== null,
    /** Where signing in comes back to: this step, as it is. */
    here: `/passengers?${writeChoice(choice).toString()}`,
    rows,
    update,
    chooseSaved,
    savedPassengers,
    /** Offer saving the row to the profile: signed in, and not one of the saved passengers. */
    canSave: (row: Row) => session !== null && !row.savedId && !isSaved(row, savedPassengers),
    /** What is wrong with each row, once the traveller has tried to continue. */
    problems: showProblems ? problems : rows.map((): ReturnType<typeof memberProblems> => ({})),
    incomplete: showProblems && !complete,
    saving,
    saveError,
    submit: (event: FormEvent) => void submit(event),
  };
}
