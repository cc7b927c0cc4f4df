// image/rootfs/firstboot, the steps that can run off a box:
//  - partition, against a disk IMAGE FILE (TALLENNIN_ROOT_DISK): sfdisk and mkfs.ext4 work on
//    plain files, so no loop device and no root privileges on a real disk are needed. The image
//    is laid out like a Raspberry Pi OS card (a FAT boot partition, the root, free space after).
//  - provision, with the provision command replaced (TALLENNIN_PROVISION_CMD) by a script that
//    succeeds or fails as the real one would: exit 0, or non-zero with the reason on stderr.
import t, { type Test } from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const FIRSTBOOT = fileURLToPath(new URL('../../image/rootfs/firstboot', import.meta.url));
const LABEL = 'TALLENNIN-DATA';
const MIB = 1024 * 1024;

const missing = ['sfdisk', 'mkfs.ext4', 'blkid', 'dumpe2fs'].filter((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status !== 0);

function firstboot(args: string[], env: Record<string, string>): { status: number | null; stderr: string } {
  const r = spawnSync('bash', [FIRSTBOOT, ...args], {
    // SYSTEMCTL and the reboot: no-ops, should this ever run on a machine with systemd
    env: { ...process.env, SYSTEMCTL: 'true', TALLENNIN_REBOOT_CMD: 'true', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr };
}

// --- the partition step ------------------------------------------------------------------------

interface Part {
  node: string;
  start: number;
  size: number;
  type: string;
}
interface Table {
  label: string;
  lastlba?: number;
  sectorsize: number;
  partitions: Part[];
}

function table(disk: string): Table {
  return (JSON.parse(execFileSync('sfdisk', ['--json', disk], { encoding: 'utf8' })) as { partitiontable: Table }).partitiontable;
}

/** A card image: sfdisk script lines after the label line. */
function card(t: Test, name: string, layout: string, sizeMiB = 64): string {
  const disk = join(resolve(t.testdirName), name);
  execFileSync('truncate', ['-s', `${sizeMiB}M`, disk]);
  execFileSync('sfdisk', ['--quiet', disk], { input: layout, stdio: ['pipe', 'pipe', 'pipe'] });
  return disk;
}

/** blkid's view of partition N of the image (KEY=value lines as an object) */
function probe(disk: string, p: Part): Record<string, string> {
  const r = spawnSync('blkid', ['-p', '-O', String(p.start * 512), '-S', String(p.size * 512), '-o', 'export', disk], { encoding: 'utf8' });
  return Object.fromEntries(r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('=', 2) as [string, string]));
}

/** dumpe2fs -h of the partition, cut out of the image into a file of its own */
function superblock(t: Test, disk: string, p: Part): Record<string, string> {
  const slice = join(resolve(t.testdirName), `slice-${p.start}`);
  execFileSync('dd', [`if=${disk}`, `of=${slice}`, 'bs=512', `skip=${p.start}`, `count=${p.size}`, 'status=none']);
  const out = execFileSync('dumpe2fs', ['-h', slice], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return Object.fromEntries(out.split('\n').map((l) => /^([^:]+):\s*(.*)$/.exec(l)).filter((m) => m !== null).map((m) => [m[1]!, m[2]!]));
}

const PI_CARD = 'label: dos\nstart=2048, size=8192, type=c\nstart=10240, size=32768, type=83\n';

t.test('partition: makes partition 3 from the free space after the root, ext4 labelled TALLENNIN-DATA', { skip: missing.length ? `needs ${missing.join(', ')} (Debian: fdisk, util-linux, e2fsprogs)` : false }, async (t) => {
  t.testdir({});
  const disk = card(t, 'card.img', PI_CARD);
  const env = { TALLENNIN_ROOT_DISK: disk, TALLENNIN_ROOT_PARTNUM: '2', TALLENNIN_DATA_MIN_MIB: '16' };
  const r = firstboot(['partition'], env);
  t.equal(r.status, 0, 'exit 0');
  if (r.status !== 0) t.comment(r.stderr);
  t.match(r.stderr, /making partition 3 on .*card\.img: sectors 43008 to 131071 \(43 MiB\)/);

  const after = table(disk);
  t.equal(after.partitions.length, 3);
  t.same(after.partitions.slice(0, 2).map((p) => [p.start, p.size]), [[2048, 8192], [10240, 32768]], 'the boot and root partitions are untouched');
  const p3 = after.partitions[2]!;
  t.ok(p3.node.endsWith('3'), 'the new one is partition 3');
  t.equal(p3.start, 43008, 'starts where the root ends (a MiB boundary already)');
  t.equal(p3.start + p3.size, (64 * MIB) / 512, 'fills the card to its end');
  t.equal(p3.type, '83', 'a Linux partition');

  const seen = probe(disk, p3);
  t.equal(seen['TYPE'], 'ext4');
  t.equal(seen['LABEL'], LABEL);
  const sb = superblock(t, disk, p3);
  t.equal(sb['Filesystem volume name'], LABEL, 'dumpe2fs of the partition alone agrees');
  t.equal(Number(sb['Block count']) * Number(sb['Block size']), p3.size * 512, 'the file system fills the partition');

  // idempotent: a second run finds it and changes nothing
  const again = firstboot(['partition'], env);
  t.equal(again.status, 0, 'a second run: exit 0');
  t.match(again.stderr, /partition 3 of .* is the data partition/);
  t.same(table(disk), after, 'the table is the same');
  t.equal(probe(disk, p3)['UUID'], seen['UUID'], 'not formatted again');
});

t.test('partition: aligns the start to a MiB, and works on GPT too', { skip: missing.length ? `needs ${missing.join(', ')}` : false }, async (t) => {
  t.testdir({});
  const disk = card(t, 'odd.img', 'label: dos\nstart=2048, size=8192, type=c\nstart=10240, size=30001, type=83\n');
  const r = firstboot(['partition'], { TALLENNIN_ROOT_DISK: disk, TALLENNIN_DATA_MIN_MIB: '16' });
  t.equal(r.status, 0, 'exit 0 (the root partition number defaults to 2)');
  const p3 = table(disk).partitions[2]!;
  t.equal(p3.start, 40960, 'the root ends at sector 40240: the data partition starts at the next MiB');
  t.equal(probe(disk, p3)['LABEL'], LABEL);

  const gpt = card(t, 'gpt.img', 'label: gpt\nstart=2048, size=8192, type=U\nstart=10240, size=32768, type=L\n');
  const g = firstboot(['partition'], { TALLENNIN_ROOT_DISK: gpt, TALLENNIN_DATA_MIN_MIB: '16' });
  t.equal(g.status, 0, 'GPT: exit 0');
  const gt = table(gpt);
  const g3 = gt.partitions[2]!;
  t.equal(g3.start, 43008);
  const end = g3.start + g3.size - 1;
  t.ok(end <= gt.lastlba! && gt.lastlba! - end < 2048, `to within a MiB of the last usable sector ${gt.lastlba}, before the backup table (ends at ${end})`);
  t.equal(probe(gpt, g3)['LABEL'], LABEL);
});

t.test('partition: finishes an interrupted first boot, and never formats what it did not make', { skip: missing.length ? `needs ${missing.join(', ')}` : false }, async (t) => {
  t.testdir({});
  // the partition was made, then the power went before mkfs
  const half = card(t, 'half.img', `${PI_CARD}start=43008, type=83\n`);
  const r = firstboot(['partition'], { TALLENNIN_ROOT_DISK: half, TALLENNIN_DATA_MIN_MIB: '16' });
  t.equal(r.status, 0, 'exit 0');
  t.match(r.stderr, /partition 3 of .* exists but holds nothing: formatting it/);
  t.equal(probe(half, table(half).partitions[2]!)['LABEL'], LABEL);

  // partition 3 holds someone else's file system
  const other = card(t, 'other.img', `${PI_CARD}start=43008, type=83\n`);
  const p3 = table(other).partitions[2]!;
  execFileSync('mkfs.ext4', ['-q', '-F', '-L', 'PHOTOS', '-E', `offset=${p3.start * 512}`, other, `${(p3.size * 512) / 1024}k`], { stdio: 'pipe' });
  const before = probe(other, p3);
  const o = firstboot(['partition'], { TALLENNIN_ROOT_DISK: other, TALLENNIN_DATA_MIN_MIB: '16' });
  t.equal(o.status, 1, 'refused');
  t.match(o.stderr, /partition 3 of .*other\.img is not the data partition \(.*LABEL=PHOTOS.*\): not touching it/);
  t.same(probe(other, p3), before, 'its file system is untouched');

  // an empty partition 3, but not where first boot would have made it
  const misplaced = card(t, 'misplaced.img', `${PI_CARD}start=100000, size=2048, type=83\n`);
  const m = firstboot(['partition'], { TALLENNIN_ROOT_DISK: misplaced, TALLENNIN_DATA_MIN_MIB: '16' });
  t.equal(m.status, 1, 'refused');
  t.match(m.stderr, /partition 3 of .*misplaced\.img \(sectors 100000 to 102047\) is not where first boot makes the data partition \(sectors 43008 to 131071\): not touching it/);
  t.same(probe(misplaced, table(misplaced).partitions[2]!), {}, 'not formatted');

  // a partition after the root that is not number 3 (here 4): not overwritten either
  const four = join(resolve(t.testdirName), 'four.img');
  execFileSync('truncate', ['-s', '64M', four]);
  execFileSync('sfdisk', ['--quiet', four], { input: `label: dos\n${four}1 : start=2048, size=8192, type=c\n${four}2 : start=10240, size=32768, type=83\n${four}4 : start=100000, size=2048, type=83\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  const f = firstboot(['partition'], { TALLENNIN_ROOT_DISK: four, TALLENNIN_DATA_MIN_MIB: '16' });
  t.equal(f.status, 1, 'refused');
  t.match(f.stderr, /has a partition after the root \(starting at sector 100000\) that is not the data partition: not partitioning it/);
  t.equal(table(four).partitions.length, 3, 'nothing added');
});

t.test('partition: a card too small for a data partition is refused, untouched', { skip: missing.length ? `needs ${missing.join(', ')}` : false }, async (t) => {
  t.testdir({});
  const disk = card(t, 'small.img', PI_CARD);
  const before = table(disk);
  const r = firstboot(['partition'], { TALLENNIN_ROOT_DISK: disk, TALLENNIN_DATA_MIN_MIB: '100' });
  t.equal(r.status, 1);
  t.match(r.stderr, /only 43 MiB are free after the root partition on .*small\.img; the data partition needs at least 100 MiB: use a larger card/);
  t.same(table(disk), before);
});

// --- the provision step ------------------------------------------------------------------------

function provisioning(t: Test, script: string): { env: Record<string, string>; boot: string; etc: string; yaml: string; error: string; args: string } {
  const dir = resolve(t.testdir({ boot: { 'tallennin-provision.yaml': 'box: { id: lpr-1, site: lappeenranta }\n' }, etc: {} }));
  const cmd = join(dir, 'provision');
  const args = join(dir, 'args');
  writeFileSync(cmd, `#!/bin/bash\nprintf '%s\\n' "$@" >"${args}"\n${script}\n`, { mode: 0o755 });
  const boot = join(dir, 'boot');
  const etc = join(dir, 'etc');
  return {
    env: { TALLENNIN_BOOT_DIR: boot, TALLENNIN_ETC_DIR: etc, TALLENNIN_PROVISION_CMD: cmd },
    boot,
    etc,
    yaml: join(boot, 'tallennin-provision.yaml'),
    error: join(boot, 'tallennin-provision-error.txt'),
    args,
  };
}

t.test('provision: on success the file is removed, and an old error file with it', async (t) => {
  const p = provisioning(t, 'echo "box.yaml, keys and firewall.nft written"; exit 0');
  writeFileSync(p.error, 'an earlier failure\n');
  const r = firstboot(['provision'], p.env);
  t.equal(r.status, 0, 'exit 0');
  t.same(readFileSync(p.args, 'utf8').trim().split('\n'), ['--file', p.yaml, '--etc', p.etc, '--group', 'tallennin'], 'the command got the file, /etc/tallennin and the group');
  t.notOk(existsSync(p.yaml), 'the provisioning file is gone');
  t.notOk(existsSync(p.error), 'the old error file is gone');
  t.match(r.stderr, /box\.yaml, keys and firewall\.nft written/, "the command's output is logged");
  t.match(r.stderr, /provisioned: .* is written and .*tallennin-provision\.yaml is removed/);
});

t.test('provision: on failure the reason is written next to the file, which stays', async (t) => {
  const p = provisioning(t, 'echo "provision: tallennin-provision.yaml: mqtt.url: plain mqtt:// is refused for a broker not on the box" >&2; exit 2');
  const yaml = readFileSync(p.yaml, 'utf8');
  const r = firstboot(['provision'], p.env);
  t.equal(r.status, 1, 'exit 1');
  t.equal(readFileSync(p.yaml, 'utf8'), yaml, 'the provisioning file is left as it was');
  const error = readFileSync(p.error, 'utf8');
  t.match(error, /the provisioning file was NOT applied/);
  t.match(error, /provision: tallennin-provision\.yaml: mqtt\.url: plain mqtt:\/\/ is refused for a broker not on the box/, "the command's message");
  t.match(error, /Correct tallennin-provision\.yaml, delete this file, and start the box again/);
  t.match(r.stderr, /provisioning failed \(exit status 2\): the reason is in .*tallennin-provision-error\.txt/);
  t.notOk(existsSync(`${p.error}.tmp`), 'no temporary file left');

  // fixed, and the next boot succeeds: the error file goes
  writeFileSync(join(p.boot, '..', 'provision'), `#!/bin/bash\nexit 0\n`, { mode: 0o755 });
  t.equal(firstboot(['provision'], p.env).status, 0);
  t.notOk(existsSync(p.error));
  t.notOk(existsSync(p.yaml));
});

t.test('provision: a failure without a message still says what happened', async (t) => {
  const p = provisioning(t, 'exit 5');
  t.equal(firstboot(['provision'], p.env).status, 1);
  t.match(readFileSync(p.error, 'utf8'), /the provision command failed \(exit status 5\) without saying why/);
  t.ok(existsSync(p.yaml));
});

t.test('provision: without a provisioning file nothing is run', async (t) => {
  const p = provisioning(t, 'exit 0');
  execFileSync('rm', [p.yaml]);
  const r = firstboot(['provision'], p.env);
  t.equal(r.status, 0);
  t.match(r.stderr, /no provisioning file/);
  t.notOk(existsSync(p.args), 'the command did not run');
});

// --- the read-only root ------------------------------------------------------------------------

/** A boot folder with cmdline.txt, and a raspi-config doing to it what Raspberry Pi OS bookworm's
 *  `nonint do_overlayfs 0|1` does: "overlayroot=tmpfs " in front, or taken out. Calls are logged. */
function readonlyBox(t: Test, cmdline: string): { env: Record<string, string>; cmdline: string; calls: string } {
  // a fresh folder each time (t.testdir empties it)
  const dir = t.testdir({ boot: {} });
  const file = join(dir, 'boot', 'cmdline.txt');
  writeFileSync(file, `${cmdline}\n`);
  const calls = join(dir, 'calls');
  const raspi = join(dir, 'raspi-config');
  writeFileSync(
    raspi,
    `#!/bin/sh\necho "$*" >>'${calls}'\nc='${file}'\ncase $3 in\n0) grep -q overlayroot= "$c" || sed -i "$c" -e 's/^/overlayroot=tmpfs /' ;;\n1) sed -i "$c" -e 's/overlayroot=[^ ]* //' ;;\nesac\n`,
    { mode: 0o755 },
  );
  return { env: { TALLENNIN_BOOT_DIR: join(dir, 'boot'), RASPI_CONFIG: raspi }, cmdline: file, calls };
}

t.test('readonly: raspi-config\'s overlay is limited to / (recurse=0), or the data partition would be in RAM', async (t) => {
  const rootLine = 'console=serial0,115200 console=tty1 root=PARTUUID=abcdef01-02 rootfstype=ext4 fsck.repair=yes rootwait quiet';
  const b = readonlyBox(t, rootLine);
  const r = firstboot(['readonly'], b.env);
  t.equal(r.status, 0, r.stderr);
  t.equal(readFileSync(b.calls, 'utf8'), 'nonint do_overlayfs 0\n', 'raspi-config turned the overlay on');
  t.equal(readFileSync(b.cmdline, 'utf8'), `overlayroot=tmpfs:recurse=0 ${rootLine}\n`, 'one line, the rest as it was');
  t.match(r.stderr, /overlayroot=tmpfs:recurse=0: the data partition and its bind mounts stay out of the overlay/);

  // again (a technician turning it on after maintenance): nothing changes
  t.equal(firstboot(['readonly'], b.env).status, 0);
  t.equal(readFileSync(b.cmdline, 'utf8'), `overlayroot=tmpfs:recurse=0 ${rootLine}\n`);
});

t.test('readonly: other overlayroot options are kept, recurse=1 becomes recurse=0', async (t) => {
  for (const [before, after] of [
    ['overlayroot=tmpfs:swap=1 root=x', 'overlayroot=tmpfs:swap=1,recurse=0 root=x'],
    ['overlayroot=tmpfs:recurse=1,swap=1 root=x', 'overlayroot=tmpfs:swap=1,recurse=0 root=x'],
    ['root=x overlayroot=tmpfs:recurse=0', 'root=x overlayroot=tmpfs:recurse=0'],
  ] as const) {
    const b = readonlyBox(t, before);
    t.equal(firstboot(['readonly'], b.env).status, 0, before);
    t.equal(readFileSync(b.cmdline, 'utf8'), `${after}\n`, before);
  }
});

t.test('readonly: an overlayroot it does not know is turned off again, and the step fails', async (t) => {
  const b = readonlyBox(t, 'overlayroot=device:dev=/dev/sda1 root=x');
  const r = firstboot(['readonly'], b.env);
  t.equal(r.status, 1);
  t.equal(readFileSync(b.calls, 'utf8'), 'nonint do_overlayfs 0\nnonint do_overlayfs 1\n', 'raspi-config was asked to turn it off');
  t.match(r.stderr, /could not limit raspi-config's overlay file system to \//);
});

t.test('writable: the overlay off again, although raspi-config\'s own removal no longer matches', async (t) => {
  // raspi-config's disable_overlayfs removes exactly "overlayroot=tmpfs ": as the real one, this
  // one would leave "overlayroot=tmpfs:recurse=0" alone.
  const b = readonlyBox(t, 'root=x rootwait');
  writeFileSync(b.env['RASPI_CONFIG']!, `#!/bin/sh\necho "$*" >>'${b.calls}'\nc='${b.cmdline}'\ncase $3 in\n0) grep -q overlayroot= "$c" || sed -i "$c" -e 's/^/overlayroot=tmpfs /' ;;\n1) sed -i "$c" -e 's/\\(.*\\)overlayroot=tmpfs \\(.*\\)/\\1\\2/' ;;\nesac\n`, { mode: 0o755 });
  t.equal(firstboot(['readonly'], b.env).status, 0);
  t.equal(readFileSync(b.cmdline, 'utf8'), 'overlayroot=tmpfs:recurse=0 root=x rootwait\n');
  const r = firstboot(['writable'], b.env);
  t.equal(r.status, 0, r.stderr);
  t.equal(readFileSync(b.cmdline, 'utf8'), 'root=x rootwait\n', 'no overlayroot= left');
  t.match(r.stderr, /writable from the next boot/);
  t.equal(readFileSync(b.calls, 'utf8'), 'nonint do_overlayfs 0\nnonint do_overlayfs 1\n');
  // and on again
  t.equal(firstboot(['readonly'], b.env).status, 0);
  t.equal(readFileSync(b.cmdline, 'utf8'), 'overlayroot=tmpfs:recurse=0 root=x rootwait\n');
});

t.test('readonly: without raspi-config the root stays writable', async (t) => {
  const b = readonlyBox(t, 'root=x');
  const r = firstboot(['readonly'], { ...b.env, RASPI_CONFIG: join(resolve(t.testdirName), 'no-such-raspi-config') });
  t.equal(r.status, 0);
  t.match(r.stderr, /no raspi-config: the root file system stays writable/);
  t.equal(readFileSync(b.cmdline, 'utf8'), 'root=x\n');
});

t.test('an unknown step is refused', async (t) => {
  const r = firstboot(['resize'], {});
  t.equal(r.status, 1);
  t.match(r.stderr, /unknown step 'resize' \(all, partition, layout, provision, finish, readonly, writable\)/);
});
