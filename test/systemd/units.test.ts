// The systemd units (systemd/*.service) as systemd 252 itself reads them: `systemd-analyze verify`
// must accept each without a word, `systemd-analyze security --offline=yes` must rate each at or
// below its exposure threshold, and the settings the app relies on must be there.
//
// verify checks that every program a unit runs exists and is executable, and the box's programs
// (/usr/lib/tallennin/firstboot, /usr/bin/node) are not on a CI machine. So it runs with --root
// on a temp folder holding a copy of the host's unit tree (verify needs sysinit.target and the
// rest of the default dependencies) and an empty executable file for each program image/LAYOUT.md
// names. Symlinks to the host's folders do not work: systemd resolves them inside the root, so
// an absolute link points back into the temp folder (ELOOP). A unit naming any other program
// (a typo) finds nothing there and fails. --root also keeps the host's drop-ins out of the check.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const UNITS = fileURLToPath(new URL('../../systemd/', import.meta.url));
const LED_RULE = fileURLToPath(new URL('../../image/udev/99-tallennin-leds.rules', import.meta.url));

/** The highest exposure `systemd-analyze security` may give each unit. */
const THRESHOLDS: Record<string, number> = {
  'tallennin-recorder.service': 2.5,
  'tallennin-indexer.service': 2.5,
  // First boot runs as root with the block devices, mounts, a writable /sys, /lib/modules and
  // the power to reboot: partitioning and provisioning need them, so most of the sandbox that
  // brings the other two under 2.5 cannot apply. 4.8 is what it reaches; it must not get worse.
  'tallennin-firstboot.service': 4.8,
};

/** The programs the units may run (image/LAYOUT.md); each is an empty executable in the root. */
const PROGRAMS = ['/usr/bin/node', '/bin/sh', '/usr/lib/tallennin/firstboot'];

