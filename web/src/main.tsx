import { ApolloProvider } from '@apollo/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApolloClient } from './apollo';
import { App } from './App';
import { SessionContext } from './app-context';
import { graphqlUrl, stripePublishableKey } from './config';
import { SessionStore } from './session';
import { loadStripeJs } from './stripe/loader';
import { PaymentSettingsContext, type PaymentSettings } from './stripe/settings';
import './styles.css';

const session = new SessionStore();
const client = createApolloClient(graphqlUrl(), session, { sendTextWhenUnknown: import.meta.env.DEV });
const payments: PaymentSettings = { stripePublishableKey: stripePublishableKey(), loadStripe: loadStripeJs };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <SessionContext.Provider value={session}>
        <PaymentSettingsContext.Provider value={payments}>
          <App />
        </PaymentSettingsContext.Provider>
      </SessionContext.Provider>
    </ApolloProvider>
  </StrictMode>,
);
