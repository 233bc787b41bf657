import type { Express } from 'express';
import type { Logger } from '@railgraph/service-kit';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import type { BookingOwner } from '../booking/owner.js';
import type { PaymentSettings } from '../env.js';
import type { PaymentProvider } from './provider.js';
import { createSandboxProvider } from './sandbox.js';

export type { PaymentProvider, PaymentProviderName, ProviderPaymentState } from './provider.js';
export { PaymentProviderUnavailable } from './provider.js';
export { createSandboxProvider, type SandboxProvider } from './sandbox.js';

export interface PaymentProviderDeps {
  /** Tickets' database: the sandbox keeps its payments there. */
  prisma: PrismaClient;
  log: Logger;
}

/** The provider `PAYMENT_PROVIDER` names (docs/design.md §4): the embedded sandbox, or Stripe. */
export async function createPaymentProvider(
  settings: PaymentSettings,
  deps: PaymentProviderDeps,
): Promise<PaymentProvider> {
  switch (settings.provider) {
    case 'sandbox':
      deps.log.info('payments: embedded sandbox provider (Stripe test methods, no money moves)');
      return createSandboxProvider(deps.prisma);
    case 'stripe': {
      // Loaded only when Stripe is chosen, so the sandbox never pulls in the Stripe SDK.
      const { createStripeProvider } = await import('./stripe/index.js');
      return createStripeProvider(settings.stripe);
    }
  }
}

export interface PaymentWebhookDeps extends PaymentProviderDeps {
  /** `Bookings.completePayment`: what an event telling that the customer finished 3-D Secure does. */
  completePayment(owner: BookingOwner, bookingId: string, requestId: string): Promise<unknown>;
  /** Told of each delivery's outcome (for a metric). */
  onOutcome?: (outcome: string) => void;
}

/**
 * The provider's webhook route, to mount on tickets' HTTP app: Stripe's `POST /webhooks/stripe`
 * when `PAYMENT_PROVIDER=stripe` and `STRIPE_WEBHOOK_SECRET` is set; none for the sandbox, whose
 * 3-D Secure answer arrives through `authenticateSandboxPayment`. Without the secret Stripe's
 * events cannot be verified, so none is taken: bookings still finish through
 * `completeBookingPayment` and the expiry sweeper.
 */
export async function createPaymentWebhooks(
  settings: PaymentSettings,
  deps: PaymentWebhookDeps,
): Promise<((app: Express) => void) | null> {
  if (settings.provider !== 'stripe') return null;
  const secret = settings.stripe.webhookSecret;
  if (!secret) {
    deps.log.warn('STRIPE_WEBHOOK_SECRET is not set: POST /webhooks/stripe is not served');
    return null;
  }
  const { handleStripeEvent, mountStripeWebhook } = await import('./stripe/index.js');
  return (app) =>
    mountStripeWebhook(app, {
      secret,
      log: deps.log,
      handle: (event, requestId) => handleStripeEvent(deps, event, requestId),
      ...(deps.onOutcome ? { onOutcome: deps.onOutcome } : {}),
    });
}
