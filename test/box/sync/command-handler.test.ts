// Signed commands at the box: every kind of bad command is refused, answered where it can be,
// audited and logged without its contents, and never acted on; every good one reaches the
// right action with the right args, holds and deletions through the real retention and store.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingStore } from '../../../src/box/store/recording-store.js';
import type { RecordingRecord } from '../../../src/box/store/recording-record.js';
import { Retention, type AuditSink } from '../../../src/box/store/retention.js';
import { CommandHandler, type BoxActions } from '../../../src/box/sync/command-handler.js';
import { streamRecording } from '../../../src/box/sync/fetch-stream.js';
import { canonicalJson } from '../../../src/core/audit/entry.js';
import { ManualClock } from '../../../src/core/clock.js';
import { mulberry32 } from '../../../src/core/dsp/generate.js';
import { generateCommandKeys, signCommand, type Command } from '../../../src/core/protocol/command.js';
import type { FetchPart, Reply } from '../../../src/core/protocol/messages.js';
import type { CommandVerb } from '../../../src/core/protocol/topics.js';
import { addCalendarMonths, expiryOf, maxExpiryOf } from '../../../src/core/retention/index.js';
import { memoryLog } from '../../helpers/log.js';
import { recordSealed, sealingKeys } from '../../helpers/sealed-recording.js';

t.setTimeout(120_000);

const NOW = Date.UTC(2026, 10, 28, 12);
const T0 = NOW - 86_400_000;
const SITE = 'lappeenranta';
const BOX = 'lpr-1';
const REPLY = `tallennin/v1/${SITE}/${BOX}/reply/central`;
const central = generateCommandKeys();
const stranger = generateCommandKeys();
const { sealTo } = sealingKeys();

type AuditEntry = Parameters<AuditSink['append']>[0];
type Call = [string, ...unknown[]];

function recordAt(id: string, start = T0): RecordingRecord {
  return {
    v: 1, id, line: 'line-1', start, end: start + 60_000, durationMs: 60_000, state: 'closed', chunks: 2,
    audio: { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 12000, packetsPerChunk: 48 },
    keyId: '0011223344556677', wrappedKey: Buffer.alloc(101, 7).toString('base64'), gapMs: 0,
    direction: 'incoming', signalling: 'vox', clip: 'none', retentionMonths: 2, expiresAt: expiryOf(start, 2),
  };
}

async function setup(t: Test, over: Partial<BoxActions> = {}) {
  const clock = new ManualClock(NOW);
  // one test may set up several boxes: each gets a store of its own
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-cmd-'));
  const store = await RecordingStore.open(dir, { sync: false });
  t.teardown(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const audit: AuditEntry[] = [];
  const sink: AuditSink = { append: async (e) => audit.push(e) };
  const { log, lines } = memoryLog();
  const retention = new Retention(store, { clock, monotonic: () => clock.now(), audit: sink, log });
  const calls: Call[] = [];
  const published: { topic: string; payload: string }[] = [];
  const actions: BoxActions = {
    retention: {
      hold: (...a) => (calls.push(['hold', ...a]), retention.hold(...a)),
      release: (...a) => (calls.push(['release', ...a]), retention.release(...a)),
      delete: (...a) => (calls.push(['delete', ...a]), retention.delete(...a)),
    },
    recordingStart: async (id) => (calls.push(['recordingStart', id]), (await store.getRecording(id))?.start),
    stopRecording: (line, by) => (calls.push(['stopRecording', line, by]), line === 'line-1' ? { stopped: true } : { stopped: false, reason: 'no call is being recorded' }),
    setRetentionMonths: async (months, by) => void calls.push(['setRetentionMonths', months, by]),
    resync: async (from) => (calls.push(['resync', from]), 5),
    ledTest: (seconds) => void calls.push(['ledTest', seconds]),
    fetch: (id, from, send, cid) => (calls.push(['fetch', id, from, cid]), streamRecording(store, id, from, cid, send)),
    ...over,
  };
  const handler = new CommandHandler({
    site: SITE, box: BOX, keys: new Map([[central.keyId, central.publicKey]]), clock, audit: sink, log,
    publish: async (topic, payload) => void published.push({ topic, payload }), actions,
  });
  const add = async (rec: RecordingRecord) => {
    await store.putRecording(rec);
    await store.putChunk(rec.id, 0, Buffer.alloc(300, 1));
    await store.putChunk(rec.id, 1, Buffer.alloc(300, 2));
  };
  const replies = () => published.filter((p) => p.topic === REPLY).map((p) => JSON.parse(p.payload) as Reply | FetchPart).filter((r): r is Reply => 'ok' in r);
  return { clock, store, retention, audit, lines, calls, published, replies, handler, add };
}

let nonce = 0;
function signed(verb: string, args: Command['args'], over: Partial<Command> = {}, key = central.privateKey) {
  const n = ++nonce;
  return signCommand({ verb: verb as CommandVerb, site: SITE, box: BOX, ts: NOW, nonce: `n-${n}`, replyTo: REPLY, correlationId: `c-${n}`, args, ...over }, key);
}
const buf = (x: unknown) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x));

