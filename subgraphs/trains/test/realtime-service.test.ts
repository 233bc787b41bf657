import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTestTokenIssuer, type TestTokenIssuer } from '@railgraph/auth/testing';
import { describeEachDatabase } from '@railgraph/database/testing';
import { importGtfs } from '../src/gtfs/import.js';
import { decodeFeedMessage, RealtimeFeedError } from '../src/realtime/feed-message.js';
import type { RunningTrains } from '../src/service.js';
import { graphql, SEEDED_AT, startTestTrains } from './helpers.js';
import { ADDED, CANCELED, feedMessage, SCHEDULED, type EntitySpec } from './realtime-fixture.js';
import { consists, handFeed } from './trips-fixture.js';

const DATE = '2026-06-02';
const START_DATE = '20260602';
/** Not a plain token: the import gives its train a hashed id, which the realtime feed must find too. */
const WEEKDAY_TRIP = 'HR 7 (Mon-Fri)';

const feed = handFeed({
  stops: ['A', 'B'],
  trips: ['HR 7 (Mon-Fri)', 'HR8', 'HR9'].map((id, i) => ({
    id,
    calls: [
      ['A', `0${8 + i}:00:00`, `0${8 + i}:00:00`],
      ['B', `0${8 + i}:30:00`, `0${8 + i}:30:00`],
    ],
  })),
});

const JOURNEYS = `query($date: Date!) { searchJourneys(from: "A", to: "B", date: $date) { runId } }`;
const RUN = 'query($id: ID!) { trainRun(id: $id) { id cancellation { reason source } } }';
const LIST = 'query { runCancellations { runId reason source } }';

/** Cancels the weekday trip; delays HR8; names an unknown trip, a date the trip does not run, an incomplete one. */
const mixedFeed: EntitySpec[] = [
  { id: 'cancel', trip: { tripId: WEEKDAY_TRIP, startDate: START_DATE, relationship: CANCELED } },
  { id: 'delay', trip: { tripId: 'HR8', startDate: START_DATE, relationship: SCHEDULED }, delaySeconds: 300 },
  { id: 'added', trip: { tripId: 'HR99', startDate: START_DATE, relationship: ADDED } },
  { id: 'unknown-trip', trip: { tripId: 'NOPE', startDate: START_DATE, relationship: CANCELED } },
  { id: 'unknown-date', trip: { tripId: 'HR8', startDate: '20300101', relationship: CANCELED } },
  { id: 'no-date', trip: { tripId: 'HR8', relationship: CANCELED } },
  { id: 'bad-date', trip: { tripId: 'HR8', startDate: '2026-06-02', relationship: CANCELED } },
  { id: 'vehicle' },
];

it('decodes only FeedMessages', () => {
  expect(decodeFeedMessage(feedMessage(mixedFeed.slice(0, 2))).entities).toEqual([
    {
      id: 'cancel',
      isDeleted: false,
      trip: { tripId: WEEKDAY_TRIP, startDate: START_DATE, scheduleRelationship: 'CANCELED' },
    },
    {
      id: 'delay',
      isDeleted: false,
      trip: { tripId: 'HR8', startDate: START_DATE, scheduleRelationship: 'SCHEDULED' },
    },
  ]);
  for (const bytes of [Buffer.from('not a feed'), new Uint8Array(0), feedMessage([]).subarray(3)]) {
    expect(() => decodeFeedMessage(bytes)).toThrow(RealtimeFeedError);
  }
});

