// image/rootfs/tallennin-update against a temporary app folder (TALLENNIN_APP_DIR) and a fake
// systemctl (SYSTEMCTL) that runs whatever release app/current points at: each test release
// carries a file `behaviour` saying what the fake recorder does when started ("ok", "no-start":
// `systemctl start` fails, "dies": it starts and is found failed at the first look,
// "condition": its start condition fails, as on a box not provisioned yet). The
// tarballs are real, made with tar here; `node dist/cli.js --help` runs with this Node.
import t, { type Test } from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const UPDATE = fileURLToPath(new URL('../../image/rootfs/tallennin-update', import.meta.url));
const PLATFORM = `${process.platform}-${process.arch}-abi${process.versions.modules}`;

// The fake systemctl: state in $TALLENNIN_APP_DIR/../systemd/, every call logged to calls.log
// with the version app/current points at.
const FAKE_SYSTEMCTL = `#!/bin/bash
set -u
app=$TALLENNIN_APP_DIR
sd=$app/../systemd
mkdir -p "$sd"
version=$(cat "$app/current/VERSION" 2>/dev/null || echo none)
behaviour=$(cat "$app/current/behaviour" 2>/dev/null || echo ok)
echo "$* [$version]" >>"$sd/calls.log"
case $1 in
  start)
    if [ "$behaviour" = no-start ]; then echo failed >"$sd/state"; echo "Job for $2 failed." >&2; exit 1; fi
    # ConditionPathExists= not met: start "succeeds", the unit stays inactive
    if [ "$behaviour" = condition ]; then echo inactive >"$sd/state"; exit 0; fi
    echo active >"$sd/state"; exit 0 ;;
  stop) echo inactive >"$sd/state"; exit 0 ;;
  is-active)
    state=$(cat "$sd/state" 2>/dev/null || echo inactive)
    if [ "$state" = active ] && [ "$behaviour" = dies ]; then state=failed; echo failed >"$sd/state"; fi
    echo "$state"; [ "$state" = active ] ;;
  show)
    if [[ " $* " == *" ConditionResult "* ]]; then
      if [ "$behaviour" = condition ]; then echo no; else echo yes; fi
    elif [[ " $* " == *" StatusText "* ]]; then
      # status-texts: the recorder's status line, one per look; the last one stays
      if [ -f "$sd/status-texts" ]; then
        head -n 1 "$sd/status-texts"
        if [ "$(wc -l <"$sd/status-texts")" -gt 1 ]; then sed -i 1d "$sd/status-texts"; fi
      fi
    else echo 0; fi ;;
  *) echo "fake systemctl: $*" >&2; exit 1 ;;
esac
`;

interface Release {
  version?: string;
  behaviour?: 'ok' | 'no-start' | 'dies' | 'condition';
  help?: 'ok' | 'fails';
  platform?: string;
  noDist?: boolean;
  noModules?: boolean;
  /** a symlink at the release's top */
  link?: { name: string; to: string };
}

interface Box {
  root: string;
  app: string;
  calls: () => string[];
  run: (args: string[]) => { status: number | null; stderr: string };
  tarball: (r: Release) => { file: string; sha256: string };
  current: () => string | undefined;
  previous: () => string | undefined;
  releases: () => string[];
}

