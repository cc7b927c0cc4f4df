// The indexer's key ring after a rotation: a wrapped key opens with the key its key id names,
// current or previous; an unknown key id is named together with the keys held; new things are
// sealed to the current key; the blind index key comes from the key chosen for it.
import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import {
  blindIndexKey,
  blindKeyFingerprint,
  keyForWrapped,
  keyIdOf,
  newContentKey,
  rawPublicKey,
  SealingKeyRing,
  unwrapContentKey,
  wrapContentKey,
  wrappedKeyId,
  type PrivateSealingKey,
  type PublicSealingKey,
} from '../../../src/core/seal/index.js';

// Raw KeyObjects: the passphrase KDF of generateControllerKeys would only slow this file down.
function controller(): { pub: PublicSealingKey; priv: PrivateSealingKey } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const keyId = keyIdOf(publicKey);
  return { pub: { keyId, key: publicKey }, priv: { keyId, key: privateKey } };
}

const [a, b, c] = [controller(), controller(), controller()];
const rid = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

t.test('a wrapped key opens with the key its key id names, current or previous', async (t) => {
  const ring = new SealingKeyRing(b.priv, [a.priv]);
  t.same(ring.keyIds, [b.pub.keyId, a.pub.keyId], 'current first');
  for (const k of [a, b]) {
    const contentKey = newContentKey();
    const wrapped = wrapContentKey(contentKey, rid, k.pub);
    t.equal(wrappedKeyId(wrapped), k.pub.keyId);
    t.equal(keyForWrapped(ring, wrapped), k.priv, 'picked by key id');
    t.same(unwrapContentKey(wrapped, rid, ring), contentKey);
  }
  t.equal(ring.forKeyId(a.pub.keyId), a.priv);
});

t.test('a key id the ring does not hold is named, with the ones it does', async (t) => {
  const ring = new SealingKeyRing(b.priv, [a.priv]);
  const wrapped = wrapContentKey(newContentKey(), rid, c.pub);
  const expected = { code: 'TAL_SEAL_WRONG_KEY', message: new RegExp(`wrapped to controller key ${c.pub.keyId}, which is not among the keys held \\(current ${b.pub.keyId}; previous ${a.pub.keyId}\\).*keys\\.previous`) };
  t.throws(() => unwrapContentKey(wrapped, rid, ring), expected);
  t.throws(() => keyForWrapped(ring, wrapped), expected);
  t.throws(() => new SealingKeyRing(b.priv).forKeyId(a.pub.keyId), { code: 'TAL_SEAL_WRONG_KEY', message: /current [0-9a-f]{16}; no previous keys/ });
  // A lone key still says what it always said.
  t.throws(() => unwrapContentKey(wrapped, rid, b.priv), { code: 'TAL_SEAL_WRONG_KEY', message: /wrapped to controller key .*but the private key given is/ });
  t.equal(keyForWrapped(b.priv, wrapped), b.priv, 'a lone key is handed on as it is');
  t.throws(() => keyForWrapped(ring, Buffer.alloc(0)), { code: 'TAL_SEAL_FORMAT' });
});

t.test('new things are sealed to the current key', async (t) => {
  const ring = new SealingKeyRing(b.priv, [a.priv]);
  const to = ring.sealTo();
  t.equal(to.keyId, b.pub.keyId);
  t.same(rawPublicKey(to.key), rawPublicKey(b.pub.key));
});

t.test('the blind index key comes from the key chosen for it, the current one by default', async (t) => {
  t.same(new SealingKeyRing(b.priv, [a.priv]).blindIndexKey(), blindIndexKey(b.priv));
  const kept = new SealingKeyRing(b.priv, [a.priv], { blindIndexFrom: a.pub.keyId });
  t.equal(kept.blindIndexFrom, a.pub.keyId);
  t.same(kept.blindIndexKey(), blindIndexKey(a.priv), 'a rotation keeps the old blind index key');
  t.same(kept.blindIndexKey(), new SealingKeyRing(a.priv).blindIndexKey(), 'the very key the index had before');
  t.throws(() => new SealingKeyRing(b.priv, [], { blindIndexFrom: a.pub.keyId }), { code: 'TAL_KEY_INVALID', message: new RegExp(`${a.pub.keyId}, which is not among the keys held`) });
});

t.test('a key given twice is refused', async (t) => {
  t.throws(() => new SealingKeyRing(a.priv, [a.priv]), { code: 'TAL_KEY_INVALID', message: new RegExp(`${a.pub.keyId} is given twice`) });
  t.throws(() => new SealingKeyRing(b.priv, [a.priv, a.priv]), { code: 'TAL_KEY_INVALID' });
});

t.test('SealingKeyRing.of: a lone key becomes a ring of one, a ring stays itself', async (t) => {
  const one = SealingKeyRing.of(a.priv);
  t.equal(one.current, a.priv);
  t.same(one.previous, []);
  t.equal(one.blindIndexFrom, a.pub.keyId);
  const ring = new SealingKeyRing(b.priv, [a.priv]);
  t.equal(SealingKeyRing.of(ring), ring);
});

t.test('the blind key fingerprint: stable, per key, and not the key', async (t) => {
  const k = blindIndexKey(a.priv);
  const f = blindKeyFingerprint(k);
  t.match(f, /^[0-9a-f]{32}$/);
  t.equal(blindKeyFingerprint(Buffer.from(k)), f);
  t.not(blindKeyFingerprint(blindIndexKey(b.priv)), f);
  t.notOk(k.toString('hex').includes(f) || f.includes(k.toString('hex').slice(0, 16)), 'no part of the key shows');
});
