// The indexer's config file (docs/indexer.md explains every field). Problems are found and
// worded by the same machinery as the box's config: every one at once, each naming its field.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/config/index.js';
import { dropMisspeltMissing, issueToFindings } from '../core/config/format-errors.js';
import { parseYaml, toProblems } from '../core/config/load.js';
import { osReason, type Finding } from '../core/config/messages.js';
import { fields, type LogLevel } from '../core/config/schema.js';
import { TalError } from '../core/errors.js';
import { CONSOLE_ROLES } from '../core/auth/index.js';
import { parseBusinessId } from '../core/identifiers/index.js';

const { int, text, name, logLevel, word, brokerUrl, pemPath, defaultedSection } = fields;

export const INDEXER_DEFAULTS = Object.freeze({
  mqtt: Object.freeze({ protocolVersion: 4 as const }),
  fleet: Object.freeze({ lostAfterS: 300, expiryGraceHours: 24, commandTimeoutS: 10 }),
  api: Object.freeze({ host: '127.0.0.1', port: 8480 }),
  numbers: Object.freeze({ countryCode: '358' }),
  console: Object.freeze({ users: 'users.json', sessionMinutes: 30, totpRoles: CONSOLE_ROLES, language: 'fi' }),
  log: Object.freeze({ level: 'info' as LogLevel }),
});

export const API_ROLES = ['supervisor', 'trainer', 'privacy-officer', 'admin'] as const;

const token = z.strictObject({
  name: name('it names the token\'s holder in the audit log'),
  role: word(API_ROLES, 'a role'),
  sites: z.array(name('a site id')).optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the token in 64 hex digits, as `tallennin indexer token` prints it').meta({ expects: '64 hex digits' }),
});

export const indexerSchema = z.strictObject({
  indexer: z.strictObject({ id: name('it names the indexer\'s MQTT session and reply topic') }),
  mqtt: z.strictObject({
    url: brokerUrl(),
    ca: pemPath('the CA certificate that signed the broker\'s certificate (PEM)').optional(),
    cert: pemPath('the indexer\'s client certificate (PEM)').optional(),
    key: pemPath('the indexer\'s client certificate key (PEM)').optional(),
    shareGroup: name('it names the shared subscription of several indexers').optional(),
    protocolVersion: z.union([z.literal(4), z.literal(5)]).meta({ expects: '4 (MQTT 3.1.1) or 5' }).default(INDEXER_DEFAULTS.mqtt.protocolVersion),
  }),
  storage: z.strictObject({ path: text('the path of the index directory') }),
  keys: z.strictObject({
    controller: pemPath('the controller\'s private sealing key (encrypted PEM)'),
    // Rotation (docs/indexer.md): earlier controller keys, which still open what was sealed to them.
    previous: z.array(pemPath('an earlier controller private key (encrypted PEM)')).meta({ expects: 'a list of paths of earlier controller keys' }).default(() => []),
    // Must stay the key the index was first built with: numbers and register identifiers are blinded under it.
    blindIndexFrom: pemPath('the controller key file the blind index key is derived from: keys.controller or one of keys.previous').optional(),
    command: pemPath('the central command key (encrypted Ed25519 PEM)'),
  }),
  fleet: defaultedSection(
    z.strictObject({
      lostAfterS: int({ min: 30, max: 86_400, unit: 's' }).default(INDEXER_DEFAULTS.fleet.lostAfterS),
      expiryGraceHours: int({ min: 1, max: 720, unit: 'hours' }).default(INDEXER_DEFAULTS.fleet.expiryGraceHours),
      commandTimeoutS: int({ min: 1, max: 300, unit: 's' }).default(INDEXER_DEFAULTS.fleet.commandTimeoutS),
    }),
  ),
  api: defaultedSection(
    z.strictObject({
      host: text('an address to listen on, such as "127.0.0.1"').default(INDEXER_DEFAULTS.api.host),
      port: int({ min: 0, max: 65_535 }).default(INDEXER_DEFAULTS.api.port),
      tokens: z.array(token).default(() => []),
      // The console and the API over HTTPS: the console's cookies are then Secure and __Host-.
      tls: z
        .strictObject({
          cert: pemPath('the certificate the console and API are served with, with its chain (PEM)'),
          key: pemPath('the key of that certificate (PEM, unencrypted, readable by the indexer only)'),
        })
        .optional(),
    }),
  ),
  numbers: defaultedSection(
    z.strictObject({
      countryCode: z.string().regex(/^[1-9][0-9]{0,2}$/, 'a country calling code without +, such as "358"').meta({ expects: 'a country code such as "358"' }).default(INDEXER_DEFAULTS.numbers.countryCode),
    }),
  ),
  log: defaultedSection(z.strictObject({ level: logLevel().default(INDEXER_DEFAULTS.log.level) })),
  // The controller as the privacy notice names it (R14, issue 9): shown in the console, printed on
  // certificates, and the privacy notice is rendered from it. Optional: without it the notice
  // page says what is missing.
  controller: z
    .strictObject({
      name: text('the controller\'s name, as in the privacy notice'),
      // The controller's own ID is public, so the message may quote it; the check digit is checked too.
      businessId: z
        .string()
        .check((ctx) => {
          const r = parseBusinessId(ctx.value);
          if (!r.ok) ctx.issues.push({ code: 'custom', input: ctx.value, message: `"${ctx.value}" is not a Finnish business ID (Y-tunnus) such as 2296962-1: ${r.problem}` });
        })
        .overwrite((v) => {
          const r = parseBusinessId(v);
          return r.ok ? r.canonical : v;
        })
        .meta({ expects: 'a business ID such as 2296962-1' }),
      address: text('the controller\'s postal address'),
      registerName: text('the name of the register, as in the privacy notice'),
      contacts: z
        .array(z.strictObject({ title: text('the contact person\'s title').optional(), name: text('the contact person\'s name'), phone: text('a phone number').optional(), email: text('an e-mail address').optional() }))
        .min(1, 'at least one contact person for matters concerning the register'),
      /** where listening appointments are held (R10) */
      offices: z.array(text('an office where a caller may listen to their recordings')).min(1, 'at least one office for listening appointments'),
      /** the authorities recordings or their data are disclosed to by law (R6): the notice lists them, the disclosure register offers them */
      disclosures: z.array(z.strictObject({ recipient: text('the recipient authority'), basis: text('the legal basis') })).default(() => []),
    })
    .optional(),
  // The staff console (issue 8): personal accounts made with `tallennin user add --indexer-config`.
  console: defaultedSection(
    z.strictObject({
      users: text('the path of the console\'s accounts file that `tallennin user add --indexer-config` writes').default(INDEXER_DEFAULTS.console.users),
      sessionMinutes: int({ min: 1, max: 720, unit: 'minutes' }).default(INDEXER_DEFAULTS.console.sessionMinutes),
      totpRoles: z.array(word(CONSOLE_ROLES, 'a console role')).meta({ expects: 'a list of console roles' }).default(() => [...INDEXER_DEFAULTS.console.totpRoles]),
      // Checked against the message catalogues found at start: a translator adds one without code.
      language: z.string().regex(/^[a-z]{2}$/, 'a two-letter language code, such as "fi"').meta({ expects: 'a language code such as "fi"' }).default(INDEXER_DEFAULTS.console.language),
    }),
  ),
});

