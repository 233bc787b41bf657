import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { chartDir, readJson, repoRoot, toolForTests } from './support.js';

/** One rendered Kubernetes object. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

type Json = Record<string, unknown>;
const isMap = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const map = (value: unknown): Json => (isMap(value) ? value : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const stringMap = (value: unknown): Record<string, string> => map(value) as Record<string, string>;
export const describeObject = (object: KubeObject) => `${object.kind} ${object.metadata?.name ?? '(no name)'}`;

// ---------------------------------------------------------------------------------------------
// Helm

export const namespace = 'railgraph';
export const kubeVersion = '1.30.0';

/** The pinned Helm that `npm run tools` builds into .tools/bin, else one on PATH. */
export function helmForTests(): string | null {
  return toolForTests('helm', '`npm run tools` builds the pinned Helm into .tools/bin', [
    path.join(repoRoot, '.tools', 'bin', 'helm'),
  ]);
}

/** Runs helm; a non-zero exit throws with everything it printed. */
export function runHelm(helm: string, args: readonly string[]): string {
  try {
    return execFileSync(helm, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`helm ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}

/** `helm template` of the chart as the release "railgraph" in the namespace "railgraph". */
export function renderChart(helm: string, valuesArgs: readonly string[]): KubeObject[] {
  const output = runHelm(helm, [
    'template',
    'railgraph',
    chartDir,
    '--namespace',
    namespace,
    '--kube-version',
    kubeVersion,
    ...valuesArgs,
  ]);
  const documents = parseAllDocuments(output);
  const errors = documents.flatMap((document) => document.errors.map((e) => e.message));
  if (errors.length > 0) throw new Error(`helm template printed YAML that does not parse:\n${errors.join('\n')}`);
  return documents.map((document) => document.toJS() as unknown).filter((object) => object !== null) as KubeObject[];
}

// ---------------------------------------------------------------------------------------------
// Schemas: every object must have a validator; one of a kind without one is a failure.

const schemasDir = path.join(repoRoot, 'charts', 'test', 'schemas');

/** Custom resources no npm package models here: JSON Schemas transcribed from their CRDs. */
const crdSchemas: Record<string, string> = {
  'configuration.konghq.com/v1/KongPlugin': 'kongplugin.json',
  'configuration.konghq.com/v1/KongConsumer': 'kongconsumer.json',
  'postgresql.cnpg.io/v1/Cluster': 'cnpg-cluster.json',
  'postgresql.cnpg.io/v1/Database': 'cnpg-database.json',
};

/** API groups modelled by a kubernetes-models package other than the core one. */
const modelPackages: Record<string, string> = {
  'cert-manager.io': '@kubernetes-models/cert-manager',
  'acme.cert-manager.io': '@kubernetes-models/cert-manager',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

/** The module of the kubernetes-models class of an apiVersion and kind, e.g. kubernetes-models/apps/v1/Deployment. */
export function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = modelPackages[group!] ?? 'kubernetes-models';
  return `${pkg}/${group ? `${group}/` : ''}${version}/${kind}`;
}

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

export class ManifestValidator {
  private readonly models = new Map<string, ModelClass | null>();

  private constructor(
    private readonly ajv: Ajv,
    private readonly metadata: ValidateFunction,
  ) {}

  static create(): ManifestValidator {
    // strictRequired off: the CRDs' CEL rules become anyOf/not of `required` alone. The CRDs'
    // patterns are Go (RE2) expressions, such as \- outside a class: not JavaScript's u mode.
    const ajv = new Ajv({
      allErrors: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
      unicodeRegExp: false,
    });
    ajv.addSchema(readJson(path.join(schemasDir, 'objectmeta.json')));
    for (const file of Object.values(crdSchemas)) ajv.addSchema(readJson(path.join(schemasDir, file)));
    return new ManifestValidator(ajv, ajv.getSchema('objectmeta.json')!);
  }

  /** The class modelling apiVersion/kind, or null when no package has one. */
  async model(apiVersion: string, kind: string): Promise<ModelClass | null> {
    const key = `${apiVersion}/${kind}`;
    if (!this.models.has(key)) {
      let found: ModelClass | null = null;
      try {
        const module = (await import(modelModule(apiVersion, kind))) as Record<string, unknown>;
        if (typeof module[kind] === 'function') found = module[kind] as ModelClass;
      } catch {
        // no such module: no model for this kind
      }
      this.models.set(key, found);
    }
    return this.models.get(key)!;
  }

  /** Problems with one object: its metadata, then its kind's schema; no validator is a problem. */
  async problems(object: KubeObject): Promise<string[]> {
    const where = describeObject(object);
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      return [`${where}: no apiVersion and kind`];
    }
    const problems: string[] = [];
    if (!this.metadata(object.metadata)) {
      problems.push(...this.ajvErrors(this.metadata).map((message) => `${where}: metadata${message}`));
    }
    const schemaFile = crdSchemas[`${object.apiVersion}/${object.kind}`];
    if (schemaFile) {
      const validate = this.ajv.getSchema(schemaFile)!;
      if (!validate(object)) problems.push(...this.ajvErrors(validate).map((message) => `${where}: ${message}`));
      return problems;
    }
    const Model = await this.model(object.apiVersion, object.kind);
    if (!Model) return [...problems, `${where}: no validator for ${object.apiVersion} ${object.kind}`];
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
    return problems;
  }

  private ajvErrors(validate: ValidateFunction): string[] {
    return (validate.errors ?? []).map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` '${String(e.params['additionalProperty'])}'` : '';
      return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
    });
  }
}

/**
 * The kubernetes-models schemas let unknown fields through (as Kubernetes' OpenAPI does); the
 * API server refuses them under strict field validation. TypeScript's excess-property check
 * against the same package's interfaces finds them: every core object becomes a typed literal
 * of one in-memory module, type-checked together (one problem per object at most). Core kinds
 * only: @kubernetes-models/cert-manager 4.x is generated from cert-manager 1.11's CRDs and
 * lacks later fields (http01.ingress.ingressClassName, 1.12).
 */
export function unknownFieldProblems(objects: readonly KubeObject[]): string[] {
  const modelled = objects.filter(
    (object) => !crdSchemas[`${object.apiVersion}/${object.kind}`] && !modelPackages[object.apiVersion.split('/')[0]!],
  );
  const file = path.join(repoRoot, 'charts', 'test', '__rendered__.ts');
  const lines = modelled.flatMap((object, i) => [
    `import type { I${object.kind} as T${i} } from '${modelModule(object.apiVersion, object.kind)}';`,
    `export const o${i}: T${i} = ${JSON.stringify(object)};`,
  ]);
  const text = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, readFile, fileExists } = host;
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, text, language) : getSourceFile.call(host, name, language, ...rest);
  host.readFile = (name) => (name === file ? text : readFile.call(host, name));
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  const program = ts.createProgram([file], options, host);
  const source = program.getSourceFile(file)!;
  const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file !== source || diagnostic.start === undefined) return message;
    const line = source.getLineAndCharacterOfPosition(diagnostic.start).line;
    const object = modelled[Math.floor(line / 2)]!;
    return `${describeObject(object)}: ${line % 2 === 0 ? 'no type for its kind: ' : ''}${message}`;
  });
  return [...new Set(problems)];
}

// ---------------------------------------------------------------------------------------------
// Cross-object invariants. Each returns problems; an empty list passes.

export interface PodTemplate {
  owner: KubeObject;
  labels: Record<string, string>;
  spec: Json;
  longRunning: boolean;
}

export function podTemplates(objects: readonly KubeObject[]): PodTemplate[] {
  const templates: PodTemplate[] = [];
  for (const object of objects) {
    const spec = map(object['spec']);
    let template: Json | undefined;
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(object.kind)) {
      template = map(spec['template']);
    } else if (object.kind === 'CronJob') {
      template = map(map(map(spec['jobTemplate'])['spec'])['template']);
    }
    if (template) {
      templates.push({
        owner: object,
        labels: stringMap(map(template['metadata'])['labels']),
        spec: map(template['spec']),
        longRunning: !['Job', 'CronJob'].includes(object.kind),
      });
    }
  }
  return templates;
}

const containersOf = (pod: PodTemplate): Json[] =>
  [...list(pod.spec['initContainers']), ...list(pod.spec['containers'])].map(map);

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** Kubernetes' label selector semantics (an empty selector selects everything). */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = key in labels;
    const ok =
      operator === 'In'
        ? has && values.includes(labels[key]!)
        : operator === 'NotIn'
          ? !has || !values.includes(labels[key]!)
          : operator === 'Exists'
            ? has
            : operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

const ofKind = (objects: readonly KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: readonly KubeObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

/** Every Service selects at least one pod template, and its named target ports exist there. */
export function servicesSelectPods(objects: readonly KubeObject[]): string[] {
  const pods = podTemplates(objects);
  return ofKind(objects, 'Service').flatMap((service) => {
    const spec = map(service['spec']);
    const selector = stringMap(spec['selector']);
    const selected = pods.filter((pod) => selects({ matchLabels: selector }, pod.labels));
    if (Object.keys(selector).length === 0 || selected.length === 0) {
      return [`${describeObject(service)}: selects no pod template (${JSON.stringify(selector)})`];
    }
    return list(spec['ports'])
      .map(map)
      .filter((port) => typeof port['targetPort'] === 'string')
      .filter((port) => !selected.some((pod) => containerPort(pod, port['targetPort'] as string) !== undefined))
      .map((port) => `${describeObject(service)}: target port ${String(port['targetPort'])} is no container's port`);
  });
}

