// SysfsLed against a fake LED class: the files each pattern leaves, the order of the writes,
// and an LED that is missing or may not be written is a warning, once, never a throw.
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SysfsLed, parseTriggers } from '../../../../src/box/status/led/sysfs-led.js';
import { memoryLog } from '../../../helpers/log.js';
import { FakeSysfs, warnings } from './fixtures/fake-sysfs.js';

function setup(t: Test, names = ['led0']) {
  const fake = new FakeSysfs(join(t.testdir({}), 'leds'));
  const { log, lines } = memoryLog();
  const sleeps: number[] = [];
  const led = new SysfsLed({ root: fake.root, names, log, io: fake, sleep: async (ms) => void sleeps.push(ms) });
  return { fake, led, lines, sleeps };
}

t.test('the trigger file is parsed as the kernel prints it', async (t) => {
  t.same(parseTriggers('none [default-on] timer heartbeat\n'), { current: 'default-on', available: new Set(['none', 'default-on', 'timer', 'heartbeat']) });
  t.same(parseTriggers('[none] kbd-scrolllock mmc0 timer\n').current, 'none');
});

t.test('each pattern leaves the files as docs/led.md says', async (t) => {
  const { fake, led, lines } = setup(t);
  fake.addLed('led0', { current: 'default-on' });
  const expect = {
    off: { trigger: 'none', brightness: 0 },
    steady: { trigger: 'default-on', brightness: 255 },
    'slow-blink': { trigger: 'timer', brightness: 0, delayOn: 1000, delayOff: 1000 },
    'fast-blink': { trigger: 'timer', brightness: 0, delayOn: 100, delayOff: 100 },
    heartbeat: { trigger: 'heartbeat', brightness: 0 },
    test: { trigger: 'timer', brightness: 0, delayOn: 50, delayOff: 50 },
  } as const;
  for (const [pattern, files] of Object.entries(expect)) {
    await led.apply(pattern as keyof typeof expect);
    t.same(fake.state('led0'), files, pattern);
    t.equal(led.showing('led0'), pattern);
  }
  // and back from each blink to the others
  for (const pattern of ['fast-blink', 'steady', 'slow-blink', 'off', 'heartbeat', 'steady'] as const) {
    await led.apply(pattern);
    t.same(fake.state('led0'), expect[pattern], `again ${pattern}`);
  }
  t.same(warnings(lines), [], 'no warning');
});

t.test('delay files are written only after `timer` is selected, and timer is not selected again between blinks', async (t) => {
  const { fake, led } = setup(t);
  fake.addLed('led0');
  await led.apply('slow-blink');
  t.same(fake.writes, ['led0/trigger=timer', 'led0/delay_on=1000', 'led0/delay_off=1000']);
  fake.writes.length = 0;
  await led.apply('fast-blink');
  // selecting timer again would make the delay files anew, root-owned (docs/led.md)
  t.same(fake.writes, ['led0/delay_on=100', 'led0/delay_off=100']);
});

t.test('writes only when the pattern changes', async (t) => {
  const { fake, led } = setup(t);
  fake.addLed('led0');
  await led.apply('steady');
  const n = fake.writes.length;
  await led.apply('steady');
  await led.apply('steady');
  t.equal(fake.writes.length, n, 'the same pattern again writes nothing');
  await led.apply('fast-blink');
  t.ok(fake.writes.length > n);
});

t.test('steady without default-on is trigger none at max_brightness', async (t) => {
  const { fake, led } = setup(t);
  fake.addLed('led0', { triggers: ['none', 'timer', 'heartbeat'], current: 'timer', max: 1 });
  await led.apply('steady');
  t.same(fake.state('led0'), { trigger: 'none', brightness: 1 });
});

