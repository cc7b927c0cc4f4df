// R12 in verify mode, end to end: the exchange plays the announcement on the first incoming call
// of a line and then stops playing it. The recorder (the real CLI, a real ALSA file device)
// finds it heard on the first call and not heard on the next three; the evidence travels with
// each call over a real mosquitto into the real indexer, where a search finds the callers who
// were not told; after three misses in a row the box's `notice-missing` alarm reaches the
// indexer's alarms.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAnnouncement } from '../../src/box/notice/announcement-file.js';
import { systemClock } from '../../src/core/clock.js';
import { onTheLine, speakAnnouncement } from '../../src/demo/announcement.js';
import { newApiToken } from '../../src/central/api/tokens.js';
import { loadIndexerConfig } from '../../src/central/config.js';
import { Indexer } from '../../src/central/indexer.js';
import { makeTrunk } from '../../src/simulate/trunk.js';
import { boxFixture, cli } from '../helpers/box-fixture.js';
import { centralKeys, indexerConfig } from '../helpers/central.js';
import { memoryLog } from '../helpers/log.js';
import { startMosquitto } from '../helpers/mosquitto.js';

t.setTimeout(120_000);

const RATE = 8000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ApiCall {
  id: string;
  start: number;
  direction: string;
  notice?: { status: string; score?: number; threshold?: number; offsetMs?: number };
}

t.test('verify mode: heard, then three misses; the evidence and the alarm reach the indexer', async (t) => {
  const broker = await startMosquitto();
  t.teardown(() => broker.stop());
  const dir = t.testdir({});
  const wav = join(dir, 'announcement.wav');
  t.ok(speakAnnouncement(wav), 'espeak-ng speaks the announcement');
  // The exchange's copy: the same recording, quieter, as a line carries it.
  const onLine = onTheLine(await loadAnnouncement(wav, RATE), 0.3);
  const incoming = (atMs: number, number: string, announced: boolean) =>
    ({ line: 0, atMs, talkMs: 4000, direction: 'incoming', number, clip: 'dtmf', rings: 1, ...(announced ? { announcement: onLine } : {}) }) as const;
  const trunk = makeTrunk({
    rate: RATE,
    channels: 1,
    durationMs: 84_000,
    calls: [incoming(1000, '0401234567', true), incoming(21_000, '0401234568', false), incoming(41_000, '0401234569', false), incoming(61_000, '0401234570', false)],
  });
  const infile = join(dir, 'trunk.raw');
  writeFileSync(infile, trunk.audio);

  const f = boxFixture({ infile, channels: 1, dir, extraYaml: 'vox: { hangMs: 2000 }\nannouncement: { mode: verify, file: announcement.wav, missAlarm: 3 }\n' });
  const keys = centralKeys(join(dir, 'central'));
  writeFileSync(
    f.config,
    readFileSync(f.config, 'utf8').replace(/publicKey: [^ }]+/, `publicKey: ${keys.controllerPub}`) +
      `mqtt: { url: "${broker.url}", commandKeys: [${keys.commandPub}], keepaliveS: 5, reconnectMaxS: 1 }\n`,
  );
  const officer = newApiToken();
  const admin = newApiToken();
  const icfg = await loadIndexerConfig(
    indexerConfig(dir, keys, {
      url: broker.url,
      tokens: `[{ name: dpo-1, role: privacy-officer, sha256: ${officer.sha256} }, { name: admin-1, role: admin, sha256: ${admin.sha256} }]`,
    }),
  );
  const ilog = memoryLog();
  const indexer = await Indexer.start({ config: icfg, sealingKey: keys.sealing, commandKey: keys.command.key, clock: systemClock, log: ilog.log, listen: false });
  t.teardown(() => indexer.stop());
  const get = async <T>(url: string, token: string): Promise<T> => {
    const r = await indexer.api.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    if (r.statusCode !== 200) throw new Error(`GET ${url}: ${r.statusCode} ${r.body}`);
    return r.json() as T;
  };

  // The indexer connects in the background: the box's events must find it subscribed.
  for (let i = 0; i < 300 && !ilog.lines.some((l) => l.msg === 'indexer subscribed'); i++) await sleep(50);
  const run = cli(f, ['record', '--config', f.config, '--duration', String(trunk.audio.length / 2 / RATE)]);
  t.equal(run.status, 0, `record exits 0 ${run.stderr}`);

  let calls: ApiCall[] = [];
  for (let i = 0; i < 150 && calls.length < 4; i++) {
    calls = (await get<{ calls: ApiCall[] }>('/api/calls?limit=10', officer.token)).calls;
    if (calls.length < 4) await sleep(100);
  }
  calls.sort((a, b) => a.start - b.start);
  t.equal(calls.length, 4, 'four calls indexed');
  t.same(calls.map((c) => [c.direction, c.notice?.status]), [['incoming', 'heard'], ['incoming', 'not-heard'], ['incoming', 'not-heard'], ['incoming', 'not-heard']]);
  const first = calls[0]!.notice!;
  t.ok(first.score! >= first.threshold!, `heard: score ${first.score} at or above the threshold ${first.threshold}`);
  t.ok(first.offsetMs! > 0 && first.offsetMs! < 1500, `found ${first.offsetMs} ms into the recording`);
  for (const c of calls.slice(1)) t.ok(c.notice!.score! < c.notice!.threshold!, `not heard: score ${c.notice!.score}`);

  const unheard = (await get<{ calls: ApiCall[] }>('/api/calls?notice=not-heard', officer.token)).calls;
  t.same(unheard.map((c) => c.id).sort(), calls.slice(1).map((c) => c.id).sort(), 'a search finds the callers who were not told');

  let alarms: { kind: string; box: string; message: string }[] = [];
  for (let i = 0; i < 100 && !alarms.some((a) => a.kind === 'notice-missing'); i++) {
    alarms = await get<{ alarms: typeof alarms }>('/api/alarms', admin.token).then((r) => r.alarms);
    if (!alarms.some((a) => a.kind === 'notice-missing')) await sleep(100);
  }
  const alarm = alarms.find((a) => a.kind === 'notice-missing');
  t.match(alarm, { box: 'test-1', message: /line-1: the last 3 incoming calls went without the recording announcement/ }, 'the alarm reached the indexer, and stands after the recorder stopped');
  t.notMatch(JSON.stringify(alarms), /040123/, 'no number in the alarm');
});
