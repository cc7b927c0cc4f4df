// The repository's shell scripts and the box's firewall, checked by the tools that read them:
//  - shellcheck on every shell script (scripts/*.sh, .ci/run, image/**/*.sh, every file under
//    image/ that starts with a sh or bash shebang, and pi-gen's sourced EXPORT_IMAGE): any
//    finding at all fails, style included; -x follows sourced files.
//  - nft -c on image/files/nftables.conf with its include pointed at firewall.example.nft, and
//    without any firewall.nft (the closed base must load alone). nft -c asks the kernel, so it
//    needs root (CAP_NET_ADMIN); nothing is loaded.
//  - firewall-load in a network namespace of its own (unshare -n): a broken firewall.nft leaves
//    the closed base ruleset loaded, not no ruleset.
// Each check is also shown to fail on bad input, so a check that cannot fail is caught.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const IMAGE = join(REPO, 'image');

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function firstLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(128);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('latin1').split('\n')[0] ?? '';
  } finally {
    closeSync(fd);
  }
}
const SHELL_SHEBANG = /^#!\s*(\/usr\/bin\/env\s+)?(\/bin\/|\/usr\/bin\/)?(ba)?sh(\s|$)/;

/** Every file under dir, but not build output (image/work, image/deploy) nor node_modules. */
function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (['node_modules', '.git'].includes(name)) continue;
    if (dir === IMAGE && ['work', 'deploy'].includes(name)) continue;
    const st = statSync(path);
    if (st.isDirectory()) walk(path, out);
    else if (st.isFile()) out.push(path);
  }
  return out;
}

function shellScripts(): string[] {
  const found = new Set<string>();
  for (const f of readdirSync(join(REPO, 'scripts'))) if (f.endsWith('.sh')) found.add(join(REPO, 'scripts', f));
  if (existsSync(join(REPO, '.ci', 'run'))) found.add(join(REPO, '.ci', 'run'));
  for (const f of walk(IMAGE)) if (f.endsWith('.sh') || SHELL_SHEBANG.test(firstLine(f))) found.add(f);
  return [...found].sort();
}

