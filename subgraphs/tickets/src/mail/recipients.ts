import type { ServiceTokenSource } from '@railgraph/auth';
import { callSubgraph, DomainError, ErrorCode } from '@railgraph/service-kit';

/** A traveller as an email is addressed to them. */
export interface Contact {
  email: string;
  name: string;
}

/** Travellers' contact details; their accounts live in `users`. */
export interface ContactDirectory {
  /**
   * The contacts of these user ids (at most `MAX_CONTACT_IDS`), null for an id users has no
   * account for. Rejects when users cannot answer: the messages wait for a later pass.
   */
  contactsOf(userIds: readonly string[]): Promise<Map<string, Contact | null>>;
}

/** Most ids one look-up asks for (users' own limit). */
export const MAX_CONTACT_IDS = 100;

const contactsQuery = /* GraphQL */ `
  query UserContacts($ids: [ID!]!) {
    userContacts(ids: $ids) {
      id
      email
      name
    }
  }
`;

/**
 * `users`' internal `userContacts` on its own URL, with tickets' service token
 * (`users:contacts`); a token users refuses (a key rotation, a users restart) is fetched again
 * once. Without a token source (no TICKETS_CLIENT_SECRET) every look-up fails, so travellers'
 * messages wait rather than go unsent for good.
 */
export function contactsOverHttp(usersUrl: string, tokens: ServiceTokenSource | null): ContactDirectory {
  const authorization = async (): Promise<string> => {
    if (!tokens) {
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'no service client (TICKETS_CLIENT_SECRET) to ask users');
    }
    return tokens.authorization();
  };
  const ask = async (
    ids: readonly string[],
    retried = false,
  ): Promise<Array<{ id: string; email: string; name: string } | null>> => {
    try {
      const data = await callSubgraph<{ userContacts: Array<{ id: string; email: string; name: string } | null> }>(
        usersUrl,
        { query: contactsQuery, variables: { ids }, requestId: 'tickets-mail', authorization: await authorization() },
      );
      return data.userContacts;
    } catch (error) {
      if (retried || !tokens || !(error instanceof DomainError) || error.code !== ErrorCode.UNAUTHENTICATED)
        throw error;
      tokens.invalidate();
      return ask(ids, true);
    }
  };
  return {
    async contactsOf(userIds) {
      const ids = [...new Set(userIds)];
      const found = new Map<string, Contact | null>();
      if (ids.length === 0) return found;
      for (let start = 0; start < ids.length; start += MAX_CONTACT_IDS) {
        const chunk = ids.slice(start, start + MAX_CONTACT_IDS);
        const answers = await ask(chunk);
        chunk.forEach((id, i) => {
          const contact = answers[i];
          found.set(id, contact ? { email: contact.email, name: contact.name } : null);
        });
      }
      return found;
    },
  };
}
