import { hash, parseOptions, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { badInput } from '@railgraph/service-kit';

export const PASSWORD_MIN_LENGTH = 10;
/** Long enough for any passphrase, short enough that nobody makes us hash megabytes. */
export const PASSWORD_MAX_LENGTH = 128;

// `Algorithm` is an ambient const enum, which isolatedModules cannot read: 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;

/**
 * argon2id at OWASP's recommended minimum: 19 MiB of memory (memoryCost is in KiB),
 * 2 passes, 1 lane. About 75 ms per hash on our hosts: slow for an attacker's guesses,
 * cheap enough for sign-in. The parameters are stored inside each PHC-format hash, so
 * raising them later only affects new hashes; `needsRehash` finds the old ones at sign-in.
 */
const hashing = {
  algorithm: ARGON2ID,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const satisfies Options;

/** Length in characters (code points), as NIST SP 800-63B counts it. */
const lengthOf = (password: string) => [...password].length;

/**
 * BAD_USER_INPUT unless the password is 10 to 128 characters long, is not one character
 * repeated, and is not the account's own email address (SP 800-63B's "context-specific words").
 */
export function checkPasswordPolicy(password: string, email?: string): void {
  const length = lengthOf(password);
  if (length < PASSWORD_MIN_LENGTH) {
    throw badInput(`The password is too short: use at least ${PASSWORD_MIN_LENGTH} characters`, { field: 'password' });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw badInput(`The password is too long: use at most ${PASSWORD_MAX_LENGTH} characters`, { field: 'password' });
  }
  if (new Set(password).size === 1) {
    throw badInput('The password is one character repeated: choose something harder to guess', { field: 'password' });
  }
  if (email !== undefined && password.trim().toLowerCase() === email) {
    throw badInput('The password must not be your email address', { field: 'password' });
  }
}

// The same password typed on another keyboard may arrive composed differently (NFKC, as
// SP 800-63B recommends).
const normalise = (password: string) => password.normalize('NFKC');

export function hashPassword(password: string): Promise<string> {
  return hash(normalise(password), hashing);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (lengthOf(password) > PASSWORD_MAX_LENGTH) return false;
  return verify(passwordHash, normalise(password));
}

/** Whether a stored hash was made with other parameters than today's. */
export function needsRehash(passwordHash: string): boolean {
  const used = parseOptions(passwordHash);
  return (
    used.algorithm !== hashing.algorithm ||
    used.memoryCost !== hashing.memoryCost ||
    used.timeCost !== hashing.timeCost ||
    used.parallelism !== hashing.parallelism
  );
}
