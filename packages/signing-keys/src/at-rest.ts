import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { JWK } from 'jose';

/**
 * A private JWK sealed with AES-256-GCM under a key from the environment, as stored in the
 * `privateJwk` column. The key id is the additional authenticated data, so a sealed key
 * cannot be moved to another row unnoticed.
 */
export interface SealedJwk {
  enc: 'A256GCM';
  iv: string;
  tag: string;
  ciphertext: string;
}

export const isSealed = (value: unknown): value is SealedJwk =>
  typeof value === 'object' && value !== null && (value as { enc?: unknown }).enc === 'A256GCM';

/** 32 bytes, given as 64 hex digits or base64 / base64url; anything else is refused. */
export function parseKeyEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64url');
  if (key.length !== 32) throw new Error('the key encryption key must be 32 bytes (64 hex digits or base64)');
  return key;
}

export function sealJwk(jwk: JWK, kid: string, key: Buffer): SealedJwk {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(kid));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(jwk), 'utf8'), cipher.final()]);
  return {
    enc: 'A256GCM',
    iv: iv.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
    ciphertext: ciphertext.toString('base64url'),
  };
}

export function openJwk(sealed: SealedJwk, kid: string, key: Buffer): JWK {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64url'))
    .setAAD(Buffer.from(kid))
    .setAuthTag(Buffer.from(sealed.tag, 'base64url'));
  try {
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as JWK;
  } catch {
    throw new Error(`signing key ${kid} cannot be decrypted: wrong key encryption key`);
  }
}
