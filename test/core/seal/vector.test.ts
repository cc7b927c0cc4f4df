// Recomputes every value of the test vector in docs/sealing.md, so the page auditors read and the
// code that seals recordings can never disagree. Also runs the page's Python and openssl recipes
// where those tools are installed, so the instructions stay true as well.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash, createPublicKey, diffieHellman, hkdfSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyIdOf, rawPublicKey, x25519PrivateFromRaw } from '../../../src/core/seal/keys.js';
import { unwrapContentKey, wrapContentKey } from '../../../src/core/seal/envelope.js';
import { openChunk, openMetadata, sealChunk, sealMetadata } from '../../../src/core/seal/chunk.js';
import { packPackets, unpackPackets } from '../../../src/core/seal/packets.js';

const doc = readFileSync(new URL('../../../docs/sealing.md', import.meta.url), 'utf8');

function fenced(info: string): string | undefined {
  return new RegExp('^```' + info + '\\n([\\s\\S]*?)^```$', 'm').exec(doc)?.[1];
}

function keyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9-]+): (.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

const block = fenced('tallennin-test-vector');
if (block === undefined) throw new Error('docs/sealing.md has no ```tallennin-test-vector block');
const v = keyValues(block);
const hex = (k: string): Buffer => {
  const s = v.get(k);
  if (s === undefined || !/^([0-9a-f]{2})*$/.test(s)) throw new Error(`vector field ${k} is missing or not lower-case hex`);
  return Buffer.from(s, 'hex');
};
const text = (k: string): string => {
  const s = v.get(k);
  if (s === undefined) throw new Error(`vector field ${k} is missing`);
  return s;
};

const fields = [
  'controller-private', 'controller-public', 'key-id', 'ephemeral-private', 'ephemeral-public', 'content-key',
  'wrap-nonce', 'recording-id', 'shared-secret', 'hkdf-salt', 'hkdf-info', 'kek', 'wrap-aad', 'wrapped-key',
  'packet-0', 'packet-1', 'chunk-plaintext', 'chunk-index', 'chunk-final', 'chunk-nonce', 'chunk-aad', 'sealed-chunk',
  'metadata-json', 'metadata-version', 'metadata-nonce', 'metadata-aad', 'sealed-metadata',
];

t.test('the vector has every field and nothing unchecked', async (t) => {
  t.same([...v.keys()].sort(), [...fields].sort());
  t.equal(block.trim().split('\n').length, fields.length, 'every line is a field');
});

t.test('inputs are the nothing-up-my-sleeve hashes the page says', async (t) => {
  const label = (s: string) => createHash('sha256').update(`tallennin/v1 test vector: ${s}`).digest();
  t.same(hex('controller-private'), label('controller private key'));
  t.same(hex('ephemeral-private'), label('ephemeral private key'));
  t.same(hex('content-key'), label('content key'));
  t.same(hex('wrap-nonce'), label('wrap nonce').subarray(0, 12));
  t.equal(text('recording-id'), '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
});

const rid = text('recording-id');
const controller = x25519PrivateFromRaw(hex('controller-private'));
const ephemeral = x25519PrivateFromRaw(hex('ephemeral-private'));
const controllerPublic = createPublicKey(controller);

t.test('keys and key id', async (t) => {
  t.same(rawPublicKey(controller), hex('controller-public'));
  t.same(rawPublicKey(ephemeral), hex('ephemeral-public'));
  t.equal(keyIdOf(controllerPublic), text('key-id'));
  t.equal(createHash('sha256').update(hex('controller-public')).digest('hex').slice(0, 16), text('key-id'));
});

t.test('wrapped key: intermediate values from the page\'s recipe, built here with bare crypto', async (t) => {
  const shared = diffieHellman({ privateKey: ephemeral, publicKey: controllerPublic });
  t.same(shared, hex('shared-secret'));
  t.same(hex('hkdf-salt'), Buffer.concat([hex('ephemeral-public'), hex('controller-public')]));
  t.same(hex('hkdf-info'), Buffer.concat([Buffer.from('tallennin/v1/content-key'), Buffer.from([0]), Buffer.from(rid)]));
  const kek = Buffer.from(hkdfSync('sha256', shared, hex('hkdf-salt'), hex('hkdf-info'), 32));
  t.same(kek, hex('kek'));
  t.same(hex('wrap-aad'), Buffer.from(`tallennin/v1/wrap${text('key-id')}${rid}`, 'ascii'));
  const c = createCipheriv('aes-256-gcm', kek, hex('wrap-nonce'));
  c.setAAD(hex('wrap-aad'));
  const sealed = Buffer.concat([c.update(hex('content-key')), c.final(), c.getAuthTag()]);
  const layout = Buffer.concat([Buffer.from([1]), Buffer.from(text('key-id'), 'hex'), hex('ephemeral-public'), hex('wrap-nonce'), sealed]);
  t.same(layout, hex('wrapped-key'));
});

t.test('wrapped key: the code produces and opens the same bytes', async (t) => {
  const to = { keyId: text('key-id'), key: controllerPublic };
  const wrapped = wrapContentKey(hex('content-key'), rid, to, { ephemeralPrivate: ephemeral, nonce: hex('wrap-nonce') });
  t.equal(wrapped.toString('hex'), text('wrapped-key'));
  t.same(unwrapContentKey(hex('wrapped-key'), rid, { keyId: text('key-id'), key: controller }), hex('content-key'));
});

t.test('sealed chunk', async (t) => {
  const packets = [hex('packet-0'), hex('packet-1')];
  t.same(packPackets(packets), hex('chunk-plaintext'));
  t.same(unpackPackets(hex('chunk-plaintext')), packets);
  const index = Number(text('chunk-index'));
  const final = text('chunk-final') === 'true';
  t.equal(index, 0);
  t.equal(final, true);

  const nonce = Buffer.alloc(12);
  nonce.writeUInt32BE(1, 0);
  nonce.writeBigUInt64BE(BigInt(index), 4);
  t.same(hex('chunk-nonce'), nonce);
  const idx = Buffer.alloc(8);
  idx.writeBigUInt64BE(BigInt(index));
  const aad = Buffer.concat([Buffer.from('tallennin/v1/chunk'), Buffer.from([0, Buffer.byteLength(rid)]), Buffer.from(rid), idx, Buffer.from([final ? 1 : 0])]);
  t.same(hex('chunk-aad'), aad);
  const c = createCipheriv('aes-256-gcm', hex('content-key'), nonce);
  c.setAAD(aad);
  t.same(Buffer.concat([Buffer.from([1]), c.update(hex('chunk-plaintext')), c.final(), c.getAuthTag()]), hex('sealed-chunk'));

  t.equal(sealChunk(hex('content-key'), rid, index, final, hex('chunk-plaintext')).toString('hex'), text('sealed-chunk'));
  t.same(openChunk(hex('content-key'), rid, index, final, hex('sealed-chunk')), hex('chunk-plaintext'));
});

t.test('sealed metadata', async (t) => {
  const version = Number(text('metadata-version'));
  const nonce = Buffer.alloc(12);
  nonce.writeUInt32BE(2, 0);
  nonce.writeBigUInt64BE(BigInt(version), 4);
  t.same(hex('metadata-nonce'), nonce);
  t.same(hex('metadata-aad'), Buffer.from(`tallennin/v1/meta${rid}`));
  const value: unknown = JSON.parse(text('metadata-json'));
  t.equal(JSON.stringify(value), text('metadata-json'), 'the JSON on the page is in the form sealMetadata writes');
  t.equal(sealMetadata(hex('content-key'), rid, value, version).toString('hex'), text('sealed-metadata'));
  t.same(openMetadata(hex('content-key'), rid, hex('sealed-metadata'), version), value);
});

function tool(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args);
  return r.error === undefined && r.status === 0;
}

function agrees(t: Test, output: string, expected: string[]): void {
  const got = keyValues(output);
  for (const k of expected) t.equal(got.get(k), text(k), k);
}

const hasPython = tool('python3', ['-c', 'import cryptography.hazmat.primitives.ciphers.aead']);
t.test("the page's Python recipe gives the vector", { skip: !hasPython && 'python3 with cryptography is not installed' }, async (t) => {
  const code = fenced('python');
  if (code === undefined) return t.fail('no ```python block');
  const r = spawnSync('python3', ['-'], { input: code });
  t.equal(r.status, 0, r.stderr.toString());
  agrees(t, r.stdout.toString(), ['key-id', 'wrapped-key', 'content-key', 'chunk-plaintext', 'metadata-json']);
});

const hasOpenssl = tool('openssl', ['version']) && tool('xxd', ['-v']) && tool('sha256sum', ['--version']) && tool('bash', ['--version']);
t.test("the page's openssl recipe gives the vector", { skip: !hasOpenssl && 'openssl, xxd, sha256sum or bash is missing' }, async (t) => {
  const script = fenced('sh');
  if (script === undefined) return t.fail('no ```sh block');
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-vector-'));
  try {
    const r = spawnSync('bash', ['-euo', 'pipefail'], { input: script, cwd: dir });
    t.equal(r.status, 0, r.stderr.toString());
    agrees(t, r.stdout.toString(), ['key-id', 'shared-secret', 'kek']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