function box(t: Test): Box {
  const root = resolve(t.testdir({}));
  const app = join(root, 'app');
  mkdirSync(join(app, 'releases'), { recursive: true });
  const systemctl = join(root, 'systemctl');
  writeFileSync(systemctl, FAKE_SYSTEMCTL, { mode: 0o755 });
  let n = 0;

  const makeDir = (dir: string, r: Release): void => {
    mkdirSync(join(dir, 'dist'), { recursive: true });
    if (r.version !== undefined) writeFileSync(join(dir, 'VERSION'), `${r.version}\n`);
    writeFileSync(join(dir, 'package.json'), '{"name":"tallennin","version":"0.0.0"}\n');
    writeFileSync(join(dir, 'package-lock.json'), '{}\n');
    if (!r.noDist) writeFileSync(join(dir, 'dist', 'cli.js'), r.help === 'fails' ? 'console.error("boom: cannot load"); process.exit(3);\n' : 'process.exit(0);\n');
    if (!r.noModules) {
      mkdirSync(join(dir, 'node_modules', 'x', 'bin'), { recursive: true });
      mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
      writeFileSync(join(dir, 'node_modules', 'x', 'bin', 'x.js'), '');
      // a relative link inside the release, as npm makes them: allowed
      symlinkSync('../x/bin/x.js', join(dir, 'node_modules', '.bin', 'x'));
      writeFileSync(join(dir, 'PLATFORM'), `${r.platform ?? PLATFORM}\n`);
    }
    writeFileSync(join(dir, 'behaviour'), `${r.behaviour ?? 'ok'}\n`);
    if (r.link) symlinkSync(r.link.to, join(dir, r.link.name));
  };

  return {
    root,
    app,
    calls: () => (existsSync(join(root, 'systemd', 'calls.log')) ? readFileSync(join(root, 'systemd', 'calls.log'), 'utf8').trim().split('\n') : []),
    run: (args) => {
      const r = spawnSync('bash', [UPDATE, ...args], {
        env: { ...process.env, SYSTEMCTL: systemctl, TALLENNIN_APP_DIR: app, NODE: process.execPath, TALLENNIN_UPDATE_POLL: '0.1' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      return { status: r.status, stderr: r.stderr };
    },
    tarball: (r) => {
      const dir = join(root, `src-${++n}`);
      makeDir(dir, r);
      const file = join(root, `release-${n}.tar.gz`);
      execFileSync('tar', ['-czf', file, '-C', dir, '.']);
      return { file, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
    },
    current: () => (isLink(join(app, 'current')) ? readlinkSync(join(app, 'current')) : undefined),
    previous: () => (isLink(join(app, 'previous')) ? readlinkSync(join(app, 'previous')) : undefined),
    releases: () => readdirSync(join(app, 'releases')).filter((f) => !f.startsWith('.')).sort(),
  };
}

function isLink(p: string): boolean {
  try {
    readlinkSync(p);
    return true;
  } catch {
    return false;
  }
}

/** exit 0, or the script's own words on why not */
function ok(t: Test, r: { status: number | null; stderr: string }): void {
  t.equal(r.status, 0, 'exit 0');
  if (r.status !== 0) t.comment(r.stderr);
}

/** A box already running release 1.0.0 (as an earlier update would have left it). */
function running(b: Box, version = '1.0.0'): void {
  const { file, sha256 } = b.tarball({ version });
  const r = b.run([file, '--sha256', sha256, '--grace', '0']);
  if (r.status !== 0) throw new Error(`setting up ${version}: ${r.stderr}`);
}

t.test('a good update points current at the new release and previous at the old one', async (t) => {
  const b = box(t);
  running(b);
  t.equal(b.current(), 'releases/1.0.0');
  t.equal(b.previous(), undefined, 'no previous before the first update');

  const { file, sha256 } = b.tarball({ version: '1.1.0' });
  const r = b.run([file, '--sha256', sha256.toUpperCase(), '--grace', '1']);
  ok(t, r);
  t.equal(b.current(), 'releases/1.1.0');
  t.equal(b.previous(), 'releases/1.0.0');
  t.same(b.releases(), ['1.0.0', '1.1.0']);
  t.match(r.stderr, /update to 1\.1\.0: 1\.1\.0 is running/);
  const calls = b.calls().filter((c) => !c.startsWith('show'));
  // from the second update on: stopped while 1.0.0 ran, started once current was 1.1.0, watched
  t.same(calls.slice(calls.indexOf('stop tallennin-recorder.service [1.0.0]')).slice(0, 2), ['stop tallennin-recorder.service [1.0.0]', 'start tallennin-recorder.service [1.1.0]']);
  t.ok(calls.filter((c) => c === 'is-active tallennin-recorder.service [1.1.0]').length >= 2, 'watched during the grace period');
  t.equal(readFileSync(join(b.app, 'releases', '1.1.0', 'VERSION'), 'utf8'), '1.1.0\n');
  t.notOk(readdirSync(join(b.app, 'releases')).some((f) => f.startsWith('.incoming')), 'no unpacking folder left');
});

t.test('a wrong sha256 is refused and nothing changes', async (t) => {
  const b = box(t);
  running(b);
  const before = b.calls().length;
  const { file } = b.tarball({ version: '1.1.0' });
  const r = b.run([file, '--sha256', 'a'.repeat(64), '--grace', '1']);
  t.equal(r.status, 1);
  t.match(r.stderr, /sha256 mismatch: .*release-2\.tar\.gz is [0-9a-f]{64}, not a{64}; nothing was changed/);
  t.equal(b.current(), 'releases/1.0.0');
  t.equal(b.previous(), undefined);
  t.same(b.releases(), ['1.0.0']);
  t.equal(b.calls().length, before, 'the recorder was not touched');

  const bad = b.run([file, '--sha256', 'xyz']);
  t.equal(bad.status, 1);
  t.match(bad.stderr, /--sha256 takes 64 hex digits, not 'xyz'/);
  const none = b.run([file]);
  t.equal(none.status, 1);
  t.match(none.stderr, /give the tarball's sha256 with --sha256/);
});

t.test('a release whose service does not start is rolled back, exit 1 saying so', async (t) => {
  const b = box(t);
  running(b);
  const { file, sha256 } = b.tarball({ version: '1.1.0', behaviour: 'no-start' });
  const r = b.run([file, '--sha256', sha256, '--grace', '1']);
  t.equal(r.status, 1);
  t.match(r.stderr, /update to 1\.1\.0 failed: tallennin-recorder\.service did not start\. Rolled back: 1\.0\.0 runs again/);
  t.equal(b.current(), 'releases/1.0.0', 'current is the old release again');
  t.equal(b.previous(), undefined, 'previous as it was');
  const starts = b.calls().filter((c) => c.startsWith('start'));
  t.same(starts.slice(-2), ['start tallennin-recorder.service [1.1.0]', 'start tallennin-recorder.service [1.0.0]']);
});

t.test('a release that dies after starting is rolled back', async (t) => {
  const b = box(t);
  running(b);
  const { file, sha256 } = b.tarball({ version: '1.1.0', behaviour: 'dies' });
  const r = b.run([file, '--sha256', sha256, '--grace', '1']);
  t.equal(r.status, 1);
  t.match(r.stderr, /update to 1\.1\.0 failed: tallennin-recorder\.service was 'failed' 0 s after it started\. Rolled back: 1\.0\.0 runs again/);
  t.equal(b.current(), 'releases/1.0.0');
});

t.test('a release that cannot run because the box is not provisioned says so', async (t) => {
  const b = box(t);
  running(b);
  const { file, sha256 } = b.tarball({ version: '1.1.0', behaviour: 'condition' });
  const r = b.run([file, '--sha256', sha256, '--grace', '1']);
  t.equal(r.status, 1);
  t.match(r.stderr, /update to 1\.1\.0 failed: tallennin-recorder\.service did not run: its start condition failed \(is the box provisioned, with \/etc\/tallennin\/box\.yaml\?\)/);
  t.equal(b.current(), 'releases/1.0.0');
});

t.test('when the old release does not run either, the message says both', async (t) => {
  const b = box(t);
  running(b);
  // 1.0.0 has run until now, but will not start again (its audio interface is gone, say)
  writeFileSync(join(b.app, 'releases', '1.0.0', 'behaviour'), 'dies\n');
  const { file, sha256 } = b.tarball({ version: '1.1.0', behaviour: 'no-start' });
  const r = b.run([file, '--sha256', sha256, '--grace', '1']);
  t.equal(r.status, 1);
  t.match(r.stderr, /update to 1\.1\.0 failed: tallennin-recorder\.service did not start\. Rolled back to 1\.0\.0, but it does not run either: tallennin-recorder\.service was 'failed'/);
  t.equal(b.current(), 'releases/1.0.0', 'the old release is current all the same');
});

t.test('a first release that does not run leaves current unset', async (t) => {
  const b = box(t);
  const { file, sha256 } = b.tarball({ version: '1.0.0', behaviour: 'dies' });
  const r = b.run([file, '--sha256', sha256, '--grace', '0']);
  t.equal(r.status, 1, 'even a zero grace looks once');
  t.match(r.stderr, /update to 1\.0\.0 failed: .*there was no release before it to go back to/);
  t.equal(b.current(), undefined);
});

t.test('--rollback swaps current and previous', async (t) => {
  const b = box(t);
  running(b);
  running(b, '1.1.0');
  t.equal(b.current(), 'releases/1.1.0');
  const r = b.run(['--rollback', '--grace', '1']);
  ok(t, r);
  t.equal(b.current(), 'releases/1.0.0');
  t.equal(b.previous(), 'releases/1.1.0');
  t.match(r.stderr, /rollback to 1\.0\.0: 1\.0\.0 is running/);
  // and back again
  t.equal(b.run(['--rollback', '--grace', '0']).status, 0);
  t.equal(b.current(), 'releases/1.1.0');
});

t.test('--rollback with no previous release says so', async (t) => {
  const b = box(t);
  running(b);
  const none = b.run(['--rollback']);
  t.equal(none.status, 1);
  t.match(none.stderr, /there is no previous release to roll back to/);
  t.equal(b.current(), 'releases/1.0.0');
});

t.test('the three newest releases are kept, and always current and previous', async (t) => {
  const b = box(t);
  for (const v of ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0']) running(b, v);
  t.same(b.releases(), ['1.2.0', '1.3.0', '1.4.0']);
  t.equal(b.current(), 'releases/1.4.0');
  t.equal(b.previous(), 'releases/1.3.0');

  // rolled back to 1.3.0, then a new release: previous is 1.3.0 (kept), current 1.5.0; 1.4.0 is
  // among the newest three; 1.2.0 goes
  t.equal(b.run(['--rollback', '--grace', '0']).status, 0);
  running(b, '1.5.0');
  t.equal(b.previous(), 'releases/1.3.0');
  t.same(b.releases(), ['1.3.0', '1.4.0', '1.5.0']);
});

t.test('releases that are not right are refused before anything changes', async (t) => {
  const b = box(t);
  running(b);
  const before = b.calls().length;
  const refuse = (r: Release, why: RegExp): void => {
    const { file, sha256 } = b.tarball(r);
    const out = b.run([file, '--sha256', sha256, '--grace', '0']);
    t.equal(out.status, 1, `refused: ${String(why)}`);
    t.match(out.stderr, why);
  };
  refuse({ version: '1.0.0' }, /1\.0\.0 is the release running now: nothing to do/);
  refuse({}, /has no VERSION file: not a tallennin release/);
  refuse({ version: '../../etc' }, /VERSION '\.\.\/\.\.\/etc' is not a version/);
  refuse({ version: '1.1.0', noDist: true }, /has no dist\/cli\.js/);
  refuse({ version: '1.1.0', noModules: true }, /has no node_modules: a box cannot build them/);
  refuse({ version: '1.1.0', platform: 'linux-arm64-abi1' }, /node_modules are for 'linux-arm64-abi1', this box needs/);
  refuse({ version: '1.1.0', help: 'fails' }, /1\.1\.0 does not start: 'node dist\/cli\.js --help' failed: boom: cannot load; nothing was changed/);
  refuse({ version: '1.1.0', link: { name: 'escape', to: '/etc' } }, /holds a link that leaves the release \(escape -> \/etc\): refused/);
  refuse({ version: '1.1.0', link: { name: 'up', to: '../../..' } }, /holds a link that leaves the release/);
  t.equal(b.current(), 'releases/1.0.0');
  t.same(b.releases(), ['1.0.0']);
  t.equal(b.calls().length, before, 'the recorder was not touched');
  t.notOk(readdirSync(join(b.app, 'releases')).some((f) => f.startsWith('.incoming')), 'no unpacking folder left');

  // a member named ../evil (made with -P, which keeps it) is refused by name, and nothing is
  // written outside the app folder
  const dir = join(b.root, 'evil');
  mkdirSync(dir);
  writeFileSync(join(dir, 'evil'), 'x');
  const file = join(b.root, 'evil.tar.gz');
  execFileSync('tar', ['-czPf', file, '-C', dir, '--transform', 's,^,../,', 'evil'], { stdio: 'pipe' });
  t.match(execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }), /^\.\.\/evil$/m, 'the tarball really has ../evil');
  const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
  const out = b.run([file, '--sha256', sha]);
  t.equal(out.status, 1);
  t.match(out.stderr, /holds an unsafe path '\.\.\/evil' \(absolute or with \.\.\): refused/);
  t.notOk(existsSync(join(b.app, 'evil')) || existsSync(join(b.app, 'releases', 'evil')));
});

t.test('an update waits for the calls being recorded to end, and gives up without changing anything', async (t) => {
  const b = box(t);
  running(b);
  const texts = join(b.root, 'systemd', 'status-texts');
  writeFileSync(texts, 'recording 1 of 2 lines; no alarms\n'.repeat(3) + 'recording 0 of 2 lines; no alarms\n');
  const first = b.tarball({ version: '1.1.0' });
  const r = b.run([first.file, '--sha256', first.sha256, '--grace', '0']);
  ok(t, r);
  t.match(r.stderr, /waiting for 1 call\(s\) being recorded to end \(at most 1800 s/);
  const looks = b.calls().filter((c) => c.startsWith('show -p StatusText')).length;
  t.ok(looks >= 4, `looked ${looks} times before stopping`);
  t.equal(b.current(), 'releases/1.1.0');

  writeFileSync(texts, 'recording 2 of 2 lines; no alarms\n');
  const before = b.calls().filter((c) => c.startsWith('stop')).length;
  const second = b.tarball({ version: '1.2.0' });
  const late = b.run([second.file, '--sha256', second.sha256, '--grace', '0', '--wait-idle', '1']);
  t.equal(late.status, 1);
  t.match(late.stderr, /2 call\(s\) still being recorded after 1 s; nothing was changed\. Run it again later, or with --now/);
  t.equal(b.calls().filter((c) => c.startsWith('stop')).length, before, 'the recorder was not stopped');
  t.equal(b.current(), 'releases/1.1.0', 'current unchanged');

  const now = b.run([second.file, '--sha256', second.sha256, '--grace', '0', '--now']);
  ok(t, now);
  t.match(now.stderr, /--now: stopping although 2 call\(s\) are being recorded/);
  t.equal(b.current(), 'releases/1.2.0');
  t.match(b.run([second.file, '--sha256', second.sha256, '--wait-idle', 'soon']).stderr, /--wait-idle takes whole seconds, not 'soon'/);
});
