// `tallennin announce`: a technician plays the announcement on a line through ALSA, and scores
// a recording of a call's first seconds against it. Wrong lines, missing devices and bad files
// get messages that say what to fix.
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAnnouncement } from '../../src/box/notice/announcement-file.js';
import { DEFAULT_MATCH_THRESHOLD } from '../../src/core/dsp/match/index.js';
import { announcementCorpus } from '../../src/simulate/announcement-corpus.js';
import { alsaDevices } from '../../src/simulate/alsa-file-device.js';
import { boxFixture, cli } from '../helpers/box-fixture.js';
import { writeWav } from '../box/notice/fixtures.js';

const corpus = announcementCorpus(8000);
const asFloat = (pcm: Int16Array) => Float64Array.from(pcm, (x) => x / 32768);

function fixture(t: Test) {
  const dir = t.testdir({});
  const f = boxFixture({
    infile: '/dev/null',
    channels: 3,
    dir,
    lineYaml: (c) => (c === 0 ? 'playback: { device: play1 }' : c === 1 ? 'playback: { device: nosuchdevice }' : ''),
    extraYaml: 'announcement: { mode: verify, file: announcement.wav }\n',
  });
  writeWav(join(dir, 'announcement.wav'), 8000, '16', [asFloat(corpus.reference)]);
  const { env } = alsaDevices(join(dir, 'xdg'), [{ name: 'trunk', infile: '/dev/null' }, { name: 'play1', outfile: join(dir, 'line-1.raw') }]);
  return { ...f, env: { ...f.env, ...env } };
}

t.test('announce play: the announcement reaches the line\'s playback device', async (t) => {
  const f = fixture(t);
  const r = cli(f, ['announce', 'play', '--config', f.config, '--line', 'line-1']);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /played the announcement \(\d+\.\d s\) on line line-1, device play1 channel 0/);
  const pcm = await loadAnnouncement(join(f.dir, 'announcement.wav'), 8000);
  const played = readFileSync(join(f.dir, 'line-1.raw'));
  t.ok(played.subarray(0, pcm.byteLength).equals(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength)), 'sample for sample');
});

t.test('announce play: a wrong line, a line with no device, a device ALSA does not know', async (t) => {
  const f = fixture(t);
  const unknown = cli(f, ['announce', 'play', '--config', f.config, '--line', 'line-9']);
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /no line "line-9" in the config \(lines: line-1, line-2, line-3\)/);
  const none = cli(f, ['announce', 'play', '--config', f.config, '--line', 'line-3']);
  t.equal(none.status, 2);
  t.match(none.stderr, /line line-3 has no playback device \(lines\[\]\.playback\)/);
  const bad = cli(f, ['announce', 'play', '--config', f.config, '--line', 'line-2']);
  t.equal(bad.status, 1);
  t.match(bad.stderr, /line line-2: the announcement could not be played on nosuchdevice: .*nosuchdevice.*\[TAL_PLAYBACK_DEVICE\]/);
  const usage = cli(f, ['announce']);
  t.equal(usage.status, 2);
  t.match(usage.stderr, /announce play --config FILE --line ID/);
});

t.test('announce check: a call that starts with it is heard, other speech is not', async (t) => {
  const f = fixture(t);
  const heard = corpus.calls.find((c) => c.expect === 'heard' && c.offsetMs! > 300)!;
  const other = corpus.calls.find((c) => c.kind === 'other-speech')!;
  writeWav(join(f.dir, 'heard.wav'), 8000, '16', [asFloat(heard.pcm)]);
  writeWav(join(f.dir, 'other.wav'), 8000, '16', [asFloat(other.pcm)]);
  const yes = cli(f, ['announce', 'check', '--config', f.config, '--audio', 'heard.wav']);
  t.equal(yes.status, 0, yes.stderr);
  const y = JSON.parse(yes.stdout) as { heard: boolean; score: number; threshold: number; offsetMs: number };
  t.match(y, { heard: true, threshold: DEFAULT_MATCH_THRESHOLD });
  t.ok(Math.abs(y.offsetMs - heard.offsetMs!) <= 80, `found at ${y.offsetMs} ms (placed at ${heard.offsetMs} ms)`);
  const no = cli(f, ['announce', 'check', '--config', f.config, '--audio', 'other.wav']);
  t.equal(no.status, 0, no.stderr);
  t.match(JSON.parse(no.stdout), { heard: false });
  const missing = cli(f, ['announce', 'check', '--config', f.config, '--audio', 'nosuch.wav']);
  t.equal(missing.status, 1);
  t.match(missing.stderr, /--audio: .*nosuch\.wav does not exist \(give a 0\.5–30 s recording of a call's first seconds\)/);
});

t.test('the recorder refuses to start on an announcement it cannot use, before it opens its store', async (t) => {
  const f = fixture(t);
  const { writeFileSync, existsSync } = await import('node:fs');
  writeFileSync(f.config, readFileSync(f.config, 'utf8').replace('file: announcement.wav', 'file: gone.wav'));
  const r = cli(f, ['record', '--config', f.config, '--duration', '1']);
  t.equal(r.status, 1);
  t.match(r.stderr, /announcement file .*gone\.wav does not exist \[TAL_ANNOUNCEMENT_INVALID\]/);
  t.notOk(existsSync(f.store), 'no store was opened');
});
