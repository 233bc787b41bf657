import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { formatMoney } from '../../format';

/** What the exchange's price shows of `exchangeQuote`. */
export const ExchangeQuoteCardFragment = graphql(`
  fragment ExchangeQuoteCard on ExchangeQuote {
    newTotal {
      amountMinor
      currency
    }
    paid {
      amountMinor
      currency
    }
    fee {
      amountMinor
      currency
    }
    refund {
      amountMinor
      currency
    }
    difference {
      amountMinor
      currency
    }
    rule
  }
`);

interface ExchangeQuoteCardProps {
  quote: FragmentType<typeof ExchangeQuoteCardFragment>;
  /** The booking's train was cancelled: rebooking is free, so no fee is shown. */
  free: boolean;
}

/**
 * What changing to the new train costs: its price, what comes back for the old tickets (what
 * was paid less the fee), and the difference, in words, with the rule that set the fee. A
 * rebooking after a cancelled train shows no fee: there is none.
 */
export function ExchangeQuoteCard(props: ExchangeQuoteCardProps) {
  const quote = getFragmentData(ExchangeQuoteCardFragment, props.quote);
  const { difference } = quote;
  const net =
    difference.amountMinor > 0
      ? `You pay ${formatMoney(difference)} more.`
      : difference.amountMinor < 0
        ? `You get ${formatMoney({ ...difference, amountMinor: -difference.amountMinor })} back.`
        : 'It costs the same: nothing more to pay.';
  return (
    <section className="card exchange-quote" aria-labelledby="exchange-quote-heading">
      <h2 id="exchange-quote-heading">What the change costs</h2>
      <dl>
        <dt>New train</dt>
        <dd className="exchange-new-total">{formatMoney(quote.newTotal)}</dd>
        <dt>Paid for your tickets</dt>
        <dd>{formatMoney(quote.paid)}</dd>
        {props.free ? null : (
          <>
            <dt>Exchange fee</dt>
            <dd className="exchange-fee">{formatMoney(quote.fee)}</dd>
          </>
        )}
        <dt>Back to you for your tickets</dt>
        <dd className="exchange-refund">{formatMoney(quote.refund)}</dd>
      </dl>
      <p className="exchange-net">
        <strong>{net}</strong>
      </p>
      {props.free ? (
        <p className="hint">Your train was cancelled, so changing is free.</p>
      ) : (
        <p className="hint exchange-rule">{quote.rule}</p>
      )}
      <p className="hint">
        The new train is charged to your card in full and what comes back for your tickets is refunded to the card you
        paid them with.
      </p>
    </section>
  );
}