function containerPort(pod: PodTemplate, name: string): number | undefined {
  for (const container of containersOf(pod)) {
    for (const port of list(container['ports']).map(map))
      if (port['name'] === name) return port['containerPort'] as number;
  }
  return undefined;
}

/** The keys CloudNativePG writes into the <cluster>-app Secret it generates. */
const cnpgAppSecretKeys = ['username', 'password', 'host', 'port', 'dbname', 'uri', 'jdbc-uri', 'pgpass'];

export interface Reference {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  key?: string;
  from: string;
}

/** The Secrets and ConfigMaps pods read: envFrom, env valueFrom, volumes (projected too). */
export function podReferences(objects: readonly KubeObject[]): Reference[] {
  const references: Reference[] = [];
  for (const pod of podTemplates(objects)) {
    const from = describeObject(pod.owner);
    for (const container of containersOf(pod)) {
      for (const source of list(container['envFrom']).map(map)) {
        const configMap = map(source['configMapRef']);
        const secret = map(source['secretRef']);
        if (configMap['name']) references.push({ kind: 'ConfigMap', name: String(configMap['name']), from });
        if (secret['name']) references.push({ kind: 'Secret', name: String(secret['name']), from });
      }
      for (const env of list(container['env']).map(map)) {
        const valueFrom = map(env['valueFrom']);
        const configMap = map(valueFrom['configMapKeyRef']);
        const secret = map(valueFrom['secretKeyRef']);
        if (configMap['name']) {
          references.push({ kind: 'ConfigMap', name: String(configMap['name']), key: String(configMap['key']), from });
        }
        if (secret['name']) {
          references.push({ kind: 'Secret', name: String(secret['name']), key: String(secret['key']), from });
        }
      }
    }
    const volumes = list(pod.spec['volumes']).map(map);
    const sources = [...volumes, ...volumes.flatMap((volume) => list(map(volume['projected'])['sources']).map(map))];
    for (const volume of sources) {
      const configMap = map(volume['configMap']);
      const secret = map(volume['secret']);
      if (configMap['name']) references.push({ kind: 'ConfigMap', name: String(configMap['name']), from });
      if (secret['secretName']) references.push({ kind: 'Secret', name: String(secret['secretName']), from });
    }
  }
  return references;
}

