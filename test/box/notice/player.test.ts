// Playing the announcement through real ALSA: aplay into the `file` plugin (over `null`), which writes what aplay
// plays into a file we then read back. aplay writes whole periods (125 ms by default: a quarter of its 500 ms
// buffer) and finishes with one padded with silence: the output holds the frames played, then zeros up to the end
// of the period they end in, or one whole period of zeros when they end exactly on a period boundary (measured).
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alsaDevices, alsaFileDevice, makeFifo } from '../../../src/simulate/alsa-file-device.js';
import { checkAplay, playAnnouncement, type PlaybackResult } from '../../../src/box/notice/player.js';

/** A deterministic announcement stand-in: a sweep with both extremes in it. */
function announcement(samples: number): Int16Array {
  const pcm = new Int16Array(samples);
  for (let i = 0; i < samples; i++) pcm[i] = Math.round(20000 * Math.sin(0.0001 * i * i)) + ((i * 7919) % 97) - 48;
  pcm[10] = 32767;
  pcm[11] = -32768;
  return pcm;
}

function setup(t: Test): { dir: string; env: NodeJS.ProcessEnv; out: (name: string) => string } {
  const dir = t.testdir({});
  const out = (name: string): string => join(dir, `${name}.raw`);
  makeFifo(join(dir, 'held.fifo'));
  const { env } = alsaDevices(join(dir, 'xdg'), [
    { name: 'mono8k', outfile: out('mono8k') },
    { name: 'stereo', outfile: out('stereo') },
    { name: 'mono16k', outfile: out('mono16k') },
    { name: 'held', outfile: join(dir, 'held.fifo') },
    { name: 'cap', infile: join(dir, 'cap.in') },
  ]);
  return { dir, env: { ...process.env, ...env }, out };
}

/** The output is the expected frames, then silence to the end of the period after the last full one, nothing else. */
function expectPlayed(t: Test, out: Buffer, expected: Buffer, frameBytes: number, rate: number): void {
  const periodFrames = rate / 8;
  const frames = expected.length / frameBytes;
  const padded = (Math.floor(frames / periodFrames) + 1) * periodFrames * frameBytes;
  t.equal(out.length, padded, `padded to whole periods: ${out.length} bytes for ${expected.length}`);
  t.ok(out.subarray(0, expected.length).equals(expected), 'starts with exactly the frames played');
  t.ok(out.subarray(expected.length).every((b) => b === 0), 'the padding is silence');
}

function le16(pcm: Int16Array): Buffer {
  const b = Buffer.alloc(pcm.length * 2);
  pcm.forEach((x, i) => b.writeInt16LE(x, i * 2));
  return b;
}

t.test('mono 8 kHz: the device gets exactly the PCM, which is left untouched', async (t) => {
  const { env, out } = setup(t);
  const pcm = announcement(12_345);
  const before = Int16Array.from(pcm);
  const pb = playAnnouncement(pcm, 8000, { device: 'mono8k', channels: 1, channel: 0 }, { env });
  t.same(await pb.done, { ok: true, completed: true });
  expectPlayed(t, readFileSync(out('mono8k')), le16(pcm), 2, 8000);
  t.same(pcm, before, 'the PCM passed in is not mutated');
  pb.stop();
  pb.stop();
  t.same(await pb.done, { ok: true, completed: true }, 'stop() after done is harmless and changes nothing');
});

t.test('2-channel device, announcement on channel 1: channel 0 carries silence', async (t) => {
  const { env, out } = setup(t);
  const pcm = announcement(8000);
  const pb = playAnnouncement(pcm, 8000, { device: 'stereo', channels: 2, channel: 1 }, { env });
  t.same(await pb.done, { ok: true, completed: true });
  const expected = Buffer.alloc(pcm.length * 4);
  pcm.forEach((x, i) => expected.writeInt16LE(x, i * 4 + 2));
  expectPlayed(t, readFileSync(out('stereo')), expected, 4, 8000);
});

t.test('16 kHz', async (t) => {
  const { env, out } = setup(t);
  const pcm = announcement(16_000 * 2 + 5);
  const pb = playAnnouncement(pcm, 16000, { device: 'mono16k', channels: 1, channel: 0 }, { env });
  t.same(await pb.done, { ok: true, completed: true });
  expectPlayed(t, readFileSync(out('mono16k')), le16(pcm), 2, 16000);
});

