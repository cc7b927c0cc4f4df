// Our caller-ID receiver against an independent modem, minimodem, both ways:
//  - bursts transmitted by minimodem (with sox making the mark signal and the silence around it,
//    and resampling from minimodem's 48 kHz to the line rate) decode with our receiver;
//  - bursts from our modulator decode with minimodem's receiver to the same bytes (and, for
//    Bell 202, with its caller-ID decoder to the same fields), which proves the modulator.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clipFskRx, createClipFskRx, encodeMdmf, encodeSdmf, type ClipEvent, type ClipStatus } from '../../../src/core/dsp/clip-fsk.js';
import { FSK_SPECS, type FskSpecName } from '../../../src/core/dsp/fsk.js';
import { clipFskBurst } from '../../../src/core/dsp/fsk-gen.js';
import { concat, silence } from '../../../src/core/dsp/generate.js';

function tool(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args);
  return r.error === undefined && r.status === 0;
}
const missing = !(tool('minimodem', ['--version']) && tool('sox', ['--version'])) && 'minimodem or sox is not installed';

const VECTOR = Uint8Array.from(Buffer.from('801601083033323131343035020A30343031323334353637C5', 'hex'));

const CASES: { name: string; bytes: Uint8Array; expect: { status: ClipStatus; date?: string; time?: string; number?: string; name?: string } }[] = [
  { name: 'the test vector', bytes: VECTOR, expect: { status: 'ok', date: '0321', time: '1405', number: '0401234567' } },
  {
    name: 'withheld',
    bytes: encodeMdmf([
      { type: 0x01, value: '11300915' },
      { type: 0x04, value: 'P' },
    ]),
    expect: { status: 'withheld', date: '1130', time: '0915' },
  },
  {
    name: 'unavailable',
    bytes: encodeMdmf([
      { type: 0x01, value: '01010000' },
      { type: 0x04, value: 'O' },
    ]),
    expect: { status: 'unavailable', date: '0101', time: '0000' },
  },
  {
    name: 'with a name',
    bytes: encodeMdmf([
      { type: 0x01, value: '06152359' },
      { type: 0x02, value: '0912345678' },
      { type: 0x07, value: 'Virtanen Matti' },
    ]),
    expect: { status: 'ok', number: '0912345678', name: 'Virtanen Matti' },
  },
  {
    name: 'a long number and a call type',
    bytes: encodeMdmf([
      { type: 0x11, value: [0x01] },
      { type: 0x01, value: '12312359' },
      { type: 0x02, value: '+35840123456789012345' },
      { type: 0x08, value: 'O' },
    ]),
    expect: { status: 'ok', number: '+35840123456789012345' },
  },
  { name: 'SDMF', bytes: encodeSdmf('07041776', '2025550123'), expect: { status: 'ok', date: '0704', number: '2025550123' } },
  { name: 'SDMF private', bytes: encodeSdmf('02290800', 'P'), expect: { status: 'withheld', date: '0229' } },
];

/** minimodem's arguments for a spec, after --tx / --rx. */
const MODE: Record<FskSpecName, string[]> = {
  v23: ['-M', '1300', '-S', '2100', '1200'],
  bell202: ['1200'],
};
/** For V.23 its receiver needs 100 Hz analysis bins: with the default 200 Hz ones at 16 kHz
 *  the 1300 Hz mark falls between bins ("CARRIER @ 1400 Hz") and it misreads a bit or two. */
const RX_MODE: Record<FskSpecName, string[]> = {
  v23: ['-b', '100', ...MODE.v23],
  bell202: MODE.bell202,
};

