// `tallennin provision` through the real CLI, with real material: a fleet CA and box
// certificates from image/mosquitto/make-certs.sh (and `openssl ca` for one that has expired),
// the controller's and the central command keys from the project's own key generation. A good
// file gives a folder the recorder's own loaders accept; every bad one is refused with the key
// named, leaves the folder as it was, and no message quotes private key text.
import t, { type Test } from 'tap';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { CLI } from '../../helpers/box-fixture.js';
import { loadConfig } from '../../../src/core/config/index.js';
import { generateControllerKeys, parsePublicKey } from '../../../src/core/seal/index.js';
import { generateCommandKeyFiles } from '../../../src/core/protocol/command-keys.js';
import { loadCommandKeys } from '../../../src/box/sync/start-sync.js';
import { provision } from '../../../src/box/provision/provision.js';
import { isTalError } from '../../../src/core/errors.js';
import { tones, writeWav } from '../notice/fixtures.js';

const MAKE_CERTS = fileURLToPath(new URL('../../../image/mosquitto/make-certs.sh', import.meta.url));
const PASS = 'a passphrase long enough';
// Some 30 runs of the CLI, at about half a second each on a Pi-sized runner.
t.setTimeout(120_000);
const work = t.testdir({});

// --- material ------------------------------------------------------------------------------
const pki = join(work, 'pki');
const otherPki = join(work, 'other-pki');
execFileSync('bash', [MAKE_CERTS, '-d', pki, 'lpr-1', 'lpr-2'], { stdio: 'pipe' });
execFileSync('bash', [MAKE_CERTS, '-d', otherPki, 'lpr-1'], { stdio: 'pipe' });
const pem = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');

/** lpr-1's key, certified by the fleet CA for 1–2 January 2020 only. */
function expiredCert(): string {
  const dir = join(work, 'expired');
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  writeFileSync(join(dir, 'ca.cnf'), '[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = p\nunique_subject = no\n[p]\ncommonName = supplied\n');
  execFileSync('openssl', ['req', '-new', '-key', join(pki, 'lpr-1.key'), '-subj', '/CN=lpr-1', '-out', join(dir, 'r.csr')], { stdio: 'pipe' });
  execFileSync('openssl', ['ca', '-batch', '-config', 'ca.cnf', '-cert', join(pki, 'ca.crt'), '-keyfile', join(pki, 'ca.key'), '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-in', 'r.csr', '-out', 'expired.crt', '-notext'], { cwd: dir, stdio: 'pipe' });
  return pem(dir, 'expired.crt');
}

const controller = generateControllerKeys(PASS);
const command1 = generateCommandKeyFiles(PASS);
const command2 = generateCommandKeyFiles(PASS);
const material = {
  ca: pem(pki, 'ca.crt'),
  cert: pem(pki, 'lpr-1.crt'),
  key: pem(pki, 'lpr-1.key'),
  cert2: pem(pki, 'lpr-2.crt'),
  key2: pem(pki, 'lpr-2.key'),
  server: pem(pki, 'server.crt'),
  serverKey: pem(pki, 'server.key'),
  otherCert: pem(otherPki, 'lpr-1.crt'),
  otherKey: pem(otherPki, 'lpr-1.key'),
  expired: expiredCert(),
  rsaPublic: generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'pem', type: 'spki' }).toString(),
};
/** Every line of every private key in play: none may ever appear in a message. */
const secretLines = [material.key, material.key2, material.otherKey, material.serverKey, controller.privatePem, command1.privatePem]
  .flatMap((k) => k.split('\n'))
  .filter((l) => l.length > 0 && !l.startsWith('-----'));

// --- the file --------------------------------------------------------------------------------
const CONFIG = {
  capture: { device: 'hw:1,0', rate: 8000, channels: 2 },
  lines: [{ id: 'line-1', channel: 0 }, { id: 'line-2', channel: 1 }],
};
type Doc = Record<string, unknown> & { box: Record<string, unknown>; broker: Record<string, unknown>; config?: Record<string, unknown> };
const good = (): Doc => ({
  box: { id: 'lpr-1', site: 'lappeenranta' },
  sealingKey: controller.publicPem,
  commandKeys: [command1.publicPem, command2.publicPem],
  broker: { url: 'mqtts://mqtt.keha.example:8883', addresses: ['192.0.2.10', '2001:db8::10'], ca: material.ca, cert: material.cert, key: material.key },
  managementNetworks: ['10.20.0.0/24', '2001:db8:20::/64'],
  config: structuredClone(CONFIG),
});

