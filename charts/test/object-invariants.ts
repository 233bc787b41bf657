// Cross-object invariants. Each returns problems; an empty list passes.
import { describeObject, isMap, list, map, named, ofKind, stringMap, type KubeObject } from './kube-objects.js';
import { containerPort, containersOf, podTemplates, selects, type LabelSelector } from './pod-templates.js';

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
 * documented existing secret (a documented key), or another Secret the values name with the key
 * they name (e.g. trains.realtime.tripUpdates), or is the Secret CloudNativePG generates for a
 * rendered Cluster.
 */
export function referencesResolve(
  objects: readonly KubeObject[],
  existingSecret: string,
  documentedSecretKeys: ReadonlySet<string>,
  otherSecrets: Readonly<Record<string, readonly string[]>> = {},
): string[] {
  const clusters = ofKind(objects, 'Cluster').filter((o) => o.apiVersion.startsWith('postgresql.cnpg.io/'));
  return podReferences(objects).flatMap((ref) => {
    const rendered = named(objects, ref.kind, ref.name);
    const what = `${ref.from}: ${ref.kind} ${ref.name}${ref.key ? ` key ${ref.key}` : ''}`;
    if (rendered) {
      const keys = new Set([...Object.keys(map(rendered['data'])), ...Object.keys(map(rendered['stringData']))]);
      return ref.key && !keys.has(ref.key) ? [`${what}: the rendered ${ref.kind} has no such key`] : [];
    }
    // May be secrets.existingSecret too: the key the values name is then in it.
    if (ref.kind === 'Secret' && ref.key && otherSecrets[ref.name]?.includes(ref.key)) return [];
    if (ref.kind === 'Secret' && existingSecret && ref.name === existingSecret) {
      return ref.key && !documentedSecretKeys.has(ref.key)
        ? [`${what}: not a documented key of secrets.existingSecret`]
        : [];
    }
    if (ref.kind === 'Secret' && clusters.some((cluster) => ref.name === `${cluster.metadata.name}-app`)) {
      return ref.key && !cnpgAppSecretKeys.includes(ref.key) ? [`${what}: CloudNativePG writes no such key`] : [];
    }
    return [`${what}: neither rendered nor the documented existing secret (nor a Secret and key the values name)`];
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
