import { z } from 'zod';

/**
 * The only place a service reads `process.env`. Every service declares one zod schema;
 * all problems are reported together, then the process exits 1. The result is frozen.
 */
export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'EnvError';
  }
}

export function parseEnv<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined> = process.env,
): Readonly<z.output<S>> {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || '(environment)';
      const value = source[String(issue.path[0])];
      return `${name}: ${issue.message}${value === undefined ? '' : ` (got ${JSON.stringify(value)})`}`;
    });
    throw new EnvError(problems);
  }
  return Object.freeze(result.data);
}

/** parseEnv for a process entry point: prints every bad variable and exits 1. */
export function loadEnv<S extends z.ZodType>(
  service: string,
  schema: S,
  source: Record<string, string | undefined> = process.env,
): Readonly<z.output<S>> {
  try {
    return parseEnv(schema, source);
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Building blocks shared by every service's env schema. */
export const envFields = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  host: () => z.string().min(1).default('127.0.0.1'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  nodeEnv: () => z.enum(['development', 'test', 'production']).default('development'),
  url: () => z.url({ protocol: /^https?$/ }),
  databaseUrl: () => z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  redisUrl: () => z.url({ protocol: /^rediss?$/ }).optional(),
  dataDir: (fallback: string) => z.string().min(1).default(fallback),
  /** On or off: `true`/`false` (also `1`/`0`, `yes`/`no`, `on`/`off`). */
  flag: (fallback: boolean) => z.stringbool().default(fallback),
};

export { z };