/**
 * Every Secret and ConfigMap a pod reads is rendered (with the key it reads), or is the
 * documented existing secret (a documented key), or is the Secret CloudNativePG generates for
 * a rendered Cluster.
 */
export function referencesResolve(
  objects: readonly KubeObject[],
  existingSecret: string,
  documentedSecretKeys: ReadonlySet<string>,
): string[] {
  const clusters = ofKind(objects, 'Cluster').filter((o) => o.apiVersion.startsWith('postgresql.cnpg.io/'));
  return podReferences(objects).flatMap((ref) => {
    const rendered = named(objects, ref.kind, ref.name);
    const what = `${ref.from}: ${ref.kind} ${ref.name}${ref.key ? ` key ${ref.key}` : ''}`;
    if (rendered) {
      const keys = new Set([...Object.keys(map(rendered['data'])), ...Object.keys(map(rendered['stringData']))]);
      return ref.key && !keys.has(ref.key) ? [`${what}: the rendered ${ref.kind} has no such key`] : [];
    }
    if (ref.kind === 'Secret' && existingSecret && ref.name === existingSecret) {
      return ref.key && !documentedSecretKeys.has(ref.key)
        ? [`${what}: not a documented key of secrets.existingSecret`]
        : [];
    }
    if (ref.kind === 'Secret' && clusters.some((cluster) => ref.name === `${cluster.metadata.name}-app`)) {
      return ref.key && !cnpgAppSecretKeys.includes(ref.key) ? [`${what}: CloudNativePG writes no such key`] : [];
    }
    return [`${what}: neither rendered nor the documented existing secret`];
  });
}