t.test('a device that does not exist: the error names it (and a long PCM meets a dead aplay quietly)', async (t) => {
  const { env } = setup(t);
  // 30 s is far more than the pipe holds, so our writes hit EPIPE after aplay has gone.
  const pb = playAnnouncement(announcement(8000 * 30), 8000, { device: 'nosuchdevice', channels: 1, channel: 0 }, { env });
  const r = await pb.done;
  t.equal(r.ok, false);
  if (!r.ok) {
    t.match(r.error, /nosuchdevice/, r.error);
    t.notMatch(r.error, /ALSA lib pcm\.c|main:\d+/, 'source locations stripped');
  }
});

t.test('aplay missing', async (t) => {
  const pb = playAnnouncement(announcement(800), 8000, { device: 'x', channels: 1, channel: 0 }, { aplay: '/nonexistent/bin/aplay' });
  const r = await pb.done;
  t.same(r.ok, false);
  if (!r.ok) t.match(r.error, /aplay not found.*install alsa-utils/);
  pb.stop();
});

t.test('a channel outside the device is refused without starting aplay', async (t) => {
  const r = await playAnnouncement(announcement(800), 8000, { device: 'stereo', channels: 2, channel: 2 }, {}).done;
  t.same(r.ok, false);
  if (!r.ok) t.match(r.error, /channel 2 does not exist/);
});

t.test('a device name Node will not pass to a process still gives a result, not a throw', async (t) => {
  const r = await playAnnouncement(announcement(800), 8000, { device: 'bad\0name', channels: 1, channel: 0 }).done;
  t.equal(r.ok, false);
});

t.test('stop() during playback cuts it short and aplay is gone', async (t) => {
  const { dir, env } = setup(t);
  // A reader that never reads: aplay fills the FIFO and blocks mid-announcement, as on a slow device.
  const reader = openSync(join(dir, 'held.fifo'), constants.O_RDONLY | constants.O_NONBLOCK);
  t.teardown(() => closeSync(reader));
  const pb = playAnnouncement(announcement(8000 * 30), 8000, { device: 'held', channels: 1, channel: 0 }, { env });
  let settled: PlaybackResult | undefined;
  void pb.done.then((r) => (settled = r));
  const deadline = Date.now() + 5000;
  while (aplayPids('held').length === 0 && Date.now() < deadline) await sleep(20);
  await sleep(300);
  t.equal(aplayPids('held').length, 1, 'aplay is playing');
  t.equal(settled, undefined, 'and has not finished');
  const t0 = Date.now();
  pb.stop();
  t.same(await pb.done, { ok: true, completed: false });
  t.comment(`stopped in ${Date.now() - t0} ms`);
  t.same(aplayPids('held'), [], 'no aplay left');
  pb.stop();
  t.same(await pb.done, { ok: true, completed: false }, 'stop() again is harmless');
});

t.test('checkAplay', async (t) => {
  t.equal(await checkAplay(), undefined, 'aplay is installed here');
  t.match(await checkAplay({ aplay: '/nonexistent/bin/aplay' }), /aplay not found.*install alsa-utils/);
  t.match(await checkAplay({ aplay: 'false' }), /"false --version" exited with code 1/);
});

t.test('alsaDevices: capture and playback devices side by side; alsaFileDevice as before', async (t) => {
  const { dir, env } = setup(t);
  const input = announcement(800);
  writeFileSync(join(dir, 'cap.in'), le16(input));
  const got = execFileSync('arecord', ['-q', '-D', 'cap', '-t', 'raw', '-f', 'S16_LE', '-r', '8000', '-c', '1', '-s', '800'], { env });
  t.ok(got.equals(le16(input)), 'arecord reads the infile');

  const legacy = alsaFileDevice(join(dir, 'legacy'), 'trunk', '/tmp/in.raw');
  t.same(legacy, { device: 'trunk', env: { XDG_CONFIG_HOME: join(dir, 'legacy') } });
  t.equal(
    readFileSync(join(dir, 'legacy', 'alsa', 'asoundrc'), 'utf8'),
    'pcm.trunk {\n  type file\n  slave.pcm "null"\n  file "/dev/null"\n  infile "/tmp/in.raw"\n  format "raw"\n}\n',
  );
  t.throws(() => alsaDevices(join(dir, 'bad'), [{ name: 'a b' }]), /letters, digits/);
});

/** Running aplay processes opened on `device` (by their command line). */
function aplayPids(device: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmdline.split('\0');
    if (args[0]?.endsWith('aplay') && args.includes('-D') && args[args.indexOf('-D') + 1] === device) pids.push(Number(entry));
  }
  return pids;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
