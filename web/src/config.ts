/**
 * Where the GraphQL API is. The server that serves the built app writes it into a
 * `<meta name="railgraph-graphql-url">` tag; the dev server falls back to the local gateway.
 */
export function graphqlUrl(doc: Document = document): string {
  const configured = doc.querySelector<HTMLMetaElement>('meta[name="railgraph-graphql-url"]')?.content;
  return configured || 'http://127.0.0.1:4000/graphql';
}
