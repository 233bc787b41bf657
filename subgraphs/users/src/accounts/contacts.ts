import { badInput } from '@railgraph/service-kit';
import type { Account, Accounts } from './accounts.js';

/** Most accounts one `userContacts` look-up names: a mail dispatcher's batch, with room. */
export const MAX_CONTACT_IDS = 100;

/** What another service may learn of an account to write to its owner. */
export type Contact = Pick<Account, 'id' | 'email' | 'name'>;

/**
 * The contact details of the accounts, in the order asked, null where none exists (an id that
 * is not an account id included). BAD_USER_INPUT for no ids or more than MAX_CONTACT_IDS.
 */
export async function contactsOf(
  accounts: Pick<Accounts, 'byIds'>,
  ids: readonly string[],
): Promise<Array<Contact | null>> {
  if (ids.length === 0 || ids.length > MAX_CONTACT_IDS) {
    throw badInput(`Ask for 1 to ${MAX_CONTACT_IDS} accounts`, { field: 'ids' });
  }
  const found = await accounts.byIds(ids);
  return found.map((account) => (account ? { id: account.id, email: account.email, name: account.name } : null));
}
