// What provisioning reports when it refuses a file: every problem at once (the operator has to
// take the SD card out and back for each round), each named by its key in the provisioning
// file, and never a byte of key material: the file holds the box's TLS private key, and the
// message is also written next to it on the boot partition, readable on any laptop.

import { toProblems } from '../../core/config/load.js';
import { osReason, type Finding } from '../../core/config/messages.js';
import { TalError, type ErrorCode } from '../../core/errors.js';
import { provisionSchema } from './schema.js';

export type { Finding };

export interface Problem {
  /** The key in the provisioning file: `broker.cert`, `config.capture.rate`. */
  readonly path: string;
  readonly reason: string;
}

/** TAL_CONFIG_INVALID: the provisioning file was read but is wrong; every problem named. */
export class ProvisionError extends TalError {
  readonly problems: readonly Problem[];
  constructor(source: string, problems: readonly Problem[]) {
    super('TAL_CONFIG_INVALID', formatProblems(source, problems));
    this.name = 'ProvisionError';
    this.problems = problems;
  }
}

/** The file was fine but the folder could not be written (disk full, I/O error, not root for
 *  --group). Not a TalError: no code fits, so the command exits 73 (sysexits EX_CANTCREAT). */
export class WriteError extends Error {
  constructor(dir: string, cause: unknown) {
    super(`cannot write the config folder ${dir}: ${osReason(cause)}`, { cause });
    this.name = 'WriteError';
  }
}

/** Findings in the order the keys appear in the file's schema (and in docs/provisioning.md). */
export function sortedProblems(findings: readonly Finding[]): Problem[] {
  return toProblems(findings, provisionSchema);
}

export function formatProblems(source: string, problems: readonly Problem[]): string {
  const line = (p: Problem) => (p.path ? `${p.path}: ${p.reason}` : p.reason);
  if (problems.length === 1) return `${source}: ${line(problems[0]!)}`;
  return [`${source}: ${problems.length} problems`, ...problems.map((p) => `  ${line(p)}`)].join('\n');
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----(?:[\s\S]*?-----END [A-Z0-9 ]+-----)?/g;
const PEM_MARKER = /-----(?:BEGIN|END) [A-Z0-9 ]+-----/g;
// A line of a base64 body (64 characters in PEM): a long run with digits and letters of both
// cases, as random bytes give. Paths such as /var/lib/tallennin/accounts are base64 characters
// too, and are left alone.
const BASE64_RUN = /[A-Za-z0-9+/]{40,}={0,2}/g;
const looksRandom = (s: string) => /[0-9]/.test(s) && /[A-Z]/.test(s) && /[a-z]/.test(s);
const PRIVATE_BLOCK = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----([\s\S]*?)-----END \1-----/g;

/** The lines of every private key block in the file's raw text: whatever a message quotes from
 *  the file (a value, a YAML error), none of these may appear in it. */
export function secretsOf(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(PRIVATE_BLOCK)) {
    for (const line of m[2]!.split(/\r?\n/)) {
      const s = line.trim();
      // Short pieces (a header's "4,ENCRYPTED", the "=" tail) would only blot out ordinary words.
      if (s.length >= 8 && !s.includes(':')) out.add(s);
    }
  }
  return [...out];
}

/** The message with any PEM text, long base64 runs and the given secret lines withheld. */
export function redact(message: string, secrets: readonly string[] = []): string {
  let out = message.replace(PEM_BLOCK, '[PEM text withheld]').replace(PEM_MARKER, '[PEM text withheld]').replace(BASE64_RUN, (run) => (looksRandom(run) ? '[…]' : run));
  for (const s of secrets) out = out.replaceAll(s, '[…]');
  return out;
}

/** The same error, its message redacted; anything else is passed through untouched. */
export function withoutSecrets(err: unknown, secrets: readonly string[]): unknown {
  if (!(err instanceof TalError)) return err;
  const message = redact(err.message, secrets);
  if (message === err.message) return err;
  if (err instanceof ProvisionError) {
    const problems = err.problems.map((p) => ({ path: p.path, reason: redact(p.reason, secrets) }));
    const copy = new ProvisionError('', problems);
    copy.message = message;
    return copy;
  }
  return new TalError(err.code as ErrorCode, message);
}
