// The `announcement` section and `lines[].playback` (R12): off by default with the notice's
// words; playing or verifying needs a file, playing a device on every line; each problem named.
import t from 'tap';
import { parseConfig, type ConfigError } from '../../../src/core/config/index.js';

const BASE = `box: { id: lpr-1, site: lappeenranta }
capture: { device: "hw:1,0", rate: 8000, channels: 2 }
storage: { path: store }
seal: { publicKey: controller.pub }
`;
const TWO_LINES = 'lines: [{ id: line-1, channel: 0 }, { id: line-2, channel: 1 }]\n';
const load = (yaml: string) => parseConfig(BASE + yaml, 'box.yaml', '/etc/tallennin', { canRead: () => undefined });
const problems = (yaml: string): string => {
  try {
    load(yaml);
  } catch (err) {
    return (err as ConfigError).message;
  }
  throw new Error('expected the config to be refused');
};

t.test('left out: mode off, the privacy notice\'s words, three misses to the alarm', async (t) => {
  t.same(load(TWO_LINES).announcement, {
    text: 'Puhelut tallennetaan asiakaspalvelumme laadun kehittämiseksi.',
    mode: 'off',
    maxOffsetMs: 1500,
    missAlarm: 3,
  });
});

t.test('play: the file resolved against the config\'s folder, a device per line with its defaults', async (t) => {
  const c = load(
    'lines:\n  - { id: line-1, channel: 0, playback: { device: "plughw:1,0" } }\n  - { id: line-2, channel: 1, playback: { device: "plughw:1,0", channels: 2, channel: 1 } }\n' +
      'announcement: { mode: play, file: sounds/notice.wav }\n',
  );
  t.equal(c.announcement.file, '/etc/tallennin/sounds/notice.wav');
  t.same(c.lines.map((l) => l.playback), [{ device: 'plughw:1,0', channels: 1, channel: 0 }, { device: 'plughw:1,0', channels: 2, channel: 1 }]);
});

t.test('verify needs no playback device; threshold and missAlarm as written', async (t) => {
  const c = load(TWO_LINES + 'announcement: { mode: verify, file: notice.opus, threshold: 0.6, missAlarm: 0, maxOffsetMs: 2500 }\n');
  t.match(c.announcement, { mode: 'verify', threshold: 0.6, missAlarm: 0, maxOffsetMs: 2500 });
});

t.test('each problem is named by its field', async (t) => {
  t.match(problems(TWO_LINES + 'announcement: { mode: verify }\n'), /announcement\.file: is missing: announcement\.mode verify needs/);
  t.match(problems(TWO_LINES + 'announcement: { mode: play, file: a.wav }\n'), /lines\[0\]\.playback: is missing: announcement\.mode play needs the ALSA device that speaks onto line "line-1"[\s\S]*lines\[1\]\.playback/);
  t.match(problems(TWO_LINES + 'announcement: { mode: loud }\n'), /announcement\.mode: "loud" is not an announcement mode; use off, play or verify/);
  t.match(problems(TWO_LINES + 'announcement: { mode: verify, file: a.wav, threshold: 1.5 }\n'), /announcement\.threshold: .*1\.5/);
  t.match(problems(TWO_LINES + 'announcement: { missAlarm: -1 }\n'), /announcement\.missAlarm: /);
  t.match(problems(TWO_LINES + 'announcement: { text: "  " }\n'), /announcement\.text: /);
  t.match(problems(TWO_LINES + 'announcement: { fil: a.wav }\n'), /announcement\.fil: .*file/);
  t.match(
    problems('lines: [{ id: line-1, channel: 0, playback: { device: "plughw:1,0", channels: 2, channel: 2 } }]\n'),
    /lines\[0\]\.playback\.channel: 2 is not a channel of a device opened with 2 channels \(0–1\)/,
  );
  t.match(problems('lines: [{ id: line-1, channel: 0, playback: { channel: 0 } }]\n'), /lines\[0\]\.playback\.device: is missing/);
});
