import { pino, type Logger } from 'pino';

/**
 * Structured logs (journald in production). Callers log ids, line ids and counts, never
 * numbers or names: the redaction below is a second line of defence, not the first.
 */
export function createLogger(level: string, destination: 1 | 2 = 1): Logger {
  return pino(
    {
      level,
      base: { service: 'tallennin' },
      redact: { paths: ['number', '*.number', 'calling', 'called', '*.calling', '*.called', 'name', '*.name'], censor: '[sealed]' },
    },
    pino.destination({ fd: destination, sync: true }),
  );
}
