import t from 'tap';
import { createDecipheriv } from 'node:crypto';
import {
  chunkAad,
  DOMAIN_AUDIO,
  DOMAIN_METADATA,
  metadataAad,
  newContentKey,
  nonceFor,
  openChunk,
  openMetadata,
  sealChunk,
  sealMetadata,
} from '../../../src/core/seal/chunk.js';

const key = newContentKey();
const rec = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const other = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
const audio = Buffer.from('one second of opus packets, more or less');

t.test('round trip, including an empty chunk', async (t) => {
  const sealed = sealChunk(key, rec, 7, false, audio);
  t.equal(sealed.length, 1 + audio.length + 16);
  t.equal(sealed[0], 0x01);
  t.same(openChunk(key, rec, 7, false, sealed), audio);
  t.same(openChunk(key, rec, 0, true, sealChunk(key, rec, 0, true, Buffer.alloc(0))), Buffer.alloc(0));
  t.same(openChunk(key, rec, Number.MAX_SAFE_INTEGER, true, sealChunk(key, rec, Number.MAX_SAFE_INTEGER, true, audio)), audio);
});

t.test('a chunk opens only at its own index, final flag, recording and key', async (t) => {
  const sealed = sealChunk(key, rec, 3, false, audio);
  t.equal(openChunk(key, rec, 4, false, sealed), undefined, 'other index');
  t.equal(openChunk(key, rec, 2, false, sealed), undefined, 'other index');
  t.equal(openChunk(key, rec, 3, true, sealed), undefined, 'final flag flipped');
  t.equal(openChunk(key, rec, 3, true, sealChunk(key, rec, 3, true, audio)) !== undefined, true);
  t.equal(openChunk(key, rec, 3, false, sealChunk(key, rec, 3, true, audio)), undefined, 'a final chunk passed off as non-final');
  t.equal(openChunk(key, other, 3, false, sealed), undefined, 'other recording');
  t.equal(openChunk(newContentKey(), rec, 3, false, sealed), undefined, 'other content key');
});

t.test('every single-bit flip of a sealed chunk is refused', async (t) => {
  const sealed = sealChunk(key, rec, 1, false, audio);
  let formatErrors = 0;
  let opened = 0;
  for (let bit = 0; bit < sealed.length * 8; bit++) {
    const bad = Buffer.from(sealed);
    bad[bit >> 3]! ^= 1 << (bit & 7);
    try {
      if (openChunk(key, rec, 1, false, bad) !== undefined) opened++;
    } catch (err) {
      t.match(err, { code: 'TAL_SEAL_FORMAT' });
      formatErrors++;
    }
  }
  t.equal(opened, 0, 'no flipped chunk opens');
  t.equal(formatErrors, 8, 'the version byte flips are format errors, the rest fail authentication');
});

t.test('format errors and bad indexes', async (t) => {
  t.throws(() => openChunk(key, rec, 0, false, Buffer.alloc(16, 1)), { code: 'TAL_SEAL_FORMAT', message: /at least 17 bytes/ });
  const v2 = sealChunk(key, rec, 0, false, audio);
  v2[0] = 2;
  t.throws(() => openChunk(key, rec, 0, false, v2), { code: 'TAL_SEAL_FORMAT', message: /version 2/ });
  for (const bad of [-1, 1.5, Number.NaN, Infinity, 2 ** 53]) {
    t.throws(() => sealChunk(key, rec, bad, false, audio), TypeError, `index ${bad}`);
    t.throws(() => openChunk(key, rec, bad, false, v2), TypeError, `index ${bad}`);
  }
  t.throws(() => sealChunk(Buffer.alloc(31), rec, 0, false, audio), TypeError);
  t.throws(() => sealChunk(key, '', 0, false, audio), TypeError);
  t.throws(() => sealChunk(key, 'x'.repeat(65536), 0, false, audio), TypeError);
});

