// Recomputes the worked example of docs/audit.md, so the page auditors read and the code that
// writes the log can never disagree; runs the page's sha256sum, jq and Python recipes where
// those tools are installed, so the instructions stay true as well.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/core/clock.js';
import { entryHash, GENESIS_PREV, hashInput, serializeEntry, type AuditEntry, type AuditInput } from '../../../src/core/audit/entry.js';
import { openLog, T0 } from './helpers.js';
import { AuditLog } from '../../../src/core/audit/audit-log.js';
import { Level } from 'level';

const doc = readFileSync(new URL('../../../docs/audit.md', import.meta.url), 'utf8');

function fenced(info: string): string[] {
  return [...doc.matchAll(new RegExp('^```' + info + '\\n([\\s\\S]*?)^```$', 'gm'))].map((m) => m[1]!);
}

const block = fenced('tallennin-audit-vector')[0];
if (block === undefined) throw new Error('docs/audit.md has no ```tallennin-audit-vector block');
const v = new Map<string, string>();
for (const line of block.trim().split('\n')) {
  const m = /^([a-z0-9-]+): (.*)$/.exec(line);
  if (!m) throw new Error(`vector line is not "name: value": ${line}`);
  v.set(m[1]!, m[2]!);
}
const get = (k: string): string => {
  const s = v.get(k);
  if (s === undefined) throw new Error(`vector field ${k} is missing`);
  return s;
};
const N = 3;
const stored = Array.from({ length: N }, (_, i) => get(`stored-${i + 1}`));

const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

// The three appends of the page's example, at the times it gives.
const rec = '01945988-c640-7a3b-8e21-4d6f0c2b9a17';
const example: [number, AuditInput][] = [
  [T0, { actor: 'system', action: 'service-start', result: 'ok', detail: { version: '0.1.0' } }],
  [T0 + 65_000, { actor: 'u1042', action: 'listen', target: rec, purpose: 'complaint', caseRef: 'VALITUS-2025-17', result: 'ok', detail: { note: 'asiakkaan pyyntö', toMs: 95000 } }],
  [T0 + 70_250, { actor: 'u2077', action: 'export', target: rec, purpose: 'training', result: 'refused', detail: { reason: 'not-in-training-project' } }],
];

t.test('the vector has every field and nothing unchecked', async (t) => {
  t.same([...v.keys()].sort(), Array.from({ length: N }, (_, i) => [`hash-input-${i + 1}`, `hash-${i + 1}`, `stored-${i + 1}`]).flat().sort());
  t.equal(T0, 1736928000000, 'the clock the page names');
  t.match(doc, /2025-01-15T08:00:00\.000Z \(1736928000000\)/);
});

t.test('each hash is SHA-256 of its hash input; the stored form is the input with the hash; the chain links', async (t) => {
  const lengths: number[] = [];
  let prev = GENESIS_PREV;
  for (let i = 1; i <= N; i++) {
    const input = get(`hash-input-${i}`);
    lengths.push(Buffer.byteLength(input, 'utf8'));
    t.equal(createHash('sha256').update(Buffer.from(input, 'utf8')).digest('hex'), get(`hash-${i}`), `hash ${i}`);
    const entry = JSON.parse(get(`stored-${i}`)) as AuditEntry;
    t.equal(hashInput(entry), input, `stored ${i} without its hash is hash input ${i}`);
    t.equal(entry.hash, get(`hash-${i}`));
    t.equal(entryHash(entry), entry.hash);
    t.equal(serializeEntry(entry), get(`stored-${i}`), 'stored in canonical form');
    t.equal(entry.prev, prev, `entry ${i} chains`);
    t.equal(entry.seq, i);
    prev = entry.hash;
  }
  t.match(doc, new RegExp(`hash input \\(${lengths[0]}, ${lengths[1]} and ${lengths[2]} bytes`), 'byte counts in the prose');
  t.ok(doc.includes(`\`{"seq":3,"hash":"${prev}"}\``), 'the head the page gives');
  t.ok(doc.includes(`prints\n\`ok 3 ${prev}\``) || doc.includes(`prints \`ok 3 ${prev}\``), 'the head the Python recipe prints');
});

