// loadConfig against real files in a temporary directory.
import t, { type Test } from 'tap';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canReadFile, loadConfig, parseConfig, type Config } from '../../../src/core/config/index.js';

const MINIMAL = `box: { id: lpr-1, site: lappeenranta }
capture: { device: "hw:1,0", rate: 8000, channels: 2 }
lines:
  - { id: line-1, channel: 0 }
  - { id: line-2, channel: 1 }
storage: { path: /var/lib/tallennin }
seal: { publicKey: KEY }
`;

/** A temp dir holding box.yaml (MINIMAL with `key` as seal.publicKey) and a readable key file. */
function setup(t: Test, key: string, text = MINIMAL) {
  const dir = t.testdir({ 'controller.pub': 'not parsed here\n' });
  const file = join(dir, 'box.yaml');
  writeFileSync(file, text.replace('KEY', key));
  return { dir, file };
}

t.test('the minimal form loads, with every default applied', async (t) => {
  const { dir, file } = setup(t, 'controller.pub');
  const config = await loadConfig(file);
  const expected: Config = {
    box: { id: 'lpr-1', site: 'lappeenranta' },
    capture: { device: 'hw:1,0', rate: 8000, channels: 2, periodMs: 20 },
    lines: [
      { id: 'line-1', channel: 0 },
      { id: 'line-2', channel: 1 },
    ],
    signals: [],
    vox: { onDbfs: -40, offDbfs: -46, attackMs: 200, hangMs: 8000, leadMs: 300 },
    call: { stopCode: '*0#', ringTimeoutMs: 8000, clipValidMs: 30000, dialGapMs: 4000, stopCodeGapMs: 2000, delayMs: 80 },
    clip: { withheldCodes: ['10'], unavailableCodes: ['00'] },
    recorder: { preRollMs: 2500, chunkMs: 960, maxCallMinutes: 240 },
    retention: { months: 2 },
    opus: { bitrate: 12000 },
    storage: { path: '/var/lib/tallennin', minFreeMb: 200, floorPercent: 97 },
    seal: { publicKey: join(dir, 'controller.pub') },
    log: { level: 'info' },
    status: { host: '0.0.0.0', port: 8080, users: join(dir, 'users.json'), sessionMinutes: 30 },
    led: { names: ['led0'], sysfs: '/sys/class/leds' },
    announcement: { text: 'Puhelut tallennetaan asiakaspalvelumme laadun kehittämiseksi.', mode: 'off', maxOffsetMs: 1500, missAlarm: 3 },
  };
  t.same(config, expected);
});

t.test('the line-signalling sections may be left out, left empty, or set in part', async (t) => {
  const { file } = setup(t, 'controller.pub', MINIMAL + 'signals:\ncall: { stopCode: "" }\nclip: { withheldCodes: [] }\n');
  const c = await loadConfig(file);
  t.same(c.signals, []);
  t.same(c.call, { stopCode: '', ringTimeoutMs: 8000, clipValidMs: 30000, dialGapMs: 4000, stopCodeGapMs: 2000, delayMs: 80 });
  t.same(c.clip, { withheldCodes: [], unavailableCodes: ['00'] });
  t.same(c.lines[0], { id: 'line-1', channel: 0 }, 'a line keeps only what the file says: no clip, no farEndTones');
});

