import DataLoader from 'dataloader';
import type { Account, Accounts } from './accounts/accounts.js';

/** Per-request batching of the look-ups entity references and `me` make. */
export interface UsersLoaders {
  /** Accounts by id; null for an unknown id. */
  accountById: DataLoader<string, Account | null>;
}

export function createLoaders(accounts: Accounts): UsersLoaders {
  return { accountById: new DataLoader((ids) => accounts.byIds(ids)) };
}
