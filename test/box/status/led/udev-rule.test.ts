// image/udev/99-tallennin-leds.rules: the rule matches the LED class on both add and change,
// and its RUN script, with udev's substitutions made, hands the LED's files to the group on a
// fake LED folder, again after `timer` made the delay files anew. There is no udev here to
// load it (`udevadm verify` came after Debian 12's systemd 252), so the script is run as udev
// would run it: %p the device path, $$ a dollar, split at the single quotes.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RULES = new URL('../../../../image/udev/99-tallennin-leds.rules', import.meta.url);
const rules = readFileSync(RULES, 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.trimStart().startsWith('#'));

function keys(rule: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of rule.matchAll(/([A-Z]+(?:\{[^}]*\})?)\s*(==|!=|\+=|=)\s*"([^"]*)"/g)) out.set(`${m[1]}${m[2]}`, m[3]!);
  return out;
}

t.test('one rule: the LED class, on add and on change', async (t) => {
  t.equal(rules.length, 1);
  const k = keys(rules[0]!);
  t.same(k.get('ACTION==')?.split('|').sort(), ['add', 'change'], 'change too: each selection of timer makes delay_on/delay_off anew');
  t.equal(k.get('SUBSYSTEM=='), 'leds');
  t.same(k.get('KERNEL==')?.split('|'), ['led0', 'led1', 'ACT', 'PWR'], 'the default led.names (led0) among them');
  t.notOk(k.has('GROUP=') || k.has('MODE=') || k.has('OWNER='), 'those act on /dev nodes, not on sysfs attributes');
  t.ok(k.has('RUN+='));
});

const gid = (() => {
  try {
    return Number(execFileSync('getent', ['group', 'nogroup'], { encoding: 'utf8' }).split(':')[2]);
  } catch {
    return undefined;
  }
})();

t.test('the RUN script gives trigger, brightness and the delay files to the group', { skip: gid === undefined ? 'no group nogroup to stand in for tallennin' : false }, async (t) => {
  const run = keys(rules[0]!).get('RUN+=')!;
  const m = /^\/bin\/sh -c '([^']*)'$/.exec(run);
  t.ok(m, 'one single-quoted script for sh, as udev splits it');
  const script = m![1]!;
  t.notMatch(script.replaceAll('%p', '').replaceAll('$$', ''), /[%$]/, 'no other udev substitution by accident');
  t.match(script, /\/bin\/chgrp tallennin /);

  const sys = t.testdir({});
  const devpath = '/devices/platform/leds/leds/led0';
  const dir = join(sys, devpath);
  mkdirSync(dir, { recursive: true });
  for (const f of ['trigger', 'brightness', 'max_brightness', 'uevent']) writeFileSync(join(dir, f), '0\n', { mode: 0o644 });
  const runRule = () =>
    execFileSync('/bin/sh', ['-c', script.replaceAll('/sys%p', sys + devpath).replaceAll('%p', devpath).replaceAll('$$', '$').replace('chgrp tallennin', 'chgrp nogroup')], {
      stdio: 'pipe',
    });
  const owned = (f: string) => {
    const s = statSync(join(dir, f));
    return { gid: s.gid, mode: (s.mode & 0o777).toString(8) };
  };

  runRule(); // add: no trigger files yet
  t.same(owned('trigger'), { gid, mode: '664' });
  t.same(owned('brightness'), { gid, mode: '664' });
  t.same(owned('max_brightness'), { gid: 0, mode: '644' }, 'read-only files left alone');
  t.same(owned('uevent'), { gid: 0, mode: '644' });

  // `timer` selected: the kernel adds the delay files, root:root 0644, and sends "change"
  for (const f of ['delay_on', 'delay_off']) writeFileSync(join(dir, f), '500\n', { mode: 0o644 });
  runRule();
  t.same(owned('delay_on'), { gid, mode: '664' });
  t.same(owned('delay_off'), { gid, mode: '664' });

  // another trigger: the delay files are gone; the script must not fail over it
  for (const f of ['delay_on', 'delay_off']) rmSync(join(dir, f));
  t.doesNotThrow(runRule);
});
