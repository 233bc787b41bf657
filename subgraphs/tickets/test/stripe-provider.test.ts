import type { ChildProcess } from 'node:child_process';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PaymentProviderUnavailable, type PaymentProvider } from '../src/payments/provider.js';
import {
  apiAddressOf,
  createStripeProvider,
  declineOf,
  isTransient,
  paymentStateOf,
  StripePaymentStateError,
  StripeWebhookSignatureInvalid,
  verifyStripeWebhook,
} from '../src/payments/stripe/index.js';
import { RecordingProxy, SECRET_KEY, startStripeMock, stripeMockBinary, type Recorded } from './stripe-mock.js';

/*
 * The Stripe provider against stripe-mock, through the recording proxy of `stripe-mock.ts`
 * (which says what stripe-mock does and does not do, and what the proxy adds).
 */

const binary = stripeMockBinary();

const authorizeRequest = {
  idempotencyKey: 'bk_7f3a',
  amountMinor: 4250,
  currency: 'GBP',
  method: 'pm_card_visa',
  description: 'Railgraph booking bk_7f3a',
  metadata: { bookingId: 'bk_7f3a', owner: 'user_42' },
};

const isCreate = (r: Recorded) => r.method === 'POST' && r.path === '/v1/payment_intents';
const isCapture = (r: Recorded) => r.method === 'POST' && r.path.endsWith('/capture');
const isCancel = (r: Recorded) => r.method === 'POST' && r.path.endsWith('/cancel');
const isRetrieve = (r: Recorded) => r.method === 'GET' && r.path.startsWith('/v1/payment_intents/');

/** Stripe's answer to an operation the PaymentIntent's status does not allow (stripe-mock keeps no status to refuse with). */
const unexpectedState = (message: string) => ({
  answer: {
    status: 400,
    body: { error: { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message } },
  },
});

