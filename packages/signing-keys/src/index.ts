import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { SqlClient } from '@railgraph/database';

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

/** Loads the unretired keys, creating the first one when there is none. */
export async function loadSigningKeys(sql: SqlClient, now = new Date()): Promise<SigningKeyRing> {
  let live = await liveKeys(sql);
  if (live.length === 0) {
    await sql.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [FIRST_KEY_LOCK]);
      const [row] = await tx.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM "SigningKey" WHERE "retiredAt" IS NULL',
      );
      if ((row?.n ?? 0) === 0) await insertSigningKey(tx, await generateSigningKey(now));
    });
    live = await liveKeys(sql);
  }
  const newest = live[0];
  if (!newest) throw new Error('no signing key could be stored');
  const privateKey = await importJWK(newest.privateJwk, SIGNING_ALGORITHM);
  if (!('type' in privateKey) || privateKey.type !== 'private')
    throw new Error(`signing key ${newest.kid} has no private half`);
  return { current: { kid: newest.kid, privateKey }, jwks: { keys: live.map((key) => key.publicJwk) } };
}

export async function insertSigningKey(sql: Pick<SqlClient, 'query'>, key: StoredSigningKey): Promise<void> {
  await sql.query(
    'INSERT INTO "SigningKey" ("kid", "algorithm", "privateJwk", "publicJwk", "createdAt") VALUES ($1, $2, $3, $4, $5)',
    [key.kid, key.algorithm, JSON.stringify(key.privateJwk), JSON.stringify(key.publicJwk), key.createdAt],
  );
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
  return rows.map((row) => ({ ...row, privateJwk: asEcJwk(row.privateJwk), publicJwk: asEcJwk(row.publicJwk) }));
}

function asEcJwk(value: unknown): JWK {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  if (typeof parsed !== 'object' || parsed === null || (parsed as JWK).kty !== 'EC') {
    throw new Error('stored signing key is not an EC JWK');
  }
  return parsed as JWK;
}