export type IndexerConfig = z.output<typeof indexerSchema>;

/** Reads and validates the indexer's config; relative paths resolve against the file's folder. */
export async function loadIndexerConfig(file: string): Promise<IndexerConfig> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (err) {
    throw new TalError('TAL_CONFIG_UNREADABLE', `config ${file}: cannot read the file: ${osReason(err)}`, { cause: err });
  }
  return parseIndexerConfig(raw, file, dirname(resolve(file)));
}

export function parseIndexerConfig(raw: string, source: string, baseDir: string): IndexerConfig {
  const data = parseYaml(raw, source);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(source, [{ path: '', reason: 'the file must hold the sections indexer, mqtt, storage and keys (key: value)' }]);
  }
  const r = indexerSchema.safeParse(data);
  const findings = r.success ? [] : dropMisspeltMissing(r.error.issues.flatMap((i) => issueToFindings(indexerSchema, data, i)));
  findings.push(...keyFileChecks(data, baseDir));
  if (!r.success || findings.length > 0) throw new ConfigError(source, toProblems(findings, indexerSchema));
  const c = r.data;
  const abs = (p: string | undefined) => (p === undefined ? undefined : resolve(baseDir, p));
  return {
    ...c,
    mqtt: { ...c.mqtt, ca: abs(c.mqtt.ca), cert: abs(c.mqtt.cert), key: abs(c.mqtt.key) },
    storage: { path: resolve(baseDir, c.storage.path) },
    keys: {
      controller: abs(c.keys.controller)!,
      previous: c.keys.previous.map((p) => resolve(baseDir, p)),
      // Resolved to the controller's path when not given, so the command never guesses.
      blindIndexFrom: abs(c.keys.blindIndexFrom ?? c.keys.controller)!,
      command: abs(c.keys.command)!,
    },
    api: { ...c.api, tls: c.api.tls && { cert: abs(c.api.tls.cert)!, key: abs(c.api.tls.key)! } },
    console: { ...c.console, users: resolve(baseDir, c.console.users) },
  };
}

/**
 * The controller key files, compared as the paths they resolve to: a previous key listed twice
 * or equal to the current one is a half-finished rotation, and the blind index key must come
 * from a key the indexer actually loads. (The same key under two file names is caught when the
 * keys are loaded, by key id.)
 */
function keyFileChecks(data: object, baseDir: string): Finding[] {
  const keys = (data as { keys?: unknown }).keys;
  if (keys === null || typeof keys !== 'object') return [];
  const { controller, previous, blindIndexFrom } = keys as Record<string, unknown>;
  const at = (p: unknown) => (typeof p === 'string' && p.trim() !== '' ? resolve(baseDir, p) : undefined);
  const current = at(controller);
  const out: Finding[] = [];
  const seen = new Map<string, number>();
  (Array.isArray(previous) ? previous : []).forEach((p, i) => {
    const file = at(p);
    if (file === undefined) return;
    if (file === current) out.push({ at: ['keys', 'previous', i], reason: `${file} is keys.controller itself: list only earlier controller keys here` });
    else if (seen.has(file)) out.push({ at: ['keys', 'previous', i], reason: `${file} is listed already, as keys.previous[${seen.get(file)}]` });
    else seen.set(file, i);
  });
  const blind = at(blindIndexFrom);
  if (blind !== undefined && blind !== current && !seen.has(blind)) {
    out.push({ at: ['keys', 'blindIndexFrom'], reason: `${blind} is neither keys.controller nor one of keys.previous: the blind index key is derived from a controller key the indexer holds` });
  }
  return out;
}
