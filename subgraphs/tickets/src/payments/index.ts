import type { Logger } from '@railgraph/service-kit';
import type { PrismaClient } from '../__generated__/prisma/client.js';
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
