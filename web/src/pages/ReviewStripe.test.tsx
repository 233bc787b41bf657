import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { writeParty } from '../party';
import { CardPaymentsUnavailable } from '../errors';
import { PaymentSettingsContext } from '../stripe/settings';
import type { StripeLoader } from '../stripe/loader';
import { renderWithApi, type Handlers } from '../test/fake-api';
import { fakeStripe, type FakeStripe } from '../test/fake-stripe';
import { adultTrip, bookCalls, booked, searchWithFare } from '../test/review';
import { ReviewPage } from './ReviewPage';

/**
 * The review page's payment with Stripe Elements (a publishable key configured). Stripe.js
 * comes from js.stripe.com, which cannot be reached from the machines these tests run on, so a
 * Chromium end-to-end run with real Stripe.js is not possible here: the page is given a fake
 * Stripe object through the loader seam (test/fake-stripe.ts), and the gateway is the fake API
 * that runs only trusted documents.
 */

const choice = adultTrip;
const search = searchWithFare([{ passenger: 'ADULT', amountMinor: 1280 }]);
const KEY = 'pk_test_51Railgraph';

const stripeAction = {
  errors: [
    {
      message: 'Your bank asks you to confirm this payment',
      extensions: {
        code: 'PAYMENT_ACTION_REQUIRED',
        bookingId: 'booking-3ds',
        provider: 'stripe',
        clientSecret: 'pi_3Stripe_secret_xyz',
      },
    },
  ],
};

const completed = () => ({
  data: { completeBookingPayment: { __typename: 'Booking', id: 'booking-3ds', status: 'CONFIRMED' } },
});

const declined = (declineCode: string) => ({
  errors: [{ message: 'Your card was declined.', extensions: { code: 'PAYMENT_DECLINED', declineCode } }],
});

const attemptsKept = () => Object.keys(sessionStorage).filter((key) => key.startsWith('railgraph.booking-attempt:'));

function renderReview(handlers: Handlers, loadStripe: StripeLoader, stripePublishableKey: string | null = KEY) {
  return renderWithApi(
    <PaymentSettingsContext.Provider value={{ stripePublishableKey, loadStripe }}>
      <ReviewPage choice={choice} />
    </PaymentSettingsContext.Provider>,
    handlers,
  );
}

/** A loader answering with this fake, recording the keys it was asked for. */
function loaderOf(fake: FakeStripe) {
  return vi.fn<StripeLoader>(async () => fake.stripe);
}

/** Book, once Stripe's form is up (the button waits for it). */
async function bookWhenReady() {
  const book = await screen.findByRole('button', { name: 'Book for €12.80' });
  await waitFor(() => expect(book).toHaveProperty('disabled', false));
  await userEvent.click(book);
}

/** axe-core's WCAG 2.1 A/AA rules on the page as rendered (colour contrast needs a real layout: Chromium's). */
async function axeViolations(): Promise<string[]> {
  const result = await axe.run(document.body, {
    runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
    rules: { 'color-contrast': { enabled: false } },
  });
  return result.violations.map((v) => `${v.id}: ${v.help}`);
}

