import {
  DEFAULT_PORTS,
  defaultUrl,
  envFields,
  operationLimitEnvFields,
  operationLimitsOf,
  parseEnv,
  z,
} from '@railgraph/service-kit';
import path from 'node:path';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@railgraph/auth';

export const ticketsEnvSchema = z
  .object({
    TICKETS_HOST: envFields.host(),
    TICKETS_PORT: envFields.port(DEFAULT_PORTS.tickets),
    TICKETS_DATABASE_URL: envFields.databaseUrl(),
    DATA_DIR: envFields.dataDir('.data'),
    LOG_LEVEL: envFields.logLevel(),
    NODE_ENV: envFields.nodeEnv(),
    ...operationLimitEnvFields,
    INVENTORY_URL: envFields.url().default(defaultUrl('inventory', '/graphql')),
    USERS_JWKS_URL: envFields.url().default(defaultUrl('users', '/.well-known/jwks.json')),
    PRICES_JWKS_URL: envFields.url().default(defaultUrl('prices', '/.well-known/jwks.json')),
    TOKEN_ISSUER: z.string().min(1).default(ACCESS_TOKEN_ISSUER),
    TOKEN_AUDIENCE: z.string().min(1).default(ACCESS_TOKEN_AUDIENCE),
    HOLD_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
    OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
    // The queue at a rush (docs/design.md §4): sagas in flight at once, requests waiting for
    // one of them and how long each may wait, and how long a SOLD_OUT answers for others (0: never).
    BOOKING_CONCURRENCY: z.coerce.number().int().min(1).max(1_024).default(256),
    BOOKING_QUEUE_LIMIT: z.coerce.number().int().min(0).max(100_000).default(1_000),
    BOOKING_QUEUE_WAIT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    BOOKING_SOLD_OUT_MEMO_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
    // Tickets' own OAuth client at users, for inventory's internal operations (contracts).
    USERS_TOKEN_URL: envFields.url().default(defaultUrl('users', '/oauth/token')),
    TICKETS_CLIENT_ID: z.string().min(1).default('tickets'),
    TICKETS_CLIENT_SECRET: z.string().min(16).max(128).optional(),
    // Who takes the card payments (docs/design.md §4): the embedded sandbox (Stripe test mode's
    // behaviour, state in tickets' database) unless told to use Stripe.
    PAYMENT_PROVIDER: z.enum(['sandbox', 'stripe']).default('sandbox'),
    STRIPE_SECRET_KEY: z.string().min(1).optional(),
    // Stripe's API base URL, for stripe-mock; Stripe's own when unset.
    STRIPE_API_URL: envFields.url().optional(),
    STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    // Confirmation emails (docs/design.md §12): travellers' addresses from users
    // (`users:contacts`), stations and trains from trains; sent over SMTP when SMTP_URL is set,
    // else written as .eml files to MAIL_DIR (DATA_DIR/mail by default).
    USERS_URL: envFields.url().default(defaultUrl('users', '/graphql')),
    TRAINS_URL: envFields.url().default(defaultUrl('trains', '/graphql')),
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    MAIL_FROM: z
      .string()
      .max(200)
      .regex(
        /^[^\r\n@<>]*<?[^\s<>@]+@([A-Za-z0-9-]+\.)*[A-Za-z0-9-]+>?$/,
        'an address, e.g. Railgraph <tickets@example.com>',
      )
      .default('Railgraph <tickets@railgraph.local>'),
    MAIL_DIR: z.string().min(1).optional(),
    // Days a settled email keeps its recipient's address (the outcome itself is kept).
    MAIL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  })
  .superRefine((env, ctx) => {
    if (env.PAYMENT_PROVIDER === 'stripe' && !env.STRIPE_SECRET_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['STRIPE_SECRET_KEY'],
        message: 'STRIPE_SECRET_KEY is required with PAYMENT_PROVIDER=stripe',
      });
    }
  })
  .transform((env) => ({
    host: env.TICKETS_HOST,
    port: env.TICKETS_PORT,
    logLevel: env.LOG_LEVEL,
    nodeEnv: env.NODE_ENV,
    operationLimits: operationLimitsOf(env),
    database: { url: env.TICKETS_DATABASE_URL, embedded: { dataDir: env.DATA_DIR, name: 'tickets' } },
    inventoryUrl: env.INVENTORY_URL,
    serviceClient: env.TICKETS_CLIENT_SECRET
      ? { tokenUrl: env.USERS_TOKEN_URL, clientId: env.TICKETS_CLIENT_ID, clientSecret: env.TICKETS_CLIENT_SECRET }
      : null,
    auth: { jwksUrl: env.USERS_JWKS_URL, issuer: env.TOKEN_ISSUER, audience: env.TOKEN_AUDIENCE },
    pricesJwksUrl: env.PRICES_JWKS_URL,
    payments: paymentSettingsOf(env),
    mail: mailSettingsOf(env),
    holdTtlSeconds: env.HOLD_TTL_SECONDS,
    relayIntervalMs: env.OUTBOX_RELAY_INTERVAL_MS,
    bookingQueue: {
      concurrency: env.BOOKING_CONCURRENCY,
      queueLimit: env.BOOKING_QUEUE_LIMIT,
      maxWaitMs: env.BOOKING_QUEUE_WAIT_MS,
      soldOutMemoMs: env.BOOKING_SOLD_OUT_MEMO_MS,
    },
  }));