let n = 0;
function writeDoc(doc: Doc | string): string {
  const file = join(work, `provision-${++n}.yaml`);
  writeFileSync(file, typeof doc === 'string' ? doc : stringify(doc));
  return file;
}

// Without tap's --import hooks in NODE_OPTIONS, which triple the CLI's start-up time.
const env = { ...process.env, NODE_OPTIONS: '' };

interface Ran { status: number | null; stdout: string; stderr: string }

function run(file: string, etc: string, extra: string[] = []): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'provision', '--file', file, '--etc', etc, ...extra], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Every file under `dir` with its mode and contents: "as it was" is this, unchanged. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const s = statSync(path);
      const key = rel ? `${rel}/${name}` : name;
      if (s.isDirectory()) {
        out[`${key}/`] = (s.mode & 0o7777).toString(8);
        walk(path, key);
      } else out[key] = `${(s.mode & 0o7777).toString(8)} ${readFileSync(path, 'utf8')}`;
    }
  };
  walk(dir, '');
  return out;
}

const noSecrets = (t: Test, text: string) => {
  t.notMatch(text, /PRIVATE KEY/, 'no PEM private key label');
  t.notOk(secretLines.some((l) => text.includes(l)), 'no line of any private key');
};

// --- a good file -------------------------------------------------------------------------------
t.test('a good file: the folder the recorder loads, with its own loaders', async (t) => {
  const parent = t.testdir({});
  const etc = join(parent, 'etc');
  const r = await run(writeDoc(good()), etc);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stderr, '');
  t.match(r.stdout, /provisioned box lpr-1 of site lappeenranta into .*etc/);

  t.same(readdirSync(parent), ['etc'], 'no temporary folder left beside it');
  const config = await loadConfig(join(etc, 'box.yaml'));
  t.same(config.box, { id: 'lpr-1', site: 'lappeenranta' });
  t.equal(config.seal.publicKey, join(etc, 'keys/seal.pub'));
  t.same(config.mqtt, {
    url: 'mqtts://mqtt.keha.example:8883',
    ca: join(etc, 'tls/ca.crt'),
    cert: join(etc, 'tls/box.crt'),
    key: join(etc, 'tls/box.key'),
    commandKeys: [join(etc, 'keys/command-1.pub'), join(etc, 'keys/command-2.pub')],
    statusIntervalS: 60,
    keepaliveS: 30,
    reconnectMaxS: 60,
  });
  t.equal(config.storage.path, '/var/lib/tallennin/store', 'storage.path defaults to the data partition');
  t.equal(config.status.users, '/var/lib/tallennin/accounts.json', 'so does status.users');
  t.same(config.lines.map((l) => l.id), ['line-1', 'line-2'], 'config carried over');

  t.equal(parsePublicKey(readFileSync(config.seal.publicKey, 'utf8'), 'seal').keyId, controller.keyId);
  t.same([...(await loadCommandKeys(config.mqtt!.commandKeys)).keys()], [command1.keyId, command2.keyId]);
  t.equal(readFileSync(config.mqtt!.ca!, 'utf8'), material.ca);
  t.equal(readFileSync(config.mqtt!.cert!, 'utf8'), material.cert);
  t.equal(readFileSync(config.mqtt!.key!, 'utf8'), material.key);

  const yaml = readFileSync(join(etc, 'box.yaml'), 'utf8');
  t.match(yaml, /^# Generated by `tallennin provision` on \d{4}-\d\d-\d\dT[\d:.]+Z\.\n# Do not edit: changes go through a new provisioning file/);

  const modes = Object.fromEntries(Object.entries(snapshot(etc)).map(([k, v]) => [k, v.slice(0, 3)]));
  t.same(modes, {
    'box.yaml': '640', 'firewall.nft': '640', 'keys/': '750', 'keys/command-1.pub': '640', 'keys/command-2.pub': '640', 'keys/seal.pub': '640',
    'tls/': '750', 'tls/box.crt': '640', 'tls/box.key': '640', 'tls/ca.crt': '640',
  });
  t.equal(statSync(etc).mode & 0o7777, 0o750);
});

