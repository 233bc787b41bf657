/** The Stripe payment provider (`PAYMENT_PROVIDER=stripe`) and its webhook signature check. */
export { createStripeProvider } from './provider.js';
export { apiAddressOf, type StripeClientSettings } from './client.js';
export { declineOf, isTransient, StripePaymentStateError } from './errors.js';
export { paymentStateOf } from './state.js';
export { StripeWebhookSignatureInvalid, verifyStripeWebhook } from './webhook.js';
