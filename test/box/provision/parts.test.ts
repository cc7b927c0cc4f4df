// The parts of provisioning that need no certificates: networks and addresses for the firewall,
// the redaction of key material from messages, box.yaml's fields named by the provisioning
// file's keys, --group, the writer's recovery from a run cut off by a power loss, and the docs.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatAddress, parseAddress, parseNetwork, overlaps, type Network } from '../../../src/box/provision/network.js';
import { redact, secretsOf } from '../../../src/box/provision/problems.js';
import { configProblems, fromConfigPath } from '../../../src/box/provision/load-check.js';
import { resolveGroup } from '../../../src/box/provision/group.js';
import { checkTarget, putFile, replaceFolder } from '../../../src/box/provision/write.js';
import { isTalError } from '../../../src/core/errors.js';
import { provisionSchema } from '../../../src/box/provision/schema.js';
import { parse as parseYaml } from 'yaml';

const net = (s: string) => parseNetwork(s) as Network;
const reason = (r: object) => (r as { reason?: string }).reason;

t.test('networks: prefixes, bare addresses, host bits, /0', async (t) => {
  t.match(net('10.20.0.0/24'), { family: 4, prefix: 24, text: '10.20.0.0/24' });
  t.match(net('2001:DB8:20::/64'), { family: 6, prefix: 64, text: '2001:db8:20::/64' });
  t.match(net('10.30.0.7'), { family: 4, prefix: 32, text: '10.30.0.7' }, 'a bare address is that one host');
  t.match(net('::ffff:192.0.2.0/120'), { family: 6, prefix: 120 }, 'an IPv4 tail');
  t.match(reason(parseNetwork('2001:db8::1/64')), /host bits set; write the network 2001:db8::\/64, or 2001:db8::1\/128 for that one host/);
  t.match(reason(parseNetwork('10.0.0.0/8/8')), /is not a network/);
  t.match(reason(parseNetwork('10.0.0.0/x')), /the prefix must be a whole number 0–32/);
  t.match(reason(parseNetwork('::/129')), /0–128 for an IPv6 network/);
  t.match(reason(parseNetwork('lan/24')), /is not a network/);
  t.match(reason(parseNetwork('0.0.0.0/0')), /every IPv4 address: it would open SSH and the status page/);
  t.match(reason(parseNetwork('::/0')), /every IPv6 address/);
  t.ok(overlaps(net('10.0.0.0/8'), net('10.20.0.0/24')));
  t.ok(overlaps(net('10.20.0.0/24'), net('10.20.0.9')));
  t.notOk(overlaps(net('10.20.0.0/24'), net('10.20.1.0/24')));
  t.notOk(overlaps(net('10.20.0.0/24'), net('::a14:0/120')), 'families never overlap');
});