const env = { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: 'cat' };
const analyze = (args: string[]) => {
  const r = spawnSync('systemd-analyze', args, { encoding: 'utf8', env, timeout: 20_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
};

// --- a unit file's settings ---------------------------------------------------------------------
type Unit = Map<string, Map<string, string[]>>;
function parseUnit(text: string): Unit {
  const sections: Unit = new Map();
  let current: Map<string, string[]> | undefined;
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq < 0) throw new Error(`not a unit file line: ${line}`);
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}
const values = (u: Unit, section: string, key: string): string[] => u.get(section)?.get(key) ?? [];
const value = (u: Unit, section: string, key: string): string | undefined => values(u, section, key).at(-1);

const unitNames = readdirSync(UNITS).filter((f) => f.endsWith('.service')).sort();
const texts = new Map(unitNames.map((n) => [n, readFileSync(join(UNITS, n), 'utf8')]));

t.test('the expected units are there, each with an exposure threshold', async (t) => {
  t.same(unitNames, Object.keys(THRESHOLDS).sort());
});

const probe = analyze(['--version']);
const missing = probe.error ? `systemd-analyze not found (${probe.error.message}): install systemd to check the units` : false;
t.test('systemd-analyze', { skip: missing }, async (t) => {
  t.comment(probe.output.split('\n')[0]!);

  // --- the root for verify ----------------------------------------------------------------------
  const root = mkdtempSync(join(tmpdir(), 'tallennin-units-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const hostTree = ['/usr/lib/systemd/system', '/lib/systemd/system'].find((d) => existsSync(join(d, 'sysinit.target')));
  if (!hostTree) throw new Error('no systemd unit tree with sysinit.target in /usr/lib/systemd/system or /lib/systemd/system');
  // a copy with its links as they are: relative, into /lib or /usr (which resolve inside the root
  // through the links below), or to /dev/null (masked units, which systemd knows by the name)
  cpSync(hostTree, join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
  // merged /usr as on Debian 12, so that absolute links into /lib resolve inside the root too
  for (const d of ['bin', 'sbin', 'lib']) {
    mkdirSync(join(root, 'usr', d), { recursive: true });
    symlinkSync(`usr/${d}`, join(root, d));
  }
  for (const p of PROGRAMS) {
    mkdirSync(join(root, dirname(p)), { recursive: true });
    writeFileSync(join(root, p), '');
    chmodSync(join(root, p), 0o755);
  }
  const etc = join(root, 'etc/systemd/system');
  mkdirSync(etc, { recursive: true });
  for (const [name, text] of texts) writeFileSync(join(etc, name), text);

  /** verify as CI wants it: exit 0 and not a word on stdout or stderr. */
  const verify = (name: string) => {
    const r = analyze(['verify', `--root=${root}`, name]);
    return { ...r, clean: r.status === 0 && r.output === '' };
  };
  /** A unit made from a real one by exactly one change, installed in the root under its own name. */
  const variant = (from: string, name: string, change: [RegExp, string]) => {
    const text = texts.get(from)!;
    if (!change[0].test(text)) throw new Error(`${from} has no line matching ${change[0]}`);
    writeFileSync(join(etc, name), text.replace(change[0], change[1]));
    return name;
  };

  for (const name of unitNames) {
    t.test(`${name}: systemd-analyze verify accepts it without a word`, async (t) => {
      const r = verify(name);
      t.equal(r.status, 0, 'exit status 0');
      t.equal(r.output, '', 'nothing printed');
    });

    t.test(`${name}: exposure at most ${THRESHOLDS[name]}`, async (t) => {
      const r = analyze(['security', '--offline=yes', `--root=${root}`, '--no-pager', name]);
      t.equal(r.status, 0, 'security exits 0');
      const m = new RegExp(`Overall exposure level for ${name.replace(/\./g, '\\.')}: (\\d+\\.\\d+)`).exec(r.output);
      if (!m) return t.fail(`no overall exposure level in: ${r.output}`);
      const score = Number(m[1]);
      t.comment(`${name}: exposure ${score}`);
      if (!t.ok(score <= THRESHOLDS[name]!, `${score} <= ${THRESHOLDS[name]}`)) {
        t.comment(r.output.split('\n').filter((l) => l.startsWith('✗')).join('\n'));
      }
    });
  }

  t.test('the check fails on a misspelt directive', async (t) => {
    const r = verify(variant('tallennin-recorder.service', 'typo-recorder.service', [/^WatchdogSec=30$/m, 'WatchdogSecs=30']));
    t.notOk(r.clean, 'not clean');
    t.match(r.output, /Unknown key 'WatchdogSecs'/);
  });

  t.test('the check fails on a program that is not there', async (t) => {
    const r = verify(variant('tallennin-firstboot.service', 'missing-program.service', [/^ExecStart=\/usr\/lib\/tallennin\/firstboot$/m, 'ExecStart=/usr/lib/tallennin/firstbot']));
    t.notOk(r.clean, 'not clean');
    t.not(r.status, 0, 'verify exits non-zero');
    t.match(r.output, /firstbot is not executable/);
  });

  t.test('the check fails on a stop command whose program is not there', async (t) => {
    const r = verify(variant('tallennin-recorder.service', 'missing-stop-program.service', [/^ExecStopPost=\+\/bin\/sh /m, 'ExecStopPost=+/bin/shh ']));
    t.notOk(r.clean, 'not clean');
    t.match(r.output, /shh is not executable/);
  });
});

// --- what the app relies on, read from the unit text (no systemd needed) -------------------------
const recorder = parseUnit(texts.get('tallennin-recorder.service') ?? '');
const indexer = parseUnit(texts.get('tallennin-indexer.service') ?? '');
const firstboot = parseUnit(texts.get('tallennin-firstboot.service') ?? '');

t.test('recorder: notify with watchdog, its own user, closed device policy with ALSA', async (t) => {
  t.equal(value(recorder, 'Service', 'ExecStart'), '/usr/bin/node /opt/tallennin/dist/cli.js record --config /etc/tallennin/box.yaml');
  t.equal(value(recorder, 'Service', 'Type'), 'notify');
  // READY=1 and WATCHDOG=1 come from the app's socat child, not the main PID
  t.equal(value(recorder, 'Service', 'NotifyAccess'), 'all');
  t.match(value(recorder, 'Service', 'WatchdogSec'), /^\d+$/);
  t.equal(value(recorder, 'Service', 'User'), 'tallennin');
  t.equal(value(recorder, 'Service', 'Group'), 'tallennin');
  t.equal(value(recorder, 'Service', 'DevicePolicy'), 'closed');
  t.ok(values(recorder, 'Service', 'DeviceAllow').includes('char-alsa rw'), 'DeviceAllow=char-alsa rw');
  t.equal(value(recorder, 'Service', 'Restart'), 'always');
  t.equal(value(recorder, 'Unit', 'StartLimitIntervalSec'), '0', 'restarts for ever');
  t.equal(value(recorder, 'Service', 'StateDirectory'), 'tallennin');
  t.equal(value(recorder, 'Unit', 'ConditionPathExists'), '/etc/tallennin/box.yaml');
});

t.test('recorder: the stop command switches off the LEDs the udev rule opens, as docs/led.md says', async (t) => {
  const stop = value(recorder, 'Service', 'ExecStopPost') ?? '';
  const m = /^\+\/bin\/sh -c '([^']*)'$/.exec(stop);
  if (!m) return t.fail(`ExecStopPost is not +/bin/sh -c '…': ${stop}`);
  const script = m[1]!.replace(/\$\$/g, '$'); // what systemd hands to sh
  const kernel = /KERNEL=="([^"]+)"/.exec(readFileSync(LED_RULE, 'utf8'))![1]!.split('|');
  const named = [...script.matchAll(/\/sys\/class\/leds\/([A-Za-z0-9_:-]+)/g)].map((x) => x[1]!);
  t.same([...new Set(named)].sort(), [...kernel].sort(), 'the same LEDs as the udev rule');

  // run it against a fake LED class: led0 lit by a trigger, PWR whose trigger cannot be written,
  // led1 without a trigger file, ACT missing
  const fake = mkdtempSync(join(tmpdir(), 'tallennin-leds-'));
  t.teardown(() => rmSync(fake, { recursive: true, force: true }));
  mkdirSync(join(fake, 'led0'));
  writeFileSync(join(fake, 'led0/trigger'), 'timer\n');
  writeFileSync(join(fake, 'led0/brightness'), '1\n');
  mkdirSync(join(fake, 'PWR/trigger'), { recursive: true });
  writeFileSync(join(fake, 'PWR/brightness'), '1\n');
  mkdirSync(join(fake, 'led1'));
  writeFileSync(join(fake, 'led1/brightness'), '1\n');
  const r = spawnSync('/bin/sh', ['-c', script.replaceAll('/sys/class/leds/', `${fake}/`)], { encoding: 'utf8' });
  t.equal(r.status, 0, 'exits 0 whatever it met');
  t.equal(readFileSync(join(fake, 'led0/trigger'), 'utf8'), 'none\n', 'led0 trigger none');
  t.equal(readFileSync(join(fake, 'led0/brightness'), 'utf8'), '0\n', 'led0 brightness 0');
  t.equal(readFileSync(join(fake, 'PWR/brightness'), 'utf8'), '0\n', 'PWR still switched off when its trigger fails');
  t.equal(readFileSync(join(fake, 'led1/brightness'), 'utf8'), '1\n', 'an LED without a trigger file is left alone');
  t.notOk(existsSync(join(fake, 'ACT')), 'a missing LED is not made');
});