/** Which provider takes payments, and Stripe's settings when it is Stripe. */
export type PaymentSettings =
  | { provider: 'sandbox' }
  | { provider: 'stripe'; stripe: { secretKey: string; apiUrl?: string; webhookSecret?: string } };

function paymentSettingsOf(env: {
  PAYMENT_PROVIDER: 'sandbox' | 'stripe';
  STRIPE_SECRET_KEY?: string | undefined;
  STRIPE_API_URL?: string | undefined;
  STRIPE_WEBHOOK_SECRET?: string | undefined;
}): PaymentSettings {
  if (env.PAYMENT_PROVIDER === 'sandbox') return { provider: 'sandbox' };
  return {
    provider: 'stripe',
    stripe: {
      // Checked above: the schema refuses stripe without a key.
      secretKey: env.STRIPE_SECRET_KEY ?? '',
      ...(env.STRIPE_API_URL ? { apiUrl: env.STRIPE_API_URL } : {}),
      ...(env.STRIPE_WEBHOOK_SECRET ? { webhookSecret: env.STRIPE_WEBHOOK_SECRET } : {}),
    },
  };
}

/** Where confirmation emails go: an SMTP server, or .eml files in a folder. */
export interface MailSettings {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…` (TLS); null: write files. */
  smtpUrl: string | null;
  /** The From header, e.g. `Railgraph <tickets@railgraph.local>`; its domain also names the Message-IDs. */
  from: string;
  /** The folder of .eml files without an SMTP server. */
  dir: string;
  usersUrl: string;
  trainsUrl: string;
  /** How long a settled email keeps its recipient's address, in ms. */
  retentionMs: number;
}

function mailSettingsOf(env: {
  SMTP_URL?: string | undefined;
  MAIL_FROM: string;
  MAIL_DIR?: string | undefined;
  DATA_DIR: string;
  USERS_URL: string;
  TRAINS_URL: string;
  MAIL_RETENTION_DAYS: number;
}): MailSettings {
  return {
    smtpUrl: env.SMTP_URL ?? null,
    from: env.MAIL_FROM,
    dir: path.resolve(env.MAIL_DIR ?? path.join(env.DATA_DIR, 'mail')),
    usersUrl: env.USERS_URL,
    trainsUrl: env.TRAINS_URL,
    retentionMs: env.MAIL_RETENTION_DAYS * 24 * 60 * 60 * 1000,
  };
}

export type TicketsEnv = z.output<typeof ticketsEnvSchema>;

export const readTicketsEnv = (source: Record<string, string | undefined> = process.env): TicketsEnv =>
  parseEnv(ticketsEnvSchema, source);