const HOLD = { id: 'rec-a', reason: 'complaint', caseRef: 'VAL-2026-17', by: 'supervisor-3' };

t.test('refusals: each kind answered where the reply topic was readable, audited, logged without contents, never acted on', async (t) => {
  const good = signed('hold', { ...HOLD, months: 6 });
  const cases: { name: string; verb?: string; payload: Buffer; reason: string; answered: boolean; actor?: string }[] = [
    { name: 'forged: args changed after signing', payload: buf({ ...good, args: { ...good.args, months: 12 } }), reason: 'bad-signature', answered: true },
    { name: 'forged: the central\'s key id on a stranger\'s signature', payload: buf({ ...signed('hold', { ...HOLD, months: 6 }, {}, stranger.privateKey), keyId: central.keyId }), reason: 'bad-signature', answered: true },
    { name: 'unsigned', payload: buf({ ...good, sig: undefined, keyId: undefined }), reason: 'unsigned', answered: true },
    { name: 'expired', payload: buf(signed('hold', { ...HOLD, months: 6 }, { ts: NOW - 301_000 })), reason: 'expired', answered: true, actor: `central:${central.keyId}` },
    { name: 'from the future', payload: buf(signed('hold', { ...HOLD, months: 6 }, { ts: NOW + 301_000 })), reason: 'future', answered: true, actor: `central:${central.keyId}` },
    { name: 'for another box', payload: buf(signed('hold', { ...HOLD, months: 6 }, { box: 'lpr-2' })), reason: 'wrong-box', answered: true, actor: `central:${central.keyId}` },
    { name: 'for another site', payload: buf(signed('hold', { ...HOLD, months: 6 }, { site: 'kotka' })), reason: 'wrong-box', answered: true, actor: `central:${central.keyId}` },
    { name: 'signed for another verb', payload: buf(signed('delete', { id: 'rec-a', by: 'dpo', reason: 'asked' })), reason: 'wrong-verb', answered: true, actor: `central:${central.keyId}` },
    { name: 'signed by an unknown key', payload: buf(signed('hold', { ...HOLD, months: 6 }, {}, stranger.privateKey)), reason: 'unknown-key', answered: true },
    { name: 'not JSON', payload: buf('{"verb":"hold",'), reason: 'malformed', answered: false },
    { name: 'not an object', payload: buf('[1,2]'), reason: 'malformed', answered: false },
    { name: 'a field of the wrong type', payload: buf({ ...good, ts: String(NOW) }), reason: 'malformed', answered: true },
    { name: 'too large', payload: buf({ ...good, args: { pad: 'x'.repeat(20_000) } }), reason: 'too-large', answered: false },
    { name: 'an unknown verb', verb: 'format-disk', payload: buf(signed('format-disk', {})), reason: 'unknown-verb', answered: true },
    { name: 'a reply topic of another box', payload: buf(signed('hold', { ...HOLD, months: 6 }, { replyTo: `tallennin/v1/${SITE}/lpr-2/reply/x` })), reason: 'malformed', answered: false },
    { name: 'a wildcard reply topic', payload: buf(signed('hold', { ...HOLD, months: 6 }, { replyTo: `tallennin/v1/${SITE}/${BOX}/reply/#` })), reason: 'malformed', answered: false },
    { name: 'a garbage signature', payload: buf({ ...good, sig: 'AAAA' }), reason: 'bad-signature', answered: true },
  ];
  for (const c of cases) {
    const s = await setup(t);
    await s.add(recordAt('rec-a'));
    await s.handler.handle(c.verb ?? 'hold', c.payload);
    t.same(s.calls, [], `${c.name}: no action`);
    t.same(s.audit, [{ actor: c.actor ?? 'central:unknown', action: 'rejected-command', result: 'refused', detail: { verb: c.verb ?? 'hold', reason: c.reason } }], `${c.name}: audited`);
    const replies = s.replies();
    if (c.answered) t.match(replies, [{ ok: false, reason: c.reason, detail: String }], `${c.name}: answered`);
    else t.same(s.published, [], `${c.name}: nothing to answer on`);
    if (c.answered && c.reason !== 'unsigned' && c.reason !== 'malformed') t.match(replies[0]!.correlationId, /^c-\d+$/, `${c.name}: under its correlation id`);
    const warn = s.lines.filter((l) => l['level'] === 40);
    t.same(warn.map((l) => [l['msg'], l['reason']]), [['command refused', c.reason]], `${c.name}: logged at warn`);
    const said = JSON.stringify([s.lines, s.audit]);
    t.notOk(/VAL-2026-17|supervisor-3|rec-a|n-\d+|x{100}/.test(said), `${c.name}: no payload contents in the log or the audit`);
    t.equal((await s.store.getRecording('rec-a'))!.holds, undefined, `${c.name}: the recording untouched`);
  }
  t.ok(cases.length >= 12);
});

