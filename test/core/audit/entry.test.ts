import t from 'tap';
import { createHash } from 'node:crypto';
import {
  auditKey,
  buildEntry,
  canonicalJson,
  entryHash,
  entryShapeProblem,
  GENESIS_PREV,
  hashInput,
  normalizeInput,
  parseAuditHead,
  seqOfKey,
  serializeEntry,
  type AuditInput,
} from '../../../src/core/audit/entry.js';
import { isAuditError } from '../../../src/core/audit/audit-error.js';

t.test('canonical JSON: keys sorted (integer-like ones too), no whitespace, JSON.stringify escapes', async (t) => {
  t.equal(canonicalJson({ b: 1, a: { d: true, c: null }, '10': 'x', '9': 'y', A: [2, 'z'] }), '{"10":"x","9":"y","A":[2,"z"],"a":{"c":null,"d":true},"b":1}');
  t.equal(canonicalJson('tab\there "q" \\ é 😀 \u007f \u0001 \u2028'), '"tab\\there \\"q\\" \\\\ é 😀 \u007f \\u0001 \u2028"');
  t.equal(canonicalJson({ skip: undefined, keep: 0 }), '{"keep":0}', 'undefined members are absent');
  t.equal(canonicalJson(-0), '0');
  t.throws(() => canonicalJson(NaN), { code: 'TAL_AUDIT_INVALID' });
  t.throws(() => canonicalJson(() => 1), { code: 'TAL_AUDIT_INVALID' });
});

t.test('the hash is SHA-256 over the UTF-8 canonical JSON of every field but hash', async (t) => {
  const input: AuditInput = { actor: 'u7', action: 'hold', target: 'r1', caseRef: 'Å-1', result: 'ok', detail: { months: 6, '10': true } };
  const { entry, text } = buildEntry(input, 3, 1_700_000_000_000, 'ab'.repeat(32));
  const body = '{"action":"hold","actor":"u7","caseRef":"Å-1","detail":{"10":true,"months":6},"prev":"' + 'ab'.repeat(32) + '","result":"ok","seq":3,"target":"r1","ts":1700000000000}';
  t.equal(hashInput(entry), body);
  t.equal(entry.hash, createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex'));
  t.equal(entryHash(entry), entry.hash);
  t.equal(text, body.replace(',"prev"', `,"hash":"${entry.hash}","prev"`), 'stored: the same with hash among the keys');
  t.equal(serializeEntry(entry), text);
  t.same(Object.keys(entry), ['action', 'actor', 'caseRef', 'detail', 'hash', 'prev', 'result', 'seq', 'target', 'ts'], 'the object reads in canonical order');
  t.equal(entryShapeProblem(JSON.parse(text)), undefined);
});

t.test('append input is checked and normalised', async (t) => {
  const ok: AuditInput = { actor: 'technician:Matti', action: 'config-load', result: 'ok' };
  t.same(normalizeInput({ ...ok, target: undefined, detail: {} }), ok, 'undefined fields and an empty detail are left out');
  t.same(normalizeInput({ ...ok, detail: { b: -0, a: 'x' } }), { ...ok, detail: { a: 'x', b: 0 } });
  const bad: [string, unknown, RegExp][] = [
    ['no actor', { action: 'login', result: 'ok' }, /actor must be a string/],
    ['empty actor', { ...ok, actor: '' }, /actor must not be empty/],
    ['empty target', { ...ok, target: '' }, /target must not be empty/],
    ['action not kebab-case', { ...ok, action: 'Config_Load' }, /not kebab-case/],
    ['result', { ...ok, result: 'maybe' }, /result must be/],
    ['a seq of its own', { ...ok, seq: 5 }, /unknown field "seq"/],
    ['a float', { ...ok, detail: { s: 0.5 } }, /safe integer/],
    ['a big number', { ...ok, detail: { n: 2 ** 53 } }, /safe integer/],
    ['nested detail', { ...ok, detail: { o: { x: 1 } } }, /string, safe integer or boolean/],
    ['null in detail', { ...ok, detail: { o: null } }, /got null/],
    ['detail key', { ...ok, detail: { 'a b': 1 } }, /detail key "a b"/],
    ['detail array', { ...ok, detail: [1] }, /flat object/],
    ['lone surrogate', { ...ok, caseRef: 'x\ud800' }, /lone surrogate/],
    ['lone surrogate in detail', { ...ok, detail: { q: '\udc00' } }, /lone surrogate/],
    ['too many keys', { ...ok, detail: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])) }, /more than 64 keys/],
  ];
  for (const [what, input, message] of bad) {
    t.throws(() => normalizeInput(input as AuditInput), { code: 'TAL_AUDIT_INVALID', message }, what);
  }
  try {
    normalizeInput({ ...ok, result: 'no' as 'ok' });
  } catch (err) {
    t.ok(isAuditError(err, 'TAL_AUDIT_INVALID'));
  }
});

t.test('keys: 16 hex digits, byte order is seq order', async (t) => {
  t.equal(auditKey(1), '0000000000000001');
  t.equal(auditKey(Number.MAX_SAFE_INTEGER), '001fffffffffffff');
  t.ok(auditKey(0x0f) < auditKey(0x10) && auditKey(0xff) < auditKey(0x100) && auditKey(9) < auditKey(10));
  for (const bad of [0, -1, 1.5, NaN]) t.throws(() => auditKey(bad), { name: 'TypeError' });
  t.equal(seqOfKey('00000000000000ff'), 255);
  for (const k of ['00000000000000FF', '0000000000000004~', '000000000000004', '0000000000000000', 'zz']) t.equal(seqOfKey(k), undefined, k);
});

t.test('stored shapes that are not entries', async (t) => {
  const { text } = buildEntry({ actor: 'a', action: 'login', result: 'ok' }, 1, 0, GENESIS_PREV);
  const good = JSON.parse(text) as Record<string, unknown>;
  t.match(entryShapeProblem({ ...good, seq: 0 }), /seq/);
  t.match(entryShapeProblem({ ...good, seq: '1' }), /seq/);
  t.match(entryShapeProblem({ ...good, ts: 1.5 }), /ts/);
  t.match(entryShapeProblem({ ...good, prev: 'AB'.repeat(32) }), /prev/);
  t.match(entryShapeProblem({ ...good, hash: undefined }), /hash/);
  t.match(entryShapeProblem({ ...good, detail: {} }), /detail is empty/);
  t.match(entryShapeProblem({ ...good, extra: 1 }), /unknown field/);
  t.match(entryShapeProblem([good]), /not a JSON object/);
});

t.test('a published head is checked before use', async (t) => {
  t.same(parseAuditHead({ seq: 3, hash: 'a'.repeat(64) }), { seq: 3, hash: 'a'.repeat(64) });
  t.same(parseAuditHead({ seq: 0, hash: GENESIS_PREV }), { seq: 0, hash: GENESIS_PREV });
  for (const bad of [null, {}, { seq: -1, hash: GENESIS_PREV }, { seq: 1, hash: 'A'.repeat(64) }, { seq: 0, hash: 'a'.repeat(64) }]) {
    t.throws(() => parseAuditHead(bad), { code: 'TAL_AUDIT_INVALID' });
  }
});