await describeEachDatabase('GTFS-Realtime trip updates', (database) => {
  let databaseUrl: string;
  let trains: RunningTrains;
  let tokens: TestTokenIssuer;
  let operator: string;
  let tickets: string;
  /** The runs of DATE from A to B: the weekday trip's, HR8's and HR9's. */
  let runs: string[];

  const post = async (body: Uint8Array | string, authorization?: string, contentType = 'application/x-protobuf') => {
    const response = await fetch(`${trains.url}/realtime/trip-updates`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(authorization ? { authorization } : {}) },
      body: typeof body === 'string' ? body : Buffer.from(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const journeyRuns = async (service = trains) =>
    (
      (await graphql<{ searchJourneys: Array<{ runId: string }> }>(service, JOURNEYS, { date: DATE })).data
        ?.searchJourneys ?? []
    ).map((j) => j.runId);
  const recorded = async (service = trains) =>
    (
      await graphql<{ runCancellations: Array<{ runId: string; reason: string; source: string }> }>(
        service,
        LIST,
        {},
        tickets,
      )
    ).data?.runCancellations;

  beforeAll(async () => {
    tokens = await createTestTokenIssuer();
    [operator, tickets] = await Promise.all([
      tokens.client('operator-1', ['operations:write']),
      tokens.client('tickets', ['runs:cancellations']),
    ]);
    databaseUrl = (await database.settings()).url!;
    trains = await startTestTrains(databaseUrl, SEEDED_AT, { TRAINS_RELOAD_SECONDS: '1' }, { tokens: tokens.verifier });
    await importGtfs(trains.sql, feed, { consists });
    await vi.waitFor(async () => expect(await journeyRuns()).toHaveLength(3), { timeout: 20_000, interval: 250 });
    runs = await journeyRuns();
  });
  afterAll(async () => {
    await trains?.stop();
  });

  it('refuses a request without a valid token (401) or without operations:write (403), and records nothing', async () => {
    const body = feedMessage(mixedFeed);
    for (const authorization of [undefined, 'Bearer not-a-token']) {
      const answer = await post(body, authorization);
      expect(answer.status).toBe(401);
      expect(answer.body['error']).toBe('UNAUTHENTICATED');
    }
    for (const authorization of [tickets, await tokens.client('acme-1', ['bookings:write'])]) {
      const answer = await post(body, authorization);
      expect(answer.status).toBe(403);
      expect(answer.body['error']).toBe('FORBIDDEN');
    }
    expect(await recorded()).toEqual([]);
    expect(await journeyRuns()).toEqual(runs);
  });

  it('answers 400 for a body that is not a FeedMessage, and records nothing', async () => {
    for (const body of ['not a feed', new Uint8Array(0), feedMessage(mixedFeed).subarray(3)]) {
      const answer = await post(body, operator);
      expect(answer.status).toBe(400);
      expect(answer.body['error']).toBe('BAD_USER_INPUT');
    }
    expect(await recorded()).toEqual([]);
  });

  it('cancels the run of a CANCELED trip and ignores delays, added trips and trips or dates it does not know', async () => {
    const answer = await post(feedMessage(mixedFeed), operator, 'application/octet-stream');
    expect(answer).toEqual({ status: 200, body: { cancelled: 1, ignored: mixedFeed.length - 1 } });
    const [weekday, hr8, hr9] = runs;
    expect(await journeyRuns()).toEqual([hr8, hr9]);
    const run = await graphql<{ trainRun: unknown }>(trains, RUN, { id: weekday });
    expect(run.data?.trainRun).toEqual({
      id: weekday,
      cancellation: { reason: "Cancelled by the operator's realtime feed", source: 'REALTIME_FEED' },
    });
    expect(await recorded()).toEqual([
      { runId: weekday, reason: "Cancelled by the operator's realtime feed", source: 'REALTIME_FEED' },
    ]);
  });

  it('changes nothing when the same feed comes again', async () => {
    const answer = await post(feedMessage(mixedFeed), operator);
    expect(answer).toEqual({ status: 200, body: { cancelled: 0, ignored: mixedFeed.length } });
    expect(await recorded()).toHaveLength(1);
  });

  it('polls GTFS_RT_TRIP_UPDATES_URL when it is set', async () => {
    const polled = feedMessage([{ id: 'hr9', trip: { tripId: 'HR9', startDate: START_DATE, relationship: CANCELED } }]);
    let requests = 0;
    const server: Server = createServer((_req, res) => {
      requests += 1;
      // The first poll gets an error page: the poller must carry on.
      if (requests === 1) res.writeHead(502).end('bad gateway');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(polled));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trip-updates.pb`;
    const poller = await startTestTrains(
      databaseUrl,
      SEEDED_AT,
      { GTFS_RT_TRIP_UPDATES_URL: feedUrl, GTFS_RT_POLL_MS: '1000' },
      { tokens: tokens.verifier },
    );
    try {
      await vi.waitFor(async () => expect((await recorded())?.map((c) => c.runId)).toEqual([runs[0], runs[2]]), {
        timeout: 15_000,
        interval: 250,
      });
      expect(requests).toBeGreaterThanOrEqual(2);
      expect(await journeyRuns(poller)).toEqual([runs[1]]);
    } finally {
      await poller.stop();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
