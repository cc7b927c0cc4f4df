// The console's one message catalogue. fi.json is the master; every other `<code>.json` in the
// folder is a language, found by listing the folder, so a translator adds sv.json without a code
// change. Files are checked whole at load: a page must never meet a missing message mid-render.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TalError } from '../../../core/errors.js';
import { formatsFor, type Formats } from './format.js';

export const MASTER_LANGUAGE = 'fi';

/** A language code as a file name may carry it: `fi`, `sv`, `en`, `se` (Northern Sami), `fi-x-plain`. */
const CODE = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/;
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

export type Messages = Readonly<Record<string, string>>;

export interface Catalogues {
  readonly master: string;
  /** code → messages; the master first, the rest by code */
  readonly languages: ReadonlyMap<string, Messages>;
}

export interface Language {
  code: string;
  /** the language's name in itself (`language.name`), for the switch */
  name: string;
}

export type MessageParams = Readonly<Record<string, string | number>>;

/** `t(key, params)`: plain text, never markup (the templates escape it). */
export interface Translator {
  (key: string, params?: MessageParams): string;
  readonly lang: string;
  readonly languages: readonly Language[];
  has(key: string): boolean;
  readonly fmt: Formats;
}

/** A catalogue file that cannot be used; `file` and `key` say where. */
export class CatalogueError extends TalError {
  constructor(readonly file: string, readonly key: string | undefined, problem: string, code: 'TAL_CONFIG_INVALID' | 'TAL_CONFIG_UNREADABLE' = 'TAL_CONFIG_INVALID') {
    super(code, `message catalogue ${file}${key === undefined ? '' : `, key "${key}"`}: ${problem}`);
    this.name = 'CatalogueError';
  }
}

/**
 * The folder beside this module; when running the build (dist/) that holds no JSON, because tsc
 * copies none, so the source folder is used instead.
 */
/** Beside this module: `npm run build` copies the message files next to the compiled code. */
export function defaultCatalogueDir(): string {
  return fileURLToPath(new URL('.', import.meta.url));
}

export function placeholdersOf(message: string): Set<string> {
  return new Set([...message.matchAll(PLACEHOLDER)].map((m) => m[1]!));
}

function readMessages(dir: string, file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  } catch (err) {
    throw new CatalogueError(file, undefined, `cannot be read as JSON (${(err as Error).message})`, 'TAL_CONFIG_UNREADABLE');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CatalogueError(file, undefined, 'must be one JSON object of key → message');
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new CatalogueError(file, key, 'the message must be a string');
    if (value.trim() === '') throw new CatalogueError(file, key, 'the message is empty');
  }
  return parsed as Record<string, string>;
}

/** Every language must say the same things as the master, with the same blanks to fill. */
function checkAgainstMaster(file: string, messages: Record<string, string>, master: Record<string, string>): void {
  for (const key of Object.keys(master)) if (!Object.hasOwn(messages, key)) throw new CatalogueError(file, key, `missing (the master ${MASTER_LANGUAGE}.json has it)`);
  for (const key of Object.keys(messages)) if (!Object.hasOwn(master, key)) throw new CatalogueError(file, key, `not in the master ${MASTER_LANGUAGE}.json (a misspelt or stale key)`);
  for (const [key, text] of Object.entries(master)) {
    const want = [...placeholdersOf(text)].sort();
    const got = [...placeholdersOf(messages[key]!)].sort();
    if (want.join() !== got.join()) {
      const show = (p: string[]) => (p.length ? p.map((x) => `{${x}}`).join(' ') : 'none');
      throw new CatalogueError(file, key, `placeholders ${show(got)} differ from the master's ${show(want)}`);
    }
  }
}

export function loadCatalogues(dir: string = defaultCatalogueDir()): Catalogues {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch (err) {
    throw new CatalogueError(dir, undefined, `the folder cannot be listed (${(err as Error).message})`, 'TAL_CONFIG_UNREADABLE');
  }
  const masterFile = `${MASTER_LANGUAGE}.json`;
  if (!files.includes(masterFile)) throw new CatalogueError(masterFile, undefined, `the master is missing from ${dir}`, 'TAL_CONFIG_UNREADABLE');
  const master = readMessages(dir, masterFile);
  const languages = new Map<string, Messages>([[MASTER_LANGUAGE, Object.freeze(master)]]);
  for (const file of files) {
    if (file === masterFile) continue;
    const code = file.slice(0, -'.json'.length);
    // A mistyped name (sv_SE.json) would otherwise be silently left out of the console.
    if (!CODE.test(code)) throw new CatalogueError(file, undefined, 'the file name is not a language code (like sv.json)');
    const messages = readMessages(dir, file);
    checkAgainstMaster(file, messages, master);
    languages.set(code, Object.freeze(messages));
  }
  return Object.freeze({ master: MASTER_LANGUAGE, languages });
}

/** The first wanted language the catalogue has, else the master. */
export function pickLanguage(catalogues: Catalogues, ...wanted: (string | undefined)[]): string {
  for (const w of wanted) {
    const code = w?.trim().toLowerCase();
    if (code && catalogues.languages.has(code)) return code;
  }
  return catalogues.master;
}

/** A translator for `lang`; an unknown language falls back to the master. */
export function translator(catalogues: Catalogues, lang: string): Translator {
  const code = catalogues.languages.has(lang) ? lang : catalogues.master;
  const messages = catalogues.languages.get(code)!;
  const languages = [...catalogues.languages].map(([c, m]) => ({ code: c, name: m['language.name'] ?? c }));
  const has = (key: string) => Object.hasOwn(messages, key);
  const t = (key: string, params: MessageParams = {}): string => {
    // A key the catalogue lacks is a bug in a page, caught by the render tests, not a user's error.
    if (!has(key)) throw new Error(`no message "${key}" in the catalogue`);
    return messages[key]!.replace(PLACEHOLDER, (_, name: string) => {
      const value = params[name];
      if (value === undefined) throw new Error(`message "${key}" needs {${name}}`);
      return String(value);
    });
  };
  const fmt = formatsFor(code, (key, params) => t(key, params));
  return Object.assign(t, { lang: code, languages, has, fmt });
}
