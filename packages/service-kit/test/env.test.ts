import { describe, expect, it } from 'vitest';
import { EnvError, envFields, parseEnv, z } from '../src/env.js';

const schema = z.object({
  PORT: envFields.port(4002),
  LOG_LEVEL: envFields.logLevel(),
  DATABASE_URL: envFields.databaseUrl(),
});

describe('parseEnv', () => {
  it('applies defaults and freezes the result', () => {
    const env = parseEnv(schema, {});
    expect(env).toEqual({ PORT: 4002, LOG_LEVEL: 'info' });
    expect(Object.isFrozen(env)).toBe(true);
  });

  it('names every bad variable at once', () => {
    let caught: unknown;
    try {
      parseEnv(schema, { PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EnvError);
    const problems = (caught as EnvError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/LOG_LEVEL/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect((caught as EnvError).problems).toHaveLength(3);
  });

  it('accepts a PostgreSQL URL', () => {
    expect(parseEnv(schema, { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/trains' }).DATABASE_URL).toBe(
      'postgresql://postgres@127.0.0.1:5432/trains',
    );
  });
});
