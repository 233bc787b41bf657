import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ManifestValidator,
  callsAllowed,
  configuredCalls,
  helmForTests,
  imagesPinned,
  kubeVersion,
  labelled,
  podsHardened,
  referencesBetweenObjects,
  referencesResolve,
  renderChart,
  runHelm,
  servicesSelectPods,
  unknownFieldProblems,
  type KubeObject,
} from './manifests.js';
import { chartDir, mergeValues, readYaml } from './support.js';

// The chart rendered by the real Helm (.tools/bin/helm, built by `npm run tools`) for each
// values file, and every object checked offline: core kinds, cert-manager and the Prometheus
// operator against the kubernetes-models packages, Kong and CloudNativePG against the JSON
// Schemas in schemas/ (transcribed from their CRDs). A kind with no validator fails.
const helm = helmForTests();

type Values = Record<string, unknown>;
const valuesFile = (name: string) => path.join(chartDir, name);
const defaults = readYaml<Values>(valuesFile('values.yaml'));

interface Variant {
  name: string;
  args: string[];
  /** secrets.existingSecret of the merged values: the one Secret pods may read without the chart rendering it. */
  existingSecret: string;
}

function variant(name: string, file: string, extra: string[] = []): Variant {
  const values = mergeValues(defaults, readYaml<Values>(valuesFile(file)));
  const existingSecret = String((values['secrets'] as Values)['existingSecret'] ?? '');
  return { name, args: ['-f', valuesFile(file), ...extra], existingSecret };
}

const variants: Variant[] = [
  variant('values-dev.yaml', 'values-dev.yaml'),
  variant('values-production.yaml', 'values-production.yaml'),
  variant('values-production.yaml with CloudNativePG', 'values-production.yaml', [
    '--set',
    'cloudnativepg.enabled=true',
  ]),
  variant('values-production.yaml with a partner consumer', 'values-production.yaml', [
    '--set-json',
    'ingress.consumers=[{"username":"partner-acme","credentials":["partner-acme-key"],"perMinute":3000}]',
  ]),
];

/** The keys values.yaml documents for secrets.existingSecret (its comment above the key). */
const documentedSecretKeys = (() => {
  const text = readFileSync(valuesFile('values.yaml'), 'utf8');
  const block = text.slice(text.indexOf('\nsecrets:'), text.indexOf('existingSecret:'));
  return new Set(block.match(/\b[a-z0-9]+(?:-[a-z0-9]+)+\b/g) ?? []);
})();

let validator: ManifestValidator;
const rendered = new Map<string, KubeObject[]>();
const objectsOf = (v: Variant) => rendered.get(v.name)!;

async function schemaProblems(objects: readonly KubeObject[]): Promise<string[]> {
  return (await Promise.all(objects.map((object) => validator.problems(object)))).flat();
}

const kindCounts = (objects: readonly KubeObject[]) =>
  Object.fromEntries(
    [...new Set(objects.map((o) => o.kind))]
      .sort()
      .map((kind) => [kind, objects.filter((o) => o.kind === kind).length]),
  );

