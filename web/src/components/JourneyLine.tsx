import { getFragmentData, type FragmentType } from '../__generated__/fragment-masking';
import { graphql } from '../__generated__/gql';
import { formatDate, formatDuration, formatTime } from '../format';

/**
 * What every view of a journey shows of it: the train, the stations and the times there. The
 * results, the review, a booking and the list of bookings spread it and show it through
 * `journeyText` and `JourneyLine`. It carries the journey's key (run and stops), so the cache
 * keeps one copy of each journey wherever it is spread.
 */
export const JourneyLineFragment = graphql(`
  fragment JourneyLine on Journey {
    runId
    fromStop
    toStop
    departure
    arrival
    durationMinutes
    train {
      number
    }
    origin {
      code
      name
      timeZone
    }
    destination {
      code
      name
      timeZone
    }
  }
`);

export type JourneyLineRef = FragmentType<typeof JourneyLineFragment>;

/** A journey as the traveller reads it; times and the date are those at each station. */
export interface JourneyText {
  /** The day it leaves, e.g. `Tue 1 Dec 2026`. */
  date: string;
  /** e.g. `06:17` */
  departs: string;
  arrives: string;
  /** e.g. `35 min` */
  duration: string;
  /** The train's number, e.g. `BX 602`. */
  train: string;
  /** The stations' names. */
  from: string;
  to: string;
}

export function journeyText(ref: JourneyLineRef): JourneyText {
  const journey = getFragmentData(JourneyLineFragment, ref);
  return {
    date: formatDate(journey.departure, journey.origin.timeZone),
    departs: formatTime(journey.departure, journey.origin.timeZone),
    arrives: formatTime(journey.arrival, journey.destination.timeZone),
    duration: formatDuration(journey.durationMinutes),
    train: journey.train.number,
    from: journey.origin.name,
    to: journey.destination.name,
  };
}

/** Inline: `06:17 Amsterdam Centraal → 06:52 Rotterdam Centraal`, the times in bold. */
export function JourneyLine(props: { journey: JourneyLineRef }) {
  const text = journeyText(props.journey);
  return (
    <>
      <strong>{text.departs}</strong> {text.from} → <strong>{text.arrives}</strong> {text.to}
    </>
  );
}