t.test('the firewall file: only add-element lines, an empty set left out', async (t) => {
  const etc = join(t.testdir({}), 'etc');
  t.equal((await run(writeDoc(good()), etc)).status, 0);
  const lines = readFileSync(join(etc, 'firewall.nft'), 'utf8').split('\n');
  t.match(lines[0], /^# Generated by `tallennin provision` on .*; changes go through a new provisioning file\.$/);
  t.same(lines.filter((l) => l !== '' && !l.startsWith('#')), [
    'add element inet tallennin mgmt4 { 10.20.0.0/24 }',
    'add element inet tallennin mgmt6 { 2001:db8:20::/64 }',
    'add element inet tallennin broker4 { 192.0.2.10 . 8883 }',
    'add element inet tallennin broker6 { 2001:db8::10 . 8883 }',
    'add element inet tallennin status_ports { 8080 }',
  ]);

  // An IPv6 url's own address, its default port, one family of networks, the config's status port.
  const doc = good();
  doc.broker = { ...doc.broker, url: 'mqtts://[2001:db8::10]' };
  delete doc.broker['addresses'];
  doc['managementNetworks'] = ['10.20.0.0/24', '10.30.0.7', '192.168.5.0/24'];
  doc.config = { ...CONFIG, status: { port: 8443 } };
  const etc2 = join(t.testdir({}), 'etc');
  const r = await run(writeDoc(doc), etc2);
  t.equal(r.status, 0, r.stderr);
  const text = readFileSync(join(etc2, 'firewall.nft'), 'utf8');
  t.same(text.split('\n').filter((l) => l.startsWith('add')), [
    'add element inet tallennin mgmt4 { 10.20.0.0/24, 10.30.0.7, 192.168.5.0/24 }',
    'add element inet tallennin broker6 { 2001:db8::10 . 8883 }',
    'add element inet tallennin status_ports { 8443 }',
  ]);
  t.equal((await loadConfig(join(etc2, 'box.yaml'))).status.users, '/var/lib/tallennin/accounts.json', 'status.users defaults beside a status section');

  // nft itself accepts both files against the sets docs/provisioning.md describes.
  const table = 'table inet tallennin {\n  set mgmt4 { type ipv4_addr; flags interval; }\n  set mgmt6 { type ipv6_addr; flags interval; }\n' +
    '  set broker4 { type ipv4_addr . inet_service; }\n  set broker6 { type ipv6_addr . inet_service; }\n  set status_ports { type inet_service; }\n}\n';
  const probe = spawnSync('nft', ['-c', '-f', '-'], { input: table, encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    t.comment(`nft -c not usable here (${probe.error?.message ?? probe.stderr.trim()}): syntax not checked by nft`);
    return;
  }
  // The image's own ruleset too, its include of firewall*.nft replaced by the file, when it loads alone.
  const rulesets = [table];
  const image = fileURLToPath(new URL('../../../image/files/nftables.conf', import.meta.url));
  if (existsSync(image)) {
    const base = readFileSync(image, 'utf8').replace(/^\s*include\s.*$/gm, '');
    if (spawnSync('nft', ['-c', '-f', '-'], { input: base, encoding: 'utf8' }).status === 0) rulesets.push(base);
    else t.comment('image/files/nftables.conf does not load alone: not checked against it');
  }
  for (const ruleset of rulesets) {
    for (const file of [join(etc, 'firewall.nft'), join(etc2, 'firewall.nft')]) {
      const check = spawnSync('nft', ['-c', '-f', '-'], { input: `${ruleset}\n${readFileSync(file, 'utf8')}`, encoding: 'utf8' });
      t.equal(check.status, 0, `nft -c accepts ${file}${ruleset === table ? '' : ' with the image\'s ruleset'}: ${check.stderr}`);
    }
  }
});

t.test('re-provisioning replaces the folder as a whole', async (t) => {
  const parent = t.testdir({});
  const etc = join(parent, 'etc');
  t.equal((await run(writeDoc(good()), etc)).status, 0);
  writeFileSync(join(etc, 'stray.txt'), 'left by hand');

  const doc = good();
  doc['commandKeys'] = [command2.publicPem];
  doc.broker = { ...doc.broker, keepaliveS: 60 };
  const r = await run(writeDoc(doc), etc);
  t.equal(r.status, 0, r.stderr);
  t.same(readdirSync(parent), ['etc'], 'no old or temporary folder left beside it');
  t.notOk(existsSync(join(etc, 'stray.txt')), 'what was there before is gone');
  t.notOk(existsSync(join(etc, 'keys/command-2.pub')), 'the key no longer listed is gone');
  const config = await loadConfig(join(etc, 'box.yaml'));
  t.same([...(await loadCommandKeys(config.mqtt!.commandKeys)).keys()], [command2.keyId]);
  t.equal(config.mqtt!.keepaliveS, 60, 'broker.keepaliveS is passed on to mqtt');
});

t.test('--group: root owns, the group reads', { skip: process.getuid?.() !== 0 && 'needs root for chown' }, async (t) => {
  const etc = join(t.testdir({}), 'etc');
  const r = await run(writeDoc(good()), etc, ['--group', '4242']);
  t.equal(r.status, 0, r.stderr);
  for (const rel of ['', 'box.yaml', 'tls', 'tls/box.key', 'keys/seal.pub', 'firewall.nft']) {
    const s = statSync(join(etc, rel));
    t.same([s.uid, s.gid], [0, 4242], rel || 'the folder');
  }
  const bad = await run(writeDoc(good()), join(t.testdir({}), 'etc'), ['--group', 'no-such-group-here']);
  t.equal(bad.status, 2);
  t.match(bad.stderr, /--group no-such-group-here: no such group in \/etc\/group \[TAL_USAGE\]/);
});

t.test('a file from a Windows laptop (CRLF line ends) provisions; the PEM files are written with LF', async (t) => {
  const etc = join(t.testdir({}), 'etc');
  const r = await run(writeDoc(stringify(good()).replaceAll('\n', '\r\n')), etc);
  t.equal(r.status, 0, r.stderr);
  t.equal(readFileSync(join(etc, 'tls/box.key'), 'utf8'), material.key);
  await loadConfig(join(etc, 'box.yaml'));
});

/** provision() in this process, its failure worded as main() prints it: the bad files below
 *  run here (two CLI start-ups each would take a minute); a few go through the CLI as well. */
async function runHere(file: string, etc: string): Promise<Ran> {
  try {
    await provision({ file, etc });
    return { status: 0, stdout: '', stderr: '' };
  } catch (err) {
    if (!isTalError(err)) throw err;
    return { status: err.code === 'TAL_USAGE' ? 2 : 1, stdout: '', stderr: `tallennin provision: ${err.message} [${err.code}]\n` };
  }
}
const THROUGH_CLI = new Set(['missing file', 'not YAML inside the private key', 'cert CN mismatch', 'config with a value loadConfig rejects', 'the private key pasted into box.id']);

// --- bad files ---------------------------------------------------------------------------------
const edit = (change: (d: Doc) => void): Doc => {
  const d = good();
  change(d);
  return d;
};

const bad: { name: string; file: () => string; says: RegExp; code?: string }[] = [
  { name: 'missing file', file: () => join(work, 'no-such-file.yaml'), says: /no-such-file\.yaml: cannot read the provisioning file: no such file or directory \(ENOENT\)/, code: 'TAL_CONFIG_UNREADABLE' },
  { name: 'not YAML', file: () => writeDoc('box: { id: lpr-1, site: x\nsealingKey: [\n'), says: /: not valid YAML at line \d+, column \d+: /, code: 'TAL_CONFIG_UNREADABLE' },
  {
    // The faulty line is a line of the private key: the message gives its place, never the line.
    name: 'not YAML inside the private key',
    file: () => writeDoc(stringify(good()).replace(/(  key: \|-?\n(?:.*\n){2})/, '$1 ]: {\n')),
    says: /: not valid YAML at line \d+, column \d+/,
    code: 'TAL_CONFIG_UNREADABLE',
  },
  { name: 'not a mapping', file: () => writeDoc('- just\n- a list\n'), says: /: the file must hold the sections box, sealingKey, commandKeys, broker, managementNetworks, config/ },
  { name: 'unknown top-level key', file: () => writeDoc(edit((d) => { d['managementNetwork'] = d['managementNetworks']; delete d['managementNetworks']; })), says: /: managementNetwork: unknown section \(did you mean "managementNetworks"\?\)/ },
  { name: 'bad box id', file: () => writeDoc(edit((d) => { d.box['id'] = 'LPR-1'; })), says: /: box\.id: "LPR-1" is not allowed: .*\(did you mean "lpr-1"\?\)/ },
  { name: 'box id of the indexer', file: () => writeDoc(edit((d) => { d.box['id'] = 'indexer'; })), says: /box\.id: "indexer" is the indexer's own identity/ },
  { name: 'private key as sealingKey', file: () => writeDoc(edit((d) => { d['sealingKey'] = controller.privatePem; })), says: /: sealingKey: it holds a private key; a private key must never be given to the box/ },
  { name: 'a file name as sealingKey', file: () => writeDoc(edit((d) => { d['sealingKey'] = 'controller.pub'; })), says: /sealingKey: is not PEM text: paste the contents/ },
  { name: 'RSA command key', file: () => writeDoc(edit((d) => { d['commandKeys'] = [command1.publicPem, material.rsaPublic]; })), says: /: commandKeys\[1\]: the command key must be Ed25519, not rsa/ },
  { name: 'private command key', file: () => writeDoc(edit((d) => { d['commandKeys'] = [command1.privatePem]; })), says: /: commandKeys\[0\]: it holds a private key/ },
  { name: 'no command keys', file: () => writeDoc(edit((d) => { d['commandKeys'] = []; })), says: /: commandKeys: the list is empty; at least one command key is needed/ },
  { name: 'cert CN mismatch', file: () => writeDoc(edit((d) => { d.broker['cert'] = material.cert2; d.broker['key'] = material.key2; })), says: /: broker\.cert: the certificate's CN is "lpr-2", but box\.id is "lpr-1"/ },
  { name: 'cert not signed by ca', file: () => writeDoc(edit((d) => { d.broker['cert'] = material.otherCert; d.broker['key'] = material.otherKey; })), says: /: broker\.cert: the certificate is not signed by the CA in broker\.ca/ },
  { name: 'key not matching cert', file: () => writeDoc(edit((d) => { d.broker['key'] = material.key2; })), says: /: broker\.key: is not the private key of the certificate in broker\.cert/ },
  { name: 'expired cert', file: () => writeDoc(edit((d) => { d.broker['cert'] = material.expired; })), says: /: broker\.cert: the certificate expired on 2020-01-02/ },
  { name: 'the broker\'s server certificate', file: () => writeDoc(edit((d) => { d.box['id'] = 'localhost'; d.broker['cert'] = material.server; d.broker['key'] = material.serverKey; })), says: /broker\.cert: the certificate is not for TLS clients/ },
  { name: 'cert and key in one text', file: () => writeDoc(edit((d) => { d.broker['cert'] = material.cert + material.key; })), says: /broker\.cert: it holds a private key as well as a certificate/ },
  { name: 'mqtt:// to a remote host', file: () => writeDoc(edit((d) => { d.broker['url'] = 'mqtt://mqtt.keha.example:1883'; })), says: /: broker\.url: plain mqtt:\/\/ to mqtt\.keha\.example would send call events unencrypted/ },
  { name: 'hostname url without addresses', file: () => writeDoc(edit((d) => { delete d.broker['addresses']; })), says: /: broker\.addresses: is missing: broker\.url names the host "mqtt\.keha\.example"/ },
  { name: 'an address that is not one', file: () => writeDoc(edit((d) => { d.broker['addresses'] = ['192.0.2.300']; })), says: /broker\.addresses\[0\]: "192\.0\.2\.300" is not an IP address/ },
  { name: 'bad CIDR', file: () => writeDoc(edit((d) => { d['managementNetworks'] = ['10.20.0.0/33']; })), says: /: managementNetworks\[0\]: "10\.20\.0\.0\/33": the prefix must be a whole number 0–32/ },
  { name: 'host bits set', file: () => writeDoc(edit((d) => { d['managementNetworks'] = ['10.20.0.5/24']; })), says: /managementNetworks\[0\]: "10\.20\.0\.5\/24" has host bits set; write the network 10\.20\.0\.0\/24, or 10\.20\.0\.5\/32 for that one host/ },
  { name: '0.0.0.0/0', file: () => writeDoc(edit((d) => { d['managementNetworks'] = ['10.20.0.0/24', '0.0.0.0/0']; })), says: /: managementNetworks\[1\]: "0\.0\.0\.0\/0" is every IPv4 address: it would open SSH and the status page to the whole internet/ },
  { name: '::/0', file: () => writeDoc(edit((d) => { d['managementNetworks'] = ['::/0']; })), says: /managementNetworks\[0\]: "::\/0" is every IPv6 address/ },
  { name: 'overlapping networks', file: () => writeDoc(edit((d) => { d['managementNetworks'] = ['10.0.0.0/8', '10.20.0.0/24']; })), says: /managementNetworks\[1\]: "10\.20\.0\.0\/24" overlaps "10\.0\.0\.0\/8" \(managementNetworks\[0\]\)/ },
  { name: 'config setting mqtt', file: () => writeDoc(edit((d) => { d.config!['mqtt'] = { url: 'mqtts://elsewhere:8883', commandKeys: ['x.pub'] }; })), says: /: config\.mqtt: cannot be set here: box\.yaml's mqtt section is written from broker and commandKeys/ },
  { name: 'config setting seal', file: () => writeDoc(edit((d) => { d.config!['seal'] = { publicKey: '/tmp/other.pub' }; })), says: /: config\.seal: cannot be set here: .*sealingKey/ },
  { name: 'config with a value loadConfig rejects', file: () => writeDoc(edit((d) => { d.config!['capture'] = { device: 'hw:1,0', rate: 44100, channels: 2 }; })), says: /: config\.capture\.rate: 44100 is not supported; use 8000 or 16000/ },
  { name: 'config with a key loadConfig rejects', file: () => writeDoc(edit((d) => { d.config!['retention'] = { monhts: 3 }; })), says: /: config\.retention\.monhts: unknown key \(did you mean "months"\?\)/ },
  { name: 'no config at all', file: () => writeDoc(edit((d) => { delete d.config; })), says: /config\.capture: this section is missing/ },
  { name: 'broker tuning loadConfig rejects', file: () => writeDoc(edit((d) => { d.broker['keepaliveS'] = 500; })), says: /: broker\.keepaliveS: 500 is out of range \(5–120 s\)/ },
  { name: 'status port 0', file: () => writeDoc(edit((d) => { d.config!['status'] = { port: 0 }; })), says: /config\.status\.port: 0 \(any free port\) cannot be opened in the firewall/ },
  { name: 'the private key pasted into box.id', file: () => writeDoc(edit((d) => { d.box['id'] = material.key; })), says: /: box\.id: "\[PEM text withheld\]\\n" is not allowed/ },
];

// Each bad file twice: onto a folder provisioned before (left exactly as it was) and onto none
// (none made).
const previous = join(work, 'previous');
mkdirSync(previous);
const previousEtc = join(previous, 'etc');
t.equal((await run(writeDoc(good()), previousEtc)).status, 0, 'the folder a bad file meets');
const before = snapshot(previousEtc);

for (const c of bad) {
  t.test(`refused: ${c.name}`, async (t) => {
    const file = c.file();
    const parent = t.testdir({});
    const go = THROUGH_CLI.has(c.name) ? run : runHere;
    const [r, fresh] = await Promise.all([go(file, previousEtc), go(file, join(parent, 'etc'))]);
    t.equal(r.status, 1, 'exit 1');
    t.match(r.stderr, c.says);
    t.match(r.stderr, new RegExp(`^tallennin provision: .*\\[${c.code ?? 'TAL_CONFIG_INVALID'}\\]\\n$`, 's'), 'one message, with its code');
    t.equal(r.stdout, '');
    noSecrets(t, r.stderr);
    t.same(snapshot(previousEtc), before, 'the folder provisioned before is exactly as it was');
    t.same(readdirSync(previous), ['etc'], 'nothing left beside it');

    t.equal(fresh.status, 1);
    t.equal(fresh.stderr, r.stderr.replaceAll(previousEtc, join(parent, 'etc')), 'the same message');
    t.same(readdirSync(parent), [], 'no folder made');
  });
}

t.test('all the problems of a file at once, in the file\'s order', async (t) => {
  const r = await run(writeDoc(edit((d) => {
    d.box['id'] = 'Lpr 1';
    d['managementNetworks'] = ['0.0.0.0/0'];
    d.broker['key'] = material.key2;
    d['sealingKey'] = controller.privatePem;
    d.config!['capture'] = { device: 'hw:1,0', rate: 44100, channels: 2 };
  })), join(t.testdir({}), 'etc'));
  t.equal(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  t.match(lines[0], /: 5 problems$/);
  t.match(lines.slice(1).map((l) => l.trim().split(':')[0]), ['box.id', 'sealingKey', 'broker.key', 'managementNetworks[0]', 'config.capture.rate']);
  noSecrets(t, r.stderr);
});

t.test('a folder that cannot be written: exit 73 (EX_CANTCREAT), one line', { skip: !existsSync('/proc/self') && 'no /proc' }, async (t) => {
  const r = await run(writeDoc(good()), '/proc/tallennin-provision-test');
  t.equal(r.status, 73);
  t.equal(r.stderr, 'tallennin provision: cannot write the config folder /proc/tallennin-provision-test: no such file or directory (ENOENT)\n');
});

t.test('usage: --file and --etc are required; a --etc that rename cannot replace is refused', async (t) => {
  const r = spawnSync(process.execPath, [CLI, 'provision', '--file', writeDoc(good())], { encoding: 'utf8', env });
  t.equal(r.status, 2);
  t.match(r.stderr, /--etc is required\nusage: tallennin provision --file FILE --etc DIR/);

  const dir = t.testdir({ real: {}, afile: 'x' });
  execFileSync('ln', ['-s', join(dir, 'real'), join(dir, 'link')]);
  const link = await run(writeDoc(good()), join(dir, 'link'));
  t.equal(link.status, 2);
  t.match(link.stderr, /--etc .*link is a symbolic link to .*real; give the folder itself/);
  t.match((await run(writeDoc(good()), join(dir, 'afile'))).stderr, /--etc .*afile is not a folder/);
  t.match((await run(writeDoc(good()), join(dir, 'nope', 'etc'))).stderr, /--etc .*: its parent folder .*nope cannot be used: no such file or directory/);
});

// --- the announcement's audio, from beside the provisioning file --------------------------------
t.test('a relative announcement file travels from the boot partition into the folder', async (t) => {
  const boot = t.testdir({});
  const etc = join(t.testdir({}), 'etc');
  writeWav(join(boot, 'tiedote.wav'), 8000, '16', [tones(8000, 2, [{ f: 440, amp: 0.3 }, { f: 1100, amp: 0.2 }])]);
  const doc = good();
  doc.config!['announcement'] = { mode: 'verify', file: 'tiedote.wav' };
  const file = join(boot, 'tallennin-provision.yaml');
  writeFileSync(file, stringify(doc));
  const r = await run(file, etc);
  t.equal(r.status, 0, r.stderr);
  const config = await loadConfig(join(etc, 'box.yaml'));
  t.equal(config.announcement.file, join(etc, 'announcement', 'tiedote.wav'), 'box.yaml names the copy in the folder');
  t.same(readFileSync(join(etc, 'announcement', 'tiedote.wav')), readFileSync(join(boot, 'tiedote.wav')), 'the same bytes');
  t.equal(statSync(join(etc, 'announcement', 'tiedote.wav')).mode & 0o777, 0o640);

  // Missing beside the file, or no usable announcement: refused naming the key, nothing written.
  const before = snapshot(etc);
  doc.config!['announcement'] = { mode: 'verify', file: 'puuttuu.wav' };
  writeFileSync(file, stringify(doc));
  const missing = await run(file, etc);
  t.equal(missing.status, 1);
  t.match(missing.stderr, /config\.announcement\.file: "puuttuu\.wav" is read from beside the provisioning file \(.*\), but there is no such file/);
  writeWav(join(boot, 'silent.wav'), 8000, '16', [new Float64Array(16000)]);
  doc.config!['announcement'] = { mode: 'verify', file: 'silent.wav' };
  writeFileSync(file, stringify(doc));
  const silent = await run(file, etc);
  t.equal(silent.status, 1);
  t.match(silent.stderr, /config\.announcement\.file: .*silent\.wav/);
  t.same(snapshot(etc), before, 'the folder is as it was');
});
