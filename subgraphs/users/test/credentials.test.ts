import { describe, expect, it } from 'vitest';
import { hash } from '@node-rs/argon2';
import { checkEmail, normaliseEmail } from '../src/accounts/email.js';
import { checkName } from '../src/accounts/name.js';
import { checkPasswordPolicy, hashPassword, needsRehash, verifyPassword } from '../src/accounts/password.js';

const messageOf = (work: () => unknown) => {
  try {
    work();
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('email', () => {
  it('is stored trimmed and lower-cased', () => {
    expect(normaliseEmail('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
    expect(checkEmail(' Ada@Example.com')).toBe('ada@example.com');
  });

  it.each(['', 'ada', 'ada@', '@example.com', 'ada @example.com', 'ada@example', `${'a'.repeat(250)}@example.com`])(
    'rejects %j',
    (email) => {
      expect(messageOf(() => checkEmail(email))).toBe('Enter a valid email address, e.g. name@example.com');
    },
  );
});

describe('password policy', () => {
  it('accepts 10 to 128 characters', () => {
    expect(messageOf(() => checkPasswordPolicy('0123456789'))).toBe('accepted');
    expect(messageOf(() => checkPasswordPolicy('01234567'.repeat(16)))).toBe('accepted');
  });

  it('rejects fewer than 10 and more than 128 characters', () => {
    expect(messageOf(() => checkPasswordPolicy('x'.repeat(9)))).toBe(
      'The password is too short: use at least 10 characters',
    );
    expect(messageOf(() => checkPasswordPolicy('x'.repeat(129)))).toBe(
      'The password is too long: use at most 128 characters',
    );
  });

  it('rejects one character repeated, and the account’s own email address', () => {
    expect(messageOf(() => checkPasswordPolicy('a'.repeat(12)))).toBe(
      'The password is one character repeated: choose something harder to guess',
    );
    expect(messageOf(() => checkPasswordPolicy('Ada@Example.com ', 'ada@example.com'))).toBe(
      'The password must not be your email address',
    );
    expect(messageOf(() => checkPasswordPolicy('ada@example.com!', 'ada@example.com'))).toBe('accepted');
  });

  it('counts characters, not UTF-16 units', () => {
    // Nine emoji are eighteen UTF-16 units but only nine characters.
    expect(messageOf(() => checkPasswordPolicy('🚆'.repeat(9)))).toBe(
      'The password is too short: use at least 10 characters',
    );
  });
});

describe('name', () => {
  it('is trimmed and 1 to 100 characters', () => {
    expect(checkName('  Ada Lovelace ')).toBe('Ada Lovelace');
    expect(messageOf(() => checkName(' '))).toBe('Enter a name');
    expect(messageOf(() => checkName('n'.repeat(100)))).toBe('accepted');
    expect(messageOf(() => checkName('n'.repeat(101)))).toBe('The name is too long: use at most 100 characters');
  });
});

describe('password hashing', () => {
  it('verifies the right password and refuses another', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(stored, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse batterY')).toBe(false);
  });

  it('treats differently composed forms of one password as the same password', async () => {
    const stored = await hashPassword('café au lait!'); // precomposed é
    expect(await verifyPassword(stored, 'cafe\u0301 au lait!')).toBe(true); // e + combining accent
  });

  it('asks for a rehash only when a hash was made with other parameters', async () => {
    expect(needsRehash(await hashPassword('correct horse battery'))).toBe(false);
    expect(needsRehash(await hash('correct horse battery', { timeCost: 3, memoryCost: 19456, parallelism: 1 }))).toBe(
      true,
    );
  });
});
