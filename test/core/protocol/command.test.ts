// Signed fleet commands: every kind of bad command is refused, with the reason and enough to
// answer it; a good one passes once.
import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { generateCommandKeys, parseCommandPublicKey, signCommand, verifyCommand, type VerifyContext } from '../../../src/core/protocol/command.js';
import { NonceMemory } from '../../../src/core/protocol/nonces.js';
import { boxTopics, parseTopic } from '../../../src/core/protocol/topics.js';
import { mulberry32 } from '../../../src/core/dsp/generate.js';

const NOW = Date.UTC(2026, 10, 28, 12);
const central = generateCommandKeys();
const stranger = generateCommandKeys();
const base = {
  verb: 'hold' as const, site: 'lappeenranta', box: 'lpr-1', ts: NOW, nonce: 'n-1',
  replyTo: 'tallennin/v1/lappeenranta/lpr-1/reply/central', correlationId: 'c-1', args: { id: '01a2233b-2b7c-7c19-ad21-d696e9d29e91', reason: 'complaint', caseRef: 'VAL-1', months: 6 },
};
function ctx(over: Partial<VerifyContext> = {}): VerifyContext {
  return { site: 'lappeenranta', box: 'lpr-1', topicVerb: 'hold', keys: new Map([[central.keyId, central.publicKey]]), now: NOW, nonces: new NonceMemory(300_000), ...over };
}
const json = (x: unknown) => JSON.stringify(x);

t.test('a signed command for this box passes once; the same again is a replay', async (t) => {
  const c = ctx();
  const signed = signCommand(base, central.privateKey);
  const ok = verifyCommand(json(signed), c);
  t.ok(ok.ok);
  t.match(verifyCommand(json(signed), c), { ok: false, reason: 'replayed', correlationId: 'c-1', replyTo: 'tallennin/v1/lappeenranta/lpr-1/reply/central' });
});

t.test('every kind of bad command is refused and named', async (t) => {
  const good = signCommand(base, central.privateKey);
  const cases: [string, string | Buffer, string][] = [
    ['too large', json({ ...good, args: { pad: 'x'.repeat(20_000) } }), 'too-large'],
    ['not JSON', '{"verb": "hold",', 'malformed'],
    ['not an object', '[1,2,3]', 'malformed'],
    ['unsigned', json({ ...base, v: 1 }), 'unsigned'],
    ['signature removed', json({ ...good, sig: undefined }), 'unsigned'],
    ['wrong field type', json({ ...good, ts: String(NOW) }), 'malformed'],
    ['extra field', json({ ...good, admin: true }), 'malformed'],
    ['nested args', json(signCommand({ ...base, args: { deep: { a: 1 } as never } }, central.privateKey)), 'malformed'],
    ['unknown verb', json(signCommand({ ...base, verb: 'format-disk' as never }, central.privateKey)), 'unknown-verb'],
    ['wildcard reply topic', json(signCommand({ ...base, replyTo: 'tallennin/v1/#' }, central.privateKey)), 'malformed'],
    ['control character in the reply topic', json(signCommand({ ...base, replyTo: 'tallennin/v1/lappeenranta/lpr-1/reply/x\u007f' }, central.privateKey)), 'malformed'],
    ['reply topic of another box', json(signCommand({ ...base, replyTo: 'tallennin/v1/lappeenranta/lpr-2/reply/x' }, central.privateKey)), 'malformed'],
    ['reply topic outside tallennin', json(signCommand({ ...base, replyTo: 'other/topic' }, central.privateKey)), 'malformed'],
    ['signed by a stranger', json(signCommand(base, stranger.privateKey)), 'unknown-key'],
    ['forged: args changed after signing', json({ ...good, args: { ...good.args, months: 12 } }), 'bad-signature'],
    ['forged: key id of the central, stranger\'s signature', json({ ...signCommand(base, stranger.privateKey), keyId: central.keyId }), 'bad-signature'],
    ['garbage signature', json({ ...good, sig: 'AAAA' }), 'bad-signature'],
    ['wrongly addressed', json(signCommand({ ...base, box: 'lpr-2' }, central.privateKey)), 'wrong-box'],
    ['another site', json(signCommand({ ...base, site: 'kotka' }, central.privateKey)), 'wrong-box'],
    ['sent on another verb\'s topic', json(signCommand({ ...base, verb: 'delete' }, central.privateKey)), 'wrong-verb'],
    ['expired', json(signCommand({ ...base, ts: NOW - 301_000, nonce: 'old' }, central.privateKey)), 'expired'],
    ['from the future', json(signCommand({ ...base, ts: NOW + 301_000, nonce: 'new' }, central.privateKey)), 'future'],
  ];
  for (const [name, payload, reason] of cases) {
    const r = verifyCommand(payload, ctx());
    t.match(r, { ok: false, reason }, name);
    if (!r.ok) t.ok(r.detail.length > 0, `${name}: says why (${r.detail.slice(0, 60)})`);
  }
});

