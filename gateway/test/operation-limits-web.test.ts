import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLSchema } from 'graphql';
import {
  defaultOperationLimits,
  documentedMaximum,
  fieldsOf,
  measureDocument,
  operationLimitNames,
  pageSizeArguments,
  type FanOutFields,
} from '@railgraph/service-kit';
import {
  gatewaySchemaOf,
  largestMeasures,
  measureWebOperations,
  supergraphPath,
  type MeasuredOperation,
} from '../src/operation-measures.js';

/**
 * The operation limits' defaults against the web app's own operations (design §11): every
 * operation the app can send passes them, and the supergraph tells the cost estimate which
 * fields fan out and how long each page may be.
 */
let web: MeasuredOperation[];
let schema: GraphQLSchema;
let fanOut: FanOutFields;

beforeAll(async () => {
  web = await measureWebOperations();
  ({ schema, fanOut } = await gatewaySchemaOf(await readFile(supergraphPath, 'utf8')));
});

describe("the web app's operations", () => {
  it('are all measured, the journey search with fares for 50 journeys among them', () => {
    expect(web.length).toBeGreaterThan(10);
    expect(web.map((o) => o.name)).toContain('SearchJourneys');
  });

  it('each pass every default limit', () => {
    for (const { name, measures } of web) {
      for (const limit of operationLimitNames) {
        expect({ name, limit, value: measures[limit] <= defaultOperationLimits[limit] }).toEqual({
          name,
          limit,
          value: true,
        });
      }
    }
  });

  it('leave headroom under every default', () => {
    const largest = largestMeasures(web);
    expect(largest.cost * 1.5).toBeLessThanOrEqual(defaultOperationLimits.cost);
    expect(largest.tokens * 4).toBeLessThanOrEqual(defaultOperationLimits.tokens);
    expect(largest.depth + 4).toBeLessThanOrEqual(defaultOperationLimits.depth);
    expect(largest.aliases).toBeLessThan(defaultOperationLimits.aliases);
    expect(largest.directives).toBeLessThan(defaultOperationLimits.directives);
    expect(largest.rootFields).toBeLessThan(defaultOperationLimits.rootFields);
  });
});

describe('the supergraph as the cost estimate reads it', () => {
  it('finds the fields resolved with another subgraph’s data from its join directives', () => {
    expect([...fanOut].sort()).toEqual(['Journey.availability', 'Journey.fares', 'TrainRun.seatMap', 'Trip.fares']);
  });

  it('documents a maximum for every page-size argument', () => {
    const pages: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      for (const field of Object.values(fieldsOf(type) ?? {})) {
        for (const argument of field.args ?? []) {
          if (!pageSizeArguments.includes(argument.name)) continue;
          pages.push(`${type.name}.${field.name}(${argument.name}: 1-${documentedMaximum(argument)})`);
        }
      }
    }
    expect(pages.sort()).toEqual([
      'Query.bookingEvents(first: 1-100)',
      'Query.myBookings(first: 1-50)',
      'Query.searchJourneys(first: 1-50)',
      'Query.searchTrips(first: 1-50)',
      'Query.stations(first: 1-100)',
      'User.bookings(first: 1-50)',
    ]);
  });

  it('measures 200 aliased journey searches with fares far over the aliases, root fields, tokens and cost limits', () => {
    const searches = Array.from(
      { length: 200 },
      (_, i) => `j${i}: searchJourneys(from: $from, to: $to, date: $date) { fares(passengers: $p) { quoteToken } }`,
    );
    const attack = `query($from: String!, $to: String!, $date: Date!, $p: [PassengerInput!]!) { ${searches.join(' ')} }`;
    const measures = measureDocument(schema, attack, fanOut);
    expect(measures.aliases).toBe(200);
    expect(measures.rootFields).toBe(200);
    // Each search: 1, plus 20 journeys (the default page) × (fares 1 + 10 for fanning out + quoteToken 1).
    expect(measures.cost).toBe(200 * (1 + 20 * (1 + 10 + 1)));
    for (const limit of ['aliases', 'rootFields', 'tokens', 'cost'] as const) {
      expect(measures[limit]).toBeGreaterThan(defaultOperationLimits[limit]);
    }
  });
});