t.test('nonce construction: uint32 domain ‖ uint64 counter, never repeating', async (t) => {
  t.equal(nonceFor(DOMAIN_AUDIO, 0).toString('hex'), '000000010000000000000000');
  t.equal(nonceFor(DOMAIN_AUDIO, 258).toString('hex'), '000000010000000000000102');
  t.equal(nonceFor(DOMAIN_METADATA, 0).toString('hex'), '000000020000000000000000');
  t.equal(nonceFor(DOMAIN_AUDIO, Number.MAX_SAFE_INTEGER).toString('hex'), '00000001001fffffffffffff');
  t.equal(nonceFor(DOMAIN_AUDIO, 2 ** 32).toString('hex'), '000000010000000100000000', 'large counters never reach the domain bytes');

  const seen = new Set<string>();
  const counters = [...Array.from({ length: 5000 }, (_, i) => i), 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 48, Number.MAX_SAFE_INTEGER];
  for (const domain of [DOMAIN_AUDIO, DOMAIN_METADATA]) {
    for (const c of counters) seen.add(nonceFor(domain, c).toString('hex'));
  }
  t.equal(seen.size, 2 * counters.length, 'every (domain, counter) gives its own nonce');
});

t.test('sealChunk and sealMetadata really use that nonce and AAD', async (t) => {
  // Open with a bare AES-GCM decipher built from the documented construction, not via openChunk.
  const bare = (nonce: Buffer, aad: Buffer, sealed: Buffer): Buffer => {
    const d = createDecipheriv('aes-256-gcm', key, nonce);
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(-16));
    return Buffer.concat([d.update(sealed.subarray(1, -16)), d.final()]);
  };
  const sealed = sealChunk(key, rec, 41, true, audio);
  const aad = Buffer.concat([
    Buffer.from('tallennin/v1/chunk'),
    Buffer.from([0x00, 0x24]), // 36 bytes of recording id
    Buffer.from(rec),
    Buffer.from('0000000000000029', 'hex'),
    Buffer.from([0x01]),
  ]);
  t.same(chunkAad(rec, 41, true), aad);
  t.same(bare(nonceFor(DOMAIN_AUDIO, 41), aad, sealed), audio);

  const meta = sealMetadata(key, rec, { from: '0401234567' }, 3);
  t.same(metadataAad(rec), Buffer.concat([Buffer.from('tallennin/v1/meta'), Buffer.from(rec)]));
  t.same(JSON.parse(bare(nonceFor(DOMAIN_METADATA, 3), metadataAad(rec), meta).toString()), { from: '0401234567' });
});

t.test('metadata: round trip, versions, refusal', async (t) => {
  const value = { direction: 'in', from: '0401234567', to: null, lines: [1, 2] };
  const v0 = sealMetadata(key, rec, value);
  t.same(openMetadata(key, rec, v0), value);
  const v1 = sealMetadata(key, rec, { ...value, from: '0407654321' }, 1);
  t.same(openMetadata(key, rec, v1, 1), { ...value, from: '0407654321' });
  t.throws(() => openMetadata(key, rec, v1), { code: 'TAL_SEAL_AUTH_FAILED', message: /version 0/ }, 'opened at the wrong version');
  t.throws(() => openMetadata(key, other, v0), { code: 'TAL_SEAL_AUTH_FAILED' }, 'other recording');
  t.throws(() => openMetadata(newContentKey(), rec, v0), { code: 'TAL_SEAL_AUTH_FAILED' }, 'other key');
  const altered = Buffer.from(v0);
  altered[5]! ^= 0x20;
  t.throws(() => openMetadata(key, rec, altered), { code: 'TAL_SEAL_AUTH_FAILED' }, 'altered');
  const v9 = Buffer.from(v0);
  v9[0] = 9;
  t.throws(() => openMetadata(key, rec, v9), { code: 'TAL_SEAL_FORMAT' });
  t.throws(() => openMetadata(key, rec, Buffer.alloc(3)), { code: 'TAL_SEAL_FORMAT' });
  t.throws(() => sealMetadata(key, rec, undefined), TypeError);
  t.throws(() => sealMetadata(key, rec, {}, -1), TypeError);
});

t.test('audio and metadata are kept apart', async (t) => {
  // Same key, same counter 0, same plaintext: different domains give different nonces and AAD.
  const json = Buffer.from(JSON.stringify({ a: 1 }));
  const chunk = sealChunk(key, rec, 0, false, json);
  t.notSame(chunk, sealMetadata(key, rec, { a: 1 }));
  t.throws(() => openMetadata(key, rec, chunk), { code: 'TAL_SEAL_AUTH_FAILED' });
  t.equal(openChunk(key, rec, 0, false, sealMetadata(key, rec, { a: 1 })), undefined);
});

t.test('content keys are 32 random bytes', async (t) => {
  const a = newContentKey();
  t.equal(a.length, 32);
  t.notSame(a, newContentKey());
});
