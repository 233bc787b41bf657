import { ApolloProvider } from '@apollo/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApolloClient } from './apollo';
import { App } from './App';
import { SessionContext } from './app-context';
import { graphqlUrl } from './config';
import { SessionStore } from './session';
import './styles.css';

const session = new SessionStore();
const client = createApolloClient(graphqlUrl(), session, { sendTextWhenUnknown: import.meta.env.DEV });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <SessionContext.Provider value={session}>
        <App />
      </SessionContext.Provider>
    </ApolloProvider>
  </StrictMode>,
);
