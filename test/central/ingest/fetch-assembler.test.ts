// The indexer puts a fetched recording back together from parts that come in any order, some
// twice, some not at all; a malformed part is refused with the field named, never thrown on.
import t, { type Test } from 'tap';
import type { RecordingRecord } from '../../../src/box/store/recording-record.js';
import { streamRecording, type FetchStore } from '../../../src/box/sync/fetch-stream.js';
import { FetchAssembler } from '../../../src/central/ingest/fetch-assembler.js';
import { mulberry32 } from '../../../src/core/dsp/generate.js';
import type { FetchPart } from '../../../src/core/protocol/messages.js';

const ID = '01a2233b-2b7c-7c19-ad21-d696e9d29e91';
const N = 40;
const rnd0 = mulberry32(11);
const sealed = Array.from({ length: N }, (_, i) => Buffer.from(Array.from({ length: 200 + (i % 7) * 30 }, () => Math.floor(rnd0() * 256))));
const rec: RecordingRecord = {
  v: 1, id: ID, line: 'line-1', start: Date.UTC(2026, 0, 5), end: Date.UTC(2026, 0, 5) + 40_000, durationMs: 40_000, state: 'closed', chunks: N,
  audio: { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 12000, packetsPerChunk: 50 },
  keyId: '0011223344556677', wrappedKey: Buffer.alloc(101, 7).toString('base64'), gapMs: 0,
  direction: 'incoming', signalling: 'vox', clip: 'none', retentionMonths: 2, expiresAt: Date.UTC(2026, 2, 5),
};
const store: FetchStore = {
  getRecording: async (id) => (id === ID ? rec : undefined),
  readChunks: async function* () {
    for (const [index, s] of sealed.entries()) yield { index, sealed: s };
  },
};

async function partsOf(cid: string, from = 0, maxBytes = 2000): Promise<FetchPart[]> {
  const out: FetchPart[] = [];
  await streamRecording(store, ID, from, cid, async (p) => void out.push(JSON.parse(JSON.stringify(p)) as FetchPart), maxBytes);
  return out;
}

