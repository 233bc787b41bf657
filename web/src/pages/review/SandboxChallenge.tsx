import { useEffect, useRef, type KeyboardEvent, type RefObject } from 'react';
import { plainMessage } from '../../errors';
import { formatMoney, type MoneyValue } from '../../format';
import { methodName } from '../../payment';

interface SandboxChallengeProps {
  amount: MoneyValue;
  /** The payment method id the payment was made with. */
  method: string;
  /** Approve (true) or refuse (false): the answer is sent, then the booking finished. */
  onAnswer: (approve: boolean) => void;
  /** Closed without answering: the booking waits (its seats held until the hold expires). */
  onDismiss: () => void;
  /** The answer is being sent. */
  answering: boolean;
  /** Sending the answer or finishing the booking failed; answering again retries. */
  error: unknown;
  /** Where focus goes once closed (the button reopening it); else back to what had it before. */
  returnFocus?: RefObject<HTMLElement | null>;
}

/**
 * The sandbox's stand-in for the bank's 3-D Secure page: a modal dialog asking the customer to
 * approve or refuse the payment. Focus moves into it on opening (to Approve), Tab stays within
 * it, Escape closes it without answering, and focus returns to where it was.
 */
export function SandboxChallenge(props: SandboxChallengeProps) {
  const { amount, method, onAnswer, onDismiss, answering, error, returnFocus } = props;
  const dialog = useRef<HTMLDivElement>(null);
  const approve = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // Back, once closed, to the way to reopen it or to what had focus, unless the page moved on
    // (to the booking, or after a decline) and it is gone.
    const target = returnFocus?.current ?? opener;
    approve.current?.focus();
    return () => {
      if (target?.isConnected) target.focus();
    };
  }, [returnFocus]);

  // The buttons are disabled while the answer is sent, which drops focus; it comes back to
  // Approve when they are enabled again (after an error, to answer again).
  useEffect(() => {
    if (!answering && !dialog.current?.contains(document.activeElement)) approve.current?.focus();
  }, [answering]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      if (!answering) onDismiss();
      return;
    }
    if (event.key !== 'Tab') return;
    // A modal keeps the keyboard inside it: Tab past the last control comes back to the first.
    const focusable = [...(dialog.current?.querySelectorAll<HTMLElement>('button:not(:disabled)') ?? [])];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="dialog-backdrop">
      <div
        ref={dialog}
        role="dialog"
        aria-modal="true"
        aria-labelledby="challenge-title"
        aria-describedby="challenge-text"
        className="dialog card"
        onKeyDown={onKeyDown}
      >
        <h2 id="challenge-title">Your bank asks you to confirm this payment</h2>
        <p id="challenge-text">
          Confirm paying <strong>{formatMoney(amount)}</strong> to Railgraph with your {methodName(method)}. This is the
          sandbox standing in for your bank’s 3-D Secure page: no money moves.
        </p>
        {error ? (
          <p role="alert" className="notice error">
            {plainMessage(error)} Answer again to retry.
          </p>
        ) : null}
        {answering ? (
          <p role="status" className="loading">
            Sending your answer to the bank…
          </p>
        ) : null}
        <div className="actions">
          <button ref={approve} type="button" className="primary" disabled={answering} onClick={() => onAnswer(true)}>
            Approve
          </button>
          <button type="button" className="secondary" disabled={answering} onClick={() => onAnswer(false)}>
            Refuse
          </button>
        </div>
      </div>
    </div>
  );
}
