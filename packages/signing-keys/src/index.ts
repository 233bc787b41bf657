import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { SqlClient } from '@railgraph/database';
import { isSealed, openJwk, sealJwk } from './at-rest.js';

export { parseKeyEncryptionKey } from './at-rest.js';
export type { Es256Key } from './es256-keys.js';
export {
  ES256,
  signCompactEs256,
  verifyCompactEs256,
  type CompactJwsVerifyOptions,
  type Es256KeyResolver,
  type Es256SigningKey,
  type VerifiedCompactJws,
} from './jws.js';
export { verifyJwtEs256, type JwtVerifyOptions, type VerifiedJwt } from './jwt.js';

/**
 * ES256 signing keys kept in a service's own database (its `SigningKey` table, the same in
 * every service that signs: users for access tokens, prices for quotes, tickets for ticket
 * codes). The first start creates one key; every later start and every other instance loads
 * it. Every unretired key is published as a JWKS and the newest signs, so a rotation adds a
 * key and retires the old one once what it signed has expired.
 */
export const SIGNING_ALGORITHM = 'ES256';
export const JWKS_PATH = '/.well-known/jwks.json';

export interface StoredSigningKey {
  kid: string;
  algorithm: string;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: Date;
}

export interface SigningKeyRing {
  /** The key new signatures use. */
  current: { kid: string; privateKey: CryptoKey };
  /** Public halves of every unretired key, for `/.well-known/jwks.json`. */
  jwks: { keys: JWK[] };
}

/** How a service keeps and uses its keys; every setting is optional (the defaults suit prices and tickets). */
export interface SigningKeyOptions {
  /**
   * AES-256-GCM key (32 bytes) that seals private keys at rest. Without it they are stored
   * as plain JWKs (the embedded default); with it, new keys are sealed, plain ones are
   * sealed on load, and a sealed key cannot be loaded without it.
   */
  encryptionKey?: Buffer | undefined;
  /**
   * How long a new key is only published before it signs, so that verifiers holding a
   * cached key set have fetched it by the time tokens name it. The first key signs at once.
   */
  publishLeadMs?: number;
}

// Serialises the first start of several instances on one database, so only one creates a key.
const FIRST_KEY_LOCK = 4_001_001;

/** A new key, named by its RFC 7638 thumbprint. */
export async function generateSigningKey(now = new Date()): Promise<StoredSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const meta = { kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  return {
    kid,
    algorithm: SIGNING_ALGORITHM,
    privateJwk: { ...(await exportJWK(privateKey)), ...meta },
    publicJwk: { ...publicJwk, ...meta },
    createdAt: now,
  };
}

/**
 * Loads the unretired keys, creating the first one when there is none. Every one is
 * published; the newest that has been published for `publishLeadMs` signs.
 */
export async function loadSigningKeys(
  sql: SqlClient,
  now = new Date(),
  options: SigningKeyOptions = {},
): Promise<SigningKeyRing> {
  let live = await liveKeys(sql);
  if (live.length === 0) {
    await sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [FIRST_KEY_LOCK]);
      const [row] = await tx.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM "SigningKey" WHERE "retiredAt" IS NULL',
      );
      if ((row?.n ?? 0) === 0) await insertSigningKey(tx, await generateSigningKey(now), options);
    });
    live = await liveKeys(sql);
  }
  if (options.encryptionKey) await sealPlainKeys(sql, live, options.encryptionKey);
  const lead = options.publishLeadMs ?? 0;
  const signer = live.find((key) => key.createdAt.getTime() + lead <= now.getTime()) ?? live[live.length - 1];
  if (!signer) throw new Error('no signing key could be stored');
  const privateKey = await importJWK(privateJwkOf(signer, options.encryptionKey), SIGNING_ALGORITHM);
  if (!('type' in privateKey) || privateKey.type !== 'private')
    throw new Error(`signing key ${signer.kid} has no private half`);
  return { current: { kid: signer.kid, privateKey }, jwks: { keys: live.map((key) => key.publicJwk) } };
}