t.test('every field can be set', async (t) => {
  const full = `box: { id: lpr-1, site: lappeenranta }
capture: { device: "hw:2,0", rate: 16000, channels: 4, periodMs: 10 }
lines:
  - { id: line-1, channel: 3, vox: { onDbfs: -35, hangMs: 4000 }, clip: fsk-v23, farEndTones: false }
  - { id: line-2, channel: 0 }
  - { id: line-3, channel: 1 }
signals:
  - { type: isdn, port: /dev/ttyUSB1, baud: 115200, lines: { "B1": line-1 } }
  - { type: line-unit, port: /dev/ttyUSB0, lines: { 1: line-2 } }
  - type: modem
    port: /dev/ttyACM0
    lines: { "1": line-3 }
vox: { onDbfs: -42.5, offDbfs: -48, attackMs: 100, hangMs: 6000, leadMs: 0 }
call: { stopCode: "*9A#", ringTimeoutMs: 6000, clipValidMs: 5000, dialGapMs: 3000, stopCodeGapMs: 1500, delayMs: 120 }
clip: { withheldCodes: ["10", "11"], unavailableCodes: ["00", "01", "0001"] }
recorder: { preRollMs: 3000, chunkMs: 960, maxCallMinutes: 60 }
opus: { bitrate: 16000 }
storage: { path: /srv/rec, minFreeMb: 0 }
seal: { publicKey: KEY }
log: { level: debug }
`;
  const { file } = setup(t, 'controller.pub', full);
  const c = await loadConfig(file);
  t.match(c, {
    capture: { rate: 16000, channels: 4, periodMs: 10 },
    lines: [{ id: 'line-1', channel: 3, vox: { onDbfs: -35, hangMs: 4000 }, clip: 'fsk-v23', farEndTones: false }, { id: 'line-2' }, { id: 'line-3' }],
    signals: [
      { type: 'isdn', port: '/dev/ttyUSB1', baud: 115200, lines: { B1: 'line-1' } },
      { type: 'line-unit', port: '/dev/ttyUSB0', baud: 9600, lines: { '1': 'line-2' } },
      { type: 'modem', port: '/dev/ttyACM0', baud: 9600, lines: { '1': 'line-3' } },
    ],
    vox: { onDbfs: -42.5, offDbfs: -48, attackMs: 100, hangMs: 6000, leadMs: 0 },
    call: { stopCode: '*9A#', ringTimeoutMs: 6000, clipValidMs: 5000, dialGapMs: 3000, stopCodeGapMs: 1500, delayMs: 120 },
    clip: { withheldCodes: ['10', '11'], unavailableCodes: ['00', '01', '0001'] },
    recorder: { preRollMs: 3000, chunkMs: 960, maxCallMinutes: 60 },
    opus: { bitrate: 16000 },
    storage: { path: '/srv/rec', minFreeMb: 0, floorPercent: 97 },
    log: { level: 'debug' },
  });
});

t.test('empty optional sections mean "all defaults"', async (t) => {
  const { file } = setup(t, 'controller.pub', MINIMAL + 'vox:\nrecorder:\nopus:\nlog:\ncall:\nclip:\nsignals:\n');
  const c = await loadConfig(file);
  t.equal(c.vox.hangMs, 8000);
  t.equal(c.log.level, 'info');
  t.equal(c.call.stopCode, '*0#');
  t.same(c.clip.unavailableCodes, ['00']);
  t.same(c.signals, []);
});

t.test('signalling sources\' ports may be missing at load, and are not resolved', async (t) => {
  const text = MINIMAL + 'signals: [{ type: line-unit, port: /dev/serial/by-id/not-plugged-in, lines: { "1": line-1, "2": line-2 } }]\n';
  const { file } = setup(t, 'controller.pub', text);
  const c = await loadConfig(file);
  t.equal(c.signals[0]!.port, '/dev/serial/by-id/not-plugged-in');
});

t.test('the loaded defaults of one config are not shared with another', async (t) => {
  const { file } = setup(t, 'controller.pub');
  const [a, b] = [await loadConfig(file), await loadConfig(file)];
  t.not(a.clip.withheldCodes, b.clip.withheldCodes);
  t.not(a.signals, b.signals);
});

t.test('relative paths resolve against the config file\'s directory', async (t) => {
  const { dir, file } = setup(t, './controller.pub', MINIMAL.replace('/var/lib/tallennin', 'recordings'));
  const c = await loadConfig(file);
  t.equal(c.storage.path, join(dir, 'recordings'));
  t.equal(c.seal.publicKey, join(dir, 'controller.pub'));
});

t.test('the config is deeply frozen', async (t) => {
  const { file } = setup(t, 'controller.pub');
  const c = await loadConfig(file);
  t.ok(Object.isFrozen(c));
  t.ok(Object.isFrozen(c.capture));
  t.ok(Object.isFrozen(c.lines));
  t.ok(Object.isFrozen(c.lines[0]));
  t.ok(Object.isFrozen(c.vox));
  t.ok(Object.isFrozen(c.signals));
  t.ok(Object.isFrozen(c.call));
  t.ok(Object.isFrozen(c.clip.withheldCodes));
  t.throws(() => {
    (c.capture as { rate: number }).rate = 16000;
  }, TypeError);
});

t.test('a public key that does not exist is refused with the field, the path and ENOENT', async (t) => {
  const { dir, file } = setup(t, 'keys/missing.pub');
  await t.rejects(loadConfig(file), {
    code: 'TAL_CONFIG_INVALID',
    message:
      `config ${file}: seal.publicKey: cannot read the public key file "keys/missing.pub", ` +
      `resolved to ${join(dir, 'keys/missing.pub')}: no such file or directory (ENOENT)`,
  });
});

