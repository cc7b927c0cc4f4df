// The announcers behind each recording's `notice` (R12), with their real parts: the matcher on
// generated calls, aplay into ALSA file devices. What each says for each kind of call, when it
// settles, and what a bad announcement or a missing aplay does at start.
import t from 'tap';
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { playingAnnouncer, verifyingAnnouncer, announcerOff } from '../../../src/box/notice/announcer.js';
import { loadAnnouncer } from '../../../src/box/notice/load-announcer.js';
import type { CallInfo } from '../../../src/box/line/call-fsm.js';
import { ManualClock } from '../../../src/core/clock.js';
import { parseConfig } from '../../../src/core/config/index.js';
import { AnnouncementReference, DEFAULT_MATCH_THRESHOLD } from '../../../src/core/dsp/match/index.js';
import { concat, noise, silence } from '../../../src/core/dsp/generate.js';
import type { Notice } from '../../../src/core/protocol/messages.js';
import { announcementCorpus } from '../../../src/simulate/announcement-corpus.js';
import { alsaDevices, makeFifo } from '../../../src/simulate/alsa-file-device.js';
import { isTalError } from '../../../src/core/errors.js';
import { writeWav } from './fixtures.js';

const R = 8000;
const FRAME = 160;
const incoming: CallInfo = { direction: 'incoming', source: 'line-unit', clip: 'ok' };
const outgoing: CallInfo = { direction: 'outgoing', source: 'line-unit', clip: 'none' };
const unknown: CallInfo = { direction: 'unknown', source: 'vox', clip: 'none' };

const corpus = announcementCorpus(R);
const reference = AnnouncementReference.fromPcm(corpus.reference, R);
const heardCall = corpus.calls.find((c) => c.expect === 'heard')!;
const otherSpeech = corpus.calls.find((c) => c.kind === 'other-speech')!;

function feedAll(session: { feed(f: Int16Array): void }, pcm: Int16Array): void {
  for (let at = 0; at + FRAME <= pcm.length; at += FRAME) session.feed(pcm.subarray(at, at + FRAME));
}

t.test('verify: settled as soon as the window is full, once; the end keeps it', async (t) => {
  const a = verifyingAnnouncer(reference, { sampleRate: R, maxOffsetMs: 1500, threshold: DEFAULT_MATCH_THRESHOLD });
  const settled: Notice[] = [];
  const s = a.begin('line-1', incoming, (n) => settled.push(n));
  feedAll(s, concat(heardCall.pcm, silence(20_000, R)));
  t.equal(settled.length, 1, 'settled once, however long the call');
  t.match(settled[0], { status: 'heard', threshold: DEFAULT_MATCH_THRESHOLD });
  t.same(s.end(incoming), settled[0], 'the end says the same');
  t.same(s.end(outgoing), { status: 'not-applicable', reason: 'outgoing' }, 'a call found to be outgoing after all: not applicable');
});

t.test('verify: other speech is not heard; a call shorter than the window is decided at its end', async (t) => {
  const a = verifyingAnnouncer(reference, { sampleRate: R, maxOffsetMs: 1500, threshold: DEFAULT_MATCH_THRESHOLD });
  const settled: Notice[] = [];
  const other = a.begin('line-1', unknown, (n) => settled.push(n));
  feedAll(other, otherSpeech.pcm);
  t.match(settled[0] ?? other.end(unknown), { status: 'not-heard' }, 'other speech, on a call of unknown direction too');
  const short = a.begin('line-1', incoming, (n) => settled.push(n));
  feedAll(short, noise(2000, -60, R, 3));
  const n = short.end(incoming);
  t.match(n, { status: 'not-heard' }, 'two seconds of line noise');
  t.equal(settled.length, 1, 'the short call never settled mid-call');
  t.same(a.begin('line-1', outgoing, () => t.fail('never')).end(outgoing), { status: 'not-applicable', reason: 'outgoing' }, 'an outgoing call is not checked');
});

t.test('off: every recording says so', async (t) => {
  t.same(announcerOff.begin('line-1', incoming, () => {}).end(incoming), { status: 'not-applicable', reason: 'mode-off' });
});