/** Images name a tag other than latest, or a digest; so does a CloudNativePG Cluster's imageName. */
export function imagesPinned(objects: readonly KubeObject[]): string[] {
  const images = [
    ...podTemplates(objects).flatMap((pod) =>
      containersOf(pod).map((container) => ({ where: describeObject(pod.owner), image: String(container['image']) })),
    ),
    ...ofKind(objects, 'Cluster').map((cluster) => ({
      where: describeObject(cluster),
      image: String(map(cluster['spec'])['imageName']),
    })),
  ];
  return images
    .filter(({ image }) => {
      const digest = /@sha256:[a-f0-9]{64}$/.test(image);
      const tag = /:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(image.replace(/@sha256:[a-f0-9]{64}$/, ''))?.[1];
      return !digest && (!tag || tag === 'latest');
    })
    .map(({ where, image }) => `${where}: image ${image} is not pinned to a tag or digest`);
}

/** The chart's labels on every object. */
export function labelled(objects: readonly KubeObject[]): string[] {
  const required = [
    'helm.sh/chart',
    'app.kubernetes.io/name',
    'app.kubernetes.io/instance',
    'app.kubernetes.io/version',
    'app.kubernetes.io/managed-by',
    'app.kubernetes.io/part-of',
  ];
  return objects.flatMap((object) => {
    const missing = required.filter((label) => !object.metadata.labels?.[label]);
    return missing.length > 0 ? [`${describeObject(object)}: no label ${missing.join(', ')}`] : [];
  });
}

/**
 * Every pod: non-root with the runtime's seccomp profile and no service-account token; every
 * container: no privilege escalation, no capabilities, a read-only root filesystem, CPU and
 * memory requests and limits; every long-running container: startup, liveness and readiness
 * probes.
 */
