import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { graphqlError, renderWithApi, type Handlers } from '../test/fake-api';
import { adultTrip, bookCalls, booked, bookingOfflineUntilRecovered, searchWithFare } from '../test/review';
import { writeParty } from '../party';
import { ReviewPage } from './ReviewPage';

/** The review page's payment: the sandbox's test cards, a declined card, and 3-D Secure. */

const choice = adultTrip;
const search = searchWithFare([{ passenger: 'ADULT', amountMinor: 1280 }]);

const declined = (declineCode: string) => ({
  errors: [{ message: 'Your card was declined.', extensions: { code: 'PAYMENT_DECLINED', declineCode } }],
});

const actionRequired = {
  errors: [
    {
      message: 'Your bank asks you to confirm this payment',
      extensions: {
        code: 'PAYMENT_ACTION_REQUIRED',
        bookingId: 'booking-3ds',
        provider: 'sandbox',
        clientSecret: 'pi_sandbox_1_secret_abc',
      },
    },
  ],
};

const completed = () => ({
  data: { completeBookingPayment: { __typename: 'Booking', id: 'booking-3ds', status: 'CONFIRMED' } },
});

const progress = (status: string) => () => ({
  data: { booking: { __typename: 'Booking', id: 'booking-3ds', status } },
});

const callsOf = (calls: Array<{ operationName: string; variables: Record<string, unknown> }>, name: string) =>
  calls.filter((c) => c.operationName === name).map((c) => c.variables);

const attemptsKept = () => Object.keys(sessionStorage).filter((key) => key.startsWith('railgraph.booking-attempt:'));

describe('the payment step', () => {
  beforeEach(() => {
    writeParty([{ name: 'Ada Lovelace', type: 'ADULT' }]);
  });

  it('lists the five test cards as a radio group, says no money moves, and sends the card chosen', async () => {
    const { calls } = renderWithApi(<ReviewPage choice={choice} />, { SearchJourneys: search, BookJourney: booked });
    const group = await screen.findByRole('group', { name: 'Payment' });
    expect(group.getAttribute('aria-describedby')).toBe('sandbox-note');
    expect(within(group).getByText('Test card: no money moves.')).toBeTruthy();
    const cards = within(group).getAllByRole('radio');
    expect(
      cards.map((card) => card.getAttribute('aria-labelledby')).map((id) => document.getElementById(id!)?.textContent),
    ).toEqual(['Visa', 'Mastercard', 'Declined', 'Insufficient funds', '3-D Secure']);
    expect(within(group).getByRole('radio', { name: 'Insufficient funds' }).getAttribute('value')).toBe(
      'pm_card_visa_chargeDeclinedInsufficientFunds',
    );
    // Each card says what paying with it does, and the id it sends.
    expect(within(group).getByRole('radio', { name: '3-D Secure' })).toHaveProperty('checked', false);
    expect(group.textContent).toMatch(/Your bank asks you to confirm \(3-D Secure\) · pm_card_threeDSecure2Required/);
    const visa = within(group).getByRole('radio', { name: 'Visa' });
    expect(visa).toHaveProperty('checked', true);

    // The whole label picks the card (the arrow keys are checked in Chromium: jsdom lacks CSS.escape).
    await userEvent.click(within(group).getByText('pm_card_mastercard'));
    expect(within(group).getByRole('radio', { name: 'Mastercard' })).toHaveProperty('checked', true);
    expect(visa).toHaveProperty('checked', false);
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'));
    expect(bookCalls(calls)[0]).toMatchObject({ paymentMethod: 'pm_card_mastercard' });
  });

  it('after a decline says why, and books with another card as a new attempt with a new key', async () => {
    const { calls } = renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: (variables) => {
        const input = variables['input'] as { paymentMethod: string };
        return input.paymentMethod === 'pm_card_visa' ? booked() : declined('insufficient_funds');
      },
    });
    await userEvent.click(await screen.findByRole('radio', { name: 'Insufficient funds' }));
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/declined: there is not enough money on it\. Nothing was charged\./);
    // That attempt is over (its booking FAILED): nothing is kept to be sent again.
    expect(attemptsKept()).toEqual([]);
    expect(screen.queryByText(/already pressed Book/)).toBeNull();

    await userEvent.click(screen.getByRole('radio', { name: 'Visa' }));
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'));
    const [first, second] = bookCalls(calls);
    expect(first).toMatchObject({ paymentMethod: 'pm_card_visa_chargeDeclinedInsufficientFunds' });
    expect(second).toMatchObject({ paymentMethod: 'pm_card_visa' });
    expect(second!['idempotencyKey']).not.toBe(first!['idempotencyKey']);
  });

  it('names each decline in words', async () => {
    const codes = ['generic_decline', 'authentication_required'];
    renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => declined(codes.shift() ?? 'generic_decline'),
    });
    await userEvent.click(await screen.findByRole('radio', { name: 'Declined' }));
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Your card was declined. Nothing was charged. Choose another card and book again.',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toMatch(/^Your bank could not confirm this payment/),
    );
  });

  it('keeps the card of an attempt already sent when it is sent again', async () => {
    const network = bookingOfflineUntilRecovered();
    const handlers: Handlers = { SearchJourneys: search, BookJourney: network.handler };
    const first = renderWithApi(<ReviewPage choice={choice} />, handlers);
    await userEvent.click(await screen.findByRole('radio', { name: 'Mastercard' }));
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    await screen.findByText(/could not reach Railgraph/);
    first.unmount();

    network.recover();
    const second = renderWithApi(<ReviewPage choice={choice} />, handlers);
    const group = await screen.findByRole('group', { name: 'Payment' });
    expect(group).toHaveProperty('disabled', true);
    expect(within(group).getByRole('radio', { name: 'Mastercard' })).toHaveProperty('checked', true);
    expect(group.textContent).toMatch(/already pressed Book with the Mastercard test card/);
    await userEvent.click(screen.getByRole('button', { name: /^Book for/ }));
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'));
    const [before] = bookCalls(first.calls);
    const [after] = bookCalls(second.calls);
    expect(after).toMatchObject({ paymentMethod: 'pm_card_mastercard', idempotencyKey: before!['idempotencyKey'] });
  });
});

