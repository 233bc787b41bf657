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

/**
 * JSON lines on stdout, written synchronously so nothing is left buffered at exit. When the
 * reader of stdout is gone (the launcher died), writes fail with EPIPE: logging then stops
 * instead of retrying, so the process can still shut down and exit.
 */
function stdoutDestination() {
  const destination = pino.destination({ dest: 1, sync: true });
  destination.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    destination.write = () => true;
    destination.flushSync = () => undefined;
  });
  return destination;
}

export function createLogger(service: string, level: LevelWithSilent = 'info'): Logger {
  return pino(
    {
      name: service,
      level,
      base: { service },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stdoutDestination(),
  );
}