export function podsHardened(objects: readonly KubeObject[]): string[] {
  return podTemplates(objects).flatMap((pod) => {
    const where = describeObject(pod.owner);
    const problems: string[] = [];
    const podSecurity = map(pod.spec['securityContext']);
    if (podSecurity['runAsNonRoot'] !== true) problems.push(`${where}: pod not runAsNonRoot`);
    if (map(podSecurity['seccompProfile'])['type'] !== 'RuntimeDefault') {
      problems.push(`${where}: pod seccompProfile is not RuntimeDefault`);
    }
    if (pod.spec['automountServiceAccountToken'] !== false) problems.push(`${where}: mounts a service-account token`);
    for (const container of containersOf(pod)) {
      const at = `${where} container ${String(container['name'])}`;
      const security = map(container['securityContext']);
      if (security['allowPrivilegeEscalation'] !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
      if (security['readOnlyRootFilesystem'] !== true) problems.push(`${at}: root filesystem is writable`);
      if (!list(map(security['capabilities'])['drop']).includes('ALL'))
        problems.push(`${at}: capabilities not dropped`);
      const resources = map(container['resources']);
      for (const bound of ['requests', 'limits']) {
        for (const resource of ['cpu', 'memory']) {
          if (map(resources[bound])[resource] === undefined) problems.push(`${at}: no ${resource} ${bound}`);
        }
      }
      if (pod.longRunning) {
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          if (!isMap(container[probe])) problems.push(`${at}: no ${probe}`);
        }
      }
    }
    return problems;
  });
}

