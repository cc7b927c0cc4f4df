// Ingest on its own (real index and fleet, no broker): acks carry the watermark, duplicates
// change nothing, a gap asks for a resync (not more than every 10 s), a late subscriber asks
// boxes it finds retained for what follows its watermark, and bad or impostor messages are refused.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../../src/core/clock.js';
import { recordingEvent } from '../../../src/box/sync/events.js';
import { CallIndex } from '../../../src/central/index/call-index.js';
import { Fleet } from '../../../src/central/fleet/fleet.js';
import { Ingest } from '../../../src/central/ingest/ingest.js';
import { sealingKeys } from '../../helpers/sealed-recording.js';
import { sealedRecord } from '../../helpers/central.js';
import { memoryLog } from '../../helpers/log.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const T = 'tallennin/v1';

async function setup(t: Parameters<Parameters<typeof tap.test>[1]>[0]) {
  const clock = new ManualClock(NOW);
  const index = await CallIndex.open(t.testdir({}), { blindKey: randomBytes(32), openMeta: () => undefined, clock, sync: false });
  t.teardown(() => index.close());
  const fleet = await Fleet.open(index.db, { lostAfterMs: 60_000 });
  const acks: { topic: string; seq: number }[] = [];
  const resyncs: { box: string; from: number }[] = [];
  const log = memoryLog();
  const ingest = new Ingest({
    index, fleet, clock, log: log.log, ackDelayMs: 1,
    publish: async (topic, payload) => void acks.push({ topic, seq: (JSON.parse(payload) as { seq: number }).seq }),
    resync: async (_site, box, from) => void resyncs.push({ box, from }),
  });
  const { sealTo } = sealingKeys();
  const evt = (seq: number, box = 'b-1', site = 's1') => {
    const body = recordingEvent(sealedRecord(sealTo, { start: NOW - seq * 60_000, calling: '0401234567' }));
    ingest.onMessage(`${T}/${site}/${box}/evt`, Buffer.from(JSON.stringify({ seq, boot: 1, ts: NOW, kind: 'recording', body })));
  };
  const settle = async () => {
    await ingest.idle();
    await new Promise((r) => setTimeout(r, 10));
  };
  return { clock, index, fleet, ingest, acks, resyncs, evt, settle, log };
}
const tap = t;

t.test('acks carry the watermark; duplicates change nothing; a gap asks for a resync at most every 10 s', async (t) => {
  const s = await setup(t);
  s.evt(1);
  s.evt(2);
  s.evt(2);
  await s.settle();
  t.same(s.acks.at(-1), { topic: `${T}/s1/b-1/ack`, seq: 2 });
  t.equal(s.ingest.stats.duplicates, 1);
  s.evt(5);
  await s.settle();
  t.same(s.resyncs, [{ box: 'b-1', from: 3 }], 'the gap is asked about');
  t.equal(s.acks.at(-1)!.seq, 2, 'the ack stays at the watermark');
  s.evt(6);
  await s.settle();
  t.equal(s.resyncs.length, 1, 'not again within 10 s');
  s.clock.advance(10_001);
  s.evt(7);
  await s.settle();
  t.equal(s.resyncs.length, 2, 'again after 10 s');
  s.evt(3);
  s.evt(4);
  await s.settle();
  t.equal(s.acks.at(-1)!.seq, 7, 'the gap filled: the watermark jumps');
  t.equal(await s.index.count(), 7);
});

t.test('a retained $state found on subscribing asks for what follows the watermark', async (t) => {
  const s = await setup(t);
  s.evt(1);
  await s.settle();
  s.ingest.onMessage(`${T}/s1/b-1/$state`, Buffer.from(JSON.stringify({ state: 'ready', ts: NOW, boot: 2 })), true);
  s.ingest.onMessage(`${T}/s1/b-2/$state`, Buffer.from(JSON.stringify({ state: 'lost', ts: NOW, boot: 1 })), true);
  s.ingest.onMessage(`${T}/s1/b-3/$state`, Buffer.from(JSON.stringify({ state: 'ready', ts: NOW, boot: 1 })), false);
  await s.settle();
  t.same(s.resyncs, [{ box: 'b-1', from: 2 }], 'only a live box found retained');
  t.match(s.fleet.list(NOW).find((b) => b.box === 'b-2'), { state: 'lost' });
});

t.test('bad messages and impostors are refused and logged without their contents', async (t) => {
  const s = await setup(t);
  s.evt(1, 'b-1', 's1');
  s.ingest.onMessage(`${T}/s1/b-1/evt`, Buffer.from('{"seq": "one", "calling": "0401234567"}'));
  s.ingest.onMessage(`${T}/s1/b-1/evt`, Buffer.from(JSON.stringify({ seq: 2, boot: 1, ts: NOW, kind: 'format-disk', body: {} })));
  s.ingest.onMessage(`${T}/s1/b-1/$state`, Buffer.from('{"state":"happy"}'));
  s.ingest.onMessage(`${T}/s1/b-1/status`, Buffer.from('not json'));
  s.ingest.onMessage(`${T}/s1/b-1/audit`, Buffer.from('{"head":{"seq":1,"hash":"zz"}}'));
  s.evt(2, 'b-1', 's2');
  await s.settle();
  t.equal(s.ingest.stats.rejected, 6);
  t.equal(await s.index.count(), 1, 'only the good event');
  const warnings = s.log.lines.filter((l) => l['msg'] === 'message refused');
  t.equal(warnings.length, 6);
  t.match(warnings.at(-1), { site: 's2', box: 'b-1', error: /belongs to site s1/ });
  t.notOk(JSON.stringify(s.log.lines).includes('0401234567'), 'no payload contents in the log');
});