describe.skipIf(!binary)('Stripe provider against stripe-mock', () => {
  let mock: ChildProcess | undefined;
  let proxy: RecordingProxy;
  let provider: PaymentProvider;

  beforeAll(async () => {
    const started = await startStripeMock(binary ?? '');
    mock = started.process;
    proxy = new RecordingProxy(started.url);
    await proxy.start();
    provider = createStripeProvider({ secretKey: SECRET_KEY, apiUrl: proxy.url, maxNetworkRetries: 0 });
  });

  afterAll(async () => {
    await proxy?.stop();
    mock?.kill();
  });

  beforeEach(() => proxy.reset());

  it('authorizes: a confirmed, manually captured card PaymentIntent for the quoted amount', async () => {
    // Stripe answers requires_capture once the card's bank reserved the amount; stripe-mock
    // answers its fixture's status, so the proxy sets that one field.
    proxy.when(isCreate, { set: { status: 'requires_capture' } });
    const state = await provider.authorize(authorizeRequest);

    expect(state).toEqual({ status: 'AUTHORIZED', paymentId: expect.stringMatching(/^pi_/), method: 'pm_card_visa' });
    const [sent] = proxy.requests;
    expect(sent?.path).toBe('/v1/payment_intents');
    expect(sent?.authorization).toBe(`Bearer ${SECRET_KEY}`);
    expect(sent?.idempotencyKey).toBe('railgraph-authorize-bk_7f3a');
    expect(Object.fromEntries(sent?.params ?? [])).toMatchObject({
      amount: '4250',
      currency: 'gbp',
      payment_method: 'pm_card_visa',
      'allowed_payment_method_types[0]': 'card',
      capture_method: 'manual',
      confirm: 'true',
      description: 'Railgraph booking bk_7f3a',
      'metadata[bookingId]': 'bk_7f3a',
      'metadata[owner]': 'user_42',
      'expand[0]': 'latest_charge',
    });
  });

  it('sends requests stripe-mock accepts as valid against Stripe’s API spec', async () => {
    // Unchanged answers: stripe-mock's fixture status (requires_payment_method) reads as a
    // refusal, which is beside the point here; a parameter the spec does not know would be a
    // 400, and the provider would throw instead.
    await expect(provider.authorize(authorizeRequest)).resolves.toMatchObject({ status: 'DECLINED' });
    await expect(provider.retrieve('pi_spec')).resolves.toMatchObject({ paymentId: 'pi_spec' });
    expect(proxy.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/payment_intents',
      'GET /v1/payment_intents/pi_spec',
    ]);
  });

  it('a payment needing 3-D Secure comes back with the client secret the browser needs', async () => {
    proxy.when(isCreate, { set: { status: 'requires_action' } });
    const state = await provider.authorize({ ...authorizeRequest, method: 'pm_card_threeDSecure2Required' });
    // The client secret is stripe-mock's fixture's, as Stripe gives one to the creator of the intent.
    expect(state).toEqual({
      status: 'REQUIRES_ACTION',
      paymentId: expect.stringMatching(/^pi_/),
      method: 'pm_card_threeDSecure2Required',
      clientSecret: expect.stringMatching(/^pi_\w+_secret_\w+$/),
    });
  });

  it('captures, with the captured and refunded amounts from the expanded charge', async () => {
    proxy.when(isCapture, { set: { status: 'succeeded', amount_received: 4250 } });
    const state = await provider.capture('pi_capture', 'capture-bk_7f3a');

    // amount_refunded is stripe-mock's charge fixture's (0): the charge was expanded for real.
    expect(state).toEqual({
      status: 'CAPTURED',
      paymentId: 'pi_capture',
      method: expect.any(String),
      capturedMinor: 4250,
      refundedMinor: 0,
    });
    const [sent] = proxy.requests;
    expect(sent?.path).toBe('/v1/payment_intents/pi_capture/capture');
    expect(sent?.idempotencyKey).toBe('railgraph-capture-capture-bk_7f3a');
    expect(sent?.params.get('expand[0]')).toBe('latest_charge');
  });

  it('capturing a captured payment returns it as it is', async () => {
    // Stripe's answer to a second capture (stripe-mock has no state to refuse it with), then
    // the payment read again, as Stripe would have it.
    proxy.when(
      isCapture,
      unexpectedState('This PaymentIntent could not be captured because it has a status of succeeded.'),
    );
    proxy.when(isRetrieve, { set: { status: 'succeeded', amount_received: 4250 } });
    const state = await provider.capture('pi_twice', 'capture-again');
    expect(state).toMatchObject({ status: 'CAPTURED', paymentId: 'pi_twice', capturedMinor: 4250 });
    expect(proxy.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/payment_intents/pi_twice/capture',
      'GET /v1/payment_intents/pi_twice',
    ]);
  });

  it('refuses to capture a payment Stripe canceled', async () => {
    proxy.when(isCapture, { set: { status: 'canceled' } });
    await expect(provider.capture('pi_gone', 'capture-gone')).rejects.toBeInstanceOf(StripePaymentStateError);
  });

  it('voids: cancels the PaymentIntent, and a canceled one stays voided', async () => {
    proxy.when(isCancel, { set: { status: 'canceled' } });
    await expect(provider.void('pi_void', 'void-bk_7f3a')).resolves.toEqual({
      status: 'VOIDED',
      paymentId: 'pi_void',
      method: expect.any(String),
    });
    expect(proxy.requests[0]?.path).toBe('/v1/payment_intents/pi_void/cancel');
    expect(proxy.requests[0]?.idempotencyKey).toBe('railgraph-void-void-bk_7f3a');

    // Canceling it again: Stripe refuses (the proxy gives Stripe's error), the provider reads it: voided.
    proxy.reset();
    proxy.when(isCancel, unexpectedState('already canceled'));
    proxy.when(isRetrieve, { set: { status: 'canceled' } });
    await expect(provider.void('pi_void', 'void-again')).resolves.toMatchObject({
      status: 'VOIDED',
      paymentId: 'pi_void',
    });
  });

  it('refunds part of a payment: stripe-mock creates the refund for the amount asked', async () => {
    const refund = await provider.refund('pi_refund', 1500, 'refund-tk_1');
    // Real stripe-mock answers: a refund id, and the amount reflected from the request.
    expect(refund).toEqual({ refundId: expect.stringMatching(/^re_/), amountMinor: 1500 });
    const [sent] = proxy.requests;
    expect(sent?.path).toBe('/v1/refunds');
    expect(sent?.idempotencyKey).toBe('railgraph-refund-refund-tk_1');
    expect(Object.fromEntries(sent?.params ?? [])).toEqual({ payment_intent: 'pi_refund', amount: '1500' });
    await expect(provider.refund('pi_refund', 0, 'refund-zero')).rejects.toThrow(RangeError);
  });

  it('a refund beyond what is left is refused as a state error, not retried', async () => {
    proxy.when((r) => r.path === '/v1/refunds', {
      answer: {
        status: 400,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'amount_too_large',
            message: 'Refund amount (£50.00) is greater than unrefunded amount on charge (£42.50)',
            param: 'amount',
          },
        },
      },
    });
    await expect(provider.refund('pi_refund', 5000, 'refund-too-much')).rejects.toBeInstanceOf(StripePaymentStateError);
  });

  it('the same booking sends the same idempotency key, and a replayed answer is read again', async () => {
    // stripe-mock does not replay idempotent requests (each create gets a new id): what can be
    // checked is that a retry carries the same key, which is what makes Stripe answer the same intent.
    await provider.authorize(authorizeRequest).catch(() => undefined);
    await provider.authorize(authorizeRequest).catch(() => undefined);
    expect(proxy.requests.map((r) => r.idempotencyKey)).toEqual([
      'railgraph-authorize-bk_7f3a',
      'railgraph-authorize-bk_7f3a',
    ]);

    // Stripe's replay (Idempotent-Replayed: true) is the first answer, possibly stale (here the
    // payment was captured since): the provider reads the intent again and answers that.
    proxy.reset();
    proxy.when(isCreate, { set: { status: 'requires_capture' }, headers: { 'idempotent-replayed': 'true' } });
    proxy.when(isRetrieve, { set: { status: 'succeeded', amount_received: 4250 } });
    const state = await provider.authorize(authorizeRequest);
    expect(state).toMatchObject({ status: 'CAPTURED', capturedMinor: 4250, refundedMinor: 0 });
    const [created, read] = proxy.requests;
    expect(read?.path).toBe(`/v1/payment_intents/${state.paymentId ?? ''}`);
    expect(created?.idempotencyKey).toBe('railgraph-authorize-bk_7f3a');
  });

  it('a card decline, as Stripe sends it (402 card_error), is DECLINED with the decline code', async () => {
    // stripe-mock does not decline cards: the proxy answers Stripe's 402 for pm_card_chargeDeclined.
    proxy.when(isCreate, {
      answer: {
        status: 402,
        body: {
          error: {
            type: 'card_error',
            code: 'card_declined',
            decline_code: 'generic_decline',
            message: 'Your card was declined.',
            payment_intent: { id: 'pi_declined', object: 'payment_intent', status: 'requires_payment_method' },
          },
        },
      },
    });
    await expect(provider.authorize({ ...authorizeRequest, method: 'pm_card_chargeDeclined' })).resolves.toEqual({
      status: 'DECLINED',
      paymentId: 'pi_declined',
      method: 'pm_card_chargeDeclined',
      declineCode: 'generic_decline',
      message: expect.stringContaining('Your card was declined.'),
    });
  });

  it('an unknown payment method is a decline with invalid_payment_method', async () => {
    // Stripe's answer for a pm_ id it does not know (stripe-mock accepts any id).
    proxy.when(isCreate, {
      answer: {
        status: 400,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'resource_missing',
            param: 'payment_method',
            message: "No such PaymentMethod: 'pm_nope'",
          },
        },
      },
    });
    await expect(provider.authorize({ ...authorizeRequest, method: 'pm_nope' })).resolves.toMatchObject({
      status: 'DECLINED',
      paymentId: null,
      declineCode: 'invalid_payment_method',
    });
  });

  it('Stripe failing on its side (500) is PaymentProviderUnavailable, never a decline', async () => {
    proxy.when(isCreate, {
      answer: { status: 500, body: { error: { type: 'api_error', message: 'An unknown error occurred' } } },
    });
    await expect(provider.authorize(authorizeRequest)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
  });
});

