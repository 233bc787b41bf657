import { useCallback, useRef, useState } from 'react';
import { CardPaymentsUnavailable } from '../../errors';
import { DEFAULT_TEST_CARD, type PaymentAction } from '../../payment';
import { authenticateWithStripe } from '../../stripe/card-payment';
import { usePaymentSettings } from '../../stripe/settings';
import type { CardCollector } from './StripeCardForm';
import { usePaymentChallenge } from './usePaymentChallenge';
import { useSandboxAuthentication } from './useSandboxAuthentication';
import { useStripeJs } from './useStripeJs';

interface CardPaymentOutcome {
  /** The waiting booking was finished after the customer's answer. */
  onFinished: (booking: { id: string; status: string }) => void;
  /** It cannot be finished (declined, expired, …): a new attempt must follow. */
  onFailed: (error: unknown, status?: string) => void;
  /** The customer's step cannot be given here (Stripe.js missing): the booking waits meanwhile. */
  onUnavailable: (error: CardPaymentsUnavailable) => void;
  /** The action kept from an attempt sent before a reload. */
  initialAction: PaymentAction | null;
}

/**
 * Paying by card, for a flow that pays with one press (booking a trip, exchanging a booking; see
 * useCardAttempt): the sandbox's test card chosen, or the card typed into Stripe's form read into a
 * payment method; and, when the API answers PAYMENT_ACTION_REQUIRED, the customer's 3-D Secure
 * step (the sandbox's dialog, or Stripe's own page) after which the waiting booking is finished.
 */
export function useCardPayment(outcome: CardPaymentOutcome) {
  const [method, setMethod] = useState(DEFAULT_TEST_CARD);
  const stripeJs = useStripeJs(usePaymentSettings());
  const collector = useRef<CardCollector | null>(null);
  const [cardReady, setCardReady] = useState(false);
  const setCardCollector = useCallback((collect: CardCollector | null) => {
    collector.current = collect;
    setCardReady(collect !== null);
  }, []);
  const [readingCard, setReadingCard] = useState(false);
  const [action, setAction] = useState<PaymentAction | null>(outcome.initialAction);
  const [challengeOpen, setChallengeOpen] = useState(false);
  const challenge = usePaymentChallenge({ onFinished: outcome.onFinished, onFailed: outcome.onFailed });
  const sandboxAuthentication = useSandboxAuthentication();

  /** The customer's step for a waiting booking: the sandbox's dialog, or Stripe's page. */
  const authenticate = (needed: PaymentAction) => {
    challenge.reset();
    setAction(needed);
    if (needed.provider === 'sandbox') {
      setChallengeOpen(true);
      return;
    }
    if (needed.provider === 'stripe' && stripeJs.status === 'ready') {
      const { stripe } = stripeJs;
      challenge.answer(needed, () => authenticateWithStripe(stripe, needed.clientSecret));
      return;
    }
    outcome.onUnavailable(new CardPaymentsUnavailable());
  };

  /** The payment method a new attempt pays with: the sandbox card chosen, or the card typed into Stripe's form. */
  const newPaymentMethod = async (): Promise<string> => {
    if (stripeJs.status === 'off') return method;
    const collect = collector.current;
    if (!collect) throw new CardPaymentsUnavailable();
    setReadingCard(true);
    try {
      return await collect();
    } finally {
      setReadingCard(false);
    }
  };

  return {
    method,
    setMethod,
    stripeJs,
    setCardCollector,
    /** A card can be paid with: the sandbox's, or Stripe's form ready. */
    cardReady: stripeJs.status === 'off' || cardReady,
    readingCard,
    newPaymentMethod,
    /** The booking waits for the customer's 3-D Secure answer. */
    action,
    /** The attempt is over: nothing waits for an answer any more. */
    clearAction: () => {
      setAction(null);
      setChallengeOpen(false);
    },
    authenticate,
    challenge,
    challengeOpen,
    openChallenge: () => {
      if (action) authenticate(action);
    },
    closeChallenge: () => setChallengeOpen(false),
    answerSandbox: (approve: boolean) => {
      if (action) challenge.answer(action, () => sandboxAuthentication(action.clientSecret, approve));
    },
  };
}

/** The card paying and the customer's 3-D Secure step, as a flow's page shows them (PaymentSection). */
export type CardPayment = ReturnType<typeof useCardPayment>;