t.test('heartbeat falls back to timer 100/900 where the kernel lacks it, noted once', async (t) => {
  const { fake, led, lines } = setup(t);
  fake.addLed('led0', { triggers: ['none', 'default-on', 'timer'] });
  await led.apply('heartbeat');
  t.same(fake.state('led0'), { trigger: 'timer', brightness: 0, delayOn: 100, delayOff: 900 });
  await led.apply('steady');
  await led.apply('heartbeat');
  t.equal(lines.filter((l) => l['lacks'] === 'heartbeat').length, 1, 'said once');
  t.same(warnings(lines), [], 'an info, not a warning: the fallback is documented');
});

t.test('without a timer trigger a blink pattern leaves the LED off, warned once', async (t) => {
  const { fake, led, lines } = setup(t);
  fake.addLed('led0', { triggers: ['none', 'default-on'], current: 'default-on' });
  await led.apply('fast-blink');
  t.same(fake.state('led0'), { trigger: 'none', brightness: 0 });
  await led.apply('steady');
  await led.apply('slow-blink');
  t.equal(warnings(lines).length, 1);
  t.match(warnings(lines)[0], { led: 'led0', lacks: 'timer' });
});

t.test('several names all show the same pattern', async (t) => {
  const { fake, led } = setup(t, ['led0', 'led1', 'ACT']);
  for (const n of ['led0', 'led1', 'ACT']) fake.addLed(n);
  await led.apply('fast-blink');
  for (const n of ['led0', 'led1', 'ACT']) t.same(fake.state(n), { trigger: 'timer', brightness: 0, delayOn: 100, delayOff: 100 }, n);
  await led.apply('steady');
  for (const n of ['led0', 'led1', 'ACT']) t.same(fake.state(n), { trigger: 'default-on', brightness: 255 }, n);
});

t.test('a missing LED is a warning logged once, never a throw; it is applied once it appears', async (t) => {
  const { fake, led, lines } = setup(t, ['led0', 'led1']);
  fake.addLed('led1');
  await t.resolves(led.apply('steady'));
  await t.resolves(led.apply('fast-blink'));
  await t.resolves(led.apply('steady'));
  const w = warnings(lines);
  t.equal(w.length, 1, 'one warning for three changes');
  t.match(w[0], { led: 'led0', kind: 'missing', msg: /led0 not found.*led\.names/ });
  t.same(fake.state('led1'), { trigger: 'default-on', brightness: 255 }, 'the LED that is there works meanwhile');
  t.equal(led.showing('led0'), undefined);

  fake.addLed('led0');
  await led.apply('slow-blink');
  t.same(fake.state('led0'), { trigger: 'timer', brightness: 0, delayOn: 1000, delayOff: 1000 }, 'the next change reaches it');
  t.match(lines.at(-1), { led: 'led0', msg: /works again/ });

  fake.removeLed('led0');
  await led.apply('steady');
  t.equal(warnings(lines).length, 2, 'gone again after working: warned again');
});

t.test('an LED still being set up is retried on the next apply, even with the same pattern', async (t) => {
  const { fake, led } = setup(t);
  await led.apply('steady');
  fake.addLed('led0');
  await led.apply('steady');
  t.same(fake.state('led0'), { trigger: 'default-on', brightness: 255 });
});

t.test('delay files still root-owned just after `timer` is selected: waits for udev, no warning', async (t) => {
  const { fake, led, lines, sleeps } = setup(t);
  fake.addLed('led0');
  fake.lagging = 3;
  await led.apply('fast-blink');
  t.same(fake.state('led0'), { trigger: 'timer', brightness: 0, delayOn: 100, delayOff: 100 });
  t.same(sleeps, [10, 20, 40]);
  t.same(warnings(lines), []);
});

