import t from 'tap';
import {
  parseDtmfClip,
  createDtmfClipParser,
  dtmfClipRx,
  dtmfClipFlush,
  dtmfClipResetCounters,
  resolveClipDtmfOptions,
  CLIP_DTMF_DEFAULTS,
  type ClipDtmfBurst,
  type ClipDtmfParserOptions,
  type ClipDtmfParserState,
} from '../../../src/core/dsp/clip-dtmf.js';
import { createDtmfRx, dtmfRx, dtmfFlush, type DtmfDigit, type DtmfEvent } from '../../../src/core/dsp/dtmf.js';
import { dtmfTones } from '../../../src/core/dsp/dtmf-gen.js';
import { concat, mix, noise, silence, speechLike } from '../../../src/core/dsp/generate.js';

const CHUNKS = [37, 160, 333] as const;

t.test('parse: the forms', async (t) => {
  const cases: [string, object][] = [
    ['A0401234567C', { status: 'ok', number: '0401234567' }],
    ['A0401234567#', { status: 'ok', number: '0401234567' }],
    ['A0401234567D0912345678C', { status: 'ok', number: '0401234567', redirecting: '0912345678' }],
    ['D0912345678A0401234567C', { status: 'ok', number: '0401234567', redirecting: '0912345678' }],
    ['D0912345678C', { status: 'ok', redirecting: '0912345678' }],
    ['B10C', { status: 'withheld', info: '10' }],
    ['B00C', { status: 'unavailable', info: '00' }],
    ['B77C', { status: 'unknown-code', info: '77' }],
    ['A0401234567B10C', { status: 'withheld', number: '0401234567', info: '10' }],
    ['A12345678B10D87654321C', { status: 'withheld', number: '12345678', redirecting: '87654321', info: '10' }],
    ['D1#', { status: 'unknown-code', info: '1' }],
    ['a0401234567c', { status: 'ok', number: '0401234567', raw: 'a0401234567c' }],
    // In the C form a letter in the middle of a number starts a field: B here is an info code.
    ['A040B1234C', { status: 'unknown-code', number: '040', info: '1234' }],
    [`A${'1'.repeat(20)}C`, { status: 'ok', number: '1'.repeat(20) }],
  ];
  for (const [raw, want] of cases) {
    const r = parseDtmfClip(raw);
    t.match(r, { raw, ...want }, raw);
    for (const k of ['number', 'redirecting', 'info'] as const) {
      if (!(k in want)) t.notOk(k in r, `${raw}: no ${k}`);
    }
  }
});

t.test('parse: malformed bursts give errors, never throw', async (t) => {
  const cases: [string, string][] = [
    ['', 'empty'],
    ['0401234567C', 'no-start'],
    ['C', 'no-start'],
    ['#', 'no-start'],
    ['B10#', 'no-start'],
    ['A0401234567', 'no-end'],
    ['A0401234567D', 'no-end'],
    ['A040*1234C', 'bad-digit'],
    ['A04X1C', 'bad-digit'],
    ['A 040C', 'bad-digit'],
    ['A040B1234#', 'bad-field'],
    ['A040D1#', 'bad-field'],
    ['A040A1234C', 'repeated-field'],
    ['AC', 'empty-field'],
    ['A#', 'empty-field'],
    ['AD0912345C', 'empty-field'],
    ['A0401234567BC', 'empty-field'],
    [`A${'1'.repeat(21)}C`, 'too-long'],
    [`D${'1'.repeat(21)}C`, 'too-long'],
    ['A040C1234', 'trailing'],
    ['A040#C', 'trailing'],
  ];
  for (const [raw, reason] of cases) {
    const r = parseDtmfClip(raw);
    t.match(r, { status: 'error', reason, raw }, `${JSON.stringify(raw)} → ${reason}`);
    if (r.status === 'error') t.ok(r.detail.length > 0, r.detail);
  }
  t.match(parseDtmfClip(undefined as unknown as string), { status: 'error', reason: 'bad-digit' });
});