function shellcheck(file: string, shell?: string): { status: number | null; output: string } {
  const args = ['--external-sources', '--source-path=SCRIPTDIR', '--severity=style', '--format=gcc', ...(shell ? [`--shell=${shell}`] : []), file];
  const r = spawnSync('shellcheck', args, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

t.test('shellcheck: every shell script, no finding at all', async (t) => {
  if (!has('shellcheck')) {
    t.fail('shellcheck is not installed (Debian: apt-get install shellcheck; scripts/ensure-deps.sh should install it)');
    return;
  }
  const scripts = shellScripts();
  const rel = scripts.map((f) => relative(REPO, f));
  // the discovery must find the scripts it is there for
  for (const want of ['scripts/test.sh', '.ci/run', 'image/build.sh', 'image/pack-release.sh', 'image/rootfs/firstboot', 'image/rootfs/tallennin-update', 'image/rootfs/firewall-load', 'image/rootfs/install-system.sh', 'image/stage-tallennin/prerun.sh', 'image/stage-tallennin/00-system/00-run.sh', 'image/stage-tallennin/00-system/01-run-chroot.sh', 'image/test/rootfs-test.sh', 'image/mosquitto/make-certs.sh']) {
    t.ok(rel.includes(want), `found ${want}`);
  }
  t.notOk(rel.some((f) => f.endsWith('00-packages')), 'package lists are not scripts');
  for (const file of scripts) {
    const r = shellcheck(file);
    t.equal(r.status, 0, `${relative(REPO, file)}${r.output ? `:\n${r.output}` : ''}`);
  }
  // sourced by pi-gen's build.sh, so no shebang: checked as bash
  const exp = shellcheck(join(IMAGE, 'stage-tallennin', 'EXPORT_IMAGE'), 'bash');
  t.equal(exp.status, 0, `image/stage-tallennin/EXPORT_IMAGE${exp.output ? `:\n${exp.output}` : ''}`);
});

t.test('shellcheck fails on a script with an unquoted variable', async (t) => {
  if (!has('shellcheck')) {
    t.fail('shellcheck is not installed');
    return;
  }
  const dir = resolve(t.testdir({ 'bad.sh': '#!/bin/bash\ndir=$1\nrm -rf $dir/cache\n', 'style.sh': '#!/bin/bash\nif [ $(id -u) = 0 ]; then echo root; fi\n' }));
  const bad = shellcheck(join(dir, 'bad.sh'));
  t.not(bad.status, 0, 'a finding fails');
  t.match(bad.output, /SC2086/, 'the unquoted $dir is named');
  const style = shellcheck(join(dir, 'style.sh'));
  t.not(style.status, 0);
  t.match(style.output, /SC2046/);
  t.ok(SHELL_SHEBANG.test('#!/bin/bash -e') && SHELL_SHEBANG.test('#!/usr/bin/env bash') && SHELL_SHEBANG.test('#!/bin/sh'));
  t.notOk(SHELL_SHEBANG.test('#!/usr/sbin/nft -f') || SHELL_SHEBANG.test('#!/usr/bin/env node'));
});

// --- the firewall ------------------------------------------------------------------------------

const PRODUCTION_INCLUDE = 'include "/etc/tallennin/firewall*.nft"';

/** The production ruleset with its include pointed into dir (the only change), and optionally a
 *  firewall.nft there. */
function ruleset(t: Test, dir: string, firewall?: string): string {
  const conf = readFileSync(join(IMAGE, 'files', 'nftables.conf'), 'utf8');
  const lines = conf.split('\n');
  t.equal(lines.filter((l) => l === PRODUCTION_INCLUDE).length, 1, 'the ruleset has its one include line');
  const file = join(dir, 'nftables.conf');
  writeFileSync(file, lines.map((l) => (l === PRODUCTION_INCLUDE ? `include "${dir}/firewall*.nft"` : l)).join('\n'));
  if (firewall !== undefined) writeFileSync(join(dir, 'firewall.nft'), firewall);
  return file;
}

function nftCheck(file: string): { status: number | null; output: string } {
  const r = spawnSync('nft', ['-c', '-f', file], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

const nftMissing = !has('nft') ? 'nft is not installed (Debian: nftables)' : process.getuid?.() !== 0 ? 'nft -c needs root (CAP_NET_ADMIN)' : false;

t.test('nft -c: the ruleset with the example firewall.nft, and with none', async (t) => {
  if (nftMissing) {
    t.fail(nftMissing);
    return;
  }
  const dir = resolve(t.testdir({}));
  const withExample = ruleset(t, dir, readFileSync(join(IMAGE, 'files', 'firewall.example.nft'), 'utf8'));
  const r = nftCheck(withExample);
  t.equal(r.status, 0, `nftables.conf + firewall.example.nft${r.output ? `:\n${r.output}` : ''}`);

  const bare = resolve(t.testdir({ bare: {} }), 'bare');
  const alone = nftCheck(ruleset(t, bare));
  t.equal(alone.status, 0, `nftables.conf without firewall.nft (the glob matches nothing)${alone.output ? `:\n${alone.output}` : ''}`);
});

t.test('nft -c fails on a ruleset with a syntax error, and on a bad firewall.nft', async (t) => {
  if (nftMissing) {
    t.fail(nftMissing);
    return;
  }
  const dir = resolve(t.testdir({ 'broken.nft': 'table inet tallennin {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop\n\t\ttcp dport 22 acept\n\t}\n}\n' }));
  const broken = nftCheck(join(dir, 'broken.nft'));
  t.not(broken.status, 0, 'a syntax error fails');
  t.match(broken.output, /Error/);

  const badElements = resolve(t.testdir({ bad: {} }), 'bad');
  const r = nftCheck(ruleset(t, badElements, 'add element inet tallennin mgmt4 { 10.20.0.300/24 }\n'));
  t.not(r.status, 0, 'an address that is not one fails');
  t.match(r.output, /10\.20\.0\.300/);
});

const unshareMissing = nftMissing || (spawnSync('unshare', ['-n', 'true']).status !== 0 ? 'unshare -n (a network namespace) is not permitted here' : false);

t.test('firewall-load: a broken firewall.nft leaves the closed base ruleset loaded', { skip: unshareMissing }, async (t) => {
  const load = join(IMAGE, 'rootfs', 'firewall-load');
  // in a new network namespace: the test machine's own firewall is never touched
  const inNetns = (conf: string): { status: number | null; stderr: string; ruleset: string } => {
    const r = spawnSync('unshare', ['-n', 'bash', '-c', 'bash "$0" "$1"; s=$?; echo ===; nft list ruleset; exit $s', load, conf], { encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr, ruleset: r.stdout.split('===\n')[1] ?? '' };
  };

  const good = resolve(t.testdir({ good: {}, broken: {} }), 'good');
  const g = inNetns(ruleset(t, good, readFileSync(join(IMAGE, 'files', 'firewall.example.nft'), 'utf8')));
  t.equal(g.status, 0, 'loads');
  t.match(g.ruleset, /set mgmt4 \{[^}]*elements = \{ 10\.0\.0\.0\/8/, 'with the provisioned elements (10.20.0.0/24 merged into 10.0.0.0/8)');
  t.match(g.ruleset, /set broker4 \{[^}]*elements = \{ 192\.0\.2\.10 \. 8883 \}/);
  t.match(g.ruleset, /chain input \{\s*type filter hook input priority filter; policy drop;/);
  t.match(g.ruleset, /counter input_dropped/);

  const broken = resolve(t.testdirName, 'broken');
  const b = inNetns(ruleset(t, broken, 'add element inet tallennin mgmt4 { not-an-address }\n'));
  t.equal(b.status, 1, 'exit 1: the unit shows as failed');
  t.match(b.stderr, /loading it without its include lines/);
  t.match(b.stderr, /the base ruleset is loaded \(closed\)/);
  t.match(b.ruleset, /chain input \{\s*type filter hook input priority filter; policy drop;/, 'the drop policies are in place');
  t.match(b.ruleset, /chain output \{\s*type filter hook output priority filter; policy drop;/);
  t.notMatch(b.ruleset, /set mgmt4 \{[^}]*elements/, 'no management network: SSH and the status page are closed');
});
