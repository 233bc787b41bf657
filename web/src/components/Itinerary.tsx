import { getFragmentData } from '../__generated__/fragment-masking';
import { formatDuration } from '../format';
import { JourneyLine, JourneyLineFragment, journeyText, type JourneyLineRef } from './JourneyLine';

/** Whole minutes from arriving on one train to the next one leaving: the time to change. */
export function minutesToChange(arrival: string, departure: string): number {
  return Math.round((Date.parse(departure) - Date.parse(arrival)) / 60_000);
}

/**
 * The trains of a trip with changes, in travel order: each leg's train, stations and times, and
 * between two legs where to change and how long there is. The results, the review and a
 * booking show it; a direct journey needs none.
 */
export function Itinerary({ legs, label }: { legs: readonly JourneyLineRef[]; label: string }) {
  return (
    <ol className="itinerary" aria-label={label}>
      {legs.map((ref, index) => {
        const leg = getFragmentData(JourneyLineFragment, ref);
        const before = index > 0 ? getFragmentData(JourneyLineFragment, legs[index - 1]) : undefined;
        return (
          <li key={`${leg.runId}:${leg.fromStop}`} className="itinerary-leg">
            {before ? (
              <p className="itinerary-change">
                Change at {leg.origin.name}: {formatDuration(minutesToChange(before.arrival, leg.departure))}
              </p>
            ) : null}
            <p className="itinerary-train">
              <span className="train-number">{journeyText(ref).train}</span> · <JourneyLine journey={ref} />
            </p>
          </li>
        );
      })}
    </ol>
  );
}
