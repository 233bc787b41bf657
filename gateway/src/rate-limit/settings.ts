import { envFields, z } from '@railgraph/service-kit';
import { trustedProxyList } from './client-address.js';

/**
 * The gateway's rate-limit settings (design §11), merged into the gateway's env schema in
 * `src/env.ts`. Each limit is the number of operations a caller may send in one window.
 */
const perWindow = (fallback: number) => z.coerce.number().int().min(1).max(1_000_000).default(fallback);

const addressList = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const entries = value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    try {
      trustedProxyList(entries);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
    return entries;
  });

export const rateLimitEnvFields = {
  /** Counters in Redis when set (shared by every gateway replica), in process otherwise. */
  REDIS_URL: envFields.redisUrl(),
  GATEWAY_RATE_LIMIT_KEY_PREFIX: z.string().min(1).max(100).default('rg:gw:rate:'),
  /** Peers whose X-Forwarded-For is believed (Kong in production): addresses or CIDR ranges. */
  GATEWAY_TRUSTED_PROXIES: addressList,
  GATEWAY_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  GATEWAY_RATE_LIMIT_ANONYMOUS: perWindow(120),
  GATEWAY_RATE_LIMIT_TRAVELLER: perWindow(300),
  GATEWAY_RATE_LIMIT_PARTNER_SEARCHES: perWindow(1200),
  GATEWAY_RATE_LIMIT_PARTNER_BOOKINGS: perWindow(120),
};

type RateLimitEnv = z.output<z.ZodObject<typeof rateLimitEnvFields>>;

export interface RateLimitSettings {
  redisUrl: string | undefined;
  keyPrefix: string;
  trustedProxies: readonly string[];
  windowSeconds: number;
  limits: {
    anonymous: number;
    traveller: number;
    partnerSearches: number;
    partnerBookings: number;
  };
}

export const rateLimitSettingsOf = (env: RateLimitEnv): RateLimitSettings => ({
  redisUrl: env.REDIS_URL,
  keyPrefix: env.GATEWAY_RATE_LIMIT_KEY_PREFIX,
  trustedProxies: env.GATEWAY_TRUSTED_PROXIES,
  windowSeconds: env.GATEWAY_RATE_LIMIT_WINDOW_SECONDS,
  limits: {
    anonymous: env.GATEWAY_RATE_LIMIT_ANONYMOUS,
    traveller: env.GATEWAY_RATE_LIMIT_TRAVELLER,
    partnerSearches: env.GATEWAY_RATE_LIMIT_PARTNER_SEARCHES,
    partnerBookings: env.GATEWAY_RATE_LIMIT_PARTNER_BOOKINGS,
  },
});
