import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { readParty } from '../party';
import { SessionStore } from '../session';
import { renderWithApi, type Handlers } from '../test/fake-api';
import { readChoice, type TripChoice } from '../trip';
import { PassengersPage } from './PassengersPage';

const choice: TripChoice = {
  from: 'AMS',
  to: 'RTD',
  date: '2026-12-01',
  passengers: { ADULT: 1, CHILD: 1, YOUTH: 0, SENIOR: 0 },
  runId: 'BX602:2026-12-01',
  fromStop: 0,
  toStop: 2,
  seatClass: 'STANDARD',
  seats: [],
};

const savedPassengers =
  (list: Array<{ id: string; name: string; type: string }>): Handlers[string] =>
  () => ({
    data: {
      me: {
        __typename: 'User',
        id: 'u1',
        savedPassengers: list.map((p) => ({ __typename: 'SavedPassenger', ...p })),
      },
    },
  });

const passenger = (n: number) => screen.getByRole('group', { name: `Passenger ${n}` });

describe('the passengers step', () => {
  it('fills in the signed-in traveller’s saved passengers by fare category', async () => {
    const { calls } = renderWithApi(<PassengersPage choice={choice} />, {
      SavedPassengers: savedPassengers([
        { id: 's1', name: 'Noor', type: 'CHILD' },
        { id: 's2', name: 'Ada Lovelace', type: 'ADULT' },
      ]),
    });
    await waitFor(() =>
      expect(within(passenger(1)).getByLabelText<HTMLInputElement>('Name').value).toBe('Ada Lovelace'),
    );
    expect(within(passenger(2)).getByLabelText<HTMLInputElement>('Name').value).toBe('Noor');
    expect(within(passenger(2)).getByLabelText<HTMLSelectElement>('Saved passenger').value).toBe('s1');
    await userEvent.click(screen.getByRole('button', { name: 'Continue to review' }));
    await waitFor(() => expect(window.location.pathname).toBe('/review'));
    expect(readParty(choice)).toEqual([
      { name: 'Ada Lovelace', type: 'ADULT', savedId: 's2' },
      { name: 'Noor', type: 'CHILD', savedId: 's1' },
    ]);
    expect(calls.map((c) => c.operationName)).not.toContain('AddSavedPassenger');
  });

  it('fills one passenger from the saved list when chosen, category included', async () => {
    renderWithApi(<PassengersPage choice={{ ...choice, passengers: { ADULT: 1, CHILD: 0, YOUTH: 0, SENIOR: 0 } }} />, {
      SavedPassengers: savedPassengers([{ id: 's3', name: 'Grace', type: 'SENIOR' }]),
    });
    const select = await within(passenger(1)).findByLabelText('Saved passenger');
    await userEvent.selectOptions(select, 's3');
    expect(within(passenger(1)).getByLabelText<HTMLInputElement>('Name').value).toBe('Grace');
    expect(within(passenger(1)).getByLabelText<HTMLSelectElement>('Fare category').value).toBe('SENIOR');
    await userEvent.click(screen.getByRole('button', { name: 'Continue to review' }));
    await waitFor(() => expect(window.location.pathname).toBe('/review'));
    // The trip's passengers follow the categories chosen here.
    expect(readChoice(new URLSearchParams(window.location.search))?.passengers).toEqual({
      ADULT: 0,
      CHILD: 0,
      YOUTH: 0,
      SENIOR: 1,
    });
  });

  it('asks for every name and a child’s age within 0 to 11 before continuing', async () => {
    renderWithApi(<PassengersPage choice={choice} />, { SavedPassengers: savedPassengers([]) });
    await userEvent.type(within(passenger(2)).getByLabelText('Name'), 'Noor');
    await userEvent.type(within(passenger(2)).getByLabelText(/^Age/), '12');
    await userEvent.click(screen.getByRole('button', { name: 'Continue to review' }));
    expect(await screen.findByText('Enter the passenger’s name.')).toBeTruthy();
    expect(screen.getByText('A child is 0 to 11 years old.')).toBeTruthy();
    expect(document.activeElement).toBe(within(passenger(1)).getByLabelText('Name'));
    expect(window.location.pathname).toBe('/');

    await userEvent.type(within(passenger(1)).getByLabelText('Name'), 'Ada');
    await userEvent.clear(within(passenger(2)).getByLabelText(/^Age/));
    await userEvent.type(within(passenger(2)).getByLabelText(/^Age/), '3');
    await userEvent.click(screen.getByRole('button', { name: 'Continue to review' }));
    await waitFor(() => expect(window.location.pathname).toBe('/review'));
    expect(readParty(choice)).toEqual([
      { name: 'Ada', type: 'ADULT' },
      { name: 'Noor', type: 'CHILD', age: 3 },
    ]);
  });

  it('asks for the name as on the ID and refuses one a ticket cannot carry', async () => {
    renderWithApi(<PassengersPage choice={{ ...choice, passengers: { ADULT: 1, CHILD: 0, YOUTH: 0, SENIOR: 0 } }} />, {
      SavedPassengers: savedPassengers([]),
    });
    const name = within(passenger(1)).getByLabelText('Name');
    expect(name.getAttribute('aria-required')).toBe('true');
    const described = () =>
      (name.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent);
    expect(described()).toEqual(['As on their ID: it is printed on the ticket, and the inspector may check it.']);
    await userEvent.type(name, 'Ada Lovelace 2');
    await userEvent.click(screen.getByRole('button', { name: 'Continue to review' }));
    expect(await screen.findByText('Use letters, spaces, hyphens, apostrophes and full stops only.')).toBeTruthy();
    expect(described()[1]).toBe('Use letters, spaces, hyphens, apostrophes and full stops only.');
    expect(document.activeElement).toBe(name);
    expect(window.location.pathname).toBe('/');

    await userEvent.clear(name);
    await userEvent.type(name, 'Zoë O’Brien-Smith');
    await userEvent.click(screen.getByRole('button', { name: 'Continue to review' }));
    await waitFor(() => expect(window.location.pathname).toBe('/review'));
    expect(readParty({ ...choice, passengers: { ADULT: 1, CHILD: 0, YOUTH: 0, SENIOR: 0 } })).toEqual([
      { name: 'Zoë O’Brien-Smith', type: 'ADULT' },
    ]);
  });

  it('saves a new passenger to the profile when asked', async () => {
    const { calls } = renderWithApi(
      <PassengersPage choice={{ ...choice, passengers: { ADULT: 1, CHILD: 0, YOUTH: 0, SENIOR: 0 } }} />,
      {
        SavedPassengers: savedPassengers([]),
        AddSavedPassenger: (variables) => ({
          data: {
            addSavedPassenger: {
              __typename: 'SavedPassenger',
              id: 's9',
              ...(variables['input'] as { name: string; type: string }),
            },
          },
        }),
      },
    );
    await userEvent.type(within(passenger(1)).getByLabelText('Name'), 'Ada Lovelace');
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Save Ada Lovelace to my profile' }));
    await userEvent.click(screen.getByRole('button', { name: 'Continue to review' }));
    await waitFor(() => expect(window.location.pathname).toBe('/review'));
    const added = calls.filter((c) => c.operationName === 'AddSavedPassenger').map((c) => c.variables['input']);
    expect(added).toEqual([{ name: 'Ada Lovelace', type: 'ADULT' }]);
    expect(readParty({ ...choice, passengers: { ADULT: 1, CHILD: 0, YOUTH: 0, SENIOR: 0 } })).toEqual([
      { name: 'Ada Lovelace', type: 'ADULT', savedId: 's9' },
    ]);
  });

  it('offers signing in instead of saved passengers to a signed-out traveller', async () => {
    const { calls } = renderWithApi(<PassengersPage choice={choice} />, {}, new SessionStore(localStorage));
    expect(screen.getByRole('link', { name: 'Sign in' }).getAttribute('href')).toMatch(
      /^\/account\?next=%2Fpassengers/,
    );
    expect(screen.queryByRole('checkbox')).toBeNull();
    expect(screen.queryByLabelText('Saved passenger')).toBeNull();
    await userEvent.type(within(passenger(1)).getByLabelText('Name'), 'Ada');
    await userEvent.type(within(passenger(2)).getByLabelText('Name'), 'Noor');
    await userEvent.click(screen.getByRole('button', { name: 'Continue to review' }));
    await waitFor(() => expect(window.location.pathname).toBe('/review'));
    expect(calls).toEqual([]);
  });
});
