// Pod templates (of Deployments, StatefulSets, Jobs, CronJobs...) and the label selectors that pick them.
import { list, map, stringMap, type Json, type KubeObject } from './kube-objects.js';

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

export const containersOf = (pod: PodTemplate): Json[] =>
  [...list(pod.spec['initContainers']), ...list(pod.spec['containers'])].map(map);

export interface LabelSelector {
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

/** The containerPort of a pod template's port of this name. */
export function containerPort(pod: PodTemplate, name: string): number | undefined {
  for (const container of containersOf(pod)) {
    for (const port of list(container['ports']).map(map))
      if (port['name'] === name) return port['containerPort'] as number;
  }
  return undefined;
}
