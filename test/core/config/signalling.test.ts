// lineSignalling: a line's caller-ID method and far-end tones, defaults applied, and whether a
// serial source reports it.
import t from 'tap';
import { lineSignalling, parseConfig } from '../../../src/core/config/index.js';

const text = `box: { id: lpr-1, site: lappeenranta }
capture: { device: "hw:1,0", rate: 8000, channels: 4 }
lines:
  - { id: line-1, channel: 0 }
  - { id: line-2, channel: 1, clip: fsk-v23 }
  - { id: line-3, channel: 2, clip: off, farEndTones: false }
  - { id: fax, channel: 3 }
signals:
  - { type: isdn, port: /dev/ttyUSB0, baud: 115200, lines: { B1: line-2 } }
  - { type: modem, port: /dev/ttyACM0, lines: { "1": line-3 } }
storage: { path: /var/lib/tallennin }
seal: { publicKey: /etc/tallennin/controller.pub }
`;
const config = parseConfig(text, 'box.yaml', '/etc/tallennin', { canRead: () => undefined });

t.test('a line with nothing of its own and no source: DTMF caller ID, far-end tones, no hook signalling', async (t) => {
  t.same(lineSignalling(config, 'line-1'), { clip: 'dtmf', farEndTones: true, hookSignalling: false });
  t.same(lineSignalling(config, 'fax'), { clip: 'dtmf', farEndTones: true, hookSignalling: false });
});

t.test('a line\'s own settings, and the source that maps it', async (t) => {
  t.same(lineSignalling(config, 'line-2'), { clip: 'fsk-v23', farEndTones: true, source: 'isdn', hookSignalling: true });
  const s = lineSignalling(config, 'line-3');
  t.same(s, { clip: 'off', farEndTones: false, source: 'modem', hookSignalling: false }, 'a modem tells rings and numbers, not the hook');
  t.ok(Object.isFrozen(s));
  t.same(config.lines[2], { id: 'line-3', channel: 2, clip: 'off', farEndTones: false }, 'the config keeps only what the file says');
  t.same(config.lines[0], { id: 'line-1', channel: 0 });
});

t.test('with no signals section, no line has hook signalling', async (t) => {
  const none = parseConfig(text.replace(/signals:\n(  - .*\n)+/, ''), 'box.yaml', '/etc/tallennin', { canRead: () => undefined });
  t.same(none.signals, []);
  for (const l of none.lines) t.equal(lineSignalling(none, l.id).hookSignalling, false, l.id);
});

t.test('an unknown line id is a programming error', async (t) => {
  t.throws(() => lineSignalling(config, 'line-9'), RangeError);
});
