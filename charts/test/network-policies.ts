// NetworkPolicies against the calls the configuration makes.
import { namespace } from './helm.js';
import { describeObject, list, map, named, ofKind, stringMap, type KubeObject } from './kube-objects.js';
import {
  containerPort,
  containersOf,
  podTemplates,
  selects,
  type LabelSelector,
  type PodTemplate,
} from './pod-templates.js';

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