t.test('play: incoming calls only; a missing device is not-played naming it; a hang-up mid-announcement shortens it', async (t) => {
  const dir = t.testdir({});
  const pcm = corpus.reference;
  makeFifo(join(dir, 'held.fifo'));
  const { env } = alsaDevices(join(dir, 'xdg'), [
    { name: 'out1', outfile: join(dir, 'out1.raw') },
    { name: 'held', outfile: join(dir, 'held.fifo') },
  ]);
  const clock = new ManualClock(1_000_000);
  const targets = new Map([
    ['line-1', { device: 'out1', channels: 1, channel: 0 }],
    ['line-2', { device: 'nosuchdevice', channels: 1, channel: 0 }],
    ['line-3', { device: 'held', channels: 1, channel: 0 }],
  ]);
  const a = playingAnnouncer(pcm, R, targets, { clock, player: { env: { ...process.env, ...env } } });
  const fullMs = Math.round((pcm.length / R) * 1000);

  const played = await new Promise<Notice>((resolve) => a.begin('line-1', incoming, resolve));
  t.same(played, { status: 'played', at: 1_000_000, durationMs: fullMs }, 'played to the end');

  const failed = await new Promise<Notice>((resolve) => a.begin('line-2', incoming, resolve));
  t.match(failed, { status: 'not-played', error: /nosuchdevice/ }, 'the ALSA error, naming the device');

  t.same(a.begin('line-1', outgoing, () => t.fail('never')).end(outgoing), { status: 'not-applicable', reason: 'outgoing' });
  t.same(a.begin('line-1', unknown, () => t.fail('never')).end(unknown), { status: 'not-applicable', reason: 'direction-unknown' }, 'a call that may be outgoing is not spoken to');
  t.same(a.begin('line-9', incoming, () => t.fail('never')).end(incoming), { status: 'not-played', error: 'no playback device for line line-9' });

  // A device that takes the audio slowly (a FIFO nobody reads): the caller hangs up 1.2 s in.
  const reader = openSync(join(dir, 'held.fifo'), constants.O_RDONLY | constants.O_NONBLOCK);
  t.teardown(() => closeSync(reader));
  let late: Notice | undefined;
  const s = a.begin('line-3', incoming, (n) => (late = n));
  await new Promise((r) => setTimeout(r, 300));
  clock.advance(1200);
  t.same(s.end(incoming), { status: 'played', at: 1_000_000, durationMs: 1200 }, 'played as far as the call lasted');
  await new Promise((r) => setTimeout(r, 700));
  t.equal(late, undefined, 'the stopped playback settles nothing afterwards');
});

t.test('at start: a bad announcement or no aplay stops the recorder, naming what is wrong', async (t) => {
  const dir = t.testdir({});
  const yaml = (extra: string) =>
    parseConfig(
      `box: { id: b-1, site: s }\ncapture: { device: trunk, rate: 8000, channels: 1 }\nlines: [{ id: line-1, channel: 0, playback: { device: out1 } }]\n` +
        `storage: { path: store }\nseal: { publicKey: k.pub }\n${extra}`,
      'box.yaml', dir, { canRead: () => undefined },
    );
  const clock = new ManualClock(0);
  t.equal(await loadAnnouncer(yaml(''), { clock }), announcerOff, 'mode off');
  await t.rejects(loadAnnouncer(yaml('announcement: { mode: verify, file: missing.wav }\n'), { clock }), { code: 'TAL_ANNOUNCEMENT_INVALID', message: /missing\.wav does not exist/ });
  // A tone a tenth of a second long: a file that reads, but no announcement.
  writeWav(join(dir, 'blip.wav'), 8000, '16', [Float64Array.from({ length: 800 }, (_, i) => 0.5 * Math.sin(i / 3))]);
  const blip = await loadAnnouncer(yaml('announcement: { mode: verify, file: blip.wav }\n'), { clock }).catch((e: unknown) => e);
  t.ok(isTalError(blip, 'TAL_ANNOUNCEMENT_INVALID'), 'too short to be an announcement');
  t.match((blip as Error).message, /blip\.wav/);
  writeWav(join(dir, 'ok.wav'), 8000, '16', [Float64Array.from(corpus.reference, (x) => x / 32768)]);
  await t.rejects(
    loadAnnouncer(yaml('announcement: { mode: play, file: ok.wav }\n'), { clock, player: { aplay: '/nonexistent/aplay' } }),
    { code: 'TAL_CONFIG_INVALID', message: /announcement\.mode play: aplay not found .*install alsa-utils/ },
  );
  t.ok(await loadAnnouncer(yaml('announcement: { mode: verify, file: ok.wav }\n'), { clock }), 'a good file: an announcer');
});
