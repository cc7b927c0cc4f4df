// Reading, parsing and validating the box's config file. Nothing starts on a config that
// fails: every problem is collected and reported at once, one per line, each starting with
// the field it concerns.

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isAlias, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { TalError } from '../errors.js';
import { crossChecks } from './checks.js';
import { compareKeys, dropMisspeltMissing, issueToFindings, sortKey } from './format-errors.js';
import { describeValue, formatPath, osReason, say, type ConfigProblem, type Finding } from './messages.js';
import { canReadFile, type CanRead } from './readable.js';
import { configSchema } from './schema.js';
import type { z } from 'zod';
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
    status: {
      ...parsed.status,
      users: resolve(baseDir, parsed.status.users),
      ...(parsed.status.cert ? { cert: resolve(baseDir, parsed.status.cert) } : {}),
      ...(parsed.status.key ? { key: resolve(baseDir, parsed.status.key) } : {}),
    },
    announcement: {
      ...parsed.announcement,
      ...(parsed.announcement.file ? { file: resolve(baseDir, parsed.announcement.file) } : {}),
    },
    ...(parsed.mqtt
      ? {
          mqtt: {
            ...parsed.mqtt,
            ...(parsed.mqtt.ca ? { ca: resolve(baseDir, parsed.mqtt.ca) } : {}),
            ...(parsed.mqtt.cert ? { cert: resolve(baseDir, parsed.mqtt.cert) } : {}),
            ...(parsed.mqtt.key ? { key: resolve(baseDir, parsed.mqtt.key) } : {}),
            commandKeys: parsed.mqtt.commandKeys.map((k) => resolve(baseDir, k)),
          },
        }
      : {}),
  };
  return deepFreeze(config);
}

/** YAML text to data, or TAL_CONFIG_UNREADABLE pointing at the line and column of the fault. */
export function parseYaml(text: string, source: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const lines = text.split(/\r?\n/);
  /** `config FILE: HEADING at line L, column C: MESSAGE`, then the line with a caret under C. */
  const located = (heading: string, offset: number, message: string): string[] => {
    const { line, col } = lineCounter.linePos(offset);
    const out = [`config ${source}: ${heading} at line ${line}, column ${col}: ${message}`];
    const src = lines[line - 1];
    if (src !== undefined) {
      const gutter = String(line);
      out.push(`  ${gutter} | ${src.slice(0, 160)}`, `  ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, col - 1))}^`);
    }
    return out;
  };
  if (doc.errors.length > 0) {
    const [first, ...rest] = doc.errors;
    const out = located('YAML syntax error', first!.pos[0], first!.message);
    for (const e of rest) {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      out.push(`  also at line ${line}, column ${col}: ${e.message}`);
    }
    throw new TalError('TAL_CONFIG_UNREADABLE', out.join('\n'), { cause: doc.errors[0] });
  }
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    const alias = unresolvedAlias(doc);
    if (alias) {
      // Most often a value starting with "*" written without quotes: `stopCode: *0#`.
      const reason =
        `*${alias.name} is read as a reference to an anchor named "${alias.name}", which is not defined; ` +
        `to write text starting with "*", put it in quotes: "*${alias.name}"`;
      throw new TalError('TAL_CONFIG_UNREADABLE', located('YAML error', alias.offset, reason).join('\n'), { cause: err });
    }
    throw new TalError('TAL_CONFIG_UNREADABLE', `config ${source}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The first alias (`*name`) with no anchor (`&name`) before it. */
function unresolvedAlias(doc: Document): { name: string; offset: number } | undefined {
  let found: { name: string; offset: number } | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node) && node.resolve(doc) === undefined) {
        found = { name: node.source, offset: node.range?.[0] ?? 0 };
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function requiredSections(): string {
  const shape = configSchema.shape;
  const required = Object.keys(shape).filter((k) => !shape[k as keyof typeof shape].safeParse(undefined).success);
  return `${required.slice(0, -1).join(', ')} and ${required[required.length - 1]}`;
}

/** Problems in field order, each once. */
export function toProblems(findings: readonly Finding[], schema: z.ZodType = configSchema): ConfigProblem[] {
  const seen = new Set<string>();
  return findings
    .map((f) => ({ f, key: sortKey(schema, f.at) }))
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