describe('card payments with Stripe Elements', () => {
  beforeEach(() => {
    writeParty([{ name: 'Ada Lovelace', type: 'ADULT' }]);
  });

  it('loads Stripe.js with the key, shows the Payment Element, and books with the pm id it makes', async () => {
    const fake = fakeStripe({ paymentMethod: { id: 'pm_1RealLooking' } });
    const loadStripe = loaderOf(fake);
    const { calls } = renderReview({ SearchJourneys: search, BookJourney: booked }, loadStripe);
    const group = await screen.findByRole('group', { name: 'Payment' });
    await waitFor(() => expect(fake.log).toContain('create:payment'));
    expect(loadStripe).toHaveBeenCalledWith(KEY);
    // No sandbox cards: the card is typed into Stripe's form.
    expect(within(group).queryAllByRole('radio')).toEqual([]);
    expect(group.textContent).toMatch(/Your card details go straight to Stripe/);
    // Elements made for this price, and for what tickets' payment allows: cards, captured later.
    expect(fake.elementsOptions[0]).toEqual({
      mode: 'payment',
      amount: 1280,
      currency: 'eur',
      paymentMethodCreation: 'manual',
      paymentMethodTypes: ['card'],
      captureMethod: 'manual',
    });
    expect(await axeViolations()).toEqual([]);

    await bookWhenReady();
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'));
    expect(fake.log).toEqual(['elements', 'create:payment', 'submit', 'createPaymentMethod']);
    expect(fake.createPaymentMethodArgs).toHaveLength(1);
    expect(Object.keys(fake.createPaymentMethodArgs[0] as object)).toEqual(['elements']);
    expect(bookCalls(calls)).toHaveLength(1);
    expect(bookCalls(calls)[0]).toMatchObject({ paymentMethod: 'pm_1RealLooking', quoteToken: 'quote-1' });
    expect(attemptsKept()).toEqual([]);
  });

  it('on 3-D Secure calls handleNextAction with the client secret, then finishes the booking', async () => {
    const fake = fakeStripe();
    const { calls } = renderReview(
      {
        SearchJourneys: search,
        BookJourney: () => stripeAction,
        CompleteBookingPayment: (variables) => {
          fake.log.push(`complete:${String(variables['bookingId'])}`);
          return completed();
        },
      },
      loaderOf(fake),
    );
    await bookWhenReady();
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-3ds'));
    expect(window.location.search).toBe('?booked=1');
    expect(fake.handleNextActionArgs).toEqual([{ clientSecret: 'pi_3Stripe_secret_xyz' }]);
    // Stripe's step first, then the booking finished: the same end as the sandbox's dialog.
    expect(fake.log.slice(-2)).toEqual(['handleNextAction', 'complete:booking-3ds']);
    expect(calls.map((c) => c.operationName)).toEqual(['SearchJourneys', 'BookJourney', 'CompleteBookingPayment']);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(attemptsKept()).toEqual([]);
  });

  it('after a failed 3-D Secure shows the same decline message as the sandbox, and ends the attempt', async () => {
    const fake = fakeStripe({
      nextActionError: { type: 'card_error', code: 'payment_intent_authentication_failure', message: 'Failed.' },
    });
    const { calls } = renderReview(
      {
        SearchJourneys: search,
        BookJourney: () => stripeAction,
        CompleteBookingPayment: () => declined('authentication_required'),
      },
      loaderOf(fake),
    );
    await bookWhenReady();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'Your bank could not confirm this payment, so it was declined. Nothing was charged. Choose another card and book again.',
    );
    expect(fake.handleNextActionArgs).toEqual([{ clientSecret: 'pi_3Stripe_secret_xyz' }]);
    expect(calls.filter((c) => c.operationName === 'CompleteBookingPayment')).toHaveLength(1);
    expect(attemptsKept()).toEqual([]);
    // Another card is a new attempt: the form is back.
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Book for €12.80' })).toHaveProperty('disabled', false),
    );
  });

  it('keeps the booking waiting when Stripe’s page was left unanswered, and asks again after a reload', async () => {
    let waiting = true;
    const fake = fakeStripe();
    const handlers: Handlers = {
      SearchJourneys: search,
      BookJourney: () => stripeAction,
      // Still waiting on the customer: tickets answers PAYMENT_ACTION_REQUIRED again.
      CompleteBookingPayment: () => (waiting ? stripeAction : completed()),
      BookingProgress: () => ({ data: { booking: { __typename: 'Booking', id: 'booking-3ds', status: 'PENDING' } } }),
    };
    const first = renderReview(handlers, loaderOf(fake));
    await bookWhenReady();
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Your bank asks you to confirm this payment. Confirm the payment again to retry.',
    );
    expect(screen.getByRole('status').textContent).toMatch(/Your bank is waiting for you to confirm this payment/);
    expect(screen.queryByRole('button', { name: /^Book for/ })).toBeNull();
    expect(attemptsKept()).toHaveLength(1);
    first.unmount();

    waiting = false;
    const second = renderReview(handlers, loaderOf(fake));
    const confirm = await screen.findByRole('button', { name: 'Confirm the payment' });
    // Stripe's page needs Stripe.js: it is asked for once Stripe.js is there.
    await waitFor(() => expect(screen.queryByText('Loading the secure card form…')).toBeNull());
    await userEvent.click(confirm);
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-3ds'));
    expect(fake.handleNextActionArgs).toEqual([
      { clientSecret: 'pi_3Stripe_secret_xyz' },
      { clientSecret: 'pi_3Stripe_secret_xyz' },
    ]);
    expect(bookCalls(second.calls)).toEqual([]);
    expect(attemptsKept()).toEqual([]);
  });

  it('shows a declined card as the sandbox does', async () => {
    const fake = fakeStripe();
    renderReview({ SearchJourneys: search, BookJourney: () => declined('insufficient_funds') }, loaderOf(fake));
    await bookWhenReady();
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Your card was declined: there is not enough money on it. Nothing was charged. Choose another card and book again.',
    );
    expect(attemptsKept()).toEqual([]);
  });

  it('shows why Stripe refused the card details and books nothing', async () => {
    const fake = fakeStripe({
      paymentMethod: { error: { type: 'validation_error', message: 'Your card number is incomplete.' } },
    });
    const { calls } = renderReview({ SearchJourneys: search, BookJourney: booked }, loaderOf(fake));
    await bookWhenReady();
    expect((await screen.findByRole('alert')).textContent).toBe('Your card number is incomplete. Nothing was charged.');
    expect(fake.log).toContain('createPaymentMethod');
    expect(bookCalls(calls)).toEqual([]);
    expect(attemptsKept()).toEqual([]);
    expect(window.location.pathname).toBe('/');
    // The form stays, to correct the card and press Book again.
    expect(screen.getByRole('button', { name: 'Book for €12.80' })).toHaveProperty('disabled', false);
  });

  it('does not read the card when the form finds its fields wrong, and books nothing', async () => {
    const fake = fakeStripe({
      submitError: { type: 'validation_error', message: 'Your card’s expiry date is in the past.' },
    });
    const { calls } = renderReview({ SearchJourneys: search, BookJourney: booked }, loaderOf(fake));
    await bookWhenReady();
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Your card’s expiry date is in the past\./);
    expect(fake.log).not.toContain('createPaymentMethod');
    expect(bookCalls(calls)).toEqual([]);
  });

  it('says card payments are unavailable when Stripe cannot be reached to read the card, and books nothing', async () => {
    const fake = fakeStripe({ paymentMethod: { error: { type: 'api_connection_error', message: 'Network error' } } });
    const { calls } = renderReview({ SearchJourneys: search, BookJourney: booked }, loaderOf(fake));
    await bookWhenReady();
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Card payments are unavailable right now/);
    expect(bookCalls(calls)).toEqual([]);
  });

  it('says card payments are unavailable when Stripe.js cannot be loaded, and the page keeps working', async () => {
    const loadStripe = vi.fn<StripeLoader>(async () => {
      throw new CardPaymentsUnavailable(new Error('Failed to load Stripe.js'));
    });
    const { calls } = renderReview({ SearchJourneys: search, BookJourney: booked }, loadStripe);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'Card payments are unavailable right now: the secure card form could not be loaded. Nothing was charged. Check your connection, or try again later.',
    );
    expect(within(screen.getByRole('group', { name: 'Payment' })).getByRole('alert')).toBe(alert);
    // The trip and price are still there; Book cannot be pressed without a card to pay with.
    expect(screen.getByRole('heading', { name: 'Review and book' })).toBeTruthy();
    const book = screen.getByRole('button', { name: 'Book for €12.80' });
    expect(book).toHaveProperty('disabled', true);
    expect(bookCalls(calls)).toEqual([]);
    expect(await axeViolations()).toEqual([]);
  });

  it('says card payments are unavailable when Stripe’s form cannot load its frame', async () => {
    const fake = fakeStripe();
    renderReview({ SearchJourneys: search, BookJourney: booked }, loaderOf(fake));
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Book for €12.80' })).toHaveProperty('disabled', false),
    );
    fake.emit('loaderror');
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Card payments are unavailable right now/);
    expect(screen.getByRole('button', { name: 'Book for €12.80' })).toHaveProperty('disabled', true);
  });

  it('without a publishable key lists the sandbox cards and never loads Stripe.js', async () => {
    const fake = fakeStripe();
    const loadStripe = loaderOf(fake);
    const { calls } = renderReview({ SearchJourneys: search, BookJourney: booked }, loadStripe, null);
    const group = await screen.findByRole('group', { name: 'Payment' });
    expect(within(group).getAllByRole('radio')).toHaveLength(5);
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'));
    expect(bookCalls(calls)[0]).toMatchObject({ paymentMethod: 'pm_card_visa' });
    expect(loadStripe).not.toHaveBeenCalled();
    expect(fake.log).toEqual([]);
    expect(document.querySelector('script[src*="js.stripe.com"]')).toBeNull();
  });
});