t.test('udev never catching up is a permission warning, and the next apply tries the delays again without reselecting timer', async (t) => {
  const { fake, led, lines, sleeps } = setup(t);
  fake.addLed('led0');
  fake.lagging = 100;
  await led.apply('slow-blink');
  t.equal(sleeps.length, 6, 'a bounded wait');
  t.match(warnings(lines), [{ led: 'led0', kind: 'permission', code: 'EACCES', msg: /99-tallennin-leds\.rules/ }]);
  fake.lagging = 1;
  fake.writes.length = 0;
  sleeps.length = 0;
  await led.apply('slow-blink');
  t.same(sleeps, [], 'no wait when timer was already selected');
  t.equal(led.showing('led0'), undefined, 'still not shown');
  await led.apply('slow-blink');
  t.same(fake.writes, ['led0/delay_on=1000', 'led0/delay_off=1000']);
  t.same(fake.state('led0'), { trigger: 'timer', brightness: 0, delayOn: 1000, delayOff: 1000 });
  t.equal(warnings(lines).length, 1);
});

t.test('a trigger the service may not write warns once per LED and never throws', async (t) => {
  const { fake, led, lines } = setup(t, ['led0', 'led1']);
  fake.addLed('led0');
  fake.addLed('led1');
  fake.refuse.set('led0/trigger', 'EACCES');
  fake.refuse.set('led1/trigger', 'EACCES');
  for (const p of ['steady', 'fast-blink', 'heartbeat', 'slow-blink'] as const) await t.resolves(led.apply(p));
  const w = warnings(lines);
  t.equal(w.length, 2, 'once per LED');
  t.same(w.map((l) => l['led']).sort(), ['led0', 'led1']);
  t.ok(w.every((l) => l['kind'] === 'permission'));
});

/** Why a read-only bind mount cannot be made here (needs root or CAP_SYS_ADMIN), or false. */
function cannotBindMount(): string | false {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-bind-probe-'));
  const f = join(dir, 'f');
  writeFileSync(f, '');
  try {
    execFileSync('mount', ['--bind', f, f], { stdio: 'pipe' });
    execFileSync('umount', [f], { stdio: 'pipe' });
    return false;
  } catch (err) {
    return `cannot bind-mount here: ${String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim().split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

t.test('a read-only trigger file in a real tree (a bind mount: tests run as root, so chmod would not stop them)', { skip: cannotBindMount() }, async (t) => {
  // Registered before the test folder is made, so that it runs before tap removes the folder.
  let mounted: string | undefined;
  t.teardown(() => {
    if (mounted) execFileSync('umount', [mounted], { stdio: 'pipe' });
  });
  const root = join(t.testdir({}), 'leds');
  const dir = join(root, 'led0');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'trigger'), 'none [default-on] timer heartbeat\n');
  writeFileSync(join(dir, 'brightness'), '255\n');
  writeFileSync(join(dir, 'max_brightness'), '255\n');
  const trigger = join(dir, 'trigger');
  execFileSync('mount', ['--bind', trigger, trigger], { stdio: 'pipe' });
  mounted = trigger;
  execFileSync('mount', ['-o', 'remount,ro,bind', trigger], { stdio: 'pipe' });
  const { log, lines } = memoryLog();
  const led = new SysfsLed({ root, names: ['led0'], log, sleep: async () => {} });
  for (const p of ['fast-blink', 'off', 'heartbeat'] as const) await t.resolves(led.apply(p));
  const w = warnings(lines);
  t.equal(w.length, 1);
  t.match(w[0], { led: 'led0', kind: 'permission', code: 'EROFS' });
});

t.test('a trigger that is a folder is an error warned once', async (t) => {
  const root = join(t.testdir({}), 'leds');
  mkdirSync(join(root, 'led0', 'trigger'), { recursive: true });
  const { log, lines } = memoryLog();
  const led = new SysfsLed({ root, names: ['led0'], log });
  await t.resolves(led.apply('steady'));
  await t.resolves(led.apply('fast-blink'));
  t.match(warnings(lines), [{ led: 'led0', kind: 'error', code: 'EISDIR' }]);
});

t.test('no names: nothing to do', async (t) => {
  const { led, lines } = setup(t, []);
  await t.resolves(led.apply('fast-blink'));
  t.same(lines, []);
});