t.test('the log writes exactly the page’s entries', async (t) => {
  const { db, log, clock } = await openLog(t.testdir({}));
  for (const [ts, input] of example) {
    clock.set(ts);
    await log.append(input);
  }
  const raw = db.sublevel<string, string>('audit', { valueEncoding: 'utf8' });
  t.same(await raw.values().all(), stored);
  t.same(log.head(), { seq: 3, hash: get('hash-3') });
  t.match(await log.verify(), { ok: true, count: 3 });
  await db.close();
});

t.test('the page’s sha256sum and jq recipes print what it says', async (t) => {
  const recipes = [...doc.matchAll(/^```sh tallennin-audit-recipe\n([\s\S]*?)^```\n\nprints `([^`]*)`/gm)];
  t.equal(recipes.length, 2);
  for (const [, script, expected] of recipes) {
    const tools = script!.includes('jq') ? ['sha256sum', 'jq'] : ['sha256sum'];
    const missing = tools.filter((tool) => !has(tool));
    await t.test(tools.join(' + '), { skip: missing.length > 0 ? `not installed: ${missing.join(', ')}` : false }, async (t) => {
      const run = spawnSync('bash', ['-c', script!], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
      t.equal(run.stdout.trim(), expected);
    });
  }
});

/** Runs the page's Python verifier over JSON Lines. */
function python(dir: string, lines: string[]): { status: number | null; out: string } {
  const script = fenced('python tallennin-audit-verify')[0]!;
  const path = join(dir, 'verify.py');
  writeFileSync(path, script);
  const run = spawnSync('python3', [path], { input: lines.join('\n') + '\n', encoding: 'utf8' });
  return { status: run.status, out: (run.stdout + run.stderr).trim() };
}

t.test('the page’s Python verifier accepts the example, and stops at each tampering', { skip: has('python3') ? false : 'python3 is not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-py-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.same(python(dir, stored), { status: 0, out: `ok 3 ${get('hash-3')}` });
  t.match(python(dir, [stored[0]!, stored[1]!.replace('"u1042"', '"u1043"'), stored[2]!]), { status: 1, out: /line 2: .*edited/ });
  t.match(python(dir, [stored[0]!, stored[2]!]), { status: 1, out: /line 2: entry 3 follows entry 1/ });
  t.match(python(dir, [stored[1]!, stored[0]!, stored[2]!]), { status: 1, out: /line 1: entry 2 follows entry 0/ });
});

t.test('Python and jq agree with the log on awkward strings and keys', { skip: has('python3') ? false : 'python3 is not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-py-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = new Level<string, unknown>(join(dir, 'db'), { valueEncoding: 'json' });
  const log = await AuditLog.open(db, { clock: new ManualClock(T0), sync: false });
  const awkward = ['tab\there', 'new\nline', 'quote " and \\ back', '\u0000\u0001\u001f', 'é ö Å 😀 中文', '\u2028\u2029', '</script>', '\u0080\u009f\u00a0\ufeff\uffff', 'del\u007f'];
  for (const [i, s] of awkward.entries()) {
    await log.append({ actor: `u${i}`, action: 'search', target: s, caseRef: s, result: 'ok', detail: { q: s, '10': i, '9': true, 'a.b:c-d_e': -i, big: Number.MAX_SAFE_INTEGER, neg: Number.MIN_SAFE_INTEGER } });
  }
  const lines = await db.sublevel<string, string>('audit', { valueEncoding: 'utf8' }).values().all();
  t.same(python(dir, lines), { status: 0, out: `ok ${awkward.length} ${log.head().hash}` }, 'Python recomputes every hash');
  if (has('jq')) {
    for (const line of lines) {
      if (line.includes('\u007f')) continue; // jq 1.6 writes U+007F as \u007f: the page says so
      const run = spawnSync('bash', ['-c', `jq -jcS 'del(.hash)' | sha256sum`], { input: line, encoding: 'utf8' });
      t.equal(run.stdout.split(' ')[0], (JSON.parse(line) as AuditEntry).hash, `jq: ${JSON.stringify(line.slice(0, 40))}…`);
    }
  }
  await db.close();
});