describe('Stripe provider without stripe-mock', () => {
  it('nothing listening is PaymentProviderUnavailable', async () => {
    // Port 9 (discard): nothing listens there on a test machine.
    const offline = createStripeProvider({ secretKey: SECRET_KEY, apiUrl: 'http://127.0.0.1:9', maxNetworkRetries: 0 });
    await expect(offline.authorize(authorizeRequest)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
    await expect(offline.retrieve('pi_x')).rejects.toBeInstanceOf(PaymentProviderUnavailable);
  });

  it('maps card errors to declines (constructed here: stripe-mock never declines)', () => {
    const insufficient = new Stripe.errors.StripeCardError({
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    });
    expect(declineOf(insufficient, 'pm_card_visa_chargeDeclinedInsufficientFunds')).toEqual({
      status: 'DECLINED',
      paymentId: null,
      method: 'pm_card_visa_chargeDeclinedInsufficientFunds',
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
    });
    // No issuer reason: Stripe's code stands for it (expired_card, incorrect_cvc, ...).
    const expired = new Stripe.errors.StripeCardError({ type: 'card_error', code: 'expired_card', message: 'expired' });
    expect(declineOf(expired, 'pm_card_visa')).toMatchObject({ declineCode: 'expired_card' });
    // Errors that are no decline stay errors.
    expect(declineOf(new Stripe.errors.StripeAPIError({ message: 'boom' }), 'pm_card_visa')).toBeNull();
    expect(declineOf(new Error('boom'), 'pm_card_visa')).toBeNull();
  });

  it('tells transient errors (retry later) from the rest', () => {
    expect(isTransient(new Stripe.errors.StripeConnectionError({ message: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(new Stripe.errors.StripeRateLimitError({ message: 'slow down' }))).toBe(true);
    expect(isTransient(new Stripe.errors.StripeAPIError({ message: 'oops' }))).toBe(true);
    expect(isTransient(new Stripe.errors.StripeCardError({ message: 'declined' }))).toBe(false);
    expect(isTransient(new Stripe.errors.StripeInvalidRequestError({ message: 'bad' }))).toBe(false);
    expect(isTransient(new TypeError('bug'))).toBe(false);
  });

  it('a 3-D Secure challenge the customer refused reads as authentication_required', () => {
    const intent = {
      id: 'pi_3ds',
      object: 'payment_intent',
      status: 'requires_payment_method',
      payment_method: null,
      client_secret: 'pi_3ds_secret_x',
      latest_charge: null,
      amount_received: 0,
      last_payment_error: {
        type: 'invalid_request_error',
        code: 'payment_intent_authentication_failure',
        message: 'We are unable to authenticate your payment method.',
        payment_method: { id: 'pm_card_threeDSecure2Required' },
      },
    } as unknown as Stripe.PaymentIntent;
    expect(paymentStateOf(intent, 'pm_card_threeDSecure2Required')).toEqual({
      status: 'DECLINED',
      paymentId: 'pi_3ds',
      method: 'pm_card_threeDSecure2Required',
      declineCode: 'authentication_required',
      message: 'We are unable to authenticate your payment method.',
    });
    expect(() => paymentStateOf({ ...intent, status: 'processing' }, 'pm_card_visa')).toThrow(
      PaymentProviderUnavailable,
    );
  });

  it('takes the API base URL apart for the SDK, refusing what it would silently drop', () => {
    expect(apiAddressOf('http://127.0.0.1:12111')).toEqual({ host: '127.0.0.1', port: 12111, protocol: 'http' });
    expect(apiAddressOf('https://api.stripe.com')).toEqual({ host: 'api.stripe.com', port: 443, protocol: 'https' });
    expect(apiAddressOf('http://[::1]:12111/')).toEqual({ host: '::1', port: 12111, protocol: 'http' });
    expect(() => apiAddressOf('http://mock:12111/stripe')).toThrow(/bare origin/);
    expect(() => apiAddressOf('ftp://mock')).toThrow(/http/);
    expect(() => createStripeProvider({ secretKey: '' })).toThrow(/STRIPE_SECRET_KEY/);
  });
});

describe('Stripe webhook signatures', () => {
  const secret = 'whsec_railgraph_test_secret';
  const payload = JSON.stringify({
    id: 'evt_1',
    object: 'event',
    type: 'payment_intent.succeeded',
    data: { object: { id: 'pi_1', object: 'payment_intent' } },
  });

  it('accepts a payload signed with the endpoint secret', () => {
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    const event = verifyStripeWebhook(payload, signature, secret);
    expect(event).toMatchObject({ id: 'evt_1', type: 'payment_intent.succeeded' });
    expect(verifyStripeWebhook(Buffer.from(payload), signature, secret).id).toBe('evt_1');
  });

  it('refuses another secret, an altered body, an old signature and a missing header', () => {
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
    expect(() => verifyStripeWebhook(payload, signature, 'whsec_someone_else')).toThrow(StripeWebhookSignatureInvalid);
    expect(() => verifyStripeWebhook(payload.replace('pi_1', 'pi_2'), signature, secret)).toThrow(
      StripeWebhookSignatureInvalid,
    );
    const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
    const old = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: tenMinutesAgo });
    expect(() => verifyStripeWebhook(payload, old, secret)).toThrow(StripeWebhookSignatureInvalid);
    expect(() => verifyStripeWebhook(payload, undefined, secret)).toThrow(StripeWebhookSignatureInvalid);
    expect(() => verifyStripeWebhook(payload, 'not a signature', secret)).toThrow(StripeWebhookSignatureInvalid);
  });
});
