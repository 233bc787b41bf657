import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTestTokenIssuer, type TestTokenIssuer } from '@railgraph/auth/testing';
import { describeEachDatabase } from '@railgraph/database/testing';
import type { RunningTrains } from '../src/service.js';
import { errorCodes, graphql, SEEDED_AT, startTestTrains } from './helpers.js';

const DATE = '2026-03-29';
const CANCEL = `mutation($runId: ID!, $reason: String!) {
  cancelTrainRun(runId: $runId, reason: $reason) { id serviceDate cancellation { reason source cancelledAt } }
}`;
const RUN = 'query($id: ID!) { trainRun(id: $id) { id cancellation { reason source cancelledAt } } }';
const LIST = `query($after: ID, $first: Int) {
  runCancellations(after: $after, first: $first) { cursor runId reason source cancelledAt }
}`;
const JOURNEYS = `query($from: String!, $to: String!, $date: Date!) {
  searchJourneys(from: $from, to: $to, date: $date, first: 50) { runId origin { code } destination { code } }
}`;
const TRIPS = `query($from: String!, $to: String!, $date: Date!) {
  searchTrips(from: $from, to: $to, date: $date, first: 50) { legs { runId origin { code } destination { code } } }
}`;

interface Cancellation {
  reason: string;
  source: string;
  cancelledAt: string;
}
interface Entry extends Cancellation {
  cursor: string;
  runId: string;
}
interface Leg {
  runId: string;
  origin: { code: string };
  destination: { code: string };
}

