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
import { list, map, named, ofKind as ofKindIn, stringMap } from './kube-objects.js';
import { chartDir, mergeValues, readYaml } from './support.js';

// The chart rendered by the real Helm (.tools/bin/helm, built by `npm run tools`) for each
// values file, and every object checked offline: core kinds, cert-manager and the Prometheus
// operator against the kubernetes-models packages, Kong and CloudNativePG against the JSON
// Schemas in schemas/ (transcribed from their CRDs). A kind with no validator fails.
const helm = helmForTests();

type Values = Record<string, unknown>;
const valuesFile = (name: string) => path.join(chartDir, name);
const defaults = readYaml<Values>(valuesFile('values.yaml'));

const publishableKey = 'pk_live_51Railgraph0Example';

interface Variant {
  name: string;
  args: string[];
  /** secrets.existingSecret of the merged values: the one Secret pods may read without the chart rendering it. */
  existingSecret: string;
  /** Other Secrets the values name, with the key they name: pods may read those too. */
  otherSecrets: Record<string, string[]>;
}

function variant(
  name: string,
  file: string,
  extra: string[] = [],
  otherSecrets: Record<string, string[]> = {},
): Variant {
  const values = mergeValues(defaults, readYaml<Values>(valuesFile(file)));
  const existingSecret = String((values['secrets'] as Values)['existingSecret'] ?? '');
  return { name, args: ['-f', valuesFile(file), ...extra], existingSecret, otherSecrets };
}

