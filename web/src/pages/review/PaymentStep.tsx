import { TEST_CARDS, methodName } from '../../payment';

interface PaymentStepProps {
  /** The payment method id chosen. */
  method: string;
  onChange: (method: string) => void;
  /**
   * The card of an attempt already sent (Book pressed, answer not final): that attempt is sent
   * again as it was, so the card cannot change until it ends.
   */
  lockedBy: string | null;
  /** A booking is being sent. */
  busy: boolean;
}

/**
 * The payment step of the embedded sandbox: Stripe's test cards as a radio group (the arrow keys
 * move between them), each with what paying with it does and the id it sends. No money moves,
 * and the page says so. With a Stripe publishable key, StripePaymentStep takes its place.
 */
export function PaymentStep({ method, onChange, lockedBy, busy }: PaymentStepProps) {
  const chosen = lockedBy ?? method;
  return (
    <fieldset className="card payment-step" disabled={busy || lockedBy !== null} aria-describedby="sandbox-note">
      <legend>
        <h2>Payment</h2>
      </legend>
      <p id="sandbox-note" className="notice sandbox-note">
        <strong>Test card: no money moves.</strong> This is Railgraph’s payment sandbox. Pick a test card to see a
        payment go through, be declined, or need your bank’s confirmation.
      </p>
      <div className="test-cards">
        {TEST_CARDS.map((card) => (
          <div key={card.id} className="test-card">
            <input
              type="radio"
              id={`card-${card.id}`}
              name="payment-method"
              value={card.id}
              checked={chosen === card.id}
              onChange={() => onChange(card.id)}
              aria-labelledby={`card-${card.id}-name`}
              aria-describedby={`card-${card.id}-outcome`}
            />
            {/* The whole label picks the card; its name alone names the radio. */}
            <label htmlFor={`card-${card.id}`}>
              <span id={`card-${card.id}-name`} className="card-name">
                {card.label}
              </span>
              <span id={`card-${card.id}-outcome`} className="hint">
                {card.outcome} · <code>{card.id}</code>
              </span>
            </label>
          </div>
        ))}
      </div>
      {lockedBy ? (
        <p className="hint">
          You already pressed Book with the {methodName(lockedBy)}: pressing it again finishes that same payment.
        </p>
      ) : null}
    </fieldset>
  );
}
