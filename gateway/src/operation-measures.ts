import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloGateway } from '@apollo/gateway';
import { parse, type GraphQLSchema } from 'graphql';
import {
  defaultOperationLimits,
  fanOutFieldsOf,
  measureDocument,
  operationLimitNames,
  type FanOutFields,
  type OperationMeasures,
} from '@railgraph/service-kit';

/**
 * The measures the operation limits check (design §11), for each of the web app's own
 * operations: the evidence the defaults are derived from. `node gateway/dist/operation-measures.js`
 * prints them with the largest of each and the default beside it.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const supergraphPath = path.join(root, 'gateway', 'supergraph.graphql');
export const webDocumentsPath = path.join(root, 'web', 'src', '__generated__', 'persisted-documents.json');

/** The API schema the gateway validates operations against, and its fan-out fields. */
export async function gatewaySchemaOf(supergraphSdl: string): Promise<{ schema: GraphQLSchema; fanOut: FanOutFields }> {
  const gateway = new ApolloGateway({ supergraphSdl });
  try {
    const { schema } = await gateway.load();
    return { schema, fanOut: fanOutFieldsOf(parse(supergraphSdl)) };
  } finally {
    await gateway.stop();
  }
}

export interface MeasuredOperation {
  name: string;
  document: string;
  measures: OperationMeasures;
}

const operationName = (document: string) => /\b(?:query|mutation|subscription)\s+(\w+)/.exec(document)?.[1] ?? '?';

/** Every web operation (hash → document) measured against the supergraph's API schema. */
export async function measureWebOperations(
  supergraphFile = supergraphPath,
  documentsFile = webDocumentsPath,
): Promise<MeasuredOperation[]> {
  const { schema, fanOut } = await gatewaySchemaOf(await readFile(supergraphFile, 'utf8'));
  const documents = JSON.parse(await readFile(documentsFile, 'utf8')) as Record<string, string>;
  return Object.values(documents).map((document) => ({
    name: operationName(document),
    document,
    measures: measureDocument(schema, document, fanOut),
  }));
}

export function largestMeasures(operations: MeasuredOperation[]): OperationMeasures {
  const largest = Object.fromEntries(operationLimitNames.map((limit) => [limit, 0])) as OperationMeasures;
  for (const { measures } of operations) {
    for (const limit of operationLimitNames) largest[limit] = Math.max(largest[limit], measures[limit]);
  }
  return largest;
}

async function main(): Promise<void> {
  const operations = await measureWebOperations();
  const rows = operations.map(({ name, measures }) => [name, ...operationLimitNames.map((l) => String(measures[l]))]);
  const largest = largestMeasures(operations);
  rows.push(['(largest)', ...operationLimitNames.map((l) => String(largest[l]))]);
  rows.push(['(default)', ...operationLimitNames.map((l) => String(defaultOperationLimits[l]))]);
  const table = [['operation', ...operationLimitNames], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
