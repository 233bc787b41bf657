/** The Stripe payment provider (`PAYMENT_PROVIDER=stripe`) and its webhook signature check. */
export { createStripeProvider } from './provider.js';
export { apiAddressOf, type StripeClientSettings } from './client.js';
export { declineOf, isTransient, StripePaymentStateError } from './errors.js';
export { paymentStateOf } from './state.js';
export { StripeWebhookSignatureInvalid, verifyStripeWebhook } from './webhook.js';
export { handleStripeEvent, type StripeEventDeps, type StripeEventOutcome } from './webhook-events.js';
export { mountStripeWebhook, STRIPE_WEBHOOK_PATH, type StripeWebhookOutcome } from './webhook-endpoint.js';