export async function insertSigningKey(
  sql: Pick<SqlClient, 'query'>,
  key: StoredSigningKey,
  options: Pick<SigningKeyOptions, 'encryptionKey'> = {},
): Promise<void> {
  const stored = options.encryptionKey ? sealJwk(key.privateJwk, key.kid, options.encryptionKey) : key.privateJwk;
  await sql.query(
    'INSERT INTO "SigningKey" ("kid", "algorithm", "privateJwk", "publicJwk", "createdAt") VALUES ($1, $2, $3, $4, $5)',
    [key.kid, key.algorithm, JSON.stringify(stored), JSON.stringify(key.publicJwk), key.createdAt],
  );
}

/**
 * A rotation: adds a new key (published at once, signing after the publish lead) and
 * retires every key that stopped signing more than `retireAfterMs` ago, i.e. once no token
 * it signed can still be valid. Returns the new key's id and the retired ones.
 */
export async function rotateSigningKeys(
  sql: SqlClient,
  now: Date,
  options: SigningKeyOptions & { retireAfterMs: number },
): Promise<{ added: string; retired: string[] }> {
  const key = await generateSigningKey(now);
  await insertSigningKey(sql, key, options);
  // A key stops signing when its successor starts: the successor's creation plus the lead.
  const cutoff = new Date(now.getTime() - options.retireAfterMs - (options.publishLeadMs ?? 0));
  const retired = await sql.query<{ kid: string }>(
    `UPDATE "SigningKey" AS old SET "retiredAt" = $1
      WHERE old."retiredAt" IS NULL
        AND EXISTS (SELECT 1 FROM "SigningKey" AS newer
                     WHERE newer."retiredAt" IS NULL AND newer."createdAt" > old."createdAt" AND newer."createdAt" <= $2)
      RETURNING old."kid"`,
    [now, cutoff],
  );
  return { added: key.kid, retired: retired.map((row) => row.kid) };
}

function privateJwkOf(key: StoredSigningKey, encryptionKey: Buffer | undefined): JWK {
  if (!isSealed(key.privateJwk)) return key.privateJwk;
  if (!encryptionKey) throw new Error(`signing key ${key.kid} is encrypted and no key encryption key is configured`);
  return openJwk(key.privateJwk, key.kid, encryptionKey);
}

/** Seals keys stored before a key encryption key was configured. */
async function sealPlainKeys(sql: SqlClient, live: StoredSigningKey[], encryptionKey: Buffer): Promise<void> {
  for (const key of live.filter((k) => !isSealed(k.privateJwk))) {
    const sealed = sealJwk(key.privateJwk, key.kid, encryptionKey);
    await sql.query('UPDATE "SigningKey" SET "privateJwk" = $1 WHERE "kid" = $2', [JSON.stringify(sealed), key.kid]);
    key.privateJwk = sealed as unknown as JWK;
  }
}

async function liveKeys(sql: SqlClient): Promise<StoredSigningKey[]> {
  const rows = await sql.query<{
    kid: string;
    algorithm: string;
    privateJwk: unknown;
    publicJwk: unknown;
    createdAt: Date;
  }>(
    'SELECT "kid", "algorithm", "privateJwk", "publicJwk", "createdAt" FROM "SigningKey" WHERE "retiredAt" IS NULL ORDER BY "createdAt" DESC, "kid" ASC',
  );
  return rows.map((row) => ({
    ...row,
    createdAt: new Date(row.createdAt),
    privateJwk: asEcJwk(row.privateJwk, true),
    publicJwk: asEcJwk(row.publicJwk),
  }));
}

function asEcJwk(value: unknown, mayBeSealed = false): JWK {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  // A sealed private key stays sealed until it is needed (privateJwkOf).
  if (mayBeSealed && isSealed(parsed)) return parsed as unknown as JWK;
  if (typeof parsed !== 'object' || parsed === null || (parsed as JWK).kty !== 'EC') {
    throw new Error('stored signing key is not an EC JWK');
  }
  return parsed as JWK;
}
