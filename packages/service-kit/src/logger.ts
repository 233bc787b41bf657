import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Paths never written to logs, wherever a request or its headers end up. */
const redactedPaths = [
  'authorization',
  'cookie',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'request.headers.authorization',
  'request.headers.cookie',
  'password',
  '*.password',
  'refreshToken',
  '*.refreshToken',
];

export function createLogger(service: string, level: LevelWithSilent = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
