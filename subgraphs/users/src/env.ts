import {
  DEFAULT_PORTS,
  envFields,
  operationLimitEnvFields,
  operationLimitsOf,
  parseEnv,
  z,
} from '@railgraph/service-kit';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER, SERVICE_SCOPES } from '@railgraph/auth';
import { parseKeyEncryptionKey } from '@railgraph/signing-keys';

const clientId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and "-"');
// Long enough to be unguessable, short enough for the password hasher (128 characters).
const clientSecret = z.string().min(16).max(128);
const keyEncryptionKey = z.string().transform((text, ctx) => {
  try {
    return parseKeyEncryptionKey(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

export const usersEnvSchema = z
  .object({
    USERS_HOST: envFields.host(),
    USERS_PORT: envFields.port(DEFAULT_PORTS.users),
    USERS_DATABASE_URL: envFields.databaseUrl(),
    DATA_DIR: envFields.dataDir('.data'),
    LOG_LEVEL: envFields.logLevel(),
    NODE_ENV: envFields.nodeEnv(),
    ...operationLimitEnvFields,
    TOKEN_ISSUER: z.string().min(1).default(ACCESS_TOKEN_ISSUER),
    TOKEN_AUDIENCE: z.string().min(1).default(ACCESS_TOKEN_AUDIENCE),
    USERS_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
    USERS_REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
    // The service clients of tickets and inventory (contracts: service-to-service auth).
    TICKETS_CLIENT_ID: clientId.default('tickets'),
    TICKETS_CLIENT_SECRET: clientSecret.optional(),
    INVENTORY_CLIENT_ID: clientId.default('inventory'),
    INVENTORY_CLIENT_SECRET: clientSecret.optional(),
    // AES-256-GCM key sealing the signing keys at rest; required in production.
    USERS_KEY_ENCRYPTION_KEY: keyEncryptionKey.optional(),
    // Failed sign-ins counted per account and per client address; in Redis when configured.
    REDIS_URL: envFields.redisUrl(),
    // Where the throttles' counts live in Redis (one prefix per system sharing a server).
    USERS_REDIS_KEY_PREFIX: z.string().min(1).max(100).default('railgraph:users:login:'),
    USERS_LOGIN_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(5),
    USERS_LOGIN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(50),
    USERS_LOGIN_THROTTLE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    // Sign-ups per client address, and token requests per client id and per address (design §11).
    USERS_SIGNUPS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(20),
    USERS_SIGNUP_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
    USERS_TOKEN_REQUESTS_PER_CLIENT: z.coerce.number().int().min(1).max(1_000_000).default(60),
    USERS_TOKEN_REQUESTS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(300),
    USERS_TOKEN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.USERS_KEY_ENCRYPTION_KEY !== undefined, {
    path: ['USERS_KEY_ENCRYPTION_KEY'],
    message: 'required in production: 32 bytes as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)',
  })
  .transform((env) => ({
    host: env.USERS_HOST,
    port: env.USERS_PORT,
    logLevel: env.LOG_LEVEL,
    nodeEnv: env.NODE_ENV,
    operationLimits: operationLimitsOf(env),
    database: { url: env.USERS_DATABASE_URL, embedded: { dataDir: env.DATA_DIR, name: 'users' } },
    tokens: {
      issuer: env.TOKEN_ISSUER,
      audience: env.TOKEN_AUDIENCE,
      accessTokenTtlSeconds: env.USERS_ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: env.USERS_REFRESH_TOKEN_TTL_DAYS,
    },
    keyEncryptionKey: env.USERS_KEY_ENCRYPTION_KEY,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.USERS_REDIS_KEY_PREFIX,
    loginThrottle: {
      perAccount: env.USERS_LOGIN_FAILURES_PER_ACCOUNT,
      perAddress: env.USERS_LOGIN_FAILURES_PER_ADDRESS,
      windowSeconds: env.USERS_LOGIN_THROTTLE_WINDOW_SECONDS,
    },
    requestLimits: {
      signUpsPerAddress: env.USERS_SIGNUPS_PER_ADDRESS,
      signUpWindowSeconds: env.USERS_SIGNUP_WINDOW_SECONDS,
      tokenRequestsPerClient: env.USERS_TOKEN_REQUESTS_PER_CLIENT,
      tokenRequestsPerAddress: env.USERS_TOKEN_REQUESTS_PER_ADDRESS,
      tokenWindowSeconds: env.USERS_TOKEN_WINDOW_SECONDS,
    },
    serviceClients: [
      {
        id: env.TICKETS_CLIENT_ID,
        name: 'tickets service',
        secret: env.TICKETS_CLIENT_SECRET,
        scopes: [SERVICE_SCOPES.inventoryInternal, SERVICE_SCOPES.usersContacts, SERVICE_SCOPES.runsCancellations],
      },
      {
        id: env.INVENTORY_CLIENT_ID,
        name: 'inventory service',
        secret: env.INVENTORY_CLIENT_SECRET,
        scopes: [SERVICE_SCOPES.bookingsInternal],
      },
    ].flatMap(({ secret, ...client }) => (secret ? [{ ...client, secret }] : [])),
  }));

export type UsersEnv = z.output<typeof usersEnvSchema>;

export const readUsersEnv = (source: Record<string, string | undefined> = process.env): UsersEnv =>
  parseEnv(usersEnvSchema, source);
