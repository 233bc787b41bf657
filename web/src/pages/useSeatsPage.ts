import { useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { getFragmentData } from '../__generated__/fragment-masking';
import { graphql } from '../__generated__/gql';
import { SeatMapCoachFragment } from '../components/SeatMap';
import { navigate } from '../router';
import { passengerList, passengersHref, type TripChoice } from '../trip';
import { queryStatus } from './query-status';

/** Every seat of the chosen class on the journey's legs, free or taken. */
const SeatMapQuery = graphql(`
  query SeatMap($runId: ID!, $fromStop: Int!, $toStop: Int!, $seatClass: SeatClass) {
    trainRun(id: $runId) {
      id
      seatMap(fromStop: $fromStop, toStop: $toStop, seatClass: $seatClass) {
        ...SeatMapCoach
      }
    }
  }
`);

export type SeatMode = 'any' | 'choose';

/** The seats step: any seat or seats picked on the map (one per passenger), then on to passengers. */
export function useSeatsPage(choice: TripChoice) {
  const required = passengerList(choice.passengers).length;
  const [mode, setMode] = useState<SeatMode>(choice.seats.length > 0 ? 'choose' : 'any');
  const [selected, setSelected] = useState<string[]>(choice.seats);
  const [problem, setProblem] = useState<string | null>(null);
  const query = useQuery(SeatMapQuery, {
    variables: { runId: choice.runId, fromStop: choice.fromStop, toStop: choice.toStop, seatClass: choice.seatClass },
    fetchPolicy: 'network-only',
  });
  const coaches = getFragmentData(SeatMapCoachFragment, query.data?.trainRun?.seatMap ?? []);

  const pick = (seatIds: string[]) => {
    setSelected(seatIds);
    setProblem(null);
  };

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

  return {
    required,
    mode,
    setMode,
    selected,
    pick,
    problem,
    submit,
    coaches,
    ...queryStatus(query),
  };
}
