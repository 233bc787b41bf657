import type { Stripe, StripeError } from '@stripe/stripe-js';

/**
 * A stand-in for Stripe.js, handed to the page through the loader seam (PaymentSettings).
 * js.stripe.com cannot be reached from the machines these tests run on, so neither Stripe.js
 * nor a Chromium end-to-end run with it is possible here; this fake implements only what the
 * app uses: `elements()` (with what the Payment Element and `createPaymentMethod` call on it),
 * `createPaymentMethod` and `handleNextAction`. Every call is recorded in `log`, in order.
 */
export interface FakeStripeOptions {
  /** The payment method `createPaymentMethod` makes, or the error it answers. */
  paymentMethod?: { id: string } | { error: Partial<StripeError> };
  /** What `elements.submit()` answers (the form's own check of the fields). */
  submitError?: Partial<StripeError>;
  /** What `handleNextAction` answers: nothing wrong, or the error Stripe.js reports. */
  nextActionError?: Partial<StripeError>;
}

export interface FakeStripe {
  stripe: Stripe;
  /** Every call, in order: `elements`, `create:<type>`, `submit`, `createPaymentMethod`, `handleNextAction`. */
  log: string[];
  elementsOptions: unknown[];
  createPaymentMethodArgs: unknown[];
  handleNextActionArgs: unknown[];
  /** Fires an event of the mounted Payment Element (`loaderror`, `ready`, …). */
  emit: (event: string) => void;
}

export function fakeStripe(options: FakeStripeOptions = {}): FakeStripe {
  const log: string[] = [];
  const elementsOptions: unknown[] = [];
  const createPaymentMethodArgs: unknown[] = [];
  const handleNextActionArgs: unknown[] = [];
  const listeners = new Map<string, Set<(event?: unknown) => void>>();

  const element = {
    mount: (node: HTMLElement) => {
      // Where Stripe's frame would be: a labelled stand-in, so the page can be checked as a whole.
      node.innerHTML = '<label>Card number <input name="cardnumber" autocomplete="cc-number" /></label>';
    },
    on: (event: string, handler: (event?: unknown) => void) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(handler);
    },
    off: (event: string, handler: (event?: unknown) => void) => listeners.get(event)?.delete(handler),
    update: () => undefined,
    destroy: () => undefined,
  };
  const elements = {
    create: (type: string) => {
      log.push(`create:${type}`);
      return element;
    },
    update: () => undefined,
    submit: async () => {
      log.push('submit');
      return options.submitError ? { error: options.submitError } : { selectedPaymentMethod: 'card' };
    },
  };
  const unused = () => {
    throw new Error('not used by the app');
  };
  const stripe = {
    elements: (elementsOpts: unknown) => {
      log.push('elements');
      elementsOptions.push(elementsOpts);
      return elements;
    },
    createPaymentMethod: async (args: unknown) => {
      log.push('createPaymentMethod');
      createPaymentMethodArgs.push(args);
      const result = options.paymentMethod ?? { id: 'pm_1FakeCard' };
      return 'error' in result ? { error: result.error } : { paymentMethod: { id: result.id } };
    },
    handleNextAction: async (args: unknown) => {
      log.push('handleNextAction');
      handleNextActionArgs.push(args);
      return options.nextActionError
        ? { error: options.nextActionError }
        : { paymentIntent: { status: 'requires_capture' } };
    },
    // @stripe/react-stripe-js checks these exist before it takes the object for Stripe; the app never calls them.
    createToken: unused,
    confirmCardPayment: unused,
  };
  return {
    stripe: stripe as unknown as Stripe,
    log,
    elementsOptions,
    createPaymentMethodArgs,
    handleNextActionArgs,
    emit: (event) => listeners.get(event)?.forEach((handler) => handler({ elementType: 'payment' })),
  };
}
