// The chart's manifests as the render tests check them: Helm's rendering (helm.ts), each object
// against its schema (manifest-schemas.ts), the invariants across objects (object-invariants.ts,
// over the pod templates of pod-templates.ts) and the NetworkPolicies against the calls the
// configuration makes (network-policies.ts).
export { describeObject, type KubeObject } from './kube-objects.js';
export { helmForTests, kubeVersion, namespace, renderChart, runHelm } from './helm.js';
export { ManifestValidator, modelModule, unknownFieldProblems } from './manifest-schemas.js';
export { podTemplates, selects, type PodTemplate } from './pod-templates.js';
export {
  imagesPinned,
  labelled,
  podReferences,
  podsHardened,
  referencesBetweenObjects,
  referencesResolve,
  servicesSelectPods,
  type Reference,
} from './object-invariants.js';
export { allowedByNetworkPolicies, callsAllowed, configuredCalls, type Call } from './network-policies.js';
