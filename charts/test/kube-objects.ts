// Rendered Kubernetes objects, and the reading of their loosely typed fields that every chart check shares.

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

export type Json = Record<string, unknown>;
export const isMap = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const map = (value: unknown): Json => (isMap(value) ? value : {});
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const stringMap = (value: unknown): Record<string, string> => map(value) as Record<string, string>;
export const describeObject = (object: KubeObject) => `${object.kind} ${object.metadata?.name ?? '(no name)'}`;

/** The objects of one kind. */
export const ofKind = (objects: readonly KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);
/** The object of a kind with a name, if rendered. */
export const named = (objects: readonly KubeObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
