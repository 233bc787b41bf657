import { randomUUID } from 'node:crypto';
import { createTestTokenIssuer, type TestTokenIssuer } from '@railgraph/auth/testing';
import { embeddedTestDatabase, type TestDatabase } from '@railgraph/database/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTicketsEnv } from '../src/env.js';
import { startTickets, type RunningTickets } from '../src/service.js';
import { FARE, keepingInventory, quoteFor, request } from './payment-support.js';

/**
 * `Query.accountStatement` on the tickets subgraph: who may read one (partner clients with
 * `bookings:read`, each its own), and the contract errors for everyone else and for bad months.
 */

let database: TestDatabase | undefined;
let tickets: RunningTickets;
let tokens: TestTokenIssuer;

const STATEMENT = /* GraphQL */ `
  query ($month: String!, $currency: String) {
    accountStatement(month: $month, currency: $currency) {
      month
      currency
      bookings {
        bookingId
        refundId
        date
        description
        runId
        fromStop
        toStop
        passengers
        amount {
          amountMinor
          currency
        }
      }
      refunds {
        bookingId
        amount {
          amountMinor
        }
      }
      totalBooked {
        amountMinor
        currency
      }
      totalRefunded {
        amountMinor
      }
      balance {
        amountMinor
      }
      csv
    }
  }
`;

async function statement(variables: Record<string, unknown>, authorization?: string) {
  const response = await fetch(`${tickets.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query: STATEMENT, variables }),
  });
  return (await response.json()) as {
    data?: { accountStatement: Record<string, unknown> } | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
}

const thisMonth = () => new Date().toISOString().slice(0, 7);
const nextMonth = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 7);
};

beforeAll(async () => {
  tokens = await createTestTokenIssuer();
  database = await embeddedTestDatabase('account_statement');
  const env = readTicketsEnv({ TICKETS_PORT: '0', TICKETS_DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
  tickets = await startTickets({
    env,
    overrides: { tokens: tokens.verifier, inventory: keepingInventory(), quotes: quoteFor(1) },
  });
});

afterAll(async () => {
  await tickets?.stop();
  await database?.drop();
});

describe('accountStatement', () => {
  it('gives a partner the statement of its own bookings, with its CSV', async () => {
    const acme = `acme-${randomUUID()}`;
    const booked = await tickets.bookings.book({ kind: 'CLIENT', id: acme }, request(null), 'r-statement');
    // Another partner's booking in the same month is not on acme's statement.
    await tickets.bookings.book({ kind: 'CLIENT', id: `globex-${randomUUID()}` }, request(null), 'r-other');

    // The booking's own month, should the test straddle midnight at a month's end.
    const month = booked.createdAt.toISOString().slice(0, 7);
    const result = await statement(
      { month },
      await tokens.client(acme, ['journeys:read', 'bookings:read', 'bookings:write']),
    );
    expect(result.errors).toBeUndefined();
    const read = result.data!.accountStatement;
    expect(read).toMatchObject({
      month,
      currency: 'GBP',
      bookings: [
        {
          bookingId: booked.id,
          refundId: null,
          date: booked.createdAt.toISOString(),
          description: 'EC117:2026-12-01, stops 0-4, 1 passenger (ADULT)',
          runId: 'EC117:2026-12-01',
          fromStop: 0,
          toStop: 4,
          passengers: ['ADULT'],
          amount: { amountMinor: FARE, currency: 'GBP' },
        },
      ],
      refunds: [],
      totalBooked: { amountMinor: String(FARE), currency: 'GBP' },
      totalRefunded: { amountMinor: '0' },
      balance: { amountMinor: String(FARE) },
    });
    expect(String(read['csv']).split('\r\n')).toEqual([
      'date,type,booking_id,refund_id,description,amount_minor,currency',
      `${booked.createdAt.toISOString()},BOOKING,${booked.id},,"EC117:2026-12-01, stops 0-4, 1 passenger (ADULT)",${FARE},GBP`,
      '',
    ]);
  });

  it('is FORBIDDEN to travellers and to clients without bookings:read, UNAUTHENTICATED without a token', async () => {
    const month = { month: thisMonth() };
    const refusals = [
      await statement(month, await tokens.traveller(`user-${randomUUID()}`)),
      await statement(month, await tokens.client('inventory', ['bookings:internal'])),
      await statement(month, await tokens.client(`planner-${randomUUID()}`, ['journeys:read'])),
      await statement(month),
    ];
    expect(refusals.map((r) => r.errors?.[0]?.extensions?.['code'])).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'UNAUTHENTICATED',
    ]);
    for (const refusal of refusals) expect(refusal.data).toBeNull();
  });

  it('refuses a malformed or future month and a malformed currency with BAD_USER_INPUT', async () => {
    const authorization = await tokens.client(`acme-${randomUUID()}`, ['bookings:read']);
    for (const [variables, field] of [
      [{ month: '2026-13' }, 'month'],
      [{ month: '2026-1' }, 'month'],
      [{ month: nextMonth() }, 'month'],
      [{ month: thisMonth(), currency: 'eur' }, 'currency'],
      // A partner that never booked has no currency to give the statement unless it names one.
      [{ month: thisMonth() }, 'currency'],
    ] as const) {
      const refused = await statement(variables, authorization);
      expect(refused.errors?.[0]?.extensions, JSON.stringify(variables)).toMatchObject({
        code: 'BAD_USER_INPUT',
        field,
      });
    }
    const named = await statement({ month: thisMonth(), currency: 'EUR' }, authorization);
    expect(named.data?.accountStatement).toMatchObject({
      currency: 'EUR',
      bookings: [],
      balance: { amountMinor: '0' },
    });
  });
});
