import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunLayout } from '../src/engine/layout.js';

/** Stands in for trains' `_entities` endpoint: answers TrainRun representations from a map. */
export async function startTrainsStub(layouts: RunLayout[]) {
  const byId = new Map(layouts.map((l) => [l.runId, l]));
  let calls = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      calls++;
      const { variables } = JSON.parse(body) as { variables: { representations: Array<{ id: string }> } };
      const entities = variables.representations.map(({ id }) => {
        const layout = byId.get(id);
        return layout
          ? {
              __typename: 'TrainRun',
              id,
              legCount: layout.legCount,
              consist: { id: layout.consistId, coaches: layout.coaches },
            }
          : null;
      });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { _entities: entities } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    calls: () => calls,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
