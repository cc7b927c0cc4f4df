import { pino, type Logger, type LoggerOptions } from 'pino';
import { redactIdentifiers } from './identifiers/redact.js';

/**
 * Structured logs (journald in production). Callers log ids, line ids and counts, never
 * numbers or names: the redaction below is a second line of defence, not the first, and
 * `redactIdentifiers` over each finished line a third (a henkilötunnus, business ID or phone
 * number in a message or any field becomes `[hetu]`, `[y-tunnus]`, `[number]`).
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'tallennin' },
    redact: { paths: ['number', '*.number', 'calling', 'called', '*.calling', '*.called', 'name', '*.name'], censor: '[sealed]' },
    hooks: { streamWrite: redactIdentifiers },
  };
}

export function createLogger(level: string, destination: 1 | 2 = 1): Logger {
  return pino(loggerOptions(level), pino.destination({ fd: destination, sync: true }));
}
