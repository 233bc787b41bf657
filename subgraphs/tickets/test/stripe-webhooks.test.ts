import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createTestTokenIssuer } from '@railgraph/auth/testing';
import { embeddedTestDatabase, type TestDatabase } from '@railgraph/database/testing';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readTicketsEnv } from '../src/env.js';
import { apiAddressOf } from '../src/payments/stripe/index.js';
import { startTickets, type RunningTickets } from '../src/service.js';
import { FARE, keepingInventory, quoteFor, request, traveller } from './payment-support.js';
import { RecordingProxy, SECRET_KEY, startStripeMock, stripeMockBinary, type Recorded } from './stripe-mock.js';

/*
 * Stripe's webhooks at `POST /webhooks/stripe` (docs/adr/0009), on a tickets service paying with
 * Stripe through stripe-mock and the recording proxy of `stripe-mock.ts`. The events are signed
 * as Stripe signs them (`generateTestHeaderString`) and carry stripe-mock's own PaymentIntent
 * fixture with the status of the moment set on it. The handler reads the intent again before it
 * acts, so where a test needs Stripe's answer at that step, the proxy sets the status on
 * stripe-mock's answer, and the test says so.
 */

const binary = stripeMockBinary();
const WEBHOOK_SECRET = 'whsec_railgraph_webhook_test';

const isCreate = (r: Recorded) => r.method === 'POST' && r.path === '/v1/payment_intents';
const isCapture = (r: Recorded) => r.method === 'POST' && r.path.endsWith('/capture');
const isRetrieve = (r: Recorded) => r.method === 'GET' && r.path.startsWith('/v1/payment_intents/');

