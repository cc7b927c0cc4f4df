// R3/R8: an export proves every chunk. Altered, removed, swapped or cut-off chunks and a wrong
// key are each refused with a message that says which, and leave no output file.
import t from 'tap';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingStore } from '../../src/box/store/recording-store.js';
import { chunkKey } from '../../src/box/store/keys.js';
import { generateControllerKeys } from '../../src/core/seal/index.js';
import { cli, listRecordings, PASSPHRASE, recordedBox, type BoxFixture } from '../helpers/box-fixture.js';

const dir = t.testdir({});
const { box } = await recordedBox(dir, 6000);
const [rec] = listRecordings(box);

/** A copy of the box whose store the tamper function changes, then an export from it. */
async function exportAfter(name: string, tamper: (store: RecordingStore, id: string) => Promise<void>, key = box.keyFile) {
  const copy: BoxFixture = { ...box, store: join(dir, `store-${name}`), config: join(dir, `box-${name}.yaml`) };
  cpSync(box.store, copy.store, { recursive: true });
  writeFileSync(copy.config, `box: { id: test-1, site: testsite }\ncapture: { device: "trunk", rate: 8000, channels: 1 }\nlines:\n  - { id: line-1, channel: 0 }\nstorage: { path: ./store-${name} }\nseal: { publicKey: ./keys/controller.pub }\n`);
  const store = await RecordingStore.open(copy.store);
  await tamper(store, rec!.id);
  await store.close();
  const out = join(dir, `${name}.opus`);
  const r = cli(copy, ['export', '--config', copy.config, '--key', key, '--id', rec!.id, '--out', out]);
  return { ...r, out };
}

const chunks = (store: RecordingStore) => store.raw.chunks;

t.test('the untouched recording exports', async (t) => {
  t.ok(rec && rec.durationMs > 5000, 'a call of several seconds was recorded');
  const r = await exportAfter('untouched', async () => {});
  t.equal(r.status, 0, r.stderr);
  t.ok(existsSync(r.out));
});

const cases: { name: string; tamper: (s: RecordingStore, id: string) => Promise<void>; code: string; says: RegExp }[] = [
  {
    name: 'a flipped byte',
    tamper: async (s, id) => {
      const k = chunkKey(id, 2);
      const b = Buffer.from((await chunks(s).get(k))!);
      b[20] ^= 0x01;
      await chunks(s).put(k, b);
    },
    code: 'TAL_EXPORT_CHUNK_ALTERED',
    says: /chunk 2 fails authentication: its bytes were altered/,
  },
  {
    name: 'a removed chunk',
    tamper: async (s, id) => chunks(s).del(chunkKey(id, 3)),
    code: 'TAL_EXPORT_CHUNK_MISSING',
    says: /chunk 3 is missing/,
  },
  {
    name: 'two swapped chunks',
    tamper: async (s, id) => {
      const a = (await chunks(s).get(chunkKey(id, 1)))!;
      const b = (await chunks(s).get(chunkKey(id, 2)))!;
      await chunks(s).put(chunkKey(id, 1), b);
      await chunks(s).put(chunkKey(id, 2), a);
    },
    code: 'TAL_EXPORT_CHUNK_REORDERED',
    says: /position 1 is chunk 2/,
  },
  {
    name: 'a missing final chunk',
    tamper: async (s, id) => {
      const r = (await s.getRecording(id))!;
      await chunks(s).del(chunkKey(id, r.chunks - 1));
    },
    code: 'TAL_EXPORT_FINAL_MISSING',
    says: /final chunk .* is missing/,
  },
  {
    name: 'a missing final chunk, with the chunk count lowered to hide it',
    tamper: async (s, id) => {
      const r = (await s.getRecording(id))!;
      await chunks(s).del(chunkKey(id, r.chunks - 1));
      await s.putRecording({ ...r, chunks: r.chunks - 1 });
    },
    code: 'TAL_EXPORT_FINAL_MISSING',
    says: /should be the final chunk but is not/,
  },
  {
    name: 'a chunk copied over another',
    tamper: async (s, id) => {
      const other = (await chunks(s).get(chunkKey(id, 0)))!;
      await chunks(s).put(chunkKey(id, 4), other);
    },
    code: 'TAL_EXPORT_CHUNK_REORDERED',
    says: /position 4 is chunk 0/,
  },
];

for (const c of cases) {
  t.test(`${c.name} is refused, named, and leaves no file`, async (t) => {
    const r = await exportAfter(c.name.replace(/\W+/g, '-'), c.tamper);
    t.equal(r.status, 1);
    t.match(r.stderr, c.says);
    t.match(r.stderr, `[${c.code}]`);
    t.notOk(existsSync(r.out), 'no output file');
    t.notOk(existsSync(`${r.out}.partial`), 'no partial file');
  });
}

t.test('a wrong private key is refused, naming both key ids', async (t) => {
  const other = generateControllerKeys(PASSPHRASE);
  const wrongKey = join(dir, 'other.key');
  writeFileSync(wrongKey, other.privatePem);
  const r = await exportAfter('wrong-key', async () => {}, wrongKey);
  t.equal(r.status, 1);
  t.match(r.stderr, /TAL_SEAL_WRONG_KEY/);
  t.match(r.stderr, other.keyId);
  t.notOk(existsSync(r.out));
});

t.test('an unknown recording id and a missing key file are clear errors', async (t) => {
  const r1 = cli(box, ['export', '--config', box.config, '--key', box.keyFile, '--id', '01a22317-0000-7000-8000-000000000000', '--out', join(dir, 'x.opus')]);
  t.equal(r1.status, 1);
  t.match(r1.stderr, /no recording 01a22317-0000-7000-8000-000000000000 .*\[TAL_RECORDING_NOT_FOUND\]/);
  const r2 = cli(box, ['export', '--config', box.config, '--key', join(dir, 'nope.key'), '--id', rec!.id, '--out', join(dir, 'y.opus')]);
  t.equal(r2.status, 1);
  t.match(r2.stderr, /nope\.key.*no such file.*\[TAL_KEY_INVALID\]/i);
  const r3 = cli(box, ['export', '--config', box.config, '--id', rec!.id]);
  t.equal(r3.status, 2);
  t.match(r3.stderr, /--key is required/);
});
