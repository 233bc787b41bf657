import { KeyObject, type SignKeyObjectInput, type VerifyKeyObjectInput, type webcrypto } from 'node:crypto';

/**
 * ES256 keys in the form node:crypto signs and verifies with: a P-256 `KeyObject`, with
 * signatures in IEEE P1363 form (r ‖ s, 64 bytes) as JWS carries them rather than node's DER
 * default. Keys arrive as WebCrypto `CryptoKey`s (what jose's key sets and `importJWK` return)
 * or as `KeyObject`s; each is checked and converted once, and the same input object then serves
 * every signature made or checked with it.
 */
export type Es256Key = webcrypto.CryptoKey | KeyObject;

type Operation = 'sign' | 'verify';

// Keyed by the caller's key object: a key set hands out the same CryptoKey for a kid until it
// refetches, so each key is converted once, and a key set dropped after a refetch takes its
// entries with it.
const converted: Record<Operation, WeakMap<object, SignKeyObjectInput & VerifyKeyObjectInput>> = {
  sign: new WeakMap(),
  verify: new WeakMap(),
};

/** The private key as `crypto.sign` takes it. Throws TypeError for anything but a P-256 private signing key. */
export function signingKeyInput(key: unknown): SignKeyObjectInput {
  return keyInput(key, 'sign');
}

/** The public key as `crypto.verify` takes it. Throws TypeError for anything but a P-256 public verifying key. */
export function verificationKeyInput(key: unknown): VerifyKeyObjectInput {
  return keyInput(key, 'verify');
}

function keyInput(key: unknown, operation: Operation): SignKeyObjectInput & VerifyKeyObjectInput {
  if (typeof key !== 'object' || key === null) throw new TypeError('An ES256 key must be a CryptoKey or a KeyObject');
  const cached = converted[operation].get(key);
  if (cached) return cached;
  const input = { key: es256KeyObject(key, operation), dsaEncoding: 'ieee-p1363' } as const;
  converted[operation].set(key, input);
  return input;
}

/**
 * A wrong key is a fault in the key set or the service's configuration, not in a token, so it
 * is a TypeError as in jose: callers tell it apart from a bad signature.
 */
function es256KeyObject(key: object, operation: Operation): KeyObject {
  let keyObject: KeyObject;
  if (key instanceof KeyObject) {
    keyObject = key;
  } else if (isCryptoKey(key)) {
    // WebCrypto binds a key to one algorithm and to its uses; they hold here as they would there.
    if (key.algorithm.name !== 'ECDSA' || !key.usages.includes(operation)) {
      throw new TypeError(
        `This CryptoKey cannot ${operation} ES256: it must be an ECDSA key with the "${operation}" usage`,
      );
    }
    keyObject = KeyObject.from(key);
  } else {
    throw new TypeError('An ES256 key must be a CryptoKey or a KeyObject');
  }
  const type = operation === 'sign' ? 'private' : 'public';
  if (
    keyObject.type !== type ||
    keyObject.asymmetricKeyType !== 'ec' ||
    keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
  ) {
    throw new TypeError(`ES256 needs a P-256 ${type} key to ${operation}`);
  }
  return keyObject;
}

// Recognised by its tag, as jose does: node:crypto exports no CryptoKey class to test against.
const isCryptoKey = (key: object): key is webcrypto.CryptoKey =>
  Object.prototype.toString.call(key) === '[object CryptoKey]';
