import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartDir, mergeValues, readJson, readYaml } from './support.js';

type Values = Record<string, unknown>;
let validate: ValidateFunction;
let defaults: Values;
const withDefaults = (file: string) => mergeValues(defaults, readYaml<Values>(path.join(chartDir, file)));
const problems = () => (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
const clone = (values: Values): Values => structuredClone(values);

beforeAll(() => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  validate = ajv.compile(readJson(path.join(chartDir, 'values.schema.json')));
  defaults = readYaml<Values>(path.join(chartDir, 'values.yaml'));
});

describe('chart values against values.schema.json', () => {
  it.each(['values.yaml', 'values-dev.yaml', 'values-production.yaml'])('%s is valid', (file) => {
    const values = file === 'values.yaml' ? defaults : withDefaults(file);
    expect(validate(values), problems().join('\n')).toBe(true);
  });

  it('refuses a key the chart does not know', () => {
    const values = clone(defaults);
    (values['gateway'] as Values)['replicaCount'] = 3;
    expect(validate(values)).toBe(false);
    expect(problems().join('\n')).toContain('must NOT have additional properties');
  });

  it('refuses a workload without a memory limit', () => {
    const values = clone(defaults);
    const resources = (values['tickets'] as Values)['resources'] as Values;
    resources['limits'] = { cpu: '1' };
    expect(validate(values)).toBe(false);
    expect(problems().join('\n')).toContain("must have required property 'memory'");
  });

  it('refuses a writable root filesystem', () => {
    const values = clone(defaults);
    (values['containerSecurityContext'] as Values)['readOnlyRootFilesystem'] = false;
    expect(validate(values)).toBe(false);
  });

  it('refuses a rate limit without any window', () => {
    const values = clone(defaults);
    const ingress = values['ingress'] as Values;
    ingress['rateLimiting'] = { enabled: true, limitBy: 'ip', policy: 'local', perMinute: null, perHour: null };
    expect(validate(values)).toBe(false);
  });

  it('refuses a store image tagged latest, and a Bitnami key the chart does not know', () => {
    const latest = clone(defaults);
    ((latest['postgresql'] as Values)['image'] as Values)['tag'] = 'latest';
    expect(validate(latest)).toBe(false);
    const bitnamiKey = clone(defaults);
    (bitnamiKey['redis'] as Values)['architecture'] = 'standalone';
    expect(validate(bitnamiKey)).toBe(false);
    expect(problems().join('\n')).toContain('must NOT have additional properties');
    const cnpgLatest = clone(defaults);
    (cnpgLatest['cloudnativepg'] as Values)['imageName'] = 'ghcr.io/cloudnative-pg/postgresql:latest';
    expect(validate(cnpgLatest)).toBe(false);
  });

  it('production keeps every store outside the chart and names the secret that holds their URLs', () => {
    const production = withDefaults('values-production.yaml');
    expect((production['postgresql'] as Values)['enabled']).toBe(false);
    expect((production['redis'] as Values)['enabled']).toBe(false);
    expect((production['externalRedis'] as Values)['enabled']).toBe(true);
    expect((production['cloudnativepg'] as Values)['enabled']).toBe(false);
    expect((production['secrets'] as Values)['existingSecret']).not.toBe('');
  });

  it('every workload that may scale past one replica in production has a disruption budget', () => {
    const production = withDefaults('values-production.yaml');
    for (const name of ['gateway', 'users', 'trains', 'inventory', 'prices', 'tickets', 'web']) {
      const workload = production[name] as { autoscaling: { maxReplicas: number }; podDisruptionBudget: Values };
      expect(workload.autoscaling.maxReplicas, name).toBeGreaterThan(1);
      expect(workload.podDisruptionBudget['enabled'], name).toBe(true);
    }
  });
});