describe.skipIf(!binary)('Stripe webhooks', () => {
  let mock: ChildProcess | undefined;
  let proxy: RecordingProxy;
  let database: TestDatabase | undefined;
  let tickets: RunningTickets;
  /** A client of stripe-mock itself (not through the proxy), for its PaymentIntent fixtures. */
  let stripe: Stripe;
  const inventory = keepingInventory();

  beforeAll(async () => {
    const started = await startStripeMock(binary ?? '');
    mock = started.process;
    proxy = new RecordingProxy(started.url);
    await proxy.start();
    stripe = new Stripe(SECRET_KEY, { ...apiAddressOf(started.url), maxNetworkRetries: 0 });
    database = await embeddedTestDatabase('stripe_webhooks');
    const env = readTicketsEnv({
      TICKETS_PORT: '0',
      TICKETS_DATABASE_URL: database.url,
      LOG_LEVEL: 'silent',
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_API_URL: proxy.url,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      // The relay and sweeper stay out of the way: each test delivers what it needs itself.
      OUTBOX_RELAY_INTERVAL_MS: '60000',
    });
    const tokens = await createTestTokenIssuer();
    tickets = await startTickets({ env, overrides: { inventory, quotes: quoteFor(1), tokens: tokens.verifier } });
  }, 60_000);

  afterAll(async () => {
    await tickets?.stop();
    await database?.drop();
    await proxy?.stop();
    mock?.kill();
  });

  beforeEach(() => proxy.reset());

  /** A traveller's booking left waiting for 3-D Secure: Stripe answered the authorization requires_action. */
  async function awaitingCustomer(): Promise<{ bookingId: string; intentId: string }> {
    proxy.when(isCreate, { set: { status: 'requires_action' } });
    const refused = await tickets.bookings
      .book(traveller(), request('pm_card_threeDSecure2Required'), `r-${randomUUID()}`)
      .then(
        () => null,
        (error: { extensions?: Record<string, unknown> }) => error.extensions ?? null,
      );
    expect(refused).toMatchObject({ code: 'PAYMENT_ACTION_REQUIRED', provider: 'stripe' });
    const bookingId = String(refused?.['bookingId']);
    const payment = await tickets.prisma.payment.findUniqueOrThrow({ where: { bookingId } });
    expect(payment.status).toBe('REQUIRES_ACTION');
    proxy.reset();
    return { bookingId, intentId: payment.providerPaymentId ?? '' };
  }

  /** A Stripe event about the intent, as Stripe sends it: stripe-mock's fixture of it, with `fields` set. */
  async function eventAbout(type: string, intentId: string, fields: Record<string, unknown> = {}): Promise<string> {
    const intent = await stripe.paymentIntents.retrieve(intentId);
    return JSON.stringify({
      id: `evt_${randomUUID().replaceAll('-', '')}`,
      object: 'event',
      api_version: '2025-01-27.acacia',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      data: { object: { ...JSON.parse(JSON.stringify(intent)), ...fields } },
    });
  }

  const sign = (payload: string, secret = WEBHOOK_SECRET, timestamp?: number) =>
    Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });

  async function deliver(payload: string, signature: string | null = sign(payload)) {
    const response = await fetch(`${tickets.url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'stripe-signature': signature }) },
      body: payload,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** Everything a delivery could change about a booking: its row, tickets, payment, hold and outbox. */
  async function stateOf(bookingId: string) {
    const booking = await tickets.prisma.booking.findUniqueOrThrow({
      where: { id: bookingId },
      include: { tickets: true, payment: true },
    });
    const outbox = await tickets.prisma.outboxMessage.findMany({ select: { kind: true, payload: true } });
    return {
      status: booking.status,
      failureCode: booking.failureCode,
      tickets: booking.tickets.map((t) => t.id).sort(),
      payment: booking.payment && {
        status: booking.payment.status,
        capturedMinor: booking.payment.capturedMinor,
        declineCode: booking.payment.declineCode,
        updatedAt: booking.payment.updatedAt.toISOString(),
      },
      hold: inventory.holds.get(bookingId),
      outbox: outbox.filter((row) => JSON.stringify(row.payload).includes(bookingId)).map((row) => row.kind),
    };
  }

  it('finishes a booking whose customer passed 3-D Secure, and a replayed event changes nothing', async () => {
    const { bookingId, intentId } = await awaitingCustomer();
    const payload = await eventAbout('payment_intent.amount_capturable_updated', intentId, {
      status: 'requires_capture',
      amount_capturable: FARE,
    });
    // Stripe's answers after the customer authenticated: the intent awaits capture, then is captured.
    proxy.when(isRetrieve, { set: { status: 'requires_capture' } });
    proxy.when(isCapture, { set: { status: 'succeeded', amount_received: FARE } });

    expect(await deliver(payload)).toEqual({ status: 200, body: { received: true } });
    // The hold confirmed and the payment captured after the booking's commit (step 6).
    await tickets.afterCommit.settled();
    const metrics = await (await fetch(`${tickets.url}/metrics`)).text();
    expect(metrics).toMatch(/^tickets_after_commit_in_flight{service="tickets"} 0$/m);
    const confirmed = await stateOf(bookingId);
    expect(confirmed).toMatchObject({
      status: 'CONFIRMED',
      payment: { status: 'CAPTURED', capturedMinor: FARE },
      hold: 'CONFIRMED',
      outbox: [],
    });
    expect(confirmed.tickets).toHaveLength(1);
    expect(proxy.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v1/payment_intents/${intentId}`,
      `POST /v1/payment_intents/${intentId}/capture`,
    ]);

    // Stripe delivers an event again when it missed the answer (each time signed anew).
    proxy.reset();
    expect(await deliver(payload)).toEqual({ status: 200, body: { received: true } });
    // Then the capture's own event: already recorded.
    const captured = await eventAbout('payment_intent.succeeded', intentId, {
      status: 'succeeded',
      amount_received: FARE,
    });
    expect((await deliver(captured)).status).toBe(200);
    // Nothing left to run after them either.
    await tickets.afterCommit.settled();
    expect(await stateOf(bookingId)).toEqual(confirmed);
    expect(proxy.requests).toEqual([]);
  });

  it('refuses a missing, foreign, stale or altered signature with 400, and changes nothing', async () => {
    const { bookingId, intentId } = await awaitingCustomer();
    const before = await stateOf(bookingId);
    const payload = await eventAbout('payment_intent.amount_capturable_updated', intentId, {
      status: 'requires_capture',
    });
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const refused = [
      await deliver(payload, null),
      await deliver(payload, ''),
      await deliver(payload, sign(payload, 'whsec_someone_else')),
      await deliver(payload, sign(payload, WEBHOOK_SECRET, tenMinutesAgo)),
      await deliver(payload.replace('"livemode":false', '"livemode":true'), sign(payload)),
      await deliver('not json at all', sign('not json at all')),
    ];
    expect(refused.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400]);
    expect(refused[0]?.body).toEqual({ error: 'invalid_signature' });
    expect(await stateOf(bookingId)).toEqual(before);
    expect(before).toMatchObject({ status: 'PENDING', payment: { status: 'REQUIRES_ACTION' }, hold: 'HELD' });
    expect(proxy.requests).toEqual([]);
  });

  it('fails the booking and releases its seats when the customer failed 3-D Secure', async () => {
    const { bookingId, intentId } = await awaitingCustomer();
    const failure = {
      status: 'requires_payment_method',
      last_payment_error: {
        type: 'invalid_request_error',
        code: 'payment_intent_authentication_failure',
        message: 'We are unable to authenticate your payment method.',
      },
    };
    const payload = await eventAbout('payment_intent.payment_failed', intentId, failure);
    // Stripe's intent after a failed challenge: back to requires_payment_method, with the reason.
    proxy.when(isRetrieve, { set: failure });

    expect((await deliver(payload)).status).toBe(200);
    const failed = await stateOf(bookingId);
    expect(failed).toMatchObject({
      status: 'FAILED',
      failureCode: 'PAYMENT_DECLINED',
      tickets: [],
      payment: { status: 'FAILED', capturedMinor: 0, declineCode: 'authentication_required' },
      hold: 'RELEASED',
      outbox: [],
    });
    proxy.reset();
    expect((await deliver(payload)).status).toBe(200);
    expect(await stateOf(bookingId)).toEqual(failed);
    expect(proxy.requests).toEqual([]);
  });

  it('fails the booking and releases its seats when Stripe canceled the payment', async () => {
    const { bookingId, intentId } = await awaitingCustomer();
    const payload = await eventAbout('payment_intent.canceled', intentId, { status: 'canceled' });
    proxy.when(isRetrieve, { set: { status: 'canceled' } });

    expect((await deliver(payload)).status).toBe(200);
    expect(await stateOf(bookingId)).toMatchObject({
      status: 'FAILED',
      failureCode: 'PAYMENT_DECLINED',
      tickets: [],
      payment: { status: 'VOIDED', capturedMinor: 0 },
      hold: 'RELEASED',
    });
  });

  it('records a capture Stripe reports before the relay heard of it', async () => {
    const { bookingId, intentId } = await awaitingCustomer();
    // The booking is confirmed, but the capture's answer is lost: Stripe refuses the capture as
    // if it were under way elsewhere (the proxy answers Stripe's error) and the intent still reads
    // requires_capture, so CAPTURE_PAYMENT stays in the outbox.
    proxy.when(isRetrieve, { set: { status: 'requires_capture' } });
    proxy.when(isCapture, {
      answer: {
        status: 400,
        body: { error: { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: 'busy' } },
      },
    });
    proxy.when(isRetrieve, { set: { status: 'requires_capture' } });
    const authorized = await eventAbout('payment_intent.amount_capturable_updated', intentId, {
      status: 'requires_capture',
    });
    expect((await deliver(authorized)).status).toBe(200);
    // The hold confirmed and the capture tried, and refused, after the booking's commit (step 6).
    await tickets.afterCommit.settled();
    expect(await stateOf(bookingId)).toMatchObject({
      status: 'CONFIRMED',
      payment: { status: 'AUTHORIZED', capturedMinor: 0 },
      outbox: ['CAPTURE_PAYMENT'],
    });

    proxy.reset();
    const captured = await eventAbout('payment_intent.succeeded', intentId, {
      status: 'succeeded',
      amount_received: FARE,
    });
    expect((await deliver(captured)).status).toBe(200);
    const recorded = await stateOf(bookingId);
    expect(recorded).toMatchObject({ status: 'CONFIRMED', payment: { status: 'CAPTURED', capturedMinor: FARE } });
    expect((await deliver(captured)).status).toBe(200);
    expect(await stateOf(bookingId)).toEqual(recorded);
    expect(proxy.requests).toEqual([]);
  });

  it('acknowledges events about payments it does not know and types it does not act on', async () => {
    const counts = async () => ({
      bookings: await tickets.prisma.booking.count(),
      payments: await tickets.prisma.payment.findMany({ orderBy: { bookingId: 'asc' } }),
      outbox: await tickets.prisma.outboxMessage.count(),
    });
    const before = await counts();
    const unknownIntent = await eventAbout('payment_intent.amount_capturable_updated', 'pi_not_railgraphs', {
      status: 'requires_capture',
    });
    const unknownCapture = await eventAbout('payment_intent.succeeded', 'pi_not_railgraphs', {
      status: 'succeeded',
      amount_received: FARE,
    });
    const otherType = JSON.stringify({
      id: 'evt_customer',
      object: 'event',
      type: 'customer.created',
      data: { object: { id: 'cus_1', object: 'customer' } },
    });
    proxy.reset();
    for (const payload of [unknownIntent, unknownCapture, otherType]) {
      expect(await deliver(payload)).toEqual({ status: 200, body: { received: true } });
    }
    expect(await counts()).toEqual(before);
    expect(proxy.requests).toEqual([]);
  });
});