await describeEachDatabase('run cancellations', (database) => {
  let databaseUrl: string;
  let trains: RunningTrains;
  let tokens: TestTokenIssuer;
  /** Bearer tokens: an operator's client, the tickets service, a booking partner, a traveller. */
  let operator: string;
  let tickets: string;
  let partner: string;
  let traveller: string;
  /** The first leg of the first KGX-YRK trip of the day: the run these tests cancel first. */
  let leg: Leg;
  /** Direct KGX-YRK runs of the day other than `leg`'s. */
  let others: string[];

  const cancel = (runId: string, reason: string, authorization = operator, service = trains) =>
    graphql<{ cancelTrainRun: { id: string; serviceDate: string; cancellation: Cancellation | null } }>(
      service,
      CANCEL,
      { runId, reason },
      authorization,
    );
  const list = async (variables: { after?: string; first?: number } = {}, authorization = tickets) =>
    graphql<{ runCancellations: Entry[] }>(trains, LIST, variables, authorization);
  const journeyRuns = async (from: string, to: string, service = trains) =>
    (
      (await graphql<{ searchJourneys: Leg[] }>(service, JOURNEYS, { from, to, date: DATE })).data?.searchJourneys ?? []
    ).map((j) => j.runId);
  const tripRuns = async (from: string, to: string, service = trains) =>
    (
      (await graphql<{ searchTrips: Array<{ legs: Leg[] }> }>(service, TRIPS, { from, to, date: DATE })).data
        ?.searchTrips ?? []
    ).flatMap((trip) => trip.legs.map((l) => l.runId));
  const recorded = async () => (await list()).data?.runCancellations.map((e) => e.runId);

  beforeAll(async () => {
    tokens = await createTestTokenIssuer();
    [operator, tickets, partner, traveller] = await Promise.all([
      tokens.client('operator-1', ['operations:write']),
      tokens.client('tickets', ['runs:cancellations']),
      tokens.client('acme-1', ['journeys:read', 'bookings:read', 'bookings:write']),
      tokens.traveller('traveller-1'),
    ]);
    databaseUrl = (await database.settings()).url!;
    trains = await startTestTrains(databaseUrl, SEEDED_AT, {}, { tokens: tokens.verifier });
    const trips = await graphql<{ searchTrips: Array<{ legs: Leg[] }> }>(trains, TRIPS, {
      from: 'KGX',
      to: 'YRK',
      date: DATE,
    });
    leg = trips.data!.searchTrips[0]!.legs[0]!;
    others = (await journeyRuns('KGX', 'YRK')).filter((runId) => runId !== leg.runId);
    expect(others.length).toBeGreaterThanOrEqual(3);
  });
  afterAll(async () => {
    await trains?.stop();
  });

  it('refuses callers without operations:write (UNAUTHENTICATED, FORBIDDEN) and records nothing', async () => {
    expect(errorCodes(await cancel(leg.runId, 'Signal failure', ''))).toEqual(['UNAUTHENTICATED']);
    for (const caller of [partner, traveller, tickets]) {
      const answer = await cancel(leg.runId, 'Signal failure', caller);
      expect(errorCodes(answer)).toEqual(['FORBIDDEN']);
      expect(answer.data).toBeNull();
    }
    expect(await recorded()).toEqual([]);
    expect(await journeyRuns(leg.origin.code, leg.destination.code)).toContain(leg.runId);
  });

  it('refuses a bad reason or run id with BAD_USER_INPUT, an unknown run with NOT_FOUND, and records nothing', async () => {
    for (const reason of ['', '   \n ', 'x'.repeat(201)]) {
      expect(errorCodes(await cancel(leg.runId, reason)), JSON.stringify(reason)).toEqual(['BAD_USER_INPUT']);
    }
    for (const runId of ['EC101', 'EC101:2026-02-30', 'a b:2026-03-29', '']) {
      expect(errorCodes(await cancel(runId, 'Signal failure')), runId).toEqual(['BAD_USER_INPUT']);
    }
    // An unknown train, and a known one on a date outside its calendar.
    for (const runId of [`NOPE1:${DATE}`, 'EC101:2030-01-01']) {
      expect(errorCodes(await cancel(runId, 'Signal failure')), runId).toEqual(['NOT_FOUND']);
    }
    expect(await recorded()).toEqual([]);
    expect(await tripRuns('KGX', 'YRK')).toContain(leg.runId);
  });

  it('cancels a run: searches stop offering it, and the run says why', async () => {
    // 200 characters once trimmed is still a reason.
    expect(errorCodes(await cancel(others[2]!, ` ${'y'.repeat(200)} `))).toEqual([]);
    expect(await journeyRuns(leg.origin.code, leg.destination.code)).toContain(leg.runId);
    expect(await tripRuns('KGX', 'YRK')).toContain(leg.runId);

    const before = Date.now();
    const answer = await cancel(leg.runId, '  Signal failure at Peterborough  ');
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.cancelTrainRun).toMatchObject({
      id: leg.runId,
      serviceDate: DATE,
      cancellation: { reason: 'Signal failure at Peterborough', source: 'OPERATOR' },
    });
    const cancelledAt = Date.parse(answer.data!.cancelTrainRun.cancellation!.cancelledAt);
    expect(cancelledAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(cancelledAt).toBeLessThanOrEqual(Date.now() + 1_000);

    expect(await journeyRuns(leg.origin.code, leg.destination.code)).not.toContain(leg.runId);
    expect(await tripRuns('KGX', 'YRK')).not.toContain(leg.runId);
    expect(await tripRuns('KGX', 'YRK')).not.toEqual([]);
    const run = await graphql<{ trainRun: { id: string; cancellation: Cancellation | null } }>(trains, RUN, {
      id: leg.runId,
    });
    expect(run.data?.trainRun).toEqual({ id: leg.runId, cancellation: answer.data!.cancelTrainRun.cancellation });
    const running = await graphql<{ trainRun: { cancellation: Cancellation | null } }>(trains, RUN, { id: others[0] });
    expect(running.data?.trainRun.cancellation).toBeNull();
  });

  it('keeps the first cancellation when a run is cancelled again', async () => {
    const first = (await list()).data!.runCancellations.find((e) => e.runId === leg.runId)!;
    const again = await cancel(leg.runId, 'Another reason');
    expect(again.errors).toBeUndefined();
    expect(again.data?.cancelTrainRun.cancellation).toEqual({
      reason: first.reason,
      source: 'OPERATOR',
      cancelledAt: first.cancelledAt,
    });
    expect(await recorded()).toEqual([others[2], leg.runId]);
  });

  it('lists cancellations oldest first, page by page, to runs:cancellations only', async () => {
    expect(errorCodes(await cancel(others[1]!, 'Points failure'))).toEqual([]);
    const all = (await list()).data!.runCancellations;
    expect(all.map((e) => [e.runId, e.source])).toEqual([
      [others[2], 'OPERATOR'],
      [leg.runId, 'OPERATOR'],
      [others[1], 'OPERATOR'],
    ]);
    expect(all[2]?.reason).toBe('Points failure');
    const cursors = all.map((e) => BigInt(e.cursor));
    expect([...cursors].sort((a, b) => (a < b ? -1 : 1))).toEqual(cursors);

    const page1 = (await list({ first: 2 })).data!.runCancellations;
    expect(page1).toEqual(all.slice(0, 2));
    const page2 = (await list({ after: page1[1]!.cursor, first: 2 })).data!.runCancellations;
    expect(page2).toEqual(all.slice(2));
    expect((await list({ after: page2[0]!.cursor })).data!.runCancellations).toEqual([]);

    expect(errorCodes(await list({}, ''))).toEqual(['UNAUTHENTICATED']);
    expect(errorCodes(await list({}, operator))).toEqual(['FORBIDDEN']);
  });

  it('refuses a malformed cursor or first out of range with BAD_USER_INPUT', async () => {
    for (const after of ['abc', '-1', '1.5', '01', ' 1', '99999999999999999999']) {
      expect(errorCodes(await list({ after })), after).toEqual(['BAD_USER_INPUT']);
    }
    for (const first of [0, 501, -3]) {
      expect(errorCodes(await list({ first })), String(first)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('has every trains process on the database leave out the cancelled runs, those recorded later too', async () => {
    const other = await startTestTrains(databaseUrl, SEEDED_AT, {}, { tokens: tokens.verifier });
    try {
      // Recorded before it started: read at its start.
      expect(await journeyRuns(leg.origin.code, leg.destination.code, other)).not.toContain(leg.runId);
      // Recorded by the first process afterwards: read within a few seconds.
      expect(await journeyRuns('KGX', 'YRK', other)).toContain(others[0]);
      expect(errorCodes(await cancel(others[0]!, 'Broken rail'))).toEqual([]);
      await vi.waitFor(async () => expect(await journeyRuns('KGX', 'YRK', other)).not.toContain(others[0]), {
        timeout: 15_000,
        interval: 250,
      });
      // Cancelling it there too changes nothing.
      const again = await cancel(others[0]!, 'Something else', operator, other);
      expect(again.data?.cancelTrainRun.cancellation?.reason).toBe('Broken rail');
      expect(await recorded()).toEqual([others[2], leg.runId, others[1], others[0]]);
    } finally {
      await other.stop();
    }
  });
});