t.test('a public key path that is a directory is refused', async (t) => {
  const { dir, file } = setup(t, 'keys');
  mkdirSync(join(dir, 'keys'));
  await t.rejects(loadConfig(file), {
    code: 'TAL_CONFIG_INVALID',
    message: new RegExp(`seal\\.publicKey: cannot read the public key file "keys", resolved to ${join(dir, 'keys')}: it is a directory, not a file \\(EISDIR\\)$`),
  });
});

t.test('a public key that is a dangling symbolic link is refused', async (t) => {
  const dir = t.testdir({});
  const link = join(dir, 'current.pub');
  symlinkSync(join(dir, 'gone.pub'), link);
  const file = join(dir, 'box.yaml');
  writeFileSync(file, MINIMAL.replace('KEY', link));
  await t.rejects(loadConfig(file), {
    code: 'TAL_CONFIG_INVALID',
    message: `config ${file}: seal.publicKey: cannot read the public key file ${link}: it is a symbolic link to ${join(dir, 'gone.pub')}, which does not exist (ENOENT)`,
  });
});

t.test('canReadFile: readable file, missing file, directory, dangling link', async (t) => {
  const dir = t.testdir({ 'a.pub': 'x', sub: {} });
  symlinkSync(join(dir, 'nowhere'), join(dir, 'link.pub'));
  t.equal(canReadFile(join(dir, 'a.pub')), undefined);
  t.equal(canReadFile(join(dir, 'b.pub')), 'no such file or directory (ENOENT)');
  t.equal(canReadFile(join(dir, 'a.pub', 'x')), 'a part of the path is not a directory (ENOTDIR)');
  t.match(canReadFile(join(dir, 'sub')), /directory/);
  t.match(canReadFile(join(dir, 'link.pub')), /symbolic link to .*nowhere, which does not exist \(ENOENT\)/);
});

t.test('a config file that cannot be read is TAL_CONFIG_UNREADABLE with the OS reason', async (t) => {
  const dir = t.testdir({});
  await t.rejects(loadConfig(join(dir, 'nope.yaml')), {
    code: 'TAL_CONFIG_UNREADABLE',
    message: `config ${join(dir, 'nope.yaml')}: cannot read the file: no such file or directory (ENOENT)`,
  });
  await t.rejects(loadConfig(dir), {
    code: 'TAL_CONFIG_UNREADABLE',
    message: /cannot read the file: it is a directory, not a file \(EISDIR\)/,
  });
});

t.test('a stop code written without quotes reads as a YAML alias: the message says so, with the line', async (t) => {
  const { file } = setup(t, 'controller.pub', MINIMAL + 'call:\n  stopCode: *0#\n');
  await t.rejects(loadConfig(file), {
    code: 'TAL_CONFIG_UNREADABLE',
    message:
      `config ${file}: YAML error at line 9, column 13: *0# is read as a reference to an anchor named "0#", ` +
      'which is not defined; to write text starting with "*", put it in quotes: "*0#"\n' +
      '  9 |   stopCode: *0#\n' +
      '    |             ^',
  });
});

t.test('a YAML syntax error is TAL_CONFIG_UNREADABLE with its line and column', async (t) => {
  const { file } = setup(t, 'controller.pub', MINIMAL.replace('- { id: line-2, channel: 1 }', '- { id: line-2 channel: 1 }'));
  await t.rejects(loadConfig(file), {
    code: 'TAL_CONFIG_UNREADABLE',
    message: new RegExp(`^config ${file}: YAML syntax error at line 5, column \\d+: .+\\n  5 \\|   - \\{ id: line-2 channel: 1 \\}\\n    \\| +\\^`),
  });
});

t.test('parseConfig uses the real file system for the key unless told otherwise', async (t) => {
  const dir = t.testdir({ 'controller.pub': 'k' });
  const text = MINIMAL.replace('KEY', 'controller.pub');
  t.equal(parseConfig(text, 'inline', dir).seal.publicKey, join(dir, 'controller.pub'));
  t.throws(() => parseConfig(text, 'inline', join(dir, 'elsewhere')), { code: 'TAL_CONFIG_INVALID', message: /^config inline: seal\.publicKey: .*ENOENT/ });
  t.equal(parseConfig(text, 'inline', join(dir, 'elsewhere'), { canRead: () => undefined }).seal.publicKey, join(dir, 'elsewhere', 'controller.pub'));
});
