import { defaultUrl, envFields, z } from '@railgraph/service-kit';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from './claims.js';

/**
 * The settings every service that verifies access tokens reads, to spread into its env
 * schema: where users publishes its keys, and the issuer and audience tokens must name.
 */
export const accessTokenEnvFields = {
  USERS_JWKS_URL: envFields.url().default(defaultUrl('users', '/.well-known/jwks.json')),
  TOKEN_ISSUER: z.string().min(1).default(ACCESS_TOKEN_ISSUER),
  TOKEN_AUDIENCE: z.string().min(1).default(ACCESS_TOKEN_AUDIENCE),
};

/** The verifier options (`createTokenVerifier`) from those settings. */
export const accessTokenSettingsOf = (env: {
  USERS_JWKS_URL: string;
  TOKEN_ISSUER: string;
  TOKEN_AUDIENCE: string;
}) => ({
  jwksUrl: env.USERS_JWKS_URL,
  issuer: env.TOKEN_ISSUER,
  audience: env.TOKEN_AUDIENCE,
});
