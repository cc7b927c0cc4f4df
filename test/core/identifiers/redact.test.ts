// No identifier reaches a log line: `redactIdentifiers` over free text, the logger every command
// makes (`loggerOptions`), and the API's error scrubbing, each fed identifiers in every spelling.
import t, { type Test } from 'tap';
import { pino } from 'pino';
import { redactIdentifiers } from '../../../src/core/identifiers/index.js';
import { loggerOptions } from '../../../src/core/log.js';
import { safeError, scrub } from '../../../src/central/api/log-safe.js';
import { memoryLog } from '../../helpers/log.js';

// Identifiers in the spellings staff and exchanges write, with what must not survive of each.
const HETUS = ['131052-308T', '131052-308t', '010594Y9032', '020594x903p', '311298+1261', '150621A0024', '290200D1234', '131052\u2010308T'];
const BUSINESS_IDS = ['2296962-1', '0737546-2', '737546-2', 'FI22969621', 'fi22969621'];
const PHONES = [
  '+358 40 123 4567', '+358401234567', '+358-40-123-4567', '+358 (0)40 123 4567', '00358 40 123 4567', '00358401234567',
  '040 123 4567', '040-123 4567', '0401234567', '(040) 123 4567', '040.123.4567', '09 310 1691', '(09) 310 1691', '0800 123 456',
  '+46 8 123 456 78', '358401234567',
];
const ALL = [...HETUS, ...BUSINESS_IDS, ...PHONES];
/** What would identify: the spelling itself and any run of 5 of its digits. */
function traces(id: string): string[] {
  const digits = id.replace(/\D/g, '');
  const out = [id, id.toUpperCase()];
  for (let i = 0; i + 5 <= digits.length; i++) out.push(digits.slice(i, i + 5));
  return out;
}
function assertClean(t: Test, written: string, what: string): void {
  const digitsOnly = written.replace(/\D/g, '\n');
  for (const id of ALL) {
    const leaked = traces(id).filter((x, i) => (i < 2 ? written.includes(x) : digitsOnly.split('\n').some((run) => run.includes(x))));
    t.same(leaked, [], `${what}: nothing of ${JSON.stringify(id)}`);
  }
}

t.test('each kind is labelled, in free text and at every edge', async (t) => {
  for (const [ids, label] of [[HETUS, '[hetu]'], [BUSINESS_IDS, '[y-tunnus]'], [PHONES, '[number]']] as const) {
    for (const id of ids) {
      for (const [text, expected] of [
        [id, label],
        [`asiakas ${id} soitti`, `asiakas ${label} soitti`],
        [`(${id})`, `(${label})`],
        [`id=${id},`, `id=${label},`],
        [`"${id}"`, `"${label}"`],
        [`line 1\n${id}\n`, `line 1\n${label}\n`],
      ] as const) {
        t.equal(redactIdentifiers(text), expected, JSON.stringify(text));
      }
    }
  }
});

t.test('glued to a word, still labelled', async (t) => {
  t.equal(redactIdentifiers('hetu131052-308T'), 'hetu[hetu]');
  t.equal(redactIdentifiers('ytunnus2296962-1.'), 'ytunnus[y-tunnus].');
  t.equal(redactIdentifiers('puh0401234567'), 'puh[number]');
  t.equal(redactIdentifiers('tel+358401234567'), 'tel[number]');
  t.equal(redactIdentifiers('nro358401234567'), 'nro[number]');
});

t.test('what is not an identifier is left alone', async (t) => {
  for (const text of [
    '2026-06-15T09:00:00.000Z',
    'call 5b4f1c2e-0a3d-4e5f-9a8b-7c6d5e4f3a2b held until 2026-08-15',
    'call 123456ab-0a3d-4e5f-9a8b-c04012345678',
    'listening on 10.0.0.12:8480 and 192.168.0.100',
    'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'took 1.0012345 s; rms 0.001234567',
    'seq 123456 of 999999; 42 calls; 12 lines; year 2026',
    'port 8480, pid 12345, bytes 1048576',
    '"time":1781514000000',
    'version 1.10.1',
    'sector 1234567',
  ]) {
    t.equal(redactIdentifiers(text), text, text);
  }
});

t.test('a serialized JSON line stays JSON', async (t) => {
  const obj = { msg: 'asiakas 131052-308T, puh. 040 123 4567, yritys 2296962-1', n: 358401234567, list: [358401234567, 1], nested: { s: '00358401234567' }, time: 1781514000000 };
  const line = redactIdentifiers(JSON.stringify(obj));
  const back = JSON.parse(line) as typeof obj;
  t.equal(back.msg, 'asiakas [hetu], puh. [number], yritys [y-tunnus]');
  t.equal(back.n as unknown, '[number]');
  t.same(back.list, ['[number]', 1]);
  t.equal(back.nested.s, '[number]');
  t.equal(back.time, 1781514000000);
  for (const escape of ['\n', '\t', '\f', '\b', '"']) {
    t.equal(redactIdentifiers(JSON.stringify({ m: `a${escape}0401234567${escape}b` })), JSON.stringify({ m: `a${escape}[number]${escape}b` }), `after a JSON escape of ${JSON.stringify(escape)}`);
  }
});

t.test('the logger every command makes writes no identifier, however it is handed one', async (t) => {
  const raw: string[] = [];
  const log = pino(loggerOptions('debug'), { write: (s: string) => void raw.push(s) });
  const child = log.child({ site: 'kotka', caller: PHONES[0] });
  for (const id of ALL) {
    log.info(`search by ${id}`);
    log.info({ note: `asiakas ${id}`, detail: { query: id, list: [id] } }, 'note saved');
    log.warn('lookup of %s failed', id);
    log.error({ err: new Error(`cannot find ${id}`) }, 'search failed');
    log.info({ number: id, calling: id, name: 'Maija Mäkinotkelma' }, 'fields redacted by path');
    child.debug({ id }, 'child');
  }
  t.equal(raw.length, ALL.length * 6);
  for (const line of raw) t.doesNotThrow(() => JSON.parse(line), 'every line is still JSON');
  assertClean(t, raw.join(''), 'createLogger\'s lines');
  t.ok(raw.some((l) => l.includes('search by [hetu]')) && raw.some((l) => l.includes('[y-tunnus]')) && raw.some((l) => l.includes('[number]')), 'labelled, not dropped');
});

t.test('the API\'s error scrubbing labels identifiers before anything reaches the log', async (t) => {
  const { log, lines } = memoryLog(); // a plain pino: only safeError stands between the error and the line
  for (const id of ALL) {
    log.error({ error: safeError(new Error(`index failed for ${id} from ?q=${encodeURIComponent(id)}`)) }, 'api request failed');
    t.notOk(scrub(`note: ${id}`).includes(id), `scrub: ${id}`);
  }
  assertClean(t, JSON.stringify(lines), 'safeError\'s lines');
  t.match(scrub('asiakas 131052-308T'), 'asiakas [hetu]');
});
