// Time to first audio for a 10-minute recording, on loopback: a real mosquitto (the production
// limits), a real Box (its store holding the sealed recording, an idle capture device, its sync
// link obeying signed commands) and the real Indexer with its console. A supervisor, logged in
// over HTTP, states a purpose and a case reference on the call page: POST …/listen (the listen
// audited, the recording fetched sealed from the box over MQTT and unsealed in memory) → the 303
// to the call page with its <audio> → GET of the audio with `Range: bytes=0-` until its first
// byte. References in the same run: the box's own export of the recording (exportOgg over its
// store) and a bare `commands.fetch` of it. Then a hold is placed from the call page, which keeps
// a sealed copy centrally, and the same listen is timed again: the audio comes from the copy.
import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { Box } from '../box/box.js';
import type { CaptureBinding, CaptureSource } from '../box/capture/binding.js';
import { createOpusEncoder } from '../box/recorder/opus-encoder.js';
import { RecordingWriter } from '../box/recorder/recording-writer.js';
import type { RecordingRecord } from '../box/store/recording-record.js';
import { startSync } from '../box/sync/start-sync.js';
import { AccountsFile, CONSOLE_ACCOUNT_RULES, newTotpSecret } from '../core/auth/index.js';
import { systemClock } from '../core/clock.js';
import { parseConfig } from '../core/config/index.js';
import { speechLike } from '../core/dsp/generate.js';
import { OPUS_PRESKIP_48K } from '../core/ogg/index.js';
import { generateCommandKeys } from '../core/protocol/command.js';
import { exportOgg } from '../core/recording/export-ogg.js';
import { keyIdOf } from '../core/seal/index.js';
import { parseIndexerConfig } from '../central/config.js';
import { Indexer } from '../central/indexer.js';
import { freePort } from '../demo/free-port.js';
import { addServerTiming, csrfOf, HttpClient, type Answer } from './api-search.js';
import { median, progress, round } from './measure.js';
import { nullLogger } from './pipeline.js';

const SITE = 'bench';
const BOX = 'box-1';
const PASSWORD = 'a long enough password for timing pages';
const TARGET_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A capture device that opens and stays silent: the box's line is idle, its store serves. */
const idleBinding: CaptureBinding = {
  name: 'idle',
  open(): CaptureSource {
    const source = new EventEmitter() as EventEmitter & CaptureSource;
    source.close = async () => {};
    return source;
  },
};

