// R3, R8: nothing the box stores or reads — its storage folder, its config, its public key —
// can unseal a recording. Only the controller's private key can.
import t from 'tap';
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingStore } from '../../src/box/store/recording-store.js';
import { unsealRecording } from '../../src/core/recording/unseal.js';
import { openChunk, parsePrivateKey, unwrapContentKey, type PrivateSealingKey } from '../../src/core/seal/index.js';
import { isTalError } from '../../src/core/errors.js';
import { PASSPHRASE, recordedBox } from '../helpers/box-fixture.js';
import { collect } from '../helpers/log.js';

const dir = t.testdir({});
const { box } = await recordedBox(dir, 5000);

function filesUnder(path: string): string[] {
  return statSync(path).isDirectory() ? readdirSync(path).flatMap((f) => filesUnder(join(path, f))) : [path];
}
const boxFiles = [...filesUnder(box.store), box.config, box.pubFile];
const boxBytes = boxFiles.map((f) => ({ f, b: readFileSync(f) }));

const store = await RecordingStore.open(box.store);
const [rec] = await collect(store.listRecordings());
const sealedChunks = await collect(store.readChunks(rec!.id));
await store.close();
const wrapped = Buffer.from(rec!.wrappedKey, 'base64');
const key = parsePrivateKey(readFileSync(box.keyFile, 'utf8'), PASSPHRASE, box.keyFile);
const packets = await collect(unsealRecording({ ...rec!, wrappedKey: wrapped }, sealedChunks, key));

t.test('the controller private key does unseal it (the test below is not vacuous)', async (t) => {
  t.ok(packets.length > 200, `${packets.length} packets unsealed`);
});

t.test('no 32-byte run of any box file opens a chunk as a content key', async (t) => {
  const chunk0 = sealedChunks[0]!.sealed;
  let tried = 0;
  for (const { f, b } of boxBytes) {
    for (let i = 0; i + 32 <= b.length; i++) {
      tried++;
      if (openChunk(b.subarray(i, i + 32), rec!.id, 0, false, chunk0) !== undefined) t.fail(`${f} at ${i} holds the content key`);
    }
  }
  t.ok(tried > 1000, `${tried} candidate keys from ${boxFiles.length} files tried, none opened chunk 0`);
});

t.test('no 32-byte run of any box file unwraps the content key as a private key', async (t) => {
  // PKCS#8 wrapping of a raw X25519 private key (RFC 8410)
  const pkcs8Prefix = Buffer.from('302e020100300506032b656e04220420', 'hex');
  let tried = 0;
  let unwrapped = 0;
  for (const { b } of boxBytes) {
    for (let i = 0; i + 32 <= b.length; i++) {
      const candidate: PrivateSealingKey = {
        // claim the right key id, so that unwrapping really tries the key
        keyId: key.keyId,
        key: createPrivateKey({ key: Buffer.concat([pkcs8Prefix, b.subarray(i, i + 32)]), format: 'der', type: 'pkcs8' }),
      };
      tried++;
      try {
        unwrapContentKey(wrapped, rec!.id, candidate);
        unwrapped++;
      } catch (err) {
        if (!isTalError(err, 'TAL_SEAL_WRONG_KEY')) throw err;
      }
    }
  }
  t.equal(unwrapped, 0, `none of ${tried} candidate private keys from the box's files unwrapped the content key`);
  t.ok(tried > 1000);
});

t.test('no Opus packet of the call is stored in plaintext on the box', async (t) => {
  const long = packets.filter((p) => p.length >= 16);
  t.ok(long.length > 100);
  const found = long.filter((p) => boxBytes.some(({ b }) => b.includes(p)));
  t.equal(found.length, 0, 'every packet exists only sealed');
});

t.test('the public key cannot stand in for the private key', async (t) => {
  t.throws(() => parsePrivateKey(readFileSync(box.pubFile, 'utf8'), PASSPHRASE, box.pubFile), { code: 'TAL_KEY_INVALID' });
});