describe('3-D Secure in the sandbox', () => {
  beforeEach(() => {
    writeParty([{ name: 'Ada Lovelace', type: 'ADULT' }]);
  });

  it('asks in a dialog that holds the focus, then sends the approval and finishes the booking', async () => {
    const { calls } = renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => actionRequired,
      AuthenticateSandboxPayment: () => ({ data: { authenticateSandboxPayment: true } }),
      CompleteBookingPayment: completed,
    });
    await userEvent.click(await screen.findByRole('radio', { name: '3-D Secure' }));
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    const dialog = await screen.findByRole('dialog', { name: 'Your bank asks you to confirm this payment' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.textContent).toMatch(/Confirm paying €12\.80 to Railgraph with your 3-D Secure test card/);
    const approve = within(dialog).getByRole('button', { name: 'Approve' });
    const refuse = within(dialog).getByRole('button', { name: 'Refuse' });
    await waitFor(() => expect(document.activeElement).toBe(approve));
    // Tab cycles within the dialog.
    await userEvent.tab();
    expect(document.activeElement).toBe(refuse);
    await userEvent.tab();
    expect(document.activeElement).toBe(approve);
    await userEvent.tab({ shift: true });
    expect(document.activeElement).toBe(refuse);

    await userEvent.click(approve);
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-3ds'));
    expect(window.location.search).toBe('?booked=1');
    expect(callsOf(calls, 'AuthenticateSandboxPayment')).toEqual([
      { clientSecret: 'pi_sandbox_1_secret_abc', approve: true },
    ]);
    expect(callsOf(calls, 'CompleteBookingPayment')).toEqual([{ bookingId: 'booking-3ds' }]);
    expect(bookCalls(calls)).toHaveLength(1);
    expect(attemptsKept()).toEqual([]);
  });

  it('goes to the decline flow when the customer refuses', async () => {
    let refused = false;
    const { calls } = renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: (variables) =>
        (variables['input'] as { paymentMethod: string }).paymentMethod === 'pm_card_visa' ? booked() : actionRequired,
      AuthenticateSandboxPayment: (variables) => {
        refused = variables['approve'] === false;
        return { data: { authenticateSandboxPayment: true } };
      },
      CompleteBookingPayment: () => (refused ? declined('authentication_required') : completed()),
    });
    await userEvent.click(await screen.findByRole('radio', { name: '3-D Secure' }));
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Refuse' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Your bank could not confirm this payment/);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(attemptsKept()).toEqual([]);

    await userEvent.click(screen.getByRole('radio', { name: 'Visa' }));
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-1'));
    const [first, second] = bookCalls(calls);
    expect(second!['idempotencyKey']).not.toBe(first!['idempotencyKey']);
  });

  it('closes on Escape with the booking waiting, reopens, and retries finishing without answering twice', async () => {
    let completeFails = true;
    const { calls } = renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => actionRequired,
      AuthenticateSandboxPayment: () => ({ data: { authenticateSandboxPayment: true } }),
      CompleteBookingPayment: () => {
        if (completeFails) throw new Error('network down');
        return completed();
      },
      BookingProgress: progress('PENDING'),
    });
    await userEvent.click(await screen.findByRole('radio', { name: '3-D Secure' }));
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    await screen.findByRole('dialog');
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Approve'));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    // The booking waits: no Book button, a way back to the bank's question, focused.
    const reopen = screen.getByRole('button', { name: 'Confirm the payment' });
    expect(document.activeElement).toBe(reopen);
    expect(screen.getByRole('status').textContent).toMatch(/Your bank is waiting for you to confirm this payment/);
    expect(screen.queryByRole('button', { name: /^Book for/ })).toBeNull();

    await userEvent.click(reopen);
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Approve' }));
    const dialog = screen.getByRole('dialog');
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(/could not reach Railgraph.*Answer again/);
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Approve'));

    completeFails = false;
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-3ds'));
    // The bank had the answer already: only finishing the booking was sent again.
    expect(callsOf(calls, 'AuthenticateSandboxPayment')).toHaveLength(1);
    expect(callsOf(calls, 'CompleteBookingPayment')).toHaveLength(2);
  });

  it('offers the bank’s question again after a reload', async () => {
    const handlers: Handlers = {
      SearchJourneys: search,
      BookJourney: () => actionRequired,
      AuthenticateSandboxPayment: () => ({ data: { authenticateSandboxPayment: true } }),
      CompleteBookingPayment: completed,
    };
    const first = renderWithApi(<ReviewPage choice={choice} />, handlers);
    await userEvent.click(await screen.findByRole('radio', { name: '3-D Secure' }));
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    await screen.findByRole('dialog');
    first.unmount();

    const second = renderWithApi(<ReviewPage choice={choice} />, handlers);
    await userEvent.click(await screen.findByRole('button', { name: 'Confirm the payment' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-3ds'));
    expect(callsOf(second.calls, 'CompleteBookingPayment')).toEqual([{ bookingId: 'booking-3ds' }]);
    expect(bookCalls(second.calls)).toEqual([]);
  });

  it('ends the attempt when the booking can no longer be finished', async () => {
    renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => actionRequired,
      AuthenticateSandboxPayment: () => ({ data: { authenticateSandboxPayment: true } }),
      CompleteBookingPayment: () => graphqlError('NOT_FOUND'),
    });
    await userEvent.click(await screen.findByRole('radio', { name: '3-D Secure' }));
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Approve' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/could not find that/);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(attemptsKept()).toEqual([]);
  });

  it('says the booking expired when it waited too long for the answer, and starts over', async () => {
    renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => actionRequired,
      AuthenticateSandboxPayment: () => ({ data: { authenticateSandboxPayment: false } }),
      // An expired booking's retries answer SERVICE_UNAVAILABLE; its status tells why.
      CompleteBookingPayment: () => graphqlError('SERVICE_UNAVAILABLE', 'The booking could not be completed in time'),
      BookingProgress: progress('EXPIRED'),
    });
    await userEvent.click(await screen.findByRole('radio', { name: '3-D Secure' }));
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Approve' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/not confirmed in time, so the booking expired/);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(attemptsKept()).toEqual([]);
    expect(screen.getByRole('button', { name: 'Book for €12.80' })).toBeTruthy();
  });

  it('shows the booking when finishing it was lost on the way but it was confirmed', async () => {
    renderWithApi(<ReviewPage choice={choice} />, {
      SearchJourneys: search,
      BookJourney: () => actionRequired,
      AuthenticateSandboxPayment: () => ({ data: { authenticateSandboxPayment: true } }),
      CompleteBookingPayment: () => {
        throw new Error('connection reset');
      },
      BookingProgress: progress('CONFIRMED'),
    });
    await userEvent.click(await screen.findByRole('radio', { name: '3-D Secure' }));
    await userEvent.click(screen.getByRole('button', { name: 'Book for €12.80' }));
    await userEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(window.location.pathname).toBe('/bookings/booking-3ds'));
    expect(attemptsKept()).toEqual([]);
  });
});