t.test('addresses: as written, no zone ids; IPv6 formatted per RFC 5952', async (t) => {
  t.match(parseAddress('2001:DB8::10'), { family: 6, text: '2001:db8::10' });
  t.match(reason(parseAddress('fe80::1%eth0')), /zone id/);
  t.match(reason(parseAddress('mqtt.example')), /is not an IP address/);
  const v6 = (s: string) => formatAddress(6, (parseAddress(s) as { value: bigint }).value);
  t.equal(v6('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  t.equal(v6('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1', 'the longest run of zeros');
  t.equal(v6('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1', 'the first of equal runs');
  t.equal(v6('2001:db8:1:1:1:1:0:1'), '2001:db8:1:1:1:1:0:1', 'one zero group stays');
  t.equal(v6('::'), '::');
  t.equal(formatAddress(4, (parseAddress('192.0.2.10') as { value: bigint }).value), '192.0.2.10');
});

t.test('redaction: PEM text, long base64 and the file\'s own private key lines', async (t) => {
  const file = 'key: |\n  -----BEGIN PRIVATE KEY-----\n  MIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n  AwEHBG0wawIBAQQg\n  -----END PRIVATE KEY-----\n';
  const secrets = secretsOf(file);
  t.same(secrets, ['MIGHAgEAMBMGByqGSM49AgEGCCqGSM49', 'AwEHBG0wawIBAQQg']);
  t.equal(redact('box.id: "AwEHBG0wawIBAQQg" is not allowed', secrets), 'box.id: "[…]" is not allowed');
  t.equal(redact('x "-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----\\n" y'), 'x "[PEM text withheld]\\n" y');
  t.equal(redact('a lone -----END PRIVATE KEY----- marker'), 'a lone [PEM text withheld] marker');
  t.equal(redact('run MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgC4Gl5k009OfvWG/i here'), 'run […] here');
  t.equal(redact('/srv/tallennin/operators/provisioning/archive/lappeenranta'), '/srv/tallennin/operators/provisioning/archive/lappeenranta', 'a long path is not base64');
  t.equal(redact('/var/lib/tallennin/accounts.json and mqtt.keha.example'), '/var/lib/tallennin/accounts.json and mqtt.keha.example', 'paths and names stay');
});

t.test('box.yaml\'s fields by the provisioning file\'s keys', async (t) => {
  t.equal(fromConfigPath('capture.rate'), 'config.capture.rate');
  t.equal(fromConfigPath('lines[1].channel'), 'config.lines[1].channel');
  t.equal(fromConfigPath(''), 'config');
  t.equal(fromConfigPath('["odd key"]'), 'config["odd key"]');
  t.equal(fromConfigPath('box.id'), 'box.id');
  t.equal(fromConfigPath('seal.publicKey'), 'sealingKey');
  t.equal(fromConfigPath('mqtt.keepaliveS'), 'broker.keepaliveS');
  t.equal(fromConfigPath('mqtt.url'), 'broker.url');
  t.equal(fromConfigPath('mqtt.commandKeys[1]'), 'commandKeys[1]');
});

t.test('--group: a number, or a name from the group file', async (t) => {
  const file = join(t.testdir({ group: 'root:x:0:\ntallennin:x:987:\naudio:x:29:tallennin\n' }), 'group');
  t.equal(await resolveGroup('987', file), 987);
  t.equal(await resolveGroup('tallennin', file), 987);
  t.equal(await resolveGroup('audio', file), 29);
  await t.rejects(resolveGroup('tallenin', file), { code: 'TAL_USAGE', message: /--group tallenin: no such group in .*group/ });
  await t.rejects(resolveGroup('x', join(file, 'nope')), { code: 'TAL_USAGE', message: /cannot read/ });
});

t.test('the writer: a refused fill leaves nothing; leftovers of a cut-off run are cleared', async (t) => {
  const parent = t.testdir({ etc: { 'box.yaml': 'old' } });
  const dir = join(parent, 'etc');
  await t.rejects(
    replaceFolder(await checkTarget(dir), async (tmp) => {
      await putFile(tmp, 'box.yaml', 'new');
      throw new Error('refused');
    }),
    { message: 'refused' },
  );
  t.same(readdirSync(parent), ['etc']);
  t.equal(readFileSync(join(dir, 'box.yaml'), 'utf8'), 'old');

  // Cut off between the two renames: only the old folder is there, under its temporary name,
  // beside a half-written new one.
  const cut = t.testdir({ '.etc.old-abc': { 'box.yaml': 'old' }, '.etc.new-xyz': { 'box.key': 'half' } });
  const target = await checkTarget(join(cut, 'etc'));
  await t.rejects(replaceFolder(target, async () => { throw new Error('refused'); }));
  t.same(readdirSync(cut), ['etc'], 'the old folder is back, the half-written one gone');
  t.equal(readFileSync(join(cut, 'etc', 'box.yaml'), 'utf8'), 'old');

  mkdirSync(join(cut, '.etc.old-def'));
  writeFileSync(join(cut, '.etc.old-def', 'box.key'), 'previous key');
  await replaceFolder(await checkTarget(join(cut, 'etc')), (tmp) => putFile(tmp, 'box.yaml', 'new'));
  t.same(readdirSync(cut), ['etc'], 'an old folder left beside a whole one is removed');
  t.equal(readFileSync(join(cut, 'etc', 'box.yaml'), 'utf8'), 'new');
});

t.test('checkTarget names what is wrong with --etc', async (t) => {
  const dir = t.testdir({ file: 'x' });
  const usage = (p: Promise<unknown>) => p.then(() => t.fail('accepted'), (err: unknown) => (isTalError(err, 'TAL_USAGE') ? err.message : String(err)));
  t.match(await usage(checkTarget('/')), /cannot replace the root folder/);
  t.match(await usage(checkTarget(join(dir, 'file'))), /is not a folder/);
  t.match(await usage(checkTarget(join(dir, 'file', 'etc'))), /: .*file is not a folder$/);
  t.same(await checkTarget(join(dir, 'etc')), { dir: join(dir, 'etc'), parent: dir, exists: false });
});

t.test('docs/provisioning.md: every key documented; its example has the right shape', async (t) => {
  const doc = readFileSync(new URL('../../../docs/provisioning.md', import.meta.url), 'utf8');
  const keys = (schema: { shape: Record<string, unknown> }, prefix = ''): string[] =>
    Object.entries(schema.shape).flatMap(([k, v]) => {
      const inner = v as { shape?: Record<string, unknown> };
      return inner.shape && k !== 'config' ? keys(inner as { shape: Record<string, unknown> }, `${prefix}${k}.`) : [`${prefix}${k}`];
    });
  for (const key of keys(provisionSchema)) t.match(doc, new RegExp(`^\\| .*\`${key.replace('.', '\\.')}\``, 'm'), `${key} has a row`);

  const example = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
  const result = provisionSchema.safeParse(parseYaml(example));
  const paths = result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
  // The example's PEM texts are shortened; everything else in it must be right.
  t.same(paths.sort(), ['broker.ca', 'broker.cert', 'broker.key', 'commandKeys.0', 'sealingKey']);
  t.same(configProblems(parseYaml(example)), [], 'its config is a box.yaml loadConfig accepts');
});

t.test('a mount point (as /etc/tallennin, bind-mounted on a box) is refused: rename cannot replace it', async (t) => {
  // Not a testdir: tap removes that before teardowns run, and could not while it is mounted.
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-mount-'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'etc'));
  t.teardown(() => rmSync(dir, { recursive: true }));
  const mount = spawnSync('mount', ['--bind', join(dir, 'src'), join(dir, 'etc')], { encoding: 'utf8' });
  if (mount.status !== 0) return t.skip(`cannot bind-mount here: ${mount.error?.message ?? mount.stderr.trim()}`);
  t.teardown(() => void spawnSync('umount', [join(dir, 'etc')]));
  await t.rejects(checkTarget(join(dir, 'etc')), { code: 'TAL_USAGE', message: /etc is a mount point \(a bind mount\?\), which rename cannot replace; give the folder it is mounted from \(on a box, \/srv\/tallennin\/etc\)/ });
  t.match(await checkTarget(join(dir, 'src')), { exists: true }, 'the folder it is mounted from is fine');
});
