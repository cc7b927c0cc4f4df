import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { isTalError } from '../../../src/core/errors.js';
import { keyIdOf, type PrivateSealingKey, type PublicSealingKey } from '../../../src/core/seal/keys.js';
import { unwrapContentKey, wrapContentKey, WRAPPED_KEY_BYTES } from '../../../src/core/seal/envelope.js';
import { newContentKey } from '../../../src/core/seal/chunk.js';

// Raw KeyObjects instead of generateControllerKeys: the passphrase KDF would only slow this file down.
function controller(): { pub: PublicSealingKey; priv: PrivateSealingKey } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const keyId = keyIdOf(publicKey);
  return { pub: { keyId, key: publicKey }, priv: { keyId, key: privateKey } };
}

const ours = controller();
const theirs = controller();
const recordingId = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isTalError(err) ? err.code : `not a TalError: ${String(err)}`;
  }
  return undefined;
}

t.test('round trip', async (t) => {
  const contentKey = newContentKey();
  const wrapped = wrapContentKey(contentKey, recordingId, ours.pub);
  t.equal(wrapped.length, WRAPPED_KEY_BYTES);
  t.equal(wrapped.length, 101);
  t.equal(wrapped[0], 0x01);
  t.equal(wrapped.subarray(1, 9).toString('hex'), ours.pub.keyId);
  t.same(unwrapContentKey(wrapped, recordingId, ours.priv), contentKey);
});

t.test('every wrap is fresh: new ephemeral key and nonce', async (t) => {
  const contentKey = newContentKey();
  const a = wrapContentKey(contentKey, recordingId, ours.pub);
  const b = wrapContentKey(contentKey, recordingId, ours.pub);
  t.notSame(a.subarray(9, 41), b.subarray(9, 41), 'ephemeral public keys differ');
  t.notSame(a.subarray(41, 53), b.subarray(41, 53), 'nonces differ');
  t.notSame(a.subarray(53), b.subarray(53));
});

t.test('the wrong private key is refused, naming both key ids', async (t) => {
  const wrapped = wrapContentKey(newContentKey(), recordingId, ours.pub);
  t.throws(() => unwrapContentKey(wrapped, recordingId, theirs.priv), {
    code: 'TAL_SEAL_WRONG_KEY',
    message: new RegExp(`${ours.pub.keyId}.*${theirs.priv.keyId}`),
  });
});

t.test('a key id relabelled to match the wrong private key still fails authentication', async (t) => {
  const wrapped = wrapContentKey(newContentKey(), recordingId, ours.pub);
  Buffer.from(theirs.priv.keyId, 'hex').copy(wrapped, 1);
  t.throws(() => unwrapContentKey(wrapped, recordingId, theirs.priv), { code: 'TAL_SEAL_WRONG_KEY', message: /failed authentication/ });
  t.throws(() => unwrapContentKey(wrapped, recordingId, ours.priv), { code: 'TAL_SEAL_WRONG_KEY', message: /wrapped to controller key/ });
});

t.test('a wrapped key moved to another recording does not unwrap', async (t) => {
  const wrapped = wrapContentKey(newContentKey(), recordingId, ours.pub);
  t.throws(() => unwrapContentKey(wrapped, '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c', ours.priv), {
    code: 'TAL_SEAL_WRONG_KEY',
    message: /another recording/,
  });
});

t.test('every single-bit flip of a wrapped key is refused', async (t) => {
  const wrapped = wrapContentKey(newContentKey(), recordingId, ours.pub);
  const seen = new Map<string | undefined, number>();
  for (let bit = 0; bit < wrapped.length * 8; bit++) {
    const bad = Buffer.from(wrapped);
    bad[bit >> 3]! ^= 1 << (bit & 7);
    const c = code(() => unwrapContentKey(bad, recordingId, ours.priv));
    seen.set(c, (seen.get(c) ?? 0) + 1);
  }
  t.same([...seen.keys()].sort(), ['TAL_SEAL_FORMAT', 'TAL_SEAL_WRONG_KEY']);
  t.equal(seen.get('TAL_SEAL_FORMAT'), 8, 'only the version byte flips read as an unknown format');
});

t.test('format errors: unknown version, wrong length, empty', async (t) => {
  const wrapped = wrapContentKey(newContentKey(), recordingId, ours.pub);
  const v2 = Buffer.from(wrapped);
  v2[0] = 0x02;
  t.throws(() => unwrapContentKey(v2, recordingId, ours.priv), { code: 'TAL_SEAL_FORMAT', message: /version 2/ });
  t.throws(() => unwrapContentKey(wrapped.subarray(0, 100), recordingId, ours.priv), { code: 'TAL_SEAL_FORMAT', message: /101 bytes, this one is 100/ });
  t.throws(() => unwrapContentKey(Buffer.concat([wrapped, Buffer.from([0])]), recordingId, ours.priv), { code: 'TAL_SEAL_FORMAT' });
  t.throws(() => unwrapContentKey(Buffer.alloc(0), recordingId, ours.priv), { code: 'TAL_SEAL_FORMAT', message: /empty/ });
});

t.test('a low-order ephemeral key (only possible by tampering) is refused', async (t) => {
  const wrapped = wrapContentKey(newContentKey(), recordingId, ours.pub);
  Buffer.alloc(32).copy(wrapped, 9); // u = 0: X25519 gives the all-zero secret
  t.throws(() => unwrapContentKey(wrapped, recordingId, ours.priv), { code: 'TAL_SEAL_WRONG_KEY', message: /invalid ephemeral key/ });
});

t.test('programming errors are TypeErrors', async (t) => {
  t.throws(() => wrapContentKey(Buffer.alloc(16), recordingId, ours.pub), TypeError);
  t.throws(() => wrapContentKey(newContentKey(), '', ours.pub), TypeError);
  t.throws(() => wrapContentKey(newContentKey(), recordingId, { keyId: theirs.pub.keyId, key: ours.pub.key }), TypeError);
  t.throws(() => wrapContentKey(newContentKey(), recordingId, ours.pub, { nonce: Buffer.alloc(16) }), TypeError);
});
