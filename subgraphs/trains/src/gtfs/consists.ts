import { consistSpecFromId, type ConsistSpec } from '../consist/layout.js';

/**
 * GTFS has no seat layouts, so each route type gets a default consist, which makes
 * imported trains sellable at once. Rules read `<routeType>=<consistId>` separated by
 * commas, `*` for every other type, e.g. `101=HS-2F8S,2=IC-1F5S,*=RE-1F3S`.
 */
export interface ConsistsByRouteType {
  byRouteType: ReadonlyMap<number, string>;
  fallback: string;
  /** The layout of every consist id named above. */
  specs: ReadonlyMap<string, ConsistSpec>;
}

/** Rail (2) and the extended railway types (100-117) mapped to the layouts they usually run. */
export const DEFAULT_CONSIST_RULES =
  '2=IC-1F5S,100=IC-1F5S,101=HS-2F8S,102=IC-2F6S,103=IC-1F5S,105=IC-1F4S,106=RE-1F3S,109=RE-1F3S,*=RE-1F3S';

/** Parses consist rules, later rules overriding earlier ones; throws a RangeError saying what is wrong. */
export function parseConsistRules(...ruleLists: string[]): ConsistsByRouteType {
  const byRouteType = new Map<number, string>();
  let fallback: string | null = null;
  const specs = new Map<string, ConsistSpec>();
  for (const rule of ruleLists
    .flatMap((list) => list.split(','))
    .map((r) => r.trim())
    .filter(Boolean)) {
    const match = /^(\*|\d+)\s*=\s*(\S+)$/.exec(rule);
    if (!match)
      throw new RangeError(
        `consist rule must be <routeType>=<consistId> or *=<consistId>; got ${JSON.stringify(rule)}`,
      );
    const [, routeType = '', consistId = ''] = match;
    const spec = consistSpecFromId(consistId);
    if (!spec)
      throw new RangeError(`consist ${consistId} in ${JSON.stringify(rule)} names no known layout (e.g. IC-1F5S)`);
    specs.set(consistId, spec);
    if (routeType === '*') fallback = consistId;
    else byRouteType.set(Number(routeType), consistId);
  }
  if (fallback === null) throw new RangeError('consist rules need a *=<consistId> rule for other route types');
  return { byRouteType, fallback, specs };
}

export function consistForRouteType(rules: ConsistsByRouteType, routeType: number): string {
  return rules.byRouteType.get(routeType) ?? rules.fallback;
}
