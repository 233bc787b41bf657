import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, signUp, startTestUsers, tokenRequest, uniqueEmail, type RunningUsers } from './helpers.js';

/**
 * `userContacts`, the internal look-up tickets makes for its booking emails: only with the
 * `users:contacts` scope, which the tickets service client is granted and nobody else.
 */
const ticketsSecret = 'tickets-secret-for-the-contacts-suite';
const CONTACTS = 'query($ids: [ID!]!) { userContacts(ids: $ids) { id email name } }';

let users: RunningUsers;
beforeAll(async () => {
  users = await startTestUsers({ TICKETS_CLIENT_SECRET: ticketsSecret });
});
afterAll(async () => {
  await users?.stop();
});

const tokenOf = async (basic: { clientId: string; secret: string }, scope?: string): Promise<string> => {
  const answer = await tokenRequest(users, { grant_type: 'client_credentials', ...(scope ? { scope } : {}) }, basic);
  if (answer.status !== 200) throw new Error(`no token: ${JSON.stringify(answer.body)}`);
  return `Bearer ${String(answer.body['access_token'])}`;
};
const tickets = (scope = 'users:contacts') => tokenOf({ clientId: 'tickets', secret: ticketsSecret }, scope);

describe('userContacts', () => {
  it("gives the tickets service each account's email and name, in the order asked, null where there is none", async () => {
    const email = uniqueEmail('contact');
    const session = await signUp(users, email);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const answer = await users.graphql<{ userContacts: unknown[] }>(
      CONTACTS,
      { ids: [unknown, session.user.id.toUpperCase(), 'not-an-account-id'] },
      await tickets(),
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.userContacts).toEqual([null, { id: session.user.id, email, name: 'Ada Lovelace' }, null]);
  });

  it('refuses a caller without a token (UNAUTHENTICATED) and one without users:contacts (FORBIDDEN)', async () => {
    const session = await signUp(users);
    const partner = await users.service.clients.createPartner({
      name: 'Acme Travel',
      scopes: ['journeys:read', 'bookings:read', 'bookings:write'],
    });
    const ids = [session.user.id];
    expect(codeOf(await users.graphql(CONTACTS, { ids }))).toBe('UNAUTHENTICATED');
    for (const authorization of [
      `Bearer ${session.accessToken}`,
      await tokenOf({ clientId: partner.id, secret: partner.secret }),
      await tickets('inventory:internal'),
    ]) {
      const answer = await users.graphql(CONTACTS, { ids }, authorization);
      expect(codeOf(answer)).toBe('FORBIDDEN');
      expect(answer.data?.userContacts ?? null).toBeNull();
    }
  });

  it('refuses no ids and more than 100 with BAD_USER_INPUT', async () => {
    const authorization = await tickets();
    for (const ids of [[], Array.from({ length: 101 }, (_, i) => `id-${i}`)]) {
      const answer = await users.graphql(CONTACTS, { ids }, authorization);
      expect(codeOf(answer)).toBe('BAD_USER_INPUT');
    }
  });
});
