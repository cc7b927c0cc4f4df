// The console's one message catalogue. A language is a folder named by its code holding one JSON
// file per part of the console (common.json, search.json, …); fi/ is the master. Every other
// folder is found by listing, so a translator adds sv/ (a copy of fi/, translated) without a code
// change. Files are checked whole at load: a page must never meet a missing message mid-render.
import { readdirSync, readFileSync, statSync } from 'node:fs';
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

/** Beside this module: `npm run build` copies the language folders next to the compiled code. */
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

/** One language's folder: its files merged, each key in exactly one of them; key → the file that holds it. */
function readLanguage(dir: string, code: string): { messages: Record<string, string>; fileOf: Map<string, string> } {
  const files = readdirSync(join(dir, code)).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new CatalogueError(`${code}/`, undefined, 'the language folder holds no .json message file', 'TAL_CONFIG_UNREADABLE');
  const messages: Record<string, string> = {};
  const fileOf = new Map<string, string>();
  for (const f of files) {
    const file = `${code}/${f}`;
    for (const [key, text] of Object.entries(readMessages(dir, file))) {
      const other = fileOf.get(key);
      if (other) throw new CatalogueError(file, key, `also in ${other}: a key lives in one file`);
      fileOf.set(key, file);
      messages[key] = text;
    }
  }
  return { messages, fileOf };
}

/** Every language must say the same things as the master, with the same blanks to fill; a problem names the file a translator opens. */
function checkAgainstMaster(code: string, lang: ReturnType<typeof readLanguage>, master: ReturnType<typeof readLanguage>): void {
  const where = (key: string) => `${code}/${master.fileOf.get(key)!.slice(MASTER_LANGUAGE.length + 1)}`;
  for (const [key, file] of master.fileOf) if (!lang.fileOf.has(key)) throw new CatalogueError(where(key), key, `missing (the master ${file} has it)`);
  for (const [key, file] of lang.fileOf) if (!master.fileOf.has(key)) throw new CatalogueError(file, key, `not in the master ${MASTER_LANGUAGE}/ (a misspelt or stale key)`);
  for (const [key, text] of Object.entries(master.messages)) {
    const want = [...placeholdersOf(text)].sort();
    const got = [...placeholdersOf(lang.messages[key]!)].sort();
    if (want.join() !== got.join()) {
      const show = (p: string[]) => (p.length ? p.map((x) => `{${x}}`).join(' ') : 'none');
      throw new CatalogueError(lang.fileOf.get(key)!, key, `placeholders ${show(got)} differ from the master's ${show(want)}`);
    }
  }
}

export function loadCatalogues(dir: string = defaultCatalogueDir()): Catalogues {
  let codes: string[];
  try {
    codes = readdirSync(dir).filter((f) => statSync(join(dir, f)).isDirectory()).sort();
  } catch (err) {
    throw new CatalogueError(dir, undefined, `the folder cannot be listed (${(err as Error).message})`, 'TAL_CONFIG_UNREADABLE');
  }
  if (!codes.includes(MASTER_LANGUAGE)) throw new CatalogueError(`${MASTER_LANGUAGE}/`, undefined, `the master is missing from ${dir}`, 'TAL_CONFIG_UNREADABLE');
  const master = readLanguage(dir, MASTER_LANGUAGE);
  const languages = new Map<string, Messages>([[MASTER_LANGUAGE, Object.freeze(master.messages)]]);
  for (const code of codes) {
    if (code === MASTER_LANGUAGE) continue;
    // A mistyped name (sv_SE/) would otherwise be silently left out of the console.
    if (!CODE.test(code)) throw new CatalogueError(`${code}/`, undefined, 'the folder name is not a language code (like sv)');
    const lang = readLanguage(dir, code);
    checkAgainstMaster(code, lang, master);
    languages.set(code, Object.freeze(lang.messages));
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