t.test('a replayed command: carried out once, refused the second time', async (t) => {
  const s = await setup(t);
  await s.add(recordAt('rec-a'));
  const cmd = buf(signed('hold', { ...HOLD, months: 6 }));
  await s.handler.handle('hold', cmd);
  s.clock.advance(60_000);
  await s.handler.handle('hold', cmd);
  t.same(s.calls.filter((c) => c[0] === 'hold').length, 1, 'one hold');
  t.match(s.replies(), [{ ok: true }, { ok: false, reason: 'replayed' }]);
  t.match(s.audit.at(-1), { actor: `central:${central.keyId}`, action: 'rejected-command', detail: { verb: 'hold', reason: 'replayed' } });
});

t.test('bad args for each verb: refused as bad-args naming the argument, audited, not acted on', async (t) => {
  const cases: [string, Command['args'], RegExp][] = [
    ['hold', { ...HOLD }, /args.until or args.months is required/],
    ['hold', { ...HOLD, until: NOW, months: 3 }, /args.until or args.months is required \(exactly one\)/],
    ['hold', { ...HOLD, months: 13 }, /args.months must be a whole number from 1 to 12/],
    ['hold', { ...HOLD, months: 2.5 }, /args.months must be a whole number/],
    ['hold', { ...HOLD, until: 'tomorrow' }, /args.until must be a whole number/],
    ['hold', { ...HOLD, reason: 'curiosity', months: 3 }, /args.reason must be one of complaint, quality-project, access-request, disclosure/],
    ['hold', { ...HOLD, caseRef: '  ', months: 3 }, /args.caseRef must be non-empty text/],
    ['hold', { ...HOLD, caseRef: 'a\nb', months: 3 }, /args.caseRef must be plain text/],
    ['hold', { id: 'rec-a', reason: 'complaint', caseRef: 'C-1', months: 3 }, /args.by is required/],
    ['hold', { ...HOLD, by: 'a b', months: 3 }, /args.by must be the id of the staff user/],
    ['hold', { ...HOLD, id: '../x', months: 3 }, /args.id must be a recording id/],
    ['hold', { ...HOLD, months: 3, admin: true }, /args.admin is not an argument of this command/],
    ['release', { id: 'rec-a' }, /args.by is required/],
    ['release', { id: 'rec-a', by: 'u', caseRef: 7 }, /args.caseRef must be non-empty text/],
    ['delete', { id: 'rec-a', by: 'dpo' }, /args.reason is required/],
    ['delete', { by: 'dpo', reason: 'asked' }, /args.id is required/],
    ['stop-recording', { line: 'Line 1', by: 'staff-1' }, /args.line must be a line id/],
    ['stop-recording', { line: 'line-1' }, /args.by is required/],
    ['fetch', { id: 'rec-a', from: -1 }, /args.from must be a whole number from 0/],
    ['fetch', { from: 0 }, /args.id is required/],
    ['set-retention', { months: 0, by: 'admin-1' }, /args.months must be a whole number from 1 to 12/],
    ['set-retention', { months: 24, by: 'admin-1' }, /args.months must be a whole number from 1 to 12/],
    ['set-retention', { months: 3 }, /args.by is required/],
    ['resync', {}, /args.from is required/],
    ['resync', { from: '5' }, /args.from must be a whole number/],
    ['led-test', { seconds: 1000 }, /args.seconds must be a whole number from 1 to 300/],
    ['led-test', { colour: 'red' }, /args.colour is not an argument/],
  ];
  for (const [verb, args, detail] of cases) {
    const s = await setup(t);
    await s.add(recordAt('rec-a'));
    await s.handler.handle(verb, buf(signed(verb, args)));
    t.same(s.calls, [], `${verb} ${JSON.stringify(args)}: no action`);
    t.match(s.replies(), [{ ok: false, verb, reason: 'bad-args', detail }], `${verb}: ${detail.source}`);
    t.same(s.audit, [{ actor: `central:${central.keyId}`, action: 'rejected-command', result: 'refused', detail: { verb, reason: 'bad-args' } }]);
    t.notOk(JSON.stringify(s.replies()).includes('VAL-2026-17'), 'the reply does not echo free text');
  }
});

