// GET /api/audit, GET /api/audit/heads and POST /api/audit/verify through the real indexer: the
// privacy officer's token alone reads the log, bad parameters are named, the filters and the
// seq cursor work as on the console, every read is audited, verify names a tampered entry. And the
// scan itself over a made-up log: bounded, and a time window found by bisection, not by reading.
import t, { type Test } from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditKey, type AuditEntry, type EntryRange } from '../../../src/core/audit/index.js';
import { systemClock } from '../../../src/core/clock.js';
import { newApiToken } from '../../../src/central/api/tokens.js';
import { CLOCK_SLACK_MS, readAuditPage, type AuditReader } from '../../../src/central/api/routes/audit.js';
import { loadIndexerConfig } from '../../../src/central/config.js';
import { Indexer } from '../../../src/central/indexer.js';
import { centralKeys, indexerConfig } from '../../helpers/central.js';
import { memoryLog } from '../../helpers/log.js';

t.setTimeout(120_000);

const hex = (n: number) => n.toString(16).padStart(64, '0');
const REC = ['019ac9d2-0000-7000-8000-00000000000a', '019ac9d2-0000-7000-8000-00000000000b'];

async function setup(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-audit-api-'));
  const keys = centralKeys(join(dir, 'keys'));
  const made = { privacy: newApiToken(), supervisor: newApiToken(), admin: newApiToken() };
  const tokens = `[{ name: dpo-1, role: privacy-officer, sha256: ${made.privacy.sha256} }, { name: sup-1, role: supervisor, sha256: ${made.supervisor.sha256} }, { name: adm-1, role: admin, sha256: ${made.admin.sha256} }]`;
  const config = await loadIndexerConfig(indexerConfig(dir, keys, { url: 'mqtt://127.0.0.1:1', tokens }));
  const { log, lines } = memoryLog();
  const indexer = await Indexer.start({ config, sealingKey: keys.sealing, commandKey: keys.command.key, clock: systemClock, log, listen: false });
  t.teardown(() => indexer.stop());
  const req = async (method: 'GET' | 'POST', url: string, who: keyof typeof made | null = 'privacy') => {
    const res = await indexer.api.inject({ method, url, headers: who ? { authorization: `Bearer ${made[who].token}` } : {} });
    return { status: res.statusCode, json: res.json() as any };
  };
  const last = async (): Promise<AuditEntry> => {
    await indexer.audit.idle();
    for await (const e of indexer.audit.entries({ reverse: true, limit: 1 })) return e;
    throw new Error('empty');
  };
  const seeded: AuditEntry[] = [];
  for (const e of [
    { actor: 'maija', action: 'listen', target: REC[0], purpose: 'complaint', caseRef: 'VN/123/2026', result: 'ok' },
    { actor: 'maija', action: 'hold', target: REC[0], purpose: 'complaint', caseRef: 'VN/123/2026', result: 'ok' },
    { actor: 'ville', action: 'listen', target: REC[1], purpose: 'access-request', caseRef: 'TP-7/2026', result: 'ok' },
    { actor: 'ville', action: 'export', target: REC[1], purpose: 'access-request', caseRef: 'tp-7/2026', result: 'refused' },
    { actor: 'maija', action: 'delete', target: REC[1], caseRef: '<script>alert(1)</script>', result: 'ok', detail: { reason: 'early' } },
  ] as const) seeded.push(await indexer.audit.append(e));
  return { indexer, req, last, seeded, lines };
}

