import { randomBytes } from 'node:crypto';
import { badInput, unauthenticated } from '@railgraph/service-kit';
import { Prisma, type PrismaClient } from '../__generated__/prisma/client.js';
import { checkEmail, normaliseEmail } from './email.js';
import { checkName } from './name.js';
import { checkPasswordPolicy, hashPassword, needsRehash, verifyPassword } from './password.js';
import type { LoginThrottle } from './throttle.js';
import type { RequestLimits } from '../throttling/request-limits.js';

/** A user as the rest of the service sees it: never with the password hash. */
export interface Account {
  id: string;
  email: string;
  name: string;
  createdAt: Date;
}

const accountFields = { id: true, email: true, name: true, createdAt: true } as const satisfies Prisma.UserSelect;

export interface SignUpDetails {
  email: string;
  password: string;
  name: string;
}

/** How sign-ups and sign-ins are counted (`users_signups_total`, `users_logins_total`). */
export interface AccountCounters {
  signups: { inc(): void };
  logins: { inc(labels: { outcome: LoginOutcome }): void };
}
export type LoginOutcome = 'success' | 'wrong_credentials' | 'rate_limited';

export interface Accounts {
  /**
   * Creates the account; BAD_USER_INPUT for a bad email, name or password, or a taken email;
   * RATE_LIMITED after too many sign-ups from the address.
   */
  signUp(details: SignUpDetails, attempt?: { clientAddress?: string | undefined }): Promise<Account>;
  /**
   * The account these credentials open; UNAUTHENTICATED for an unknown email or a wrong
   * password alike, RATE_LIMITED after too many failures for the account or the address.
   */
  authenticate(email: string, password: string, attempt?: { clientAddress?: string | undefined }): Promise<Account>;
  /** Accounts by id, in the order asked, null where none exists. */
  byIds(ids: readonly string[]): Promise<Array<Account | null>>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const wrongCredentials = () => unauthenticated('Email or password is wrong');
const emailTaken = () => badInput('An account with this email already exists', { field: 'email' });

export function createAccounts(
  prisma: PrismaClient,
  counters: AccountCounters,
  throttle: LoginThrottle,
  requestLimits: Pick<RequestLimits, 'signUp'>,
  clock: () => Date = () => new Date(),
): Accounts {
  // Checked against when the email is unknown, so that answer takes as long as a wrong password.
  let decoyHash: Promise<string> | undefined;
  const decoy = () => (decoyHash ??= hashPassword(randomBytes(32).toString('base64url')));

  return {
    async signUp(details, attempt = {}) {
      await requestLimits.signUp(attempt.clientAddress, clock());
      const email = checkEmail(details.email);
      const name = checkName(details.name);
      checkPasswordPolicy(details.password, email);
      if (await prisma.user.findUnique({ where: { email }, select: { id: true } })) throw emailTaken();
      const passwordHash = await hashPassword(details.password);
      try {
        const account = await prisma.user.create({ data: { email, name, passwordHash }, select: accountFields });
        counters.signups.inc();
        return account;
      } catch (error) {
        // Two sign-ups with one email at the same moment: the unique index decides.
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw emailTaken();
        throw error;
      }
    },

    async authenticate(rawEmail, password, attempt = {}) {
      const email = normaliseEmail(rawEmail);
      const address = attempt.clientAddress;
      let reserved;
      try {
        reserved = await throttle.reserve(email, address, clock());
      } catch (error) {
        counters.logins.inc({ outcome: 'rate_limited' });
        throw error;
      }
      let user, matches;
      try {
        user = await prisma.user.findUnique({ where: { email } });
        matches = await verifyPassword(user?.passwordHash ?? (await decoy()), password);
      } catch (error) {
        await reserved.abandoned();
        throw error;
      }
      if (!user || !matches) {
        await reserved.failed();
        counters.logins.inc({ outcome: 'wrong_credentials' });
        throw wrongCredentials();
      }
      await reserved.succeeded();
      if (needsRehash(user.passwordHash)) {
        await prisma.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
      }
      counters.logins.inc({ outcome: 'success' });
      const { passwordHash: _passwordHash, ...account } = user;
      return account;
    },

    async byIds(ids) {
      const valid = ids.filter((id) => uuidPattern.test(id));
      const found =
        valid.length === 0 ? [] : await prisma.user.findMany({ where: { id: { in: valid } }, select: accountFields });
      const byId = new Map(found.map((account) => [account.id, account]));
      return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
    },
  };
}
