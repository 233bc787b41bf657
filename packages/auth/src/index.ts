export {
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_TYPE,
  principalOfClaims,
  type AccessTokenClaims,
} from './claims.js';
export { requireTraveller, requireScope, type Principal, type Traveller } from './principal.js';
export {
  createTokenVerifier,
  createLocalTokenVerifier,
  type TokenVerifier,
  type TokenVerifierOptions,
} from './verifier.js';
export { principalOfRequest } from './request.js';
export { accessTokenEnvFields, accessTokenSettingsOf } from './env.js';
export { OPERATOR_SCOPES } from './scopes.js';
export {
  SERVICE_SCOPES,
  createServiceTokenSource,
  ServiceTokenError,
  type ServiceCredentials,
  type ServiceTokenSource,
} from './service-token.js';