function run(cmd: string, args: string[], input?: Uint8Array): Buffer {
  const r = spawnSync(cmd, args, { input, maxBuffer: 64 << 20 });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error ?? r.stderr.toString()}`);
  return r.stdout;
}

function pcm(buf: Buffer): Int16Array {
  const copy = Uint8Array.from(buf);
  return new Int16Array(copy.buffer, 0, copy.length >> 1);
}

/**
 * A burst from minimodem: 300 ms of silence, 30 bytes of 0x55 (the seizure, if `seizure`),
 * 150 ms of mark tone from sox, the message, 300 ms of silence; all at `amplitude` of full
 * scale, resampled by sox to `rate`.
 */
function minimodemBurst(dir: string, spec: FskSpecName, message: Uint8Array, rate: number, amplitude: number, seizure: boolean): Int16Array {
  const vol = String(amplitude);
  const parts: string[] = [];
  const sil = join(dir, 'silence.wav');
  run('sox', ['-n', '-r', '48000', '-b', '16', '-c', '1', sil, 'trim', '0', '0.3']);
  parts.push(sil);
  if (seizure) {
    const f = join(dir, 'seizure.wav');
    run('minimodem', ['--tx', '-q', '-v', vol, '-f', f, ...MODE[spec]], new Uint8Array(30).fill(0x55));
    parts.push(f);
  }
  const mark = join(dir, 'mark.wav');
  run('sox', ['-n', '-r', '48000', '-b', '16', '-c', '1', mark, 'synth', '0.15', 'sine', String(FSK_SPECS[spec].markHz), 'vol', vol]);
  parts.push(mark);
  const data = join(dir, 'data.wav');
  run('minimodem', ['--tx', '-q', '-v', vol, '-f', data, ...MODE[spec]], message);
  parts.push(data, sil);
  return pcm(run('sox', [...parts, '-t', 'raw', '-r', String(rate), '-e', 'signed-integer', '-b', '16', '-c', '1', '-']));
}

function decode(spec: FskSpecName, rate: number, signal: Int16Array, chunk: number): ClipEvent[] {
  const rx = createClipFskRx(spec, { sampleRate: rate });
  const out: ClipEvent[] = [];
  for (let i = 0; i < signal.length; i += chunk) out.push(...clipFskRx(rx, signal.subarray(i, i + chunk)));
  return out;
}

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(hay).includes(Buffer.from(needle));
}

t.test('bursts transmitted by minimodem decode', { skip: missing }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-minimodem-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  for (const spec of ['v23', 'bell202'] as const) {
    for (const rate of [8000, 16000]) {
      for (const c of CASES) {
        for (const [amplitude, seizure] of [
          [0.3, true],
          [0.03, false],
        ] as const) {
          const signal = minimodemBurst(dir, spec, c.bytes, rate, amplitude, seizure);
          const chunk = [37, 160, 333][n++ % 3]!;
          const ev = decode(spec, rate, signal, chunk);
          const label = `${spec} ${rate} Hz ${c.name}, amplitude ${amplitude}${seizure ? ', with seizure' : ''}, chunk ${chunk}`;
          t.equal(ev.length, 1, `${label}: one event`);
          t.match(ev[0], { ...c.expect, bytes: c.bytes }, label);
        }
      }
    }
  }
});

t.test("minimodem's receiver reads our modulator's bursts", { skip: missing }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-minimodem-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const spec of ['v23', 'bell202'] as const) {
    for (const rate of [8000, 16000]) {
      for (const c of CASES) {
        const audio = concat(silence(200, rate), clipFskBurst(FSK_SPECS[spec], c.bytes, { sampleRate: rate, dbfs: -20 }), silence(200, rate));
        const raw = join(dir, 'ours.raw');
        const wav = join(dir, 'ours.wav');
        writeFileSync(raw, audio);
        run('sox', ['-t', 'raw', '-r', String(rate), '-e', 'signed-integer', '-b', '16', '-c', '1', raw, wav]);
        const bytes = run('minimodem', ['--rx', '-q', '-f', wav, ...RX_MODE[spec]]);
        t.ok(contains(bytes, c.bytes), `${spec} ${rate} Hz ${c.name}: minimodem reads our bytes (${bytes.length} bytes with the seizure)`);
        if (spec === 'bell202' && rate === 8000) {
          const text = run('minimodem', ['--rx', '-q', '-f', wav, 'callerid']).toString();
          if (c.expect.number && /^\d{10}$/.test(c.expect.number)) {
            const n = c.expect.number;
            t.match(text, `Phone: ${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`, `${c.name}: minimodem's caller-ID decoder reads the number`);
          }
          if (c.expect.name) t.match(text, `Name:  ${c.expect.name}`);
          if (c.expect.status === 'withheld') t.match(text, /Phone: (\[blocked\]|P)/);
          if (c.expect.date) t.match(text, `Time:  ${c.expect.date.slice(0, 2)}/${c.expect.date.slice(2)}`);
        }
      }
    }
  }
  t.ok(readFileSync(join(dir, 'ours.wav')).length > 44);
});