t.test('indexer: notify with watchdog, its own user, no devices', async (t) => {
  t.equal(value(indexer, 'Service', 'ExecStart'), '/usr/bin/node /opt/tallennin/dist/cli.js indexer --config /etc/tallennin-indexer/indexer.yaml');
  t.equal(value(indexer, 'Service', 'Type'), 'notify');
  t.equal(value(indexer, 'Service', 'NotifyAccess'), 'all');
  t.match(value(indexer, 'Service', 'WatchdogSec'), /^\d+$/);
  t.equal(value(indexer, 'Service', 'User'), 'tallennin-indexer');
  t.equal(value(indexer, 'Service', 'PrivateDevices'), 'yes');
  t.equal(value(indexer, 'Service', 'StateDirectory'), 'tallennin-indexer');
  // the credential names src/commands/passphrase.ts and indexer.ts read
  const creds = values(indexer, 'Service', 'LoadCredential').map((v) => v.split(':')[0]);
  t.same(creds.sort(), ['command-key-passphrase', 'key-passphrase']);
});

t.test('first boot: a oneshot before the recorder, run while provisioning waits or the data partition is missing', async (t) => {
  t.equal(value(firstboot, 'Service', 'Type'), 'oneshot');
  t.equal(value(firstboot, 'Service', 'ExecStart'), '/usr/lib/tallennin/firstboot');
  t.same(values(firstboot, 'Unit', 'ConditionPathExists').sort(), ['|!/srv/tallennin/.firstboot-done', '|/boot/firmware/tallennin-provision.yaml']);
  t.ok(values(firstboot, 'Unit', 'Before').join(' ').split(/\s+/).includes('tallennin-recorder.service'), 'Before=tallennin-recorder.service');
  t.ok(values(recorder, 'Unit', 'After').join(' ').split(/\s+/).includes('tallennin-firstboot.service'), 'the recorder is ordered after it');
  // the data partition is nofail (image/files/fstab): local-fs.target alone does not wait for it
  t.ok(values(firstboot, 'Unit', 'After').join(' ').split(/\s+/).includes('srv-tallennin.mount'), 'ordered after the data partition\'s mount');
  t.equal(value(firstboot, 'Service', 'User'), undefined, 'runs as root');
});
