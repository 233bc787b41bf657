import type { ReactNode } from 'react';
import { formatMoney, type MoneyValue } from '../../format';

interface ResultSummaryProps {
  /** The heading's id: it names the result's list item. */
  titleId: string;
  departs: string;
  arrives: string;
  /** The line under the times: duration, train or changes, stations. */
  meta: ReactNode;
  /** The lowest price with a seat left; absent when sold out. */
  cheapest: MoneyValue | undefined;
  /** More about the trip under the price: the trains of a trip with changes. */
  children?: ReactNode;
}

/** The head of a result: departure and arrival, what the trip is, and the lowest price. */
export function ResultSummary({ titleId, departs, arrives, meta, cheapest, children }: ResultSummaryProps) {
  return (
    <div className="journey-times">
      <h3 id={titleId}>
        <span className="time">{departs}</span> <span aria-hidden="true">→</span>
        <span className="visually-hidden"> to </span> <span className="time">{arrives}</span>
      </h3>
      <p className="journey-meta">{meta}</p>
      <p className="price-from">
        {cheapest ? (
          <>
            from <strong>{formatMoney(cheapest)}</strong>
          </>
        ) : (
          <strong className="sold-out">Sold out</strong>
        )}
      </p>
      {children}
    </div>
  );
}

/** A heading id from the result's key, safe in HTML. */
export const resultTitleId = (key: string) => `journey-${key}`.replace(/[^\w-]/g, '-');