function shuffle<T>(xs: T[], rnd: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function expectWhole(t: Test, a: FetchAssembler) {
  const r = a.result();
  t.same(r.chunks.map((c) => c.index), sealed.map((_, i) => i), 'every chunk, in index order');
  t.ok(r.chunks.every((c, i) => c.sealed.equals(sealed[i]!)), 'the bytes the box sent');
  t.same({ ...r.record, wrappedKey: r.record.wrappedKey.toString('base64') }, { id: ID, state: 'closed', chunks: N, wrappedKey: rec.wrappedKey, keyId: rec.keyId, audio: rec.audio });
}


t.test('parts in any order: complete once the last and every part before it arrived', async (t) => {
  const parts = await partsOf('c-1');
  t.ok(parts.length >= 8, `${parts.length} parts`);
  const rnd = mulberry32(3);
  for (let round = 0; round < 20; round++) {
    const a = new FetchAssembler('c-1', { id: ID });
    const order = shuffle(parts, rnd);
    for (const [i, p] of order.entries()) {
      t.notOk(a.complete, 'not complete before the last arrival');
      if (round === 0) t.same(a.accept(p), { ok: true, duplicate: false });
      else a.accept(p);
      if (i < order.length - 1 && a.complete) t.fail('complete too early');
    }
    t.ok(a.complete);
    t.equal(a.missingFrom(), undefined);
    if (round === 0) expectWhole(t, a);
  }
});

t.test('duplicates are ignored; a part or chunk that arrives twice with other contents is refused', async (t) => {
  const parts = await partsOf('c-1');
  const a = new FetchAssembler('c-1');
  for (const p of parts) {
    t.same(a.accept(p), { ok: true, duplicate: false });
    t.same(a.acceptJson(JSON.stringify(p)), { ok: true, duplicate: true });
  }
  expectWhole(t, a);

  const b = new FetchAssembler('c-1');
  b.accept(parts[1]!);
  const forged = { ...parts[1]!, chunks: parts[1]!.chunks.map((c, i) => (i === 0 ? { ...c, sealed: Buffer.alloc(10, 1).toString('base64') } : c)) };
  t.match(b.accept(forged), { ok: false, error: /part 1 arrived twice with different contents/ });
  const moved = { ...parts[2]!, chunks: [{ index: parts[1]!.chunks[0]!.index, sealed: Buffer.alloc(10, 1).toString('base64') }] };
  t.match(b.accept(moved), { ok: false, error: /chunk \d+ arrived twice with different bytes/ });
  const twoLasts = { ...parts[3]!, last: true };
  t.same(b.accept(twoLasts), { ok: true, duplicate: false });
  t.match(b.accept({ ...parts[4]! }), { ok: false, error: /comes after the last part \(3\)/ });
  t.match(b.accept({ ...parts[2]!, last: true }), { ok: false, error: /says it is the last, but part 3 said so first/ });
});

t.test('a missing part is found, and a re-fetch from the first missing chunk completes it', async (t) => {
  const parts = await partsOf('c-1');
  for (const lost of [0, 1, Math.floor(parts.length / 2), parts.length - 1]) {
    const a = new FetchAssembler('c-1', { id: ID });
    for (const p of parts) if (p.part !== lost) a.accept(p);
    t.notOk(a.complete, `part ${lost} lost: not complete`);
    const from = a.missingFrom();
    t.equal(from, parts[lost]!.chunks[0]!.index, `part ${lost} lost: missing from chunk ${from}`);
    t.throws(() => a.result(), { message: new RegExp(`not complete: chunks from ${from} are missing`) });
    t.throws(() => a.refetch('c-1', from!), { message: /correlation id of its own/ });
    a.refetch(`c-2-${lost}`, from!);
    const again = await partsOf(`c-2-${lost}`, from!, 2000);
    t.match(a.accept(parts[0]!), { ok: false, error: /correlationId is not the one of this fetch/ }, 'a late part of the first answer is refused');
    for (const p of shuffle(again, mulberry32(lost))) t.match(a.accept(p), { ok: true });
    t.ok(a.complete, `complete after the re-fetch from ${from}`);
    expectWhole(t, a);
  }
});

t.test('every chunk held but the end not seen: missing from the chunk count', async (t) => {
  const parts = await partsOf('c-1', 0, 64 * 1024);
  t.equal(parts.length, 1);
  const a = new FetchAssembler('c-1');
  const { last: _, ...notLast } = parts[0]!;
  t.same(a.accept({ ...notLast, last: false }), { ok: true, duplicate: false });
  t.notOk(a.complete);
  t.equal(a.missingFrom(), N);
  a.refetch('c-2', N);
  const tail = await partsOf('c-2', N);
  t.same(tail.map((p) => [p.part, p.last, p.chunks.length]), [[0, true, 0]]);
  a.accept(tail[0]!);
  t.ok(a.complete);
  expectWhole(t, a);
});

t.test('a fresh assembler lacks everything from chunk 0', async (t) => {
  const a = new FetchAssembler('c-1');
  t.equal(a.missingFrom(), 0);
  t.notOk(a.complete);
  t.throws(() => new FetchAssembler(''), /correlationId must be a non-empty string/);
});

t.test('malformed parts are refused with the field named, and change nothing', async (t) => {
  const [p0, p1] = await partsOf('c-1');
  const r = p0!.record!;
  const cases: [string, unknown, RegExp][] = [
    ['null', null, /the part must be a JSON object/],
    ['an array', [p0], /the part must be a JSON object/],
    ['a string', 'part', /the part must be a JSON object/],
    ['a number', 42, /the part must be a JSON object/],
    ['an unknown field', { ...p0, extra: 1 }, /unknown field "extra"/],
    ['no correlationId', { ...p0, correlationId: undefined }, /correlationId must be a string/],
    ['another fetch', { ...p0, correlationId: 'c-9' }, /correlationId is not the one of this fetch/],
    ['another recording', { ...p0, id: 'other' }, /id is not the recording fetched/],
    ['an empty id', { ...p0, id: '' }, /id must be a non-empty string/],
    ['a negative part', { ...p1, part: -1 }, /part must be a whole number from 0/],
    ['a fractional part', { ...p1, part: 1.5 }, /part must be a whole number/],
    ['a part as a string', { ...p1, part: '1' }, /part must be a whole number/],
    ['a huge part', { ...p1, part: 1e12 }, /part must be a whole number from 0 to 1000000/],
    ['last as a string', { ...p0, last: 'false' }, /last must be a boolean/],
    ['part 0 without its record', { ...p0, record: undefined }, /record is missing: part 0 carries the record/],
    ['a record in part 1', { ...p1, record: r }, /record is only in part 0, not part 1/],
    ['a record that is an array', { ...p0, record: [r] }, /record must be a JSON object/],
    ['an open record', { ...p0, record: { ...r, state: 'open' } }, /record.state must be "closed" or "truncated"/],
    ['a negative chunk count', { ...p0, record: { ...r, chunks: -1 } }, /record.chunks must be a whole number/],
    ['a wrapped key that is not base64', { ...p0, record: { ...r, wrappedKey: 'not base64!' } }, /record.wrappedKey is not canonical base64/],
    ['an empty wrapped key', { ...p0, record: { ...r, wrappedKey: '' } }, /record.wrappedKey must be non-empty base64/],
    ['a key id that is not hex', { ...p0, record: { ...r, keyId: 'ZZ11223344556677' } }, /record.keyId must be 16 lowercase hex digits/],
    ['no audio', { ...p0, record: { ...r, audio: undefined } }, /record.audio must be a JSON object/],
    ['another codec', { ...p0, record: { ...r, audio: { ...r.audio, codec: 'mp3' } } }, /record.audio.codec must be "opus"/],
    ['a bad sample rate', { ...p0, record: { ...r, audio: { ...r.audio, inputSampleRate: 0 } } }, /record.audio.inputSampleRate must be a whole number/],
    ['a bad pre-skip', { ...p0, record: { ...r, audio: { ...r.audio, preSkip: 70000 } } }, /record.audio.preSkip must be a whole number from 0 to 65535/],
    ['an extra audio field', { ...p0, record: { ...r, audio: { ...r.audio, channels: 2 } } }, /record.audio has an unknown field "channels"/],
    ['an extra record field', { ...p0, record: { ...r, sealedMeta: 'AAAA' } }, /record has an unknown field "sealedMeta"/],
    ['chunks not an array', { ...p1, chunks: {} }, /chunks must be an array/],
    ['a chunk that is null', { ...p1, chunks: [null] }, /chunks\[0\] must be a JSON object/],
    ['a chunk index as a string', { ...p1, chunks: [{ index: '3', sealed: 'AAAA' }] }, /chunks\[0\].index must be a whole number/],
    ['chunks out of order', { ...p1, chunks: [...p1!.chunks].reverse() }, /chunks\[1\].index is not after the chunk before it/],
    ['an empty chunk', { ...p1, chunks: [{ index: 3, sealed: '' }] }, /chunks\[0\].sealed must be non-empty base64/],
    ['a chunk in non-canonical base64', { ...p1, chunks: [{ index: 3, sealed: 'AA AA' }] }, /chunks\[0\].sealed is not canonical base64/],
    ['a chunk with an extra field', { ...p1, chunks: [{ index: 3, sealed: 'AAAA', final: true }] }, /chunks\[0\] has an unknown field "final"/],
  ];
  for (const [name, value, error] of cases) {
    const a = new FetchAssembler('c-1', { id: ID });
    const res = a.accept(JSON.parse(JSON.stringify(value ?? null)) as unknown);
    t.match(res, { ok: false, error }, name);
    t.equal(a.missingFrom(), 0, `${name}: nothing kept`);
  }
  const a = new FetchAssembler('c-1');
  t.same(a.acceptJson('{"part": 0,'), { ok: false, error: 'the part is not JSON' });
  a.refetch('c-2', 5);
  t.match(a.accept({ ...p1, correlationId: 'c-2', part: 1 }), { ok: false, error: /chunks\[0\].index \d+ is before 5, where this fetch starts/ });
});

t.test('5,000 garbage values: refused, never thrown', async (t) => {
  const [p0, p1] = await partsOf('c-1');
  const rnd = mulberry32(99);
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const atom = () => pick<unknown>([null, true, false, 0, -1, 1.5, 1e300, '', 'x', 'AAAA', '💥', [], {}, Number.MAX_SAFE_INTEGER + 2]);
  const garble = (v: unknown, depth: number): unknown => {
    if (depth > 3 || rnd() < 0.3) return rnd() < 0.5 ? atom() : v;
    if (Array.isArray(v)) return v.map((x) => garble(x, depth + 1));
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (rnd() > 0.1) o[k] = garble(x, depth + 1);
      if (rnd() < 0.1) o[pick(['__proto__', 'constructor', 'extra', 'part'])] = atom();
      return o;
    }
    return atom();
  };
  let thrown = 0;
  let accepted = 0;
  for (let i = 0; i < 5000; i++) {
    const a = new FetchAssembler('c-1');
    try {
      const g = garble(JSON.parse(JSON.stringify(rnd() < 0.5 ? p0 : p1)), 0);
      const res = rnd() < 0.5 ? a.accept(g) : a.acceptJson(JSON.stringify(g) ?? 'undefined');
      if (res.ok) accepted++;
    } catch {
      thrown++;
    }
  }
  t.equal(thrown, 0, 'never a throw');
  t.ok(accepted < 5000, `${accepted} garbled parts still well-formed (unchanged fields), the rest refused`);
});
