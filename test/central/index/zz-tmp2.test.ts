// Issue 5's first promise: 1,000 call events reach the index exactly once while a real mosquitto
// is SIGKILLed and restarted 10 times and the indexer (the real CLI) is restarted 3 times, once
// by SIGKILL. The index ends with exactly the 1,000 calls the box made; the box's outbox is empty.
import t from 'tap';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingStore } from '../../../src/box/store/recording-store.js';
import { Link } from '../../../src/box/sync/link.js';
import { EventPublisher } from '../../../src/box/sync/publisher.js';
import { systemClock } from '../../../src/core/clock.js';
import { blindIndexKey } from '../../../src/core/seal/index.js';
import { CallIndex } from '../../../src/central/index/call-index.js';
import { openCallNumbers } from '../../../src/central/numbers.js';
import { CLI, PASSPHRASE } from '../../helpers/box-fixture.js';
import { centralKeys, indexerConfig, sealedRecord } from '../../helpers/central.js';
import { memoryLog } from '../../helpers/log.js';
import { startMosquitto } from '../../helpers/mosquitto.js';

t.setTimeout(300_000);

const N = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

t.test('1,000 events through 10 broker kills and 3 indexer restarts: exactly 1,000 calls indexed, outbox empty', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-outage-'));
  const keys = centralKeys(join(dir, 'keys'));
  const broker = await startMosquitto();
  t.teardown(() => broker.stop());
  const config = indexerConfig(dir, keys, { url: broker.url });

  let indexer: ChildProcess | undefined;
  let indexerLog = '';
  const startIndexer = () => {
    indexer = spawn(process.execPath, [CLI, 'indexer', '--config', config], { cwd: dir, env: { ...process.env, TALLENNIN_KEY_PASSPHRASE: PASSPHRASE }, stdio: ['ignore', 'pipe', 'pipe'] });
    indexer.stdout!.on('data', (d: Buffer) => (indexerLog += d.toString()));
    indexer.stderr!.on('data', (d: Buffer) => (indexerLog += d.toString()));
  };
  const stopIndexer = async (signal: NodeJS.Signals) => {
    const p = indexer!;
    if (p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(signal);
    });
  };
  startIndexer();
  t.teardown(() => stopIndexer('SIGKILL'));

  const store = await RecordingStore.open(join(dir, 'box'));
  const { log } = memoryLog();
  const link = new Link({ url: broker.url, site: 's1', box: 'b-1', boot: store.outbox.boot, keepaliveS: 5, reconnectMaxS: 1, clock: systemClock, log });
  const publisher = new EventPublisher(store.outbox, link, { clock: systemClock, log, retryMs: 3000 });
  publisher.start();
  link.start();

  // The box makes its calls at a steady pace while the chaos runs.
  const t0 = Date.UTC(2026, 10, 2, 8);
  const ids: string[] = [];
  const making = (async () => {
    for (let i = 0; i < N; i++) {
      const rec = sealedRecord(keys.sealTo, { start: t0 + i * 60_000, calling: `040${String(1000000 + (i % 97)).slice(1)}` });
      ids.push(rec.id);
      await store.putRecording(rec);
      await sleep(20);
    }
  })();

  let brokerKills = 0;
  let indexerRestarts = 0;
  const chaos = (async () => {
    for (let k = 0; k < 10; k++) {
      await sleep(1800);
      await broker.kill();
      brokerKills++;
      await sleep(150 + 100 * (k % 3));
      await broker.restart();
      if (k === 2 || k === 5 || k === 8) {
        // SIGKILL once: the indexer dies between receiving events and acking them.
        await stopIndexer(k === 5 ? 'SIGKILL' : 'SIGTERM');
        indexerRestarts++;
        await sleep(400);
        startIndexer();
      }
    }
  })();
  await Promise.all([making, chaos]);
  setTimeout(() => { require('node:fs').writeFileSync('/tmp/indexerlog.txt', indexerLog); }, 60_000).unref?.();
  t.equal(brokerKills, 10);
  t.equal(indexerRestarts, 3);

  await until(async () => (await store.outbox.backlog()) === 0, 120_000, `the outbox to empty (backlog ${await store.outbox.backlog()})`);
  t.equal(await store.outbox.backlog(), 0, 'every event acknowledged: the outbox is empty');
  t.equal(store.outbox.lastAcked, N, 'acknowledged up to the last seq');

  await publisher.stop();
  await link.stop();
  await store.close();
  await stopIndexer('SIGTERM');
  const index = await CallIndex.open(join(dir, 'index'), { blindKey: blindIndexKey(keys.sealing), openMeta: (c) => openCallNumbers(c, keys.sealing), clock: systemClock });
  t.teardown(() => index.close());
  t.equal(await index.count(), N, 'exactly 1,000 calls in the index');
  const found = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await index.search({ limit: 500, ...(cursor ? { cursor } : {}) });
    for (const c of page.calls) {
      t.notOk(found.has(c.id), `${c.id} listed once`);
      found.add(c.id);
    }
    cursor = page.next;
  } while (cursor);
  t.same([...found].sort(), [...ids].sort(), 'the very calls the box made, none duplicated, none lost');
  t.equal(await index.watermark('s1', 'b-1'), N);
  const byNumber = await index.search({ number: '040 000 005', limit: 500 });
  t.equal(byNumber.calls.length, ids.filter((_, i) => i % 97 === 5).length, 'the blind number index finds the calls of one number');
  t.notOk(/040000005|35840000005/.test(indexerLog), 'no number in the indexer\'s log');
});