t.test('codes and limits are configurable', async (t) => {
  // spandsp's adsi.h reading: B00 private, B10 unavailable
  const spandsp = { withheldCodes: ['00'], unavailableCodes: ['10'] };
  t.match(parseDtmfClip('B00C', spandsp), { status: 'withheld' });
  t.match(parseDtmfClip('B10C', spandsp), { status: 'unavailable' });
  t.match(parseDtmfClip('D1#', spandsp), { status: 'unknown-code', info: '1' });
  // Danish codes added to the Finnish ones
  const danish = { withheldCodes: ['10', '1'], unavailableCodes: ['00', '2', '3'] };
  t.match(parseDtmfClip('D1#', danish), { status: 'withheld', info: '1' });
  t.match(parseDtmfClip('D2#', danish), { status: 'unavailable', info: '2' });
  t.match(parseDtmfClip('D3#', danish), { status: 'unavailable', info: '3' });
  t.match(parseDtmfClip('D9#', danish), { status: 'unknown-code', info: '9' });
  t.match(parseDtmfClip('B10C', danish), { status: 'withheld' });
  t.match(parseDtmfClip('B10C', { withheldCodes: [], unavailableCodes: [] }), { status: 'unknown-code' });
  t.match(parseDtmfClip('A12345678901C', { maxDigits: 10 }), { status: 'error', reason: 'too-long' });
  t.match(parseDtmfClip('A1234567890C', { maxDigits: 10 }), { status: 'ok' });

  t.same([...CLIP_DTMF_DEFAULTS.withheldCodes], ['10'], 'as the box configuration');
  t.same([...CLIP_DTMF_DEFAULTS.unavailableCodes], ['00']);
  const c = resolveClipDtmfOptions();
  t.ok(Object.isFrozen(c) && Object.isFrozen(c.withheldCodes));
  const bad: [ClipDtmfParserOptions, RegExp][] = [
    [{ withheldCodes: ['1x'] }, /withheldCodes/],
    [{ unavailableCodes: 'B00' as unknown as string[] }, /unavailableCodes/],
    [{ withheldCodes: ['10'], unavailableCodes: ['10'] }, /disjoint/],
    [{ maxDigits: 0 }, /maxDigits/],
    [{ sampleRate: 11025 }, /sampleRate/],
    [{ maxGapMs: -1 }, /maxGapMs/],
    [{ latencyMs: 0 }, /latencyMs/],
    [{ nope: true } as ClipDtmfParserOptions, /unknown option nope/],
  ];
  for (const [o, re] of bad) t.throws(() => createDtmfClipParser(o), { name: 'TypeError', message: re }, JSON.stringify(o));
  t.throws(() => parseDtmfClip('A1C', { maxDigits: 1.5 }), TypeError);
});

/** Receiver events for `digits`, each `on` samples long and `off` apart, from sample `at`. */
function events(digits: string, at: number, on = 560, off = 560): DtmfEvent[] {
  const out: DtmfEvent[] = [];
  for (const d of digits) {
    out.push({ type: 'digit', digit: d as DtmfDigit, atSample: at });
    out.push({ type: 'end', digit: d as DtmfDigit, atSample: at, endSample: at + on });
    at += on + off;
  }
  return out;
}

t.test('incremental: bursts close at the terminator, at a gap, at flush', async (t) => {
  const p = createDtmfClipParser();
  // Terminator: the result comes with the C, not after it.
  const ev = events('A0401234567C', 1000);
  const cIdx = ev.findIndex((e) => e.type === 'digit' && e.digit === 'C');
  t.same(dtmfClipRx(p, ev.slice(0, cIdx), 0), [], 'nothing before the C');
  const [r] = dtmfClipRx(p, ev.slice(cIdx, cIdx + 1), 0);
  t.match(r, { status: 'ok', number: '0401234567', raw: 'A0401234567C', atSample: 1000, lastDigitAt: 1000 + 11 * 1120 });
  t.same(dtmfClipRx(p, ev.slice(cIdx + 1), 1e9), [], 'the C tone ending changes nothing');

  // Gap: 'A040' then silence; closed only once nothing started within maxGap could still come.
  const a = events('A040', 100_000);
  dtmfClipRx(p, a, 100_000 + 4 * 1120);
  const lastEnd = 100_000 + 3 * 1120 + 560;
  const limit = lastEnd + 2400 + 800; // maxGap 300 ms + latency 100 ms at 8 kHz
  t.same(dtmfClipRx(p, [], limit), [], 'still open at maxGap + latency');
  t.match(dtmfClipRx(p, [], limit + 1), [{ status: 'error', reason: 'no-end', raw: 'A040', atSample: 100_000 }]);

  // A digit after a long gap starts a new burst; the old one closes first.
  const b = [...events('A04', 200_000), ...events('0123C', 200_000 + 3 * 1120 + 2400 + 1)];
  const out = dtmfClipRx(p, b, 0);
  t.match(out, [{ status: 'error', reason: 'no-end', raw: 'A04' }, { status: 'error', reason: 'no-start', raw: '0123C' }]);
  // A gap of exactly maxGap keeps the burst together.
  t.match(dtmfClipRx(p, [...events('A04', 300_000), ...events('0123C', 300_000 + 3 * 1120 - 560 + 2400)], 0), [{ status: 'ok', number: '040123' }]);

  // Flush closes an open burst.
  dtmfClipRx(p, events('B1', 400_000), 0);
  t.match(dtmfClipFlush(p), [{ status: 'error', reason: 'no-end', raw: 'B1' }]);
  t.same(dtmfClipFlush(p), [], 'nothing open');

  // A runaway burst is cut as soon as it cannot be well-formed.
  const long = dtmfClipRx(p, events('A' + '1'.repeat(80), 500_000), 0);
  t.match(long[0], { status: 'error', reason: 'too-long' });

  t.match(p.counters, { ok: 2, malformed: 5 });
  t.equal(p.counters.bursts, 7);
  dtmfClipResetCounters(p);
  t.same(p.counters, { bursts: 0, ok: 0, withheld: 0, unavailable: 0, unknownCode: 0, malformed: 0 });
});