t.test('10,000 fuzzed payloads: never a throw, never accepted', async (t) => {
  const rnd = mulberry32(7);
  const good = Buffer.from(json(signCommand(base, central.privateKey)));
  let accepted = 0;
  for (let i = 0; i < 10_000; i++) {
    const b = Buffer.from(good);
    const flips = 1 + Math.floor(rnd() * 4);
    for (let f = 0; f < flips; f++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
    const r = verifyCommand(b, ctx({ nonces: new NonceMemory(300_000) }));
    if (r.ok && !b.equals(good)) accepted++; // the canonical form has no slack: any change is a forgery
  }
  t.equal(accepted, 0);
});

t.test('the box takes only an Ed25519 public key as its command key', async (t) => {
  const pem = central.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  t.equal(parseCommandPublicKey(pem).keyId, central.keyId);
  t.throws(() => parseCommandPublicKey(central.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString()), /private key must never be given to the box/);
  const x = generateKeyPairSync('x25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
  t.throws(() => parseCommandPublicKey(x), /must be Ed25519, not x25519/);
});

t.test('topics: one box\'s own, and nothing else parses', async (t) => {
  const topics = boxTopics('lappeenranta', 'lpr-1');
  t.equal(topics.cmd('hold'), 'tallennin/v1/lappeenranta/lpr-1/cmd/hold');
  t.equal(topics.state, 'tallennin/v1/lappeenranta/lpr-1/$state');
  t.same(parseTopic(topics.cmd('fetch')), { site: 'lappeenranta', box: 'lpr-1', kind: 'cmd', verb: 'fetch' });
  t.same(parseTopic(topics.status), { site: 'lappeenranta', box: 'lpr-1', kind: 'status' });
  t.same(parseTopic(`${topics.replyPrefix}central-1/x`), { site: 'lappeenranta', box: 'lpr-1', kind: 'reply' }, 'a reply topic, any depth below reply/');
  for (const bad of ['tallennin/v1/Lappeenranta/lpr-1/status', 'tallennin/v2/s/b/status', 'tallennin/v1/s/b/cmd', 'tallennin/v1/s/b/reply', 'tallennin/v1/s/b/status/x', 'x']) t.equal(parseTopic(bad), undefined, bad);
  t.throws(() => boxTopics('site/+', 'b'), /not a topic segment/);
});

t.test('nonce memory forgets what is outside the window for good, and refuses rather than evicts when full', async (t) => {
  const m = new NonceMemory(1000, 3);
  t.ok(m.remember('a', 0, 0));
  t.notOk(m.remember('a', 0, 500));
  t.ok(m.remember('b', 100, 500));
  t.ok(m.remember('c', 200, 500));
  t.notOk(m.remember('d', 300, 500), 'full: refused');
  t.ok(m.remember('d', 2500, 2500), 'old ones forgotten after twice the window');
  t.equal(m.size, 1);
});