t.test('the routes through the indexer', async (t) => {
  const { indexer, req, last, seeded, lines } = await setup(t);
  const s = seeded.map((e) => e.seq);

  await t.test('a privacy officer\'s token only', async (t) => {
    for (const [method, url] of [['GET', '/api/audit'], ['GET', '/api/audit/heads'], ['POST', '/api/audit/verify']] as const) {
      t.equal((await req(method, url, null)).status, 401, `${url}: no token`);
      for (const who of ['supervisor', 'admin'] as const) {
        const r = await req(method, url, who);
        t.equal(r.status, 403, `${who} ${method} ${url}`);
        t.same(r.json, { error: { code: 'forbidden', message: `${who === 'admin' ? 'an admin' : 'a supervisor'} may not view the audit log` } });
        t.match(await last(), { actor: `${who.slice(0, 3)}-1`, action: 'view-audit', result: 'refused', detail: { reason: 'role' } }, 'audited');
      }
      t.equal((await req(method, url)).status, 200, `privacy officer ${method} ${url}`);
    }
  });

  await t.test('bad parameters are named', async (t) => {
    for (const [qs, field] of [
      ['actor=a%20b', 'actor'], ['action=Fly', 'action'], ['from=yesterday', 'from'], ['to=2026-02-30T10:00:00Z', 'to'],
      ['from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z', 'to'], ['cursor=x', 'cursor'], ['cursor=0', 'cursor'], ['limit=0', 'limit'], ['limit=501', 'limit'],
      ['caseRef=a%0Ab', 'caseRef'], ['whom=x', 'whom'], ['actor=a&actor=b', 'actor'],
    ] as const) {
      const r = await req('GET', `/api/audit?${qs}`);
      t.equal(r.status, 400, qs);
      t.equal(r.json.error.field, field, `${qs}: names ${field}`);
      t.match(r.json.error.message, new RegExp(`"${field}"`), `${qs}: ${r.json.error.message}`);
    }
  });

  await t.test('filters, newest first, and the read audited', async (t) => {
    const seqs = async (qs: string) => {
      const r = await req('GET', `/api/audit?${qs}`);
      t.equal(r.status, 200, qs);
      return (r.json.entries as AuditEntry[]).map((e) => e.seq);
    };
    t.same(await seqs('actor=maija'), [s[4], s[1], s[0]]);
    t.same(await seqs(`target=${REC[1]}`), [s[4], s[3], s[2]]);
    t.same(await seqs('caseRef=tp-7'), [s[3], s[2]]);
    t.same(await seqs('action=listen&actor=ville'), [s[2]]);
    t.same(await seqs(`from=${seeded[0]!.ts}&to=${seeded[4]!.ts + 1}&actor=maija`), [s[4], s[1], s[0]], 'a window in ms');
    t.same(await seqs(`to=2020-01-01T00:00:00Z`), [], 'before the log began');
    t.same(await seqs(`from=${new Date(Date.now() + 3_600_000).toISOString()}`), [], 'from the future');

    const r = await req('GET', `/api/audit?caseRef=${encodeURIComponent('VN/123')}&target=${REC[0]}&limit=1`);
    t.same(Object.keys(r.json).sort(), ['entries', 'next', 'scan']);
    t.match(r.json.entries, [{ seq: s[1], actor: 'maija', action: 'hold', target: REC[0], purpose: 'complaint', caseRef: 'VN/123/2026', result: 'ok', hash: /^[0-9a-f]{64}$/, prev: /^[0-9a-f]{64}$/ }], 'entries as stored');
    t.equal(r.json.next, String(s[1]));
    t.match(r.json.scan, { read: Number, max: 20_000 });
    t.notOk('stoppedAt' in r.json.scan, 'the page filled before the scan limit');
    const view = await last();
    t.match(view, { actor: 'dpo-1', action: 'search', result: 'ok', target: REC[0], caseRef: 'VN/123', detail: { audit: true, caseRef: true, limit: 1, cursor: false, results: 1 } });
    t.notMatch(JSON.stringify(view.detail), /VN/, 'the case reference is not in the detail');
    const next = await req('GET', `/api/audit?caseRef=${encodeURIComponent('VN/123')}&target=${REC[0]}&limit=1&cursor=${r.json.next}`);
    t.same(next.json.entries.map((e: AuditEntry) => e.seq), [s[0]], 'the next page: below the cursor');
    t.equal(next.json.next, String(s[0]));
    const end = await req('GET', `/api/audit?caseRef=${encodeURIComponent('VN/123')}&target=${REC[0]}&limit=1&cursor=${next.json.next}`);
    t.same(end.json.entries, []);
    t.notOk('next' in end.json, 'no further page');
    t.match(await last(), { detail: { cursor: true, results: 0 } });
  });

  await t.test('heads: each box\'s last head and its status', async (t) => {
    const send = (site: string, box: string, seq: number, hash: string) =>
      indexer.ingest.onMessage(`tallennin/v1/${site}/${box}/audit`, Buffer.from(JSON.stringify({ head: { seq, hash }, ts: 1_800_000_000_000 + seq })));
    send('lappeenranta', 'lpr-1', 40, hex(40));
    send('kotka', 'ktk-1', 12, hex(12));
    send('kotka', 'ktk-1', 12, hex(0x12));
    const r = await req('GET', '/api/audit/heads');
    t.equal(r.status, 200);
    t.match(r.json, {
      boxes: [
        { site: 'kotka', box: 'ktk-1', seq: 12, hash: hex(0x12), status: 'rewritten', highest: { seq: 12 }, regressionCount: 1, regressions: [{ reason: 'rewritten', previous: { seq: 12, hash: hex(12) }, head: { seq: 12, hash: hex(0x12) } }] },
        { site: 'lappeenranta', box: 'lpr-1', seq: 40, hash: hex(40), ts: 1_800_000_000_040, status: 'consistent', regressions: [] },
      ],
    });
    t.ok(lines.some((l) => l['level'] === 40 && l['box'] === 'ktk-1' && l['reason'] === 'rewritten'), 'the indexer log warns');
  });

  await t.test('verify: ok, then a tampered entry named; audited', async (t) => {
    const ok = await req('POST', '/api/audit/verify');
    t.equal(ok.status, 200);
    t.match(ok.json, { ok: true, count: Number, head: { seq: Number, hash: /^[0-9a-f]{64}$/ } });
    t.equal(ok.json.count, ok.json.head.seq);
    t.match(await last(), { actor: 'dpo-1', action: 'verify', target: 'audit-log', result: 'ok', detail: { count: ok.json.count } });

    const raw = indexer.index.db.sublevel<string, string>('audit', { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    const stored = JSON.parse((await raw.get(auditKey(s[3]!)))!) as AuditEntry;
    await raw.put(auditKey(s[3]!), JSON.stringify({ ...stored, result: 'ok' }));
    const bad = await req('POST', '/api/audit/verify');
    t.equal(bad.status, 200);
    t.match(bad.json, { ok: false, at: s[3], problem: 'edited', detail: /hash does not match/ });
    t.match(await last(), { action: 'verify', result: 'error', detail: { at: s[3], problem: 'edited' } });

    await raw.put(auditKey(s[2]!), '{"seq":');
    const unreadable = await req('GET', `/api/audit?cursor=${s[4]! + 1}`);
    t.equal(unreadable.status, 500);
    t.equal(unreadable.json.error.code, 'audit-broken');
    t.match(unreadable.json.error.message, /POST \/api\/audit\/verify/);
  });
});

// ---------------------------------------------------------------------------------------------
// The scan over a made-up log

const MIN = 60_000;

/** A log of n entries, one a minute (or as `tsOf` says), counting the entries read. */
function fakeLog(n: number, tsOf: (seq: number) => number = (seq) => seq * MIN) {
  const all: AuditEntry[] = Array.from({ length: n }, (_, i) => ({ seq: i + 1, ts: tsOf(i + 1), actor: i % 10 === 0 ? 'harva' : 'moni', action: 'search', result: 'ok', prev: hex(i), hash: hex(i + 1) }));
  const counter = { read: 0 };
  const log: AuditReader = {
    async *entries(r: EntryRange = {}) {
      let list = all.filter((e) => e.seq >= (r.gte ?? 1) && e.seq <= (r.lte ?? Infinity));
      if (r.reverse) list = list.reverse();
      let k = 0;
      for (const e of list) {
        counter.read++;
        yield e;
        if (r.limit !== undefined && ++k >= r.limit) return;
      }
    },
    verify: async () => ({ ok: true, count: n, head: { seq: n, hash: hex(n) } }),
  };
  return { log, counter };
}

t.test('the scan: bounded, paged by seq, its window found without reading', async (t) => {
  const { log, counter } = fakeLog(1000);
  const p1 = await readAuditPage(log, { actor: 'harva' }, { limit: 5, maxScan: 100 });
  t.same(p1.entries.map((e) => e.seq), [991, 981, 971, 961, 951]);
  t.equal(p1.next, 951);
  t.notOk(p1.stoppedAt);
  const p2 = await readAuditPage(log, { actor: 'harva' }, { before: 951, limit: 5, maxScan: 30 });
  t.same(p2.entries.map((e) => e.seq), [941, 931, 921], 'the scan stopped before the page filled');
  t.equal(p2.read, 30);
  t.equal(p2.stoppedAt, 921);
  t.equal(p2.next, 921, 'going on starts below where it stopped');

  counter.read = 0;
  const w = await readAuditPage(log, { from: 100 * MIN, to: 110 * MIN }, { limit: 50 });
  t.same(w.entries.map((e) => e.seq), Array.from({ length: 10 }, (_, i) => 109 - i), 'from ≤ ts < to');
  const slack = CLOCK_SLACK_MS / MIN;
  t.ok(counter.read <= 10 + 2 * slack + 15, `bisection, not a scan from the top (${counter.read} entries read)`);

  counter.read = 0;
  const none = await readAuditPage(log, { to: 1 - CLOCK_SLACK_MS }, { limit: 50 });
  t.same(none, { entries: [], read: 0 }, 'nothing before the first entry');
  const empty = await readAuditPage(fakeLog(0).log, { to: 5 * MIN }, { limit: 50 });
  t.same(empty.entries, []);

  // A clock stepped back a little: an entry older than one before it is still found.
  const stepped = fakeLog(100, (seq) => (seq === 50 ? 40 * MIN : seq * MIN));
  const back = await readAuditPage(stepped.log, { from: 39 * MIN, to: 41 * MIN }, { limit: 50 });
  t.same(back.entries.map((e) => e.seq), [50, 40, 39], 'within the slack');
});
