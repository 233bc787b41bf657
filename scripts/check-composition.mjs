import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
const names = ['users', 'trains', 'inventory', 'prices', 'tickets'];
const r = composeServices(
  names.map((n, i) => ({
    name: n,
    url: `http://127.0.0.1:${4001 + i}/graphql`,
    typeDefs: parse(readFileSync(`subgraphs/${n}/schema.graphql`, 'utf8')),
  })),
);
if (r.errors) {
  for (const e of r.errors) console.log('ERR', e.message);
} else {
  console.log('OK');
  for (const h of r.hints) console.log('hint', h.message.slice(0, 200));
}
