import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import type Stripe from 'stripe';
import type { Logger } from '@railgraph/service-kit';
import type { StripeEventOutcome } from './webhook-events.js';
import { verifyStripeWebhook } from './webhook.js';

/** Where Stripe delivers events; register `https://<tickets' public address>/webhooks/stripe` at Stripe. */
export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';

/** Stripe's events are a few kilobytes; anything much larger is not one. */
const BODY_LIMIT = '256kb';

/** A delivery's outcome as the endpoint counts it. */
export type StripeWebhookOutcome = StripeEventOutcome | 'invalid_signature' | 'unreadable_body' | 'failed';

export interface StripeWebhookEndpointDeps {
  /** The endpoint's signing secret (`whsec_...`, STRIPE_WEBHOOK_SECRET). */
  secret: string;
  /** Acts on a verified event; a throw answers 503, and Stripe delivers the event again later. */
  handle(event: Stripe.Event, requestId: string): Promise<StripeEventOutcome>;
  log: Logger;
  /** Told of every delivery's outcome, refused (`invalid_signature`, `unreadable_body`) and failed ones included. */
  onOutcome?: (outcome: StripeWebhookOutcome) => void;
}

/**
 * `POST /webhooks/stripe`. The body is read raw, since the `Stripe-Signature` header signs its
 * exact bytes; a request it does not prove came from Stripe (no header, another secret, an
 * altered body, a signature older than five minutes) is answered 400 before anything is read
 * or written. A verified event is acknowledged with 200 once acted on or found to need nothing.
 */
export function mountStripeWebhook(app: Express, deps: StripeWebhookEndpointDeps): void {
  app.post(
    STRIPE_WEBHOOK_PATH,
    // Any content type: the signature, not the header, says what the body is.
    express.raw({ type: () => true, limit: BODY_LIMIT }),
    async (req: Request, res: Response) => {
      const log = (res.locals['log'] as Logger | undefined) ?? deps.log;
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let event: Stripe.Event;
      try {
        event = verifyStripeWebhook(body, req.headers['stripe-signature'], deps.secret);
      } catch (error) {
        // A bad signature, or a signed body that is not an event: either way nothing to act on.
        log.warn({ reason: error instanceof Error ? error.message : String(error) }, 'stripe webhook refused');
        deps.onOutcome?.('invalid_signature');
        res.status(400).json({ error: 'invalid_signature' });
        return;
      }
      try {
        const requestId = (res.locals['requestId'] as string | undefined) ?? event.id;
        const outcome = await deps.handle(event, requestId);
        deps.onOutcome?.(outcome);
        res.status(200).json({ received: true });
      } catch (error) {
        log.error({ err: error, stripeEventId: event.id, stripeEventType: event.type }, 'stripe webhook failed');
        deps.onOutcome?.('failed');
        res.status(503).json({ error: 'retry_later' });
      }
    },
  );
  // A body the raw parser refuses (too large, cut short) is answered as a refusal, not an HTML page.
  app.use(STRIPE_WEBHOOK_PATH, ((error: { status?: number }, _req, res, next) => {
    if (res.headersSent) return next(error);
    deps.onOutcome?.('unreadable_body');
    res.status(typeof error.status === 'number' && error.status < 500 ? error.status : 400).json({
      error: 'unreadable_body',
    });
  }) as ErrorRequestHandler);
}
