// `npm run clients:create -- --name "Acme Travel" --scopes "journeys:read bookings:read bookings:write"`:
// registers a partner app for the client-credentials grant and prints its secret, once. An
// operator's client (cancelling runs) is one with `--scopes operations:write`.
import { DomainError, EnvError } from '@railgraph/service-kit';
import { readUsersEnv } from '../env.js';
import { createClients } from '../clients/clients.js';
import { PARTNER_SCOPES } from '../clients/scopes.js';
import { optionsOf, withUsersDatabase } from './database.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const fail = (message: string) => {
  process.stderr.write(`clients:create: ${message}\n`);
  return 1;
};

async function main(): Promise<number> {
  const options = optionsOf(process.argv.slice(2));
  const name = options.get('name');
  const scopes = (options.get('scopes') ?? PARTNER_SCOPES.join(' ')).split(/[\s,]+/).filter(Boolean);
  if (!name) return fail('usage: clients:create -- --name "<partner name>" [--scopes "<scope> <scope>..."]');
  try {
    const env = readUsersEnv();
    const client = await withUsersDatabase(env, (_db, prisma) => createClients(prisma).createPartner({ name, scopes }));
    out(`client_id:     ${client.id}`);
    out(`client_secret: ${client.secret}`);
    out(`scopes:        ${client.scopes.join(' ')}`);
    out('The secret is shown only now; store it in the partner app. Tokens: POST /oauth/token (client_credentials).');
    return 0;
  } catch (error) {
    if (error instanceof DomainError || error instanceof EnvError) return fail(error.message);
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`clients:create failed: ${String(error)}\n`);
    process.exit(1);
  },
);
