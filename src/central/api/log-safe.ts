// What of an error may reach the log: errors from below (the index, the MQTT side) may carry a
// query or a number in their message, and the log is read by people who must not see one.
// Logged under `error`, not `err`: pino's err serializer would take this object for an Error.
import { redactIdentifiers } from '../../core/identifiers/redact.js';

const QUERY = /\?[^\s"'`]*/g;
const DIGIT_RUN = /\+?\d[\d\s()-]{5,}\d/g;

// Identifiers staff type are labelled first (`[hetu]`, `[y-tunnus]`, `[number]`), then any other
// long digit run goes too.
export function scrub(text: string): string {
  return redactIdentifiers(text.replace(QUERY, '?…')).replace(DIGIT_RUN, '[digits]');
}

export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    ...(typeof code === 'string' ? { code } : {}),
    message: scrub(err.message),
    ...(err.stack ? { stack: scrub(err.stack) } : {}),
  };
}