/** Audio → receiver → parser, in chunks; all bursts. */
function e2e(signal: Int16Array, rate: number, chunk: number, opts: ClipDtmfParserOptions = {}): { bursts: ClipDtmfBurst[]; parser: ClipDtmfParserState } {
  const rx = createDtmfRx({ sampleRate: rate });
  const parser = createDtmfClipParser({ sampleRate: rate, ...opts });
  const bursts: ClipDtmfBurst[] = [];
  for (let i = 0; i < signal.length; i += chunk) bursts.push(...dtmfClipRx(parser, dtmfRx(rx, signal.subarray(i, i + chunk)), rx.samples));
  bursts.push(...dtmfClipRx(parser, dtmfFlush(rx), rx.samples), ...dtmfClipFlush(parser));
  return { bursts, parser };
}

t.test('end to end: CLIP audio before the first ring → number', async (t) => {
  for (const rate of [8000, 16000] as const) {
    for (const chunk of CHUNKS) {
      // 300 ms of line noise after the polarity reversal, the burst, 400 ms to the first ring,
      // then (after answering) speech.
      const lead = 300;
      const burst = dtmfTones('A0401234567C', { sampleRate: rate, onMs: 70, offMs: 70, dbfs: -12 });
      const sig = mix(concat(silence(lead, rate), burst, silence(400, rate), speechLike(3000, -18, rate, 1)), noise(4700, -50, rate, 2));
      const { bursts, parser } = e2e(sig, rate, chunk);
      t.equal(bursts.length, 1, `${rate} Hz, chunks of ${chunk}: one burst`);
      t.match(bursts[0], { status: 'ok', number: '0401234567', raw: 'A0401234567C' });
      t.ok(Math.abs(bursts[0]!.atSample - (lead * rate) / 1000) <= (3 * rate) / 1000, `atSample ${bursts[0]!.atSample}`);
      t.equal(parser.counters.ok, 1);
    }
  }
  const table: [string, object, { onMs: number; offMs: number }][] = [
    ['B10C', { status: 'withheld' }, { onMs: 70, offMs: 70 }],
    ['B00C', { status: 'unavailable' }, { onMs: 70, offMs: 70 }],
    ['A0401234567D0912345678C', { status: 'ok', number: '0401234567', redirecting: '0912345678' }, { onMs: 60, offMs: 60 }],
    ['A33123456#', { status: 'ok', number: '33123456' }, { onMs: 50, offMs: 50 }],
    ['D1#', { status: 'withheld' }, { onMs: 50, offMs: 50 }],
  ];
  const danish = { withheldCodes: ['10', '1'], unavailableCodes: ['00', '2', '3'] };
  for (const [digits, want, timing] of table) {
    const sig = mix(concat(silence(200, 8000), dtmfTones(digits, { sampleRate: 8000, ...timing }), silence(500, 8000)), noise(5000, -35, 8000, 3));
    t.match(e2e(sig, 8000, 333, danish).bursts, [{ ...want, raw: digits }], `${digits}, ${timing.onMs}/${timing.offMs} ms, noise at −35 dBFS`);
  }
  // A burst cut short (the line dropped mid-burst) is an error, not a wrong number.
  const cut = concat(silence(100, 8000), dtmfTones('A040123', { sampleRate: 8000 }), silence(1000, 8000));
  t.match(e2e(cut, 8000, 160).bursts, [{ status: 'error', reason: 'no-end', raw: 'A040123' }]);
  // Digits dialled later in the call are bursts too (IVR menus); they are errors, not numbers.
  const ivr = concat(silence(100, 8000), dtmfTones('1', { sampleRate: 8000 }), silence(800, 8000), dtmfTones('2', { sampleRate: 8000 }), silence(800, 8000));
  t.match(e2e(ivr, 8000, 37).bursts, [{ reason: 'no-start', raw: '1' }, { reason: 'no-start', raw: '2' }]);
});