t.test('1,000 fuzzed payloads (JSON mutations of a valid delete) never reach an action', async (t) => {
  const s = await setup(t);
  await s.add(recordAt('rec-a'));
  const rnd = mulberry32(2026);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const base = signed('delete', { id: 'rec-a', by: 'dpo-1', reason: 'data subject asked' }) as unknown as Record<string, unknown>;
  const canonical = canonicalJson(base);
  const atoms = [null, true, false, 0, 1, -1, NOW, NOW + 1, 1.5, '', 'x', 'rec-a', 'rec-b', 'delete', 'hold', SITE, 'lpr-2', REPLY, [], {}, central.keyId];
  const mutateString = (v: string) => {
    const i = Math.floor(rnd() * (v.length + 1));
    return pick([() => v.slice(0, i) + String.fromCharCode(32 + Math.floor(rnd() * 95)) + v.slice(i), () => v.slice(0, i) + v.slice(i + 1), () => v.toUpperCase(), () => `${v} `])();
  };
  const mutate = (o: Record<string, unknown>): Record<string, unknown> => {
    const m = structuredClone(o) as Record<string, unknown>;
    const args = m['args'];
    const inArgs = rnd() < 0.35 && typeof args === 'object' && args !== null && !Array.isArray(args);
    const target = (inArgs ? args : m) as Record<string, unknown>;
    const keys = Object.keys(target);
    const k = pick(keys);
    switch (Math.floor(rnd() * 6)) {
      case 0: delete target[k]; break;
      case 1: target[k] = pick(atoms); break;
      case 2: target[k] = typeof target[k] === 'string' ? mutateString(target[k] as string) : pick(atoms); break;
      case 3: target[k] = typeof target[k] === 'number' ? (target[k] as number) + pick([-1, 1, 1000, -300_000, 600_000]) : pick(atoms); break;
      case 4: target[pick(['extra', 'admin', 'from', 'months', 'until', 'v2'])] = pick(atoms); break;
      default: target[k] = { nested: target[k] ?? null }; break;
    }
    return m;
  };
  let refused = 0;
  for (let i = 0; i < 1000; i++) {
    let m = mutate(base);
    for (let extra = Math.floor(rnd() * 3); extra > 0; extra--) m = mutate(m);
    while (canonicalJson(m) === canonical) m = mutate(m);
    const verb = rnd() < 0.9 ? 'delete' : pick(['hold', 'release', 'fetch', 'led-test']);
    const before = s.audit.length;
    await s.handler.handle(verb, buf(m));
    if (s.audit.slice(before).every((e) => e.action === 'rejected-command') && s.audit.length === before + 1) refused++;
  }
  t.same(s.calls, [], 'no action ever dispatched');
  t.equal(refused, 1000, 'each one refused and audited once');
  t.ok(await s.store.getRecording('rec-a'), 'the recording is still there');
  const reasons = new Set(s.audit.map((e) => e.detail?.['reason']));
  t.ok(reasons.size >= 4, `refused for several reasons: ${[...reasons].join(', ')}`);
  // and the unmutated command itself is good: the fuzz refused mutations, not everything
  await s.handler.handle('delete', buf(base));
  t.match(s.calls, [['delete', 'rec-a', { by: 'central:dpo-1', reason: 'data subject asked' }]]);
});