// The operator's GTFS-Realtime TripUpdates: the feed's URL in a Secret of its own, polled every
// 15 s, and pushes routed to trains.
const realtimeSecret = 'railgraph-gtfs-rt';
const realtimeSecretKey = String(
  (((defaults['trains'] as Values)['realtime'] as Values)['tripUpdates'] as Values)['secretKey'],
);

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
  variant('values-production.yaml with Stripe and a partner consumer', 'values-production.yaml', [
    '--set',
    `tickets.payments.provider=stripe,web.stripePublishableKey=${publishableKey}`,
    '--set-json',
    'ingress.consumers=[{"username":"partner-acme","credentials":["partner-acme-key"],"perMinute":3000}]',
  ]),
  variant(
    'values-production.yaml with GTFS-Realtime polled and pushed',
    'values-production.yaml',
    [
      '--set',
      `trains.realtime.tripUpdates.existingSecret=${realtimeSecret},trains.realtime.pollMs=15000,trains.realtime.push.enabled=true`,
    ],
    { [realtimeSecret]: [realtimeSecretKey] },
  ),
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
      expect(referencesResolve(objects, v.existingSecret, documentedSecretKeys, v.otherSecrets)).toEqual([]);
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

  const productionArgs = ['-f', valuesFile('values-production.yaml')];
  const failure = (args: string[]) => {
    try {
      renderChart(helm!, args);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`helm template ${args.join(' ')} rendered`);
  };

  const configOf = (objects: KubeObject[], component: string) =>
    map(named(objects, 'ConfigMap', `railgraph-${component}`)!['data']);
  const podOf = (objects: KubeObject[], component: string) =>
    map(map(map(named(objects, 'Deployment', `railgraph-${component}`)!['spec'])['template'])['spec']);
  const containerOf = (objects: KubeObject[], component: string) =>
    map(list(podOf(objects, component)['containers'])[0]);
  /** The container's env entries from Secrets, as NAME -> secret/key. */
  const secretEnvOf = (objects: KubeObject[], component: string) =>
    Object.fromEntries(
      list(containerOf(objects, component)['env'])
        .map(map)
        .filter((env) => map(env['valueFrom'])['secretKeyRef'])
        .map((env) => {
          const ref = map(map(env['valueFrom'])['secretKeyRef']);
          return [String(env['name']), `${String(ref['name'])}/${String(ref['key'])}`];
        }),
    );

  describe('the sale: payments, booking emails and the web app', () => {
    const objectsNamed = (name: string) => objectsOf(variants.find((v) => v.name === name)!);
    const dev = () => objectsNamed('values-dev.yaml');
    const production = () => objectsNamed('values-production.yaml with a partner consumer');
    const stripe = () => objectsNamed('values-production.yaml with Stripe and a partner consumer');
    const webhookIngress = (objects: KubeObject[]) => named(objects, 'Ingress', 'railgraph-stripe-webhook');
    const nginxConfig = (objects: KubeObject[]) =>
      Object.values(stringMap(named(objects, 'ConfigMap', 'railgraph-web-nginx')!['data'])).join('\n');

    it('by default takes payments in the sandbox, with no Stripe secret and no webhook route', () => {
      for (const objects of [dev(), production()]) {
        expect(configOf(objects, 'tickets')['PAYMENT_PROVIDER']).toBe('sandbox');
        expect(configOf(objects, 'tickets')).not.toHaveProperty('STRIPE_API_URL');
        const secretEnv = Object.keys(secretEnvOf(objects, 'tickets'));
        expect(secretEnv).toContain('TICKETS_CLIENT_SECRET');
        expect(secretEnv.filter((name) => name.startsWith('STRIPE_'))).toEqual([]);
        expect(webhookIngress(objects)).toBeUndefined();
        expect(nginxConfig(objects)).not.toContain('railgraph-stripe-publishable-key');
      }
    });

    it('passes tickets the mail settings and its peers for addresses and stations', () => {
      const config = configOf(production(), 'tickets');
      expect(config).toMatchObject({
        MAIL_FROM: 'Railgraph <tickets@railgraph.example>',
        MAIL_RETENTION_DAYS: '90',
        USERS_URL: 'http://railgraph-users:4001/graphql',
        TRAINS_URL: 'http://railgraph-trains:4002/graphql',
      });
      // The calls themselves pass the NetworkPolicies (checked for every variant above).
      const fromTickets = configuredCalls(production()).filter(
        (call) => call.from.owner.metadata.name === 'railgraph-tickets',
      );
      expect(fromTickets.map((call) => call.host)).toEqual(
        expect.arrayContaining(['railgraph-trains', 'railgraph-users']),
      );
    });

    it('without SMTP (dev) writes emails into an emptyDir of their own, and says so', () => {
      const objects = dev();
      expect(secretEnvOf(objects, 'tickets')).not.toHaveProperty('SMTP_URL');
      const mailDir = configOf(objects, 'tickets')['MAIL_DIR'];
      expect(mailDir).toBe('/var/lib/railgraph/mail');
      const mount = list(containerOf(objects, 'tickets')['volumeMounts'])
        .map(map)
        .find((m) => m['mountPath'] === mailDir);
      const volume = list(podOf(objects, 'tickets')['volumes'])
        .map(map)
        .find((v) => v['name'] === mount?.['name']);
      expect(volume).toMatchObject({ emptyDir: { sizeLimit: '256Mi' } });
      const notes = runHelm(helm!, [
        'install',
        'railgraph',
        chartDir,
        '--dry-run=client',
        '-f',
        valuesFile('values-dev.yaml'),
      ]);
      expect(notes).toContain('WARNING: booking emails are NOT sent.');
    });

    it('with tickets.mail.smtp (production) sends emails over SMTP_URL from the smtp-url key', () => {
      const objects = production();
      expect(secretEnvOf(objects, 'tickets')['SMTP_URL']).toBe('railgraph-secrets/smtp-url');
      expect(configOf(objects, 'tickets')).not.toHaveProperty('MAIL_DIR');
      expect(list(podOf(objects, 'tickets')['volumes']).map((v) => map(v)['name'])).toEqual(['tmp']);
      expect(failure(['-f', valuesFile('values-dev.yaml'), '--set', 'tickets.mail.smtp=true'])).toContain(
        'tickets.mail.smtp needs secrets.existingSecret with an smtp-url key',
      );
    });

    it('refuses provider stripe without an existing secret: the chart never generates Stripe keys', () => {
      const message = failure([
        '-f',
        valuesFile('values-dev.yaml'),
        '--set',
        `tickets.payments.provider=stripe,web.stripePublishableKey=${publishableKey}`,
      ]);
      expect(message).toContain(
        'tickets.payments.provider stripe needs secrets.existingSecret with the stripe-secret-key and stripe-webhook-secret keys',
      );
    });

    it('with stripe reads both Stripe keys from the existing secret', () => {
      const objects = stripe();
      expect(configOf(objects, 'tickets')['PAYMENT_PROVIDER']).toBe('stripe');
      expect(secretEnvOf(objects, 'tickets')).toMatchObject({
        STRIPE_SECRET_KEY: 'railgraph-secrets/stripe-secret-key',
        STRIPE_WEBHOOK_SECRET: 'railgraph-secrets/stripe-webhook-secret',
      });
      // Only tickets holds them.
      for (const component of ['gateway', 'users', 'trains', 'inventory', 'prices']) {
        expect(
          Object.keys(secretEnvOf(objects, component)).filter((n) => n.startsWith('STRIPE_')),
          component,
        ).toEqual([]);
      }
      const withMock = renderChart(helm!, [
        ...productionArgs,
        '--set',
        `tickets.payments.provider=stripe,web.stripePublishableKey=${publishableKey},tickets.payments.stripeApiUrl=http://stripe-mock:12111`,
      ]);
      expect(configOf(withMock, 'tickets')['STRIPE_API_URL']).toBe('http://stripe-mock:12111');
    });

    it('with stripe routes POST /webhooks/stripe on the API host to tickets, without auth or CORS', () => {
      const objects = stripe();
      const ingress = webhookIngress(objects)!;
      expect(ingress).toBeDefined();
      const annotations = ingress.metadata.annotations!;
      expect(annotations['konghq.com/methods']).toBe('POST');
      expect(annotations['konghq.com/protocols']).toBe('https');
      // Kong's per-IP limit stays; the consumers' key-auth and limits, and CORS, are not on it.
      expect(annotations['konghq.com/plugins']!.split(',')).toEqual([
        'railgraph-correlation-id',
        'railgraph-request-size',
        'railgraph-rate-limiting',
      ]);
      const api = named(objects, 'Ingress', 'railgraph-api')!;
      expect(api.metadata.annotations!['konghq.com/plugins']).toContain('railgraph-key-auth');
      expect(map(ingress['spec'])['rules']).toEqual([
        {
          host: 'api.railgraph.example',
          http: {
            paths: [
              {
                path: '/webhooks/stripe',
                pathType: 'Exact',
                backend: { service: { name: 'railgraph-tickets', port: { name: 'http' } } },
              },
            ],
          },
        },
      ]);
      // Kong may reach tickets now, and only with stripe.
      const kong = { 'kubernetes.io/metadata.name': 'kong' };
      const ticketsPolicy = (all: KubeObject[]) =>
        list(map(named(all, 'NetworkPolicy', 'railgraph-tickets')!['spec'])['ingress'])
          .map(map)
          .some((rule) =>
            list(rule['from']).some((peer) =>
              JSON.stringify(map(peer)['namespaceSelector'])?.includes(JSON.stringify(kong)),
            ),
          );
      expect(ticketsPolicy(objects)).toBe(true);
      expect(ticketsPolicy(production())).toBe(false);
    });

    it('writes the publishable key (and the same-origin API) into the web app through nginx', () => {
      const config = nginxConfig(stripe());
      expect(config).toContain("sub_filter '<!-- railgraph:config -->'");
      expect(config).toContain(`<meta name="railgraph-stripe-publishable-key" content="${publishableKey}" />`);
      expect(config).toContain('<meta name="railgraph-graphql-url" content="/graphql" />');
      const web = containerOf(stripe(), 'web');
      expect(list(web['volumeMounts']).map(map)).toContainEqual({
        name: 'nginx-config',
        mountPath: '/etc/nginx/conf.d/railgraph-config.conf',
        subPath: 'railgraph-config.conf',
        readOnly: true,
      });
      // nginx reads the file once: a changed key must roll the web pods.
      const checksum = (objects: KubeObject[]) =>
        map(map(map(named(objects, 'Deployment', 'railgraph-web')!['spec'])['template'])['metadata'])[
          'annotations'
        ] as Record<string, string>;
      const otherKey = renderChart(helm!, [
        ...productionArgs,
        '--set',
        'tickets.payments.provider=stripe,web.stripePublishableKey=pk_live_51Another0Key',
      ]);
      expect(checksum(otherKey)['checksum/config']).not.toBe(checksum(stripe())['checksum/config']);
    });

    it.each<[string, string[], string]>([
      [
        'stripe without the publishable key',
        ['--set', 'tickets.payments.provider=stripe'],
        'tickets.payments.provider stripe needs web.stripePublishableKey',
      ],
      [
        'a publishable key with the sandbox',
        ['--set', `web.stripePublishableKey=${publishableKey}`],
        'web.stripePublishableKey is set but tickets.payments.provider is not stripe',
      ],
      [
        "Stripe's API URL with the sandbox",
        ['--set', 'tickets.payments.stripeApiUrl=http://stripe-mock:12111'],
        'tickets.payments.stripeApiUrl is read only with tickets.payments.provider stripe',
      ],
      [
        'a secret key as the publishable key',
        ['--set', 'tickets.payments.provider=stripe,web.stripePublishableKey=sk_live_51Railgraph0Example'],
        'stripePublishableKey',
      ],
      ['a provider the services do not know', ['--set', 'tickets.payments.provider=paypal'], 'provider'],
      ['an unusable From address', ['--set-string', 'tickets.mail.from=tickets'], 'from'],
    ])('refuses %s', (_, args, message) => {
      expect(failure([...productionArgs, ...args])).toContain(message);
    });

    it('alerts on the mail backlog and on failing payment webhooks', () => {
      const rule = ofKindIn(production(), 'PrometheusRule')[0]!;
      const alerts = list(map(rule['spec'])['groups']).flatMap((group) => list(map(group)['rules']).map((r) => map(r)));
      const byName = (name: string) => alerts.find((a) => a['alert'] === name);
      expect(byName('RailgraphMailBacklog')?.['expr']).toContain('max by (namespace) (tickets_mail_backlog)');
      expect(byName('RailgraphPaymentWebhooksFailing')?.['expr']).toContain(
        'tickets_payment_webhooks_total{outcome="failed"}',
      );
    });
  });

  describe("trains' GTFS-Realtime cancellations", () => {
    const objectsNamed = (name: string) => objectsOf(variants.find((v) => v.name === name)!);
    const dev = () => objectsNamed('values-dev.yaml');
    const production = () => objectsNamed('values-production.yaml');
    const realtimeVariant = () =>
      variants.find((v) => v.name === 'values-production.yaml with GTFS-Realtime polled and pushed')!;
    const realtime = () => objectsOf(realtimeVariant());
    const components = ['gateway', 'users', 'trains', 'inventory', 'prices', 'tickets'];
    const realtimeEnv = (objects: KubeObject[], component: string) => [
      ...Object.keys(configOf(objects, component)).filter((name) => name.startsWith('GTFS_RT_')),
      ...list(containerOf(objects, component)['env'])
        .map((env) => String(map(env)['name']))
        .filter((name) => name.startsWith('GTFS_RT_')),
    ];
    const pushIngress = (objects: KubeObject[]) => named(objects, 'Ingress', 'railgraph-trip-updates');
    const pushSizePlugin = (objects: KubeObject[]) =>
      named(objects, 'KongPlugin', 'railgraph-trip-updates-request-size');
    const kong = { 'kubernetes.io/metadata.name': 'kong' };
    /** The rules of trains' NetworkPolicy that admit the Kong proxy's namespace. */
    const trainsRulesFromKong = (objects: KubeObject[]) =>
      list(map(named(objects, 'NetworkPolicy', 'railgraph-trains')!['spec'])['ingress'])
        .map(map)
        .filter((rule) =>
          list(rule['from']).some((peer) =>
            JSON.stringify(map(peer)['namespaceSelector'])?.includes(JSON.stringify(kong)),
          ),
        );

    it('is off by default: no feed, no poll interval, no push route, and Kong cannot reach trains', () => {
      for (const objects of [dev(), production()]) {
        for (const component of components) expect(realtimeEnv(objects, component), component).toEqual([]);
        expect(pushIngress(objects)).toBeUndefined();
        expect(pushSizePlugin(objects)).toBeUndefined();
        expect(trainsRulesFromKong(objects)).toEqual([]);
      }
    });

    it('reads the feed URL from the named Secret and sets the poll interval, for trains alone', () => {
      const objects = realtime();
      expect(secretEnvOf(objects, 'trains')).toMatchObject({
        GTFS_RT_TRIP_UPDATES_URL: `${realtimeSecret}/${realtimeSecretKey}`,
      });
      expect(configOf(objects, 'trains')['GTFS_RT_POLL_MS']).toBe('15000');
      // Never a plain value: the URL is in no ConfigMap and no env value.
      const plain = list(containerOf(objects, 'trains')['env'])
        .map(map)
        .filter((env) => env['name'] === 'GTFS_RT_TRIP_UPDATES_URL' && env['value'] !== undefined);
      expect(plain).toEqual([]);
      expect(configOf(objects, 'trains')).not.toHaveProperty('GTFS_RT_TRIP_UPDATES_URL');
      for (const component of components.filter((c) => c !== 'trains')) {
        expect(realtimeEnv(objects, component), component).toEqual([]);
      }
    });

    it("without pollMs leaves the interval to trains' default, and follows the key the values name", () => {
      const objects = renderChart(helm!, [
        ...productionArgs,
        '--set',
        `trains.realtime.tripUpdates.existingSecret=operator-feed,trains.realtime.tripUpdates.secretKey=url`,
      ]);
      expect(secretEnvOf(objects, 'trains')['GTFS_RT_TRIP_UPDATES_URL']).toBe('operator-feed/url');
      expect(configOf(objects, 'trains')).not.toHaveProperty('GTFS_RT_POLL_MS');
      // Polling alone opens nothing to the outside.
      expect(pushIngress(objects)).toBeUndefined();
      expect(trainsRulesFromKong(objects)).toEqual([]);
    });

    it("lets trains reach the feed: no NetworkPolicy restricts trains' egress", () => {
      const objects = realtime();
      const trainsLabels = map(
        map(map(named(objects, 'Deployment', 'railgraph-trains')!['spec'])['template'])['metadata'],
      )['labels'] as Record<string, string>;
      const restrictingEgress = ofKindIn(objects, 'NetworkPolicy').filter((policy) => {
        const spec = map(policy['spec']);
        const selected = Object.entries(stringMap(map(spec['podSelector'])['matchLabels'])).every(
          ([key, value]) => trainsLabels[key] === value,
        );
        const types = list(spec['policyTypes']);
        return selected && (types.includes('Egress') || (types.length === 0 && spec['egress'] !== undefined));
      });
      expect(restrictingEgress.map((policy) => policy.metadata.name)).toEqual([]);
    });

    it('with push routes POST /realtime/trip-updates on the API host to trains, without key-auth or CORS', () => {
      const objects = realtime();
      const ingress = pushIngress(objects)!;
      expect(ingress).toBeDefined();
      const annotations = ingress.metadata.annotations!;
      expect(annotations['konghq.com/methods']).toBe('POST');
      expect(annotations['konghq.com/protocols']).toBe('https');
      expect(annotations['konghq.com/plugins']!.split(',')).toEqual([
        'railgraph-correlation-id',
        'railgraph-trip-updates-request-size',
        'railgraph-rate-limiting',
      ]);
      expect(map(ingress['spec'])['rules']).toEqual([
        {
          host: 'api.railgraph.example',
          http: {
            paths: [
              {
                path: '/realtime/trip-updates',
                pathType: 'Exact',
                backend: { service: { name: 'railgraph-trains', port: { name: 'http' } } },
              },
            ],
          },
        },
      ]);
      expect(map(ingress['spec'])['tls']).toEqual([{ hosts: ['api.railgraph.example'], secretName: 'railgraph-tls' }]);
      // A whole feed is larger than the GraphQL routes' limit, up to what trains accepts (16 MB).
      expect(map(pushSizePlugin(objects)!['config'])).toEqual({
        allowed_payload_size: 16384,
        size_unit: 'kilobytes',
        require_content_length: false,
      });
      expect(map(named(objects, 'KongPlugin', 'railgraph-request-size')!['config'])['allowed_payload_size']).toBe(1024);
    });

    it("with push lets the Kong proxy reach trains' http port, and only then", () => {
      expect(trainsRulesFromKong(realtime())).toEqual([
        {
          from: [{ namespaceSelector: { matchLabels: kong }, podSelector: {} }],
          ports: [{ port: 'http', protocol: 'TCP' }],
        },
      ]);
      expect(trainsRulesFromKong(production())).toEqual([]);
      // The callers inside the release keep their rule.
      const callers = list(map(named(realtime(), 'NetworkPolicy', 'railgraph-trains')!['spec'])['ingress'])
        .map(map)
        .flatMap((rule) => list(rule['from']).map((peer) => map(map(peer)['podSelector'])['matchExpressions']))
        .filter(Boolean);
      expect(JSON.stringify(callers)).toContain('["gateway","inventory","tickets"]');
    });

    it('tells the operator where to push and which Secret trains reads, in NOTES', () => {
      const notes = runHelm(helm!, ['install', 'railgraph', chartDir, '--dry-run=client', ...realtimeVariant().args]);
      expect(notes).toContain('https://api.railgraph.example/realtime/trip-updates');
      expect(notes).toContain(`${realtimeSecretKey} key of the Secret ${realtimeSecret}`);
    });

    it.each<[string, string[], string]>([
      [
        'a poll interval without the feed',
        ['--set', 'trains.realtime.pollMs=15000'],
        'trains.realtime.pollMs is read only with trains.realtime.tripUpdates.existingSecret',
      ],
      [
        'push without an ingress',
        ['--set', 'trains.realtime.push.enabled=true,ingress.enabled=false'],
        'trains.realtime.push.enabled needs ingress.enabled',
      ],
      [
        'a poll interval under a second',
        ['--set', 'trains.realtime.tripUpdates.existingSecret=operator-feed,trains.realtime.pollMs=500'],
        'pollMs',
      ],
      [
        'the feed URL as a plain value',
        ['--set', 'trains.realtime.tripUpdates.url=https://feed.example/trip-updates?key=secret'],
        'url',
      ],
      [
        'a Secret name Kubernetes refuses',
        ['--set', 'trains.realtime.tripUpdates.existingSecret=Operator_Feed'],
        'existingSecret',
      ],
      [
        'a push size limit above what trains accepts',
        ['--set', 'trains.realtime.push.enabled=true,trains.realtime.push.requestSizeLimitKilobytes=65536'],
        'requestSizeLimitKilobytes',
      ],
    ])('refuses %s', (_, args, message) => {
      expect(failure([...productionArgs, ...args])).toContain(message);
    });
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
