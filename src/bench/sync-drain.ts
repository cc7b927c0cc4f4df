// The outbox drain: 10,000 events queued on a box while it was offline, then the link comes up
// and they flow through a real mosquitto into the real indexer, which acknowledges them; the
// figure is events per second until the outbox is empty. The reference, in the same run, is
// bare MQTT: the same number of messages of the same size, QoS 1, one publisher to one
// subscriber through the same broker.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from '../demo/free-port.js';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { RecordingStore } from '../box/store/recording-store.js';
import { Link } from '../box/sync/link.js';
import { EventPublisher } from '../box/sync/publisher.js';
import { recordingEvent } from '../box/sync/events.js';
import type { RecordingRecord } from '../box/store/recording-record.js';
import { systemClock } from '../core/clock.js';
import { keyIdOf, newContentKey, sealMetadata, wrapContentKey } from '../core/seal/index.js';
import { parseIndexerConfig } from '../central/config.js';
import { Indexer } from '../central/indexer.js';
import { progress, round } from './measure.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startBroker(dir: string): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  // The production limits (image/mosquitto/mosquitto.conf), plain on loopback.
  writeFileSync(conf, `user root\nlistener ${port} 127.0.0.1\nallow_anonymous true\nmax_inflight_messages 20\nmax_queued_messages 100000\nmax_packet_size 262144\n`);
  const proc = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (up) break;
    await sleep(25);
  }
  return { url: `mqtt://127.0.0.1:${port}`, stop: () => void proc.kill('SIGTERM') };
}

async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Bare MQTT: n QoS 1 messages of `bytes` each, publisher to subscriber, through the broker. */
async function bareMqtt(url: string, n: number, bytes: number): Promise<number> {
  const sub = await mqtt.connectAsync(url, { clientId: 'bench-sub', clean: true });
  const pub = await mqtt.connectAsync(url, { clientId: 'bench-pub', clean: true });
  let got = 0;
  sub.on('message', () => got++);
  await sub.subscribeAsync('bench/bare', { qos: 1 });
  const payload = Buffer.alloc(bytes, 0x61);
  const t0 = performance.now();
  const inflight = new Set<Promise<unknown>>();
  for (let i = 0; i < n; i++) {
    const p = pub.publishAsync('bench/bare', payload, { qos: 1 }).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= 512) await Promise.race(inflight);
  }
  await until(() => got >= n, 120_000, 'bare MQTT delivery');
  const s = (performance.now() - t0) / 1000;
  await pub.endAsync();
  await sub.endAsync();
  return n / s;
}

export async function benchSyncDrain(dir: string, events = 10_000): Promise<Record<string, number | string>> {
  mkdirSync(dir, { recursive: true });
  const broker = await startBroker(dir);
  const log = pino({ level: 'silent' });
  try {
    const { publicKey, privateKey } = generateKeyPairSync('x25519');
    const keyId = keyIdOf(publicKey);
    const sealTo = { keyId, key: publicKey };
    progress(`sync drain: queuing ${events} events in the box's outbox`);
    let store = await RecordingStore.open(join(dir, 'box'), { sync: false });
    const t0 = Date.UTC(2026, 10, 1);
    let bytes = 0;
    for (let i = 0; i < events; i++) {
      const start = t0 + i * 60_000;
      const id = `019${start.toString(16)}-${String(i).padStart(8, '0')}`.slice(0, 36);
      const ck = newContentKey();
      const rec: RecordingRecord = {
        v: 1, id, line: `line-${1 + (i % 8)}`, start, end: start + 90_000, durationMs: 90_000, state: 'closed', chunks: 94,
        audio: { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 12000, packetsPerChunk: 48 },
        keyId, wrappedKey: wrapContentKey(ck, id, sealTo).toString('base64'), gapMs: 0,
        direction: 'incoming', signalling: 'line-unit', clip: 'ok',
        sealedMeta: sealMetadata(ck, id, { calling: `040${String(1_000_000 + (i % 50_000)).slice(1)}` }).toString('base64'), metaVersion: 0,
        retentionMonths: 2, expiresAt: start + 61 * 86_400_000,
      };
      if (i === 0) bytes = JSON.stringify({ seq: 1, boot: 1, ts: start, kind: 'recording', body: recordingEvent(rec) }).length;
      await store.putRecording(rec);
    }
    await store.close();
    store = await RecordingStore.open(join(dir, 'box'));

    progress('sync drain: bare MQTT reference');
    const bare = await bareMqtt(broker.url, events, bytes);

    const config = parseIndexerConfig(
      `indexer: { id: bench }\nmqtt: { url: "${broker.url}" }\nstorage: { path: index }\nkeys: { controller: unused.key, command: unused.key }\n`,
      'bench', dir,
    );
    const indexer = await Indexer.start({ config, sealingKey: { keyId, key: privateKey }, commandKey: generateKeyPairSync('ed25519').privateKey, clock: systemClock, log, listen: false });
    await sleep(300);
    progress('sync drain: the link comes up');
    const link = new Link({ url: broker.url, site: 'bench', box: 'b-1', boot: store.outbox.boot, keepaliveS: 30, reconnectMaxS: 5, clock: systemClock, log });
    const publisher = new EventPublisher(store.outbox, link, { clock: systemClock, log });
    const began = performance.now();
    let ingestedAt = 0;
    publisher.start();
    link.start();
    await until(async () => {
      if (!ingestedAt && indexer.ingest.stats.ingested >= events) ingestedAt = performance.now();
      return (await store.outbox.backlog()) === 0;
    }, 300_000, 'the outbox to drain');
    const drainS = (performance.now() - began) / 1000;
    const ingestS = ((ingestedAt || performance.now()) - began) / 1000;
    const result = {
      events,
      eventBytes: bytes,
      drainPerS: round(events / drainS, 0),
      ingestPerS: round(events / ingestS, 0),
      bareMqttPerS: round(bare, 0),
      drainOverBare: round(events / drainS / bare, 3),
      duplicates: indexer.ingest.stats.duplicates,
      target: '≥ 2,000 events/s',
      basis: 'wall time from the link coming up until the outbox is empty (every event published, ingested with fsync, acknowledged, deleted)',
    };
    publisher.stop();
    await link.stop();
    await store.close();
    await indexer.stop();
    return result;
  } finally {
    broker.stop();
  }
}