/** HPAs scale rendered workloads; Kong plugin annotations name rendered KongPlugins; TLS secrets are issued. */
export function referencesBetweenObjects(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
    const target = map(map(hpa['spec'])['scaleTargetRef']);
    if (!named(objects, String(target['kind']), String(target['name']))) {
      problems.push(`${describeObject(hpa)}: scales ${String(target['kind'])} ${String(target['name'])}, not rendered`);
    }
  }
  for (const object of objects) {
    const plugins = object.metadata.annotations?.['konghq.com/plugins'];
    for (const plugin of plugins ? plugins.split(',').map((p) => p.trim()) : []) {
      if (!named(objects, 'KongPlugin', plugin))
        problems.push(`${describeObject(object)}: KongPlugin ${plugin} not rendered`);
    }
  }
  const issued = new Set(ofKind(objects, 'Certificate').map((c) => String(map(c['spec'])['secretName'])));
  for (const ingress of ofKind(objects, 'Ingress')) {
    for (const tls of list(map(ingress['spec'])['tls']).map(map)) {
      if (!issued.has(String(tls['secretName']))) {
        problems.push(
          `${describeObject(ingress)}: TLS secret ${String(tls['secretName'])} is issued by no Certificate`,
        );
      }
    }
  }
  for (const monitor of ofKind(objects, 'ServiceMonitor')) {
    const spec = map(monitor['spec']);
    const selector = map(spec['selector']) as LabelSelector;
    const services = ofKind(objects, 'Service').filter((s) => selects(selector, s.metadata.labels ?? {}));
    if (services.length === 0) problems.push(`${describeObject(monitor)}: selects no Service`);
    for (const endpoint of list(spec['endpoints']).map(map)) {
      const port = endpoint['port'];
      const missing = services.filter((s) => !list(map(s['spec'])['ports']).some((p) => map(p)['name'] === port));
      for (const service of missing)
        problems.push(`${describeObject(monitor)}: ${describeObject(service)} has no port ${String(port)}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicies against the calls the configuration makes.

interface Target {
  labels: Record<string, string>;
  port: number;
  portName?: string;
}

export interface Call {
  from: PodTemplate;
  url: string;
  host: string;
  targets: Target[];
}

/**
 * The in-cluster calls each pod is configured to make: every URL in its env values and its
 * ConfigMaps whose host is a rendered Service (or one CloudNativePG makes for a rendered
 * Cluster), resolved to the pods and port behind it. External hosts are not calls here.
 */
export function configuredCalls(objects: readonly KubeObject[]): Call[] {
  const pods = podTemplates(objects);
  const urlPattern =
    /\b(?:https?|postgres(?:ql)?|rediss?):\/\/(?:[^@/\s"]*@)?([a-z0-9-]+)(?:\.[a-z0-9.-]+)?:(\d+)[^\s"]*/g;
  const calls: Call[] = [];
  for (const pod of pods) {
    const values: string[] = [];
    for (const container of containersOf(pod)) {
      for (const env of list(container['env']).map(map))
        if (typeof env['value'] === 'string') values.push(env['value']);
      for (const source of list(container['envFrom']).map(map)) {
        const configMap = named(objects, 'ConfigMap', String(map(source['configMapRef'])['name']));
        if (configMap) values.push(...Object.values(stringMap(configMap['data'])));
      }
    }
    for (const value of values) {
      for (const match of value.matchAll(urlPattern)) {
        const [url, host, port] = [match[0], match[1]!, Number(match[2])];
        const targets = resolveHost(objects, pods, host, port);
        if (targets) calls.push({ from: pod, url, host, targets });
      }
    }
  }
  return calls;
}

function resolveHost(objects: readonly KubeObject[], pods: PodTemplate[], host: string, port: number): Target[] | null {
  const service = named(objects, 'Service', host);
  if (service) {
    const spec = map(service['spec']);
    const servicePort = list(spec['ports'])
      .map(map)
      .find((p) => p['port'] === port);
    if (!servicePort) return [];
    const selected = pods.filter((pod) => selects({ matchLabels: stringMap(spec['selector']) }, pod.labels));
    return selected.map((pod) => {
      const targetPort = servicePort['targetPort'] ?? port;
      return typeof targetPort === 'string'
        ? { labels: pod.labels, port: containerPort(pod, targetPort) ?? -1, portName: targetPort }
        : { labels: pod.labels, port: targetPort as number };
    });
  }
  for (const cluster of ofKind(objects, 'Cluster').filter((o) => o.apiVersion.startsWith('postgresql.cnpg.io/'))) {
    if (['rw', 'ro', 'r'].some((suffix) => host === `${cluster.metadata.name}-${suffix}`)) {
      const inherited = stringMap(map(map(map(cluster['spec'])['inheritedMetadata'])['labels']));
      return port === 5432
        ? [{ labels: { ...inherited, 'cnpg.io/cluster': cluster.metadata.name }, port: 5432, portName: 'postgresql' }]
        : [];
    }
  }
  return null;
}

/** Whether the NetworkPolicies let a pod of this release's namespace reach a target. */
export function allowedByNetworkPolicies(
  objects: readonly KubeObject[],
  client: Record<string, string>,
  target: Target,
): boolean {
  const namespaceLabels = { 'kubernetes.io/metadata.name': namespace };
  const policies = ofKind(objects, 'NetworkPolicy')
    .map((policy) => map(policy['spec']))
    .filter((spec) => selects(map(spec['podSelector']) as LabelSelector, target.labels))
    .filter((spec) => {
      const types = list(spec['policyTypes']);
      return types.length === 0 || types.includes('Ingress');
    });
  if (policies.length === 0) return true;
  return policies.some((spec) =>
    list(spec['ingress'])
      .map(map)
      .some((rule) => {
        const peers = list(rule['from']).map(map);
        const peerOk =
          peers.length === 0 ||
          peers.some((peer) => {
            const namespaceOk =
              peer['namespaceSelector'] === undefined ||
              selects(map(peer['namespaceSelector']) as LabelSelector, namespaceLabels);
            const podOk =
              peer['podSelector'] === undefined || selects(map(peer['podSelector']) as LabelSelector, client);
            const hasSelector = peer['namespaceSelector'] !== undefined || peer['podSelector'] !== undefined;
            return hasSelector && namespaceOk && podOk;
          });
        const ports = list(rule['ports']).map(map);
        const portOk =
          ports.length === 0 ||
          ports.some((p) => p['port'] === target.port || (target.portName && p['port'] === target.portName));
        return peerOk && portOk;
      }),
  );
}

/** Every configured in-cluster call reaches a pod, through the NetworkPolicies. */
export function callsAllowed(objects: readonly KubeObject[], calls: readonly Call[]): string[] {
  return calls.flatMap((call) => {
    const where = `${describeObject(call.from.owner)} -> ${call.url}`;
    if (call.targets.length === 0) return [`${where}: no pod serves that port`];
    return call.targets.some((target) => target.port > 0 && allowedByNetworkPolicies(objects, call.from.labels, target))
      ? []
      : [`${where}: refused by the NetworkPolicies`];
  });
}