t.test('hold, release and delete go through the real retention, by the centre, and answer with the result', async (t) => {
  const s = await setup(t);
  await s.add(recordAt('rec-a'));
  await s.add(recordAt('rec-b', Date.UTC(2026, 0, 31, 10)));
  const until = addCalendarMonths(T0, 5);
  await s.handler.handle('hold', buf(signed('hold', { ...HOLD, until })));
  t.match(s.replies().at(-1), { ok: true, verb: 'hold', correlationId: /^c-/, result: { expiresAt: until, until, clamped: false } });
  t.same(s.calls.at(-1), ['hold', 'rec-a', { reason: 'complaint', caseRef: 'VAL-2026-17', by: 'central:supervisor-3', until }]);
  t.match(s.audit.at(-1), { actor: 'central:supervisor-3', action: 'hold', target: 'rec-a', purpose: 'complaint', caseRef: 'VAL-2026-17', result: 'ok' });
  t.equal((await s.store.getRecording('rec-a'))!.expiresAt, until);

  // months count calendar months from the call's start: 31 Jan + 1 month = 28 Feb
  await s.handler.handle('hold', buf(signed('hold', { ...HOLD, id: 'rec-b', caseRef: 'C-2', months: 1 })));
  t.same(s.calls.slice(-2), [['recordingStart', 'rec-b'], ['hold', 'rec-b', { reason: 'complaint', caseRef: 'C-2', by: 'central:supervisor-3', until: Date.UTC(2026, 1, 28, 10) }]]);
  await s.handler.handle('hold', buf(signed('hold', { ...HOLD, id: 'rec-b', caseRef: 'C-3', until: maxExpiryOf(Date.UTC(2026, 0, 31, 10)) + 86_400_000 })));
  t.match(s.replies().at(-1), { ok: true, result: { clamped: true, until: maxExpiryOf(Date.UTC(2026, 0, 31, 10)) } }, 'clamped at 12 months, and says so');

  await s.handler.handle('release', buf(signed('release', { id: 'rec-a', by: 'supervisor-3', caseRef: 'VAL-2026-17' })));
  t.same(s.calls.at(-1), ['release', 'rec-a', { by: 'central:supervisor-3', caseRef: 'VAL-2026-17' }]);
  t.match(s.replies().at(-1), { ok: true, verb: 'release', result: { expiresAt: expiryOf(T0, 2), destroyed: false } });
  await s.handler.handle('release', buf(signed('release', { id: 'rec-a', by: 'supervisor-3' })));
  t.match(s.replies().at(-1), { ok: false, verb: 'release', reason: 'TAL_HOLD_INVALID', detail: /has no hold/ });

  await s.handler.handle('delete', buf(signed('delete', { id: 'rec-a', by: 'dpo-1', reason: 'data subject asked' })));
  t.same(s.calls.at(-1), ['delete', 'rec-a', { by: 'central:dpo-1', reason: 'data subject asked' }]);
  t.match(s.replies().at(-1), { ok: true, verb: 'delete', result: { deletedAt: NOW } });
  t.match(await s.store.getTombstone('rec-a'), { reason: 'early-deletion' });
  t.match(s.audit.at(-1), { actor: 'central:dpo-1', action: 'delete', target: 'rec-a', result: 'ok' });

  await s.handler.handle('hold', buf(signed('hold', { ...HOLD, until })));
  t.match(s.replies().at(-1), { ok: false, reason: 'TAL_RECORDING_DESTROYED', detail: /only its tombstone remains/ });
  await s.handler.handle('hold', buf(signed('hold', { ...HOLD, id: 'rec-z', months: 3 })));
  t.match(s.replies().at(-1), { ok: false, reason: 'TAL_RECORDING_NOT_FOUND', detail: 'no recording rec-z' });
  t.match(s.audit.at(-1), { actor: 'central:supervisor-3', action: 'hold', target: 'rec-z', result: 'refused' });
  await s.handler.handle('delete', buf(signed('delete', { id: 'rec-z', by: 'dpo-1', reason: 'x' })));
  t.match(s.replies().at(-1), { ok: false, reason: 'TAL_RECORDING_NOT_FOUND' });
});