async function startBroker(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  // The production limits (image/mosquitto/mosquitto.conf), plain on loopback.
  writeFileSync(conf, `user root\nlistener ${port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 20\nmax_queued_messages 100000\nmax_packet_size 262144\n`);
  const proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  let up = false;
  for (let i = 0; i < 400 && !up && proc.exitCode === null; i++) {
    up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (!up) await sleep(25);
  }
  if (!up) throw new Error(`mosquitto did not listen on ${port}`);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

async function until<T>(get: () => T | Promise<T>, ms: number, what: string): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`listen bench: timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** median / p90 / max, ms to 0.1 */
function mpm(xs: readonly number[]): { median: number; p90: number; max: number; runs: number[] } {
  const s = [...xs].sort((a, b) => a - b);
  const p90 = s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)]!;
  return { median: round(median(xs), 1), p90: round(p90, 1), max: round(s[s.length - 1]!, 1), runs: xs.map((x) => round(x, 1)) };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

interface ListenTimes {
  total: number;
  listenPost: number;
  listenPostServer: number;
  page: number;
  audioFirstByte: number;
  audioComplete: number;
}

export async function benchListenLatency(dir: string, opts: { reps?: number; minutes?: number } = {}): Promise<Record<string, unknown>> {
  const reps = opts.reps ?? 10;
  const minutes = opts.minutes ?? 10;
  mkdirSync(dir, { recursive: true });
  const log = nullLogger();
  const broker = await startBroker(dir);
  const stops: (() => Promise<unknown>)[] = [];
  try {
    // Keys: the controller's X25519 pair (the box seals to it) and the central command key.
    const controller = generateKeyPairSync('x25519');
    const keyId = keyIdOf(controller.publicKey);
    const sealTo = { keyId, key: controller.publicKey };
    const sealing = { keyId, key: controller.privateKey };
    const command = generateCommandKeys();
    writeFileSync(join(dir, 'controller.pub'), controller.publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dir, 'command.pub'), command.publicKey.export({ type: 'spki', format: 'pem' }));

    // ---- the box, with a sealed 10-minute recording in its store ----
    const boxConfig = parseConfig(
      [
        `box: { id: ${BOX}, site: ${SITE} }`,
        'capture: { device: idle, rate: 8000, channels: 1 }',
        'lines:',
        '  - { id: line-1, channel: 0 }',
        `storage: { path: ${JSON.stringify(join(dir, 'box'))} }`,
        `seal: { publicKey: ${JSON.stringify(join(dir, 'controller.pub'))} }`,
        `mqtt: { url: "${broker.url}", commandKeys: [${JSON.stringify(join(dir, 'command.pub'))}], keepaliveS: 5, reconnectMaxS: 1 }`,
        'log: { level: warn }',
        '',
      ].join('\n'),
      'listen bench box', dir,
    );
    const box = await Box.start({ config: boxConfig, sealTo, log, binding: idleBinding });
    stops.push(() => box.stop());
    progress(`listen: a ${minutes}-minute recording through libopus into the box's store`);
    let writeFailed: Error | undefined;
    const writer = RecordingWriter.start(
      {
        store: box.store, sealTo,
        audio: { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: OPUS_PRESKIP_48K, bitrate: boxConfig.opus.bitrate, packetsPerChunk: Math.round(boxConfig.recorder.chunkMs / 20) },
        retentionMonths: 2, newEncoder: () => createOpusEncoder(8000, boxConfig.opus.bitrate), log, onWriteError: (err) => (writeFailed = err),
      },
      'line-1', Date.now() - 3_600_000, { direction: 'incoming', source: 'line-unit', clip: 'ok', calling: '0401234567' },
    );
    writer.feed(speechLike(minutes * 60_000, -20, 8000, 1));
    const rec: RecordingRecord = await writer.finish('on-hook');
    if (writeFailed) throw writeFailed;
    const sync = await startSync(box, boxConfig.mqtt!, { site: SITE, box: BOX, clock: systemClock, log });
    stops.unshift(() => sync.stop());

    // ---- the indexer and its console ----
    const icfg = parseIndexerConfig(
      `indexer: { id: bench }\nmqtt: { url: "${broker.url}" }\nstorage: { path: index }\nkeys: { controller: unused.key, command: unused.key }\n` +
        'api: { host: 127.0.0.1, port: 0 }\nconsole: { users: users.json }\n',
      'listen bench indexer', dir,
    );
    const accounts = new AccountsFile(icfg.console.users, { ...CONSOLE_ACCOUNT_RULES, clock: systemClock });
    const secret = newTotpSecret();
    await accounts.add('bench-listener', 'supervisor', PASSWORD, { sites: [SITE], totp: secret });
    const indexer = await Indexer.start({ config: icfg, sealingKey: sealing, commandKey: command.privateKey, clock: systemClock, log, listen: false });
    stops.unshift(() => indexer.stop());
    addServerTiming(indexer.api);
    await indexer.api.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(indexer.api.server.address() as AddressInfo).port}`;
    await until(async () => indexer.index.get(rec.id), 30_000, 'the recording in the index');
    await until(() => indexer.fleet.list(Date.now()).some((b) => b.site === SITE && b.box === BOX && b.state === 'ready'), 30_000, 'the box online');

    // ---- the references: the box's own export, and a bare fetch over MQTT ----
    if (rec.state === 'shredding') throw new Error('listen bench: the recording is being destroyed');
    const sealed = { id: rec.id, state: rec.state, chunks: rec.chunks, wrappedKey: Buffer.from(rec.wrappedKey, 'base64'), audio: rec.audio };
    const boxExport: number[] = [];
    let boxOgg: Buffer = Buffer.alloc(0);
    for (let i = 0; i <= reps; i++) {
      const t0 = performance.now();
      boxOgg = (await exportOgg(sealed, box.store.readChunks(rec.id), sealing)).ogg;
      if (i > 0) boxExport.push(performance.now() - t0);
    }
    progress(`listen: ${reps} bare fetches of the recording from the box`);
    const bareFetch: number[] = [];
    const fetchUnseal: number[] = [];
    let fetchedChunks = 0;
    for (let i = 0; i <= reps; i++) {
      const t0 = performance.now();
      const fetched = await indexer.commands.fetch(SITE, BOX, rec.id);
      const t1 = performance.now();
      const { ogg } = await exportOgg({ ...fetched.record, id: rec.id }, fetched.chunks, sealing);
      const t2 = performance.now();
      if (!ogg.equals(boxOgg)) throw new Error('listen bench: the fetched recording differs from the box\'s own export');
      fetchedChunks = fetched.chunks.length;
      if (i === 0) continue;
      bareFetch.push(t1 - t0);
      fetchUnseal.push(t2 - t0);
    }

    // ---- the supervisor logs in over HTTP ----
    const client = new HttpClient(base);
    const form = await client.get('/console/login');
    const first = await client.postForm('/console/login', { name: 'bench-listener', password: PASSWORD, _csrf: csrfOf(form.body.toString()) });
    const code = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() });
    const done = await client.postForm('/console/login/code', { code, _csrf: csrfOf(first.body.toString()) });
    if (done.status !== 303) throw new Error(`listen bench: the login answered ${done.status}`);
    const callPath = `/console/calls/${rec.id}`;

    const listenOnce = async (n: number, source: 'box' | 'central-copy'): Promise<ListenTimes> => {
      const call = await client.get(callPath);
      if (call.status !== 200) throw new Error(`listen bench: the call page answered ${call.status}`);
      const t0 = performance.now();
      const post = await client.postForm(`${callPath}/listen`, { purpose: 'complaint', caseRef: `VN/BENCH/${n}`, _csrf: csrfOf(call.body.toString()) });
      if (post.status !== 303) throw new Error(`listen bench: POST listen answered ${post.status}: ${post.body.toString().slice(0, 300)}`);
      const page = await client.get(String(post.headers.location));
      const body = page.body.toString();
      const src = /<audio[^>]+src="([^"]+)"/.exec(body)?.[1]?.replaceAll('&amp;', '&');
      if (page.status !== 200 || !src) throw new Error(`listen bench: the page after the listen answered ${page.status} ${src ? '' : 'with no <audio src>'}`);
      // The page says where its audio comes from when it is the central copy.
      const fromCopy = body.includes('Toistetaan keskitetysti');
      if (fromCopy !== (source === 'central-copy')) throw new Error(`listen bench: the audio came ${fromCopy ? 'from the central copy' : 'from the box'}, expected ${source}`);
      const audioAt = performance.now();
      const audio: Answer = await client.get(src, { range: 'bytes=0-' });
      if (audio.status !== 206 || !audio.body.equals(boxOgg)) throw new Error(`listen bench: the audio answered ${audio.status}, ${audio.body.length} bytes, not the recording's ${boxOgg.length}`);
      return {
        total: audioAt - t0 + audio.firstByteMs,
        listenPost: post.totalMs,
        listenPostServer: post.serverMs ?? NaN,
        page: page.totalMs,
        audioFirstByte: audio.firstByteMs,
        audioComplete: audio.totalMs,
      };
    };
    const summarise = (runs: ListenTimes[]) => {
      const of = (k: keyof ListenTimes) => mpm(runs.map((r) => r[k]));
      const total = of('total');
      return { total, pass: total.p90 <= TARGET_MS, listenPost: of('listenPost'), listenPostServer: of('listenPostServer'), page: of('page'), audioFirstByte: of('audioFirstByte'), audioComplete: of('audioComplete') };
    };

    progress(`listen: ${reps} listens, the audio fetched from the box`);
    await listenOnce(0, 'box');
    const fromBox: ListenTimes[] = [];
    for (let i = 1; i <= reps; i++) fromBox.push(await listenOnce(i, 'box'));

    // ---- a hold from the call page: the sealed copy is kept centrally ----
    progress('listen: a hold from the call page, then the same listens from the central copy');
    const callPage = await client.get(callPath);
    const until30 = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const hold = await client.postForm(`${callPath}/holds`, { reason: 'complaint', caseRef: 'VN/BENCH/HOLD', until: until30, _csrf: csrfOf(callPage.body.toString()) });
    if (hold.status !== 200) throw new Error(`listen bench: the hold answered ${hold.status}: ${hold.body.toString().slice(0, 300)}`);
    await until(() => indexer.copies.infoOf(rec.id), 30_000, 'the central copy');
    await listenOnce(0, 'central-copy');
    const fromCopy: ListenTimes[] = [];
    for (let i = 1; i <= reps; i++) fromCopy.push(await listenOnce(i, 'central-copy'));
    client.close();

    const box1 = summarise(fromBox);
    return {
      totalMedianMs: box1.total.median,
      totalP90Ms: box1.total.p90,
      pass: box1.total.p90 <= TARGET_MS,
      fromBox: box1,
      fromCentralCopy: summarise(fromCopy),
      reference: { boxExport: mpm(boxExport), bareFetch: mpm(bareFetch), fetchAndUnseal: mpm(fetchUnseal) },
      recording: { seconds: rec.durationMs / 1000, chunks: fetchedChunks, oggBytes: boxOgg.length, oggSha256: sha(boxOgg).slice(0, 16) },
      reps,
      keepAliveReused: client.reusedRequests,
      target: `time to first audio ≤ ${TARGET_MS / 1000} s for a ${minutes}-minute recording on loopback (judged on the p90)`,
      basis:
        'real mosquitto (production limits), Box with an idle capture device and its sync link, Indexer with its console, all on 127.0.0.1 in this process; a supervisor logged in over HTTP; ' +
        'total = POST /console/calls/:id/listen (purpose, case ref, CSRF; audit, fetch over MQTT, unseal, grant) + GET of the 303\'s page + GET of its <audio src> with Range: bytes=0- to the first body byte; ' +
        'the call page is loaded before each listen, untimed; one warm-up listen each; audio checked byte for byte against the box\'s own export; ' +
        'reference: exportOgg over the box\'s store (boxExport), Indexer.commands.fetch alone (bareFetch) and with exportOgg (fetchAndUnseal); fromCentralCopy after a hold placed from the call page',
    };
  } finally {
    for (const stop of stops) await stop().catch((err: unknown) => progress(`listen: stopping: ${(err as Error).message}`));
    await broker.stop();
  }
}
