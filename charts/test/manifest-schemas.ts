// Schemas: every object must have a validator; one of a kind without one is a failure.
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import ts from 'typescript';
import { describeObject, type KubeObject } from './kube-objects.js';
import { readJson, repoRoot } from './support.js';

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