describe.skipIf(!helm)('the chart rendered by Helm', () => {
  beforeAll(() => {
    validator = ManifestValidator.create();
    for (const v of variants) rendered.set(v.name, renderChart(helm!, v.args));
  });

  describe.each(variants)('$name', (v) => {
    it('passes helm lint --strict', () => {
      const output = runHelm(helm!, ['lint', '--strict', chartDir, '--kube-version', kubeVersion, ...v.args]);
      expect(output).toContain('0 chart(s) failed');
    });

    it('renders only objects their schemas accept (and none of a kind without one)', async () => {
      const objects = objectsOf(v);
      process.stderr.write(`${v.name}: ${objects.length} objects ${JSON.stringify(kindCounts(objects))}\n`);
      expect(objects.length).toBeGreaterThan(20);
      expect(await schemaProblems(objects)).toEqual([]);
    });

    it('has Services that select pods, and resolvable Secrets and ConfigMaps', () => {
      const objects = objectsOf(v);
      expect(servicesSelectPods(objects)).toEqual([]);
      expect(referencesResolve(objects, v.existingSecret, documentedSecretKeys)).toEqual([]);
      expect(referencesBetweenObjects(objects)).toEqual([]);
    });

    it('pins every image, labels every object and hardens every pod', () => {
      const objects = objectsOf(v);
      expect(imagesPinned(objects)).toEqual([]);
      expect(labelled(objects)).toEqual([]);
      expect(podsHardened(objects)).toEqual([]);
    });

    it('lets every configured in-cluster call through the NetworkPolicies', () => {
      const objects = objectsOf(v);
      const calls = configuredCalls(objects);
      // The gateway calls the five subgraphs; every service calls users; the stores are called.
      expect(calls.length).toBeGreaterThan(15);
      expect(callsAllowed(objects, calls)).toEqual([]);
    });
  });

  it('renders no field the kubernetes-models types lack (what their validate() lets through)', () => {
    // A canary with a misspelt field proves the check sees one (one type-check for all: seconds).
    const canary = structuredClone(objectsOf(variants[0]!).find((o) => o.kind === 'Deployment')!);
    canary.metadata.name = 'canary';
    const spec = (canary['spec'] as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template
      .spec;
    spec.containers[0]!['readinesProbe'] = spec.containers[0]!['readinessProbe'];
    const problems = unknownFieldProblems([...variants.flatMap((v) => objectsOf(v)), canary]);
    expect(problems.filter((p) => p.startsWith('Deployment canary:'))).toEqual([
      expect.stringMatching(/readinesProbe\W+ does not exist in type 'IContainer'/),
    ]);
    expect(problems.filter((p) => !p.startsWith('Deployment canary:'))).toEqual([]);
  }, 120_000);

  it('renders the stores each values file asks for', () => {
    const kinds = (name: string) =>
      objectsOf(variants.find((v) => v.name === name)!).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds('values-dev.yaml')).toEqual(
      expect.arrayContaining([
        'StatefulSet/railgraph-postgresql',
        'StatefulSet/railgraph-redis',
        'Secret/railgraph-secrets',
      ]),
    );
    expect(kinds('values-production.yaml').filter((k) => /postgresql|redis|^Secret\//.test(k))).toEqual([]);
    expect(kinds('values-production.yaml with CloudNativePG')).toEqual(
      expect.arrayContaining([
        'Cluster/railgraph-postgresql',
        'Database/railgraph-postgresql-trains',
        'Database/railgraph-postgresql-prices',
        'Database/railgraph-postgresql-tickets',
      ]),
    );
  });

  it('migrates before install only when PostgreSQL is outside the release (else it is not there yet)', () => {
    const hooks = (name: string) =>
      objectsOf(variants.find((v) => v.name === name)!)
        .filter((o) => o.kind === 'Job')
        .map((job) => job.metadata.annotations?.['helm.sh/hook']);
    expect(hooks('values-dev.yaml')).toEqual(Array(4).fill('pre-upgrade'));
    expect(hooks('values-production.yaml')).toEqual(Array(4).fill('pre-install,pre-upgrade'));
    expect(hooks('values-production.yaml with CloudNativePG')).toEqual(Array(4).fill('pre-upgrade'));
  });

  it('the dev PostgreSQL creates the four databases the services connect to', () => {
    const objects = objectsOf(variants[0]!);
    const init = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'railgraph-postgresql-initdb')!;
    const script = Object.values(init['data'] as Record<string, string>).join('\n');
    const urls = configuredCalls(objects).filter((call) => call.host === 'railgraph-postgresql');
    const databases = new Set(
      urls.map((call) => new URL(call.url.replace('$(DATABASE_PASSWORD)', 'x')).pathname.slice(1)),
    );
    expect([...databases].sort()).toEqual(['prices', 'tickets', 'trains', 'users']);
    for (const database of databases) expect(script).toContain(`CREATE DATABASE ${database} OWNER railgraph;`);
  });
});

describe('the validators the rendered chart is checked with', () => {
  beforeAll(() => {
    validator ??= ManifestValidator.create();
  });

  const metadata = { name: 'x', namespace: 'railgraph' };
  const deployment = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      selector: { matchLabels: { app: 'x' } },
      template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'x', image: 'x:1' }] } },
      ...spec,
    },
  });

  it('accept a valid object of each kind they cover', async () => {
    const objects: KubeObject[] = [
      deployment({ replicas: 2 }),
      { apiVersion: 'configuration.konghq.com/v1', kind: 'KongPlugin', metadata, plugin: 'cors', config: { any: 1 } },
      {
        apiVersion: 'configuration.konghq.com/v1',
        kind: 'KongConsumer',
        metadata,
        username: 'acme',
        credentials: ['k'],
      },
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Cluster',
        metadata,
        spec: { instances: 1, storage: { size: '1Gi' } },
      },
      {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Database',
        metadata,
        spec: { name: 'trains', owner: 'railgraph', cluster: { name: 'pg' } },
      },
    ];
    expect(await schemaProblems(objects)).toEqual([]);
  });

  it.each<[string, KubeObject, string]>([
    ['a kind without a validator', { apiVersion: 'example.com/v1', kind: 'Widget', metadata }, 'no validator'],
    ['a string where an integer belongs', deployment({ replicas: 'two' }), 'must be integer'],
    ['a name Kubernetes refuses', { ...deployment({}), metadata: { name: 'Not_A_Name' } }, 'metadata/name'],
    [
      'a KongPlugin field the CRD lacks',
      { apiVersion: 'configuration.konghq.com/v1', kind: 'KongPlugin', metadata, plugin: 'cors', configs: {} },
      "additional properties 'configs'",
    ],
    [
      'a KongPlugin with config and configFrom',
      {
        apiVersion: 'configuration.konghq.com/v1',
        kind: 'KongPlugin',
        metadata,
        plugin: 'cors',
        config: {},
        configFrom: { secretKeyRef: { name: 's', key: 'k' } },
      },
      'must NOT be valid',
    ],
    [
      'a KongConsumer without username or custom_id',
      { apiVersion: 'configuration.konghq.com/v1', kind: 'KongConsumer', metadata, credentials: ['k'] },
      "must have required property 'username'",
    ],
    [
      'a Cluster without instances',
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata, spec: { instances: 0 } },
      'must be >= 1',
    ],
    [
      'a Cluster spec field the CRD lacks',
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata, spec: { instances: 1, replicas: 3 } },
      "additional properties 'replicas'",
    ],
    [
      'a Database without an owner',
      { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Database', metadata, spec: { name: 'x', cluster: { name: 'pg' } } },
      "must have required property 'owner'",
    ],
  ])('refuse %s', async (_, object, message) => {
    expect((await validator.problems(object)).join('\n')).toContain(message);
  });
});