t.test('stop-recording, set-retention, resync and led-test reach their actions with their args', async (t) => {
  const s = await setup(t);
  await s.handler.handle('stop-recording', buf(signed('stop-recording', { line: 'line-1', by: 'staff-7' })));
  t.same(s.calls.at(-1), ['stopRecording', 'line-1', 'mqtt']);
  t.match(s.replies().at(-1), { ok: true, verb: 'stop-recording', result: { stopped: true } });
  t.match(s.audit.at(-1), { actor: 'central:staff-7', action: 'stop-request', target: 'line-1', result: 'ok' });
  await s.handler.handle('stop-recording', buf(signed('stop-recording', { line: 'line-2', by: 'staff-7' })));
  t.match(s.replies().at(-1), { ok: false, reason: 'not-stopped', detail: 'no call is being recorded' });

  await s.handler.handle('set-retention', buf(signed('set-retention', { months: 6, by: 'admin-1' })));
  t.same(s.calls.at(-1), ['setRetentionMonths', 6, 'central:admin-1']);
  t.match(s.replies().at(-1), { ok: true, result: { months: 6 } });

  await s.handler.handle('resync', buf(signed('resync', { from: 17 })));
  t.same(s.calls.at(-1), ['resync', 17]);
  t.match(s.replies().at(-1), { ok: true, result: { republished: 5 } });

  await s.handler.handle('led-test', buf(signed('led-test', {})));
  t.same(s.calls.at(-1), ['ledTest', 10], 'the default length');
  await s.handler.handle('led-test', buf(signed('led-test', { seconds: 30 })));
  t.same(s.calls.at(-1), ['ledTest', 30]);
  t.match(s.replies().at(-1), { ok: true, verb: 'led-test', result: { seconds: 30 } });
});

