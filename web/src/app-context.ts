import { createContext, useContext } from 'react';
import type { SessionStore } from './session';

export const SessionContext = createContext<SessionStore | null>(null);

export function useSessionStore(): SessionStore {
  const store = useContext(SessionContext);
  if (!store) throw new Error('SessionContext is missing');
  return store;
}
