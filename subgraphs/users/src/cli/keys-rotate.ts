// `npm run keys:rotate`: adds a new access-token signing key and retires the keys whose
// tokens can no longer be valid. Every instance publishes the new key within 30 s and signs
// with it a minute after it was added; the previous key stays published until the tokens it
// signed have expired, and the next rotation after that retires it.
import { EnvError } from '@railgraph/service-kit';
import { rotateSigningKeys } from '@railgraph/signing-keys';
import { readUsersEnv } from '../env.js';
import { KEY_PUBLISH_LEAD_MS } from '../service.js';
import { withUsersDatabase } from './database.js';

/** Tolerated clock difference between hosts, on top of the token lifetime. */
const RETIRE_MARGIN_MS = 60_000;

async function main(): Promise<number> {
  let env;
  try {
    env = readUsersEnv();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    process.stderr.write(`keys:rotate: ${error.message}\n`);
    return 1;
  }
  const result = await withUsersDatabase(env, (db) =>
    rotateSigningKeys(db.sql, new Date(), {
      encryptionKey: env.keyEncryptionKey,
      publishLeadMs: KEY_PUBLISH_LEAD_MS,
      retireAfterMs: env.tokens.accessTokenTtlSeconds * 1000 + RETIRE_MARGIN_MS,
    }),
  );
  process.stdout.write(`added signing key ${result.added}; it signs from ${KEY_PUBLISH_LEAD_MS / 1000} s from now\n`);
  process.stdout.write(
    result.retired.length > 0
      ? `retired ${result.retired.join(', ')}\n`
      : 'retired none: older keys stay published until the tokens they signed have expired; rotate again later to retire them\n',
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`keys:rotate failed: ${String(error)}\n`);
    process.exit(1);
  },
);