t.test('fetch: sealed parts on the reply topic under the correlation id, then the answer', async (t) => {
  const s = await setup(t);
  const rec = await recordSealed(s.store, sealTo, { ms: 3000, startMs: T0, packetsPerChunk: 10 });
  const cmd = signed('fetch', { id: rec.id, from: 4 });
  await s.handler.handle('fetch', buf(cmd));
  t.same(s.calls, [['fetch', rec.id, 4, cmd.correlationId]]);
  const msgs = s.published.map((p) => JSON.parse(p.payload) as FetchPart | Reply);
  t.ok(s.published.every((p) => p.topic === REPLY));
  const parts = msgs.filter((m): m is FetchPart => 'part' in m);
  t.ok(parts.length >= 1 && parts.every((p) => p.correlationId === cmd.correlationId && p.id === rec.id));
  t.same(parts.flatMap((p) => p.chunks.map((c) => c.index))[0], 4);
  t.match(msgs.at(-1), { ok: true, verb: 'fetch', correlationId: cmd.correlationId, result: { parts: parts.length, chunks: rec.chunks - 4 } });
  t.match(s.audit.at(-1), { actor: `central:${central.keyId}`, action: 'fetch', target: rec.id, result: 'ok', detail: { from: 4 } });

  await s.store.putRecording({ ...rec, id: 'rec-open', state: 'open' });
  await s.handler.handle('fetch', buf(signed('fetch', { id: 'rec-open' })));
  t.match(s.replies().at(-1), { ok: false, reason: 'TAL_RECORDING_NOT_FOUND', detail: /still being recorded/ });
  t.match(s.audit.at(-1), { action: 'fetch', target: 'rec-open', result: 'refused' });
});

t.test('an unexpected failure is answered as failed, logged at error and audited, and the next command still runs', async (t) => {
  const s = await setup(t, { resync: async () => { throw new Error('outbox read failed at /var/lib/x'); } });
  await s.handler.handle('resync', buf(signed('resync', { from: 1 })));
  t.match(s.replies().at(-1), { ok: false, verb: 'resync', reason: 'failed', detail: /could not carry out/ });
  t.notOk(JSON.stringify(s.replies()).includes('/var/lib/x'), 'internal detail stays in the log');
  t.match(s.lines.find((l) => l['level'] === 50), { msg: 'command failed', err: /outbox read failed/ });
  t.match(s.audit.at(-1), { action: 'command-failed', result: 'error', detail: { verb: 'resync' } });
  await s.handler.handle('led-test', buf(signed('led-test', {})));
  t.match(s.replies().at(-1), { ok: true, verb: 'led-test' });
});

t.test('a failing broker or audit does not stop the queue', async (t) => {
  const s = await setup(t);
  const { log } = memoryLog();
  const h = new CommandHandler({
    site: SITE, box: BOX, keys: new Map([[central.keyId, central.publicKey]]), clock: s.clock, log,
    audit: { append: async () => { throw new Error('disk gone'); } },
    publish: async () => { throw new Error('offline'); },
    actions: { ...({} as BoxActions), ledTest: (n) => void s.calls.push(['ledTest', n]) },
  });
  await h.handle('hold', buf('not json'));
  await h.handle('led-test', buf(signed('led-test', { seconds: 2 })));
  t.same(s.calls, [['ledTest', 2]]);
});

t.test('commands run one at a time in arrival order: a hold and a delete of one recording cannot interleave', async (t) => {
  const events: string[] = [];
  let open!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const holdStarted = new Promise<void>((resolve) => (started = resolve));
  const s0 = await setup(t);
  await s0.add(recordAt('rec-a'));
  const real = s0.retention;
  const s = await setup(t, {
    retention: {
      hold: async (...a) => { events.push('hold-start'); started(); await gate; const r = await real.hold(...a); events.push('hold-end'); return r; },
      release: (...a) => real.release(...a),
      delete: async (...a) => { events.push('delete-start'); const r = await real.delete(...a); events.push('delete-end'); return r; },
    },
    recordingStart: async (id) => (await s0.store.getRecording(id))?.start,
  });
  const first = s.handler.handle('hold', buf(signed('hold', { ...HOLD, months: 6 })));
  const second = s.handler.handle('delete', buf(signed('delete', { id: 'rec-a', by: 'dpo-1', reason: 'asked' })));
  await holdStarted;
  // a few turns of the event loop: time enough for an unqueued delete to begin
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
  t.same(events, ['hold-start'], 'the delete waits for the hold');
  open();
  await Promise.all([first, second]);
  t.same(events, ['hold-start', 'hold-end', 'delete-start', 'delete-end']);
  t.match(s.replies(), [{ ok: true, verb: 'hold' }, { ok: true, verb: 'delete' }]);
  t.match(await s0.store.getTombstone('rec-a'), { reason: 'early-deletion' });
});
