// A sweep killed with SIGKILL at random moments, 20 rounds: the store opens every time, the
// next pass finishes what was cut off (no orphan chunk, no half-shredded record), and the
// audit chain verifies.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingStore } from '../../src/box/store/recording-store.js';
import type { RecordingRecord } from '../../src/box/store/recording-record.js';
import { mulberry32 } from '../../src/core/dsp/generate.js';
import { generateControllerKeys } from '../../src/core/seal/index.js';
import { cli, spawnCli, type BoxFixture } from '../helpers/box-fixture.js';
import { collect } from '../helpers/log.js';

// real time or many simulated months: longer than tap's default 30 s per file
t.setTimeout(300_000);

const DAY = 86_400_000;

async function addExpired(storePath: string, round: number, n: number): Promise<void> {
  const store = await RecordingStore.open(storePath, { sync: false });
  const start = Date.now() - 400 * DAY;
  for (let i = 0; i < n; i++) {
    const id = `r${String(round).padStart(2, '0')}-${String(i).padStart(4, '0')}`;
    const rec: RecordingRecord = {
      v: 1, id, line: 'line-1', start, end: start + 60_000, durationMs: 60_000, state: 'closed', chunks: 6,
      audio: { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 12000, packetsPerChunk: 48 },
      keyId: '0011223344556677', wrappedKey: Buffer.alloc(101, 7).toString('base64'), gapMs: 0,
      direction: 'incoming', signalling: 'vox', clip: 'none', retentionMonths: 2, expiresAt: start + 61 * DAY,
    };
    await store.putRecording(rec);
    for (let c = 0; c < 6; c++) await store.putChunk(id, c, Buffer.alloc(1200, c));
  }
  await store.close();
}

t.test('SIGKILL during sweeping, 20 rounds', { timeout: 240_000 }, async (t) => {
  const dir = t.testdir({});
  writeFileSync(join(dir, 'controller.pub'), generateControllerKeys('a passphrase long enough').publicPem);
  const config = join(dir, 'box.yaml');
  writeFileSync(config, 'box: { id: t-1, site: s }\ncapture: { device: "x", rate: 8000, channels: 1 }\nlines:\n  - { id: line-1, channel: 0 }\nstorage: { path: ./store }\nseal: { publicKey: ./controller.pub }\n');
  const box = { dir, config, env: process.env } as unknown as BoxFixture;
  const storePath = join(dir, 'store');
  const rnd = mulberry32(20261128);
  let killedMidway = 0;
  for (let round = 0; round < 20; round++) {
    await addExpired(storePath, round, 60);
    const child = spawnCli(box, ['sweep', '--config', config]);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // node takes ~0.4 s to start; the sweep itself some hundreds of ms more
    const delay = 300 + Math.floor(rnd() * 900);
    const timer = setTimeout(() => child.kill('SIGKILL'), delay);
    const code = await exited;
    clearTimeout(timer);
    if (code === null && !out.includes('sweep:')) killedMidway++;
  }
  t.ok(killedMidway >= 5, `${killedMidway} of 20 sweeps were killed before they finished`);

  // the next pass finishes everything
  const last = cli(box, ['sweep', '--config', config]);
  t.equal(last.status, 0, last.stderr);
  const store = await RecordingStore.open(storePath);
  const records = await collect(store.listRecordings());
  t.same(records.map((r) => `${r.id}:${r.state}`), [], 'no record left, none half-shredded');
  const chunkKeys = await collect(store.raw.chunks.keys());
  t.equal(chunkKeys.length, 0, 'no orphan chunk');
  const expiryKeys = await collect(store.raw.expiry.keys());
  t.equal(expiryKeys.length, 0, 'no stale expiry index entry');
  t.equal((await collect(store.listTombstones())).length, 20 * 60, 'a tombstone for each of the 1,200');
  await store.close();
  const verify = cli(box, ['audit', 'verify', '--config', config]);
  t.equal(verify.status, 0, verify.stderr);
  t.match(verify.stdout, /audit chain verifies: \d+ entries/);
});
