// Reading, parsing and validating the box's config file. Nothing starts on a config that
// fails: every problem is collected and reported at once, one per line, each starting with
// the field it concerns.

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { TalError } from '../errors.js';
import { crossChecks } from './checks.js';
import { compareKeys, dropMisspeltMissing, issueToFindings, sortKey } from './format-errors.js';
import { describeValue, formatPath, osReason, say, type ConfigProblem, type Finding } from './messages.js';
import { canReadFile, type CanRead } from './readable.js';
import { configSchema } from './schema.js';
import type { Config } from './types.js';

export interface ParseOptions {
  /** Why a file cannot be read, or undefined when it can; checks seal.publicKey.
   *  Default: the real file system (canReadFile). */
  readonly canRead?: CanRead;
}

/** TAL_CONFIG_INVALID, with each problem also available to programs. */
export class ConfigError extends TalError {
  readonly source: string;
  readonly problems: readonly ConfigProblem[];
  constructor(source: string, problems: readonly ConfigProblem[]) {
    super('TAL_CONFIG_INVALID', formatMessage(source, problems));
    this.name = 'ConfigError';
    this.source = source;
    this.problems = problems;
  }
}

/** Reads and validates the config file. Relative paths in it are resolved against the
 *  file's directory. Throws TalError TAL_CONFIG_UNREADABLE (the file cannot be read, or is
 *  not valid YAML) or ConfigError TAL_CONFIG_INVALID (it does not match the schema). */
export async function loadConfig(file: string, options: ParseOptions = {}): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TalError('TAL_CONFIG_UNREADABLE', `config ${file}: cannot read the file: ${osReason(err)}`, { cause: err });
  }
  return parseConfig(text, file, dirname(resolve(file)), options);
}

/** Parses and validates config text. `source` names it in messages (usually the file path);
 *  relative paths resolve against `baseDir`. No file I/O except the readability check of
 *  seal.publicKey, which `options.canRead` replaces. */
export function parseConfig(text: string, source: string, baseDir: string, options: ParseOptions = {}): Config {
  const data = parseYaml(text, source);
  const canRead = options.canRead ?? canReadFile;

  if (data === null || data === undefined) {
    throw new ConfigError(source, [{ path: '', reason: `the file is empty; it needs the sections ${requiredSections()}` }]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(source, [
      { path: '', reason: `the file must hold the sections ${requiredSections()} (key: value), not ${describeValue(data)}` },
    ]);
  }

  const result = configSchema.safeParse(data);
  const findings: Finding[] = result.success
    ? []
    : dropMisspeltMissing(result.error.issues.flatMap((i) => issueToFindings(configSchema, data, i)));
  findings.push(...crossChecks(data));

  const written = (data as { seal?: { publicKey?: unknown } }).seal?.publicKey;
  const publicKey = typeof written === 'string' && written.trim() !== '' ? resolve(baseDir, written) : undefined;
  if (publicKey !== undefined) {
    const reason = canRead(publicKey);
    if (reason !== undefined) findings.push({ at: ['seal', 'publicKey'], reason: say.unreadableKey(written as string, publicKey, reason) });
  }

  if (findings.length > 0 || !result.success || publicKey === undefined) {
    throw new ConfigError(source, toProblems(findings));
  }

  const parsed = result.data;
  const config: Config = {
    ...parsed,
    storage: { ...parsed.storage, path: resolve(baseDir, parsed.storage.path) },
    seal: { ...parsed.seal, publicKey },
  };
  return deepFreeze(config);
}

function parseYaml(text: string, source: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (doc.errors.length > 0) {
    const lines = text.split(/\r?\n/);
    const [first, ...rest] = doc.errors.map((e) => ({ ...lineCounter.linePos(e.pos[0]), message: e.message }));
    const out = [`config ${source}: YAML syntax error at line ${first!.line}, column ${first!.col}: ${first!.message}`];
    const src = lines[first!.line - 1];
    if (src !== undefined) {
      const gutter = String(first!.line);
      out.push(`  ${gutter} | ${src.slice(0, 160)}`, `  ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, first!.col - 1))}^`);
    }
    for (const e of rest) out.push(`  also at line ${e.line}, column ${e.col}: ${e.message}`);
    throw new TalError('TAL_CONFIG_UNREADABLE', out.join('\n'), { cause: doc.errors[0] });
  }
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    throw new TalError('TAL_CONFIG_UNREADABLE', `config ${source}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function requiredSections(): string {
  const shape = configSchema.shape;
  const required = Object.keys(shape).filter((k) => !shape[k as keyof typeof shape].safeParse(undefined).success);
  return `${required.slice(0, -1).join(', ')} and ${required[required.length - 1]}`;
}

/** Problems in field order, each once. */
function toProblems(findings: readonly Finding[]): ConfigProblem[] {
  const seen = new Set<string>();
  return findings
    .map((f) => ({ f, key: sortKey(configSchema, f.at) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map(({ f }) => ({ path: formatPath(f.at), reason: f.reason }))
    .filter((p) => {
      const id = `${p.path}\n${p.reason}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
}

/** One problem: `config FILE: PATH: REASON`. Several: a heading, then one per line. */
export function formatMessage(source: string, problems: readonly ConfigProblem[]): string {
  const line = (p: ConfigProblem) => (p.path ? `${p.path}: ${p.reason}` : p.reason);
  if (problems.length === 1) return `config ${source}: ${line(problems[0]!)}`;
  return [`config ${source}: ${problems.length} problems`, ...problems.map((p) => `  ${line(p)}`)].join('\n');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
