// A bad config is refused before anything starts: its own clear message naming the field,
// and a non-zero exit, through the real CLI.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/box-fixture.js';
import { generateControllerKeys } from '../../src/core/seal/index.js';

const dir = t.testdir({});
writeFileSync(join(dir, 'controller.pub'), generateControllerKeys('a passphrase long enough').publicPem);
symlinkSync(join(dir, 'gone.pub'), join(dir, 'dangling.pub'));
mkdirSync(join(dir, 'adir.pub'));

const good = {
  box: '{ id: lpr-1, site: lappeenranta }',
  capture: '{ device: "hw:1,0", rate: 8000, channels: 2 }',
  lines: '\n  - { id: line-1, channel: 0 }\n  - { id: line-2, channel: 1 }',
  storage: '{ path: ./store }',
  seal: '{ publicKey: ./controller.pub }',
};
const yaml = (o: Record<string, string | undefined>) =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n') + '\n';

const cases: { name: string; text: string; says: RegExp }[] = [
  { name: 'missing field', text: yaml({ ...good, storage: undefined }), says: /storage: .*missing/i },
  { name: 'wrong type', text: yaml({ ...good, capture: '{ device: "hw:1,0", rate: "fast", channels: 2 }' }), says: /capture\.rate: .*"fast"/ },
  { name: 'channel out of range', text: yaml({ ...good, lines: '\n  - { id: line-1, channel: 0 }\n  - { id: line-2, channel: 2 }' }), says: /lines\[1\]\.channel: 2 is out of range \(capture\.channels is 2, so channels are 0–1\)/ },
  { name: 'duplicate line id', text: yaml({ ...good, lines: '\n  - { id: line-1, channel: 0 }\n  - { id: line-1, channel: 1 }' }), says: /lines\[1\]\.id: .*line-1.*lines\[0\]/ },
  { name: 'unreadable key file (missing)', text: yaml({ ...good, seal: '{ publicKey: ./nope.pub }' }), says: /seal\.publicKey: .*nope\.pub.*no such file/i },
  { name: 'unreadable key file (dangling link)', text: yaml({ ...good, seal: '{ publicKey: ./dangling.pub }' }), says: /seal\.publicKey: .*dangling\.pub/ },
  { name: 'unreadable key file (a folder)', text: yaml({ ...good, seal: '{ publicKey: ./adir.pub }' }), says: /seal\.publicKey: .*adir\.pub.*director/i },
  { name: 'unknown key', text: yaml({ ...good, capture: '{ device: "hw:1,0", rate: 8000, chanels: 2 }' }), says: /capture\.chanels.*did you mean "?channels"?/i },
  { name: 'YAML syntax error', text: 'box: { id: lpr-1\nlines: [\n', says: /line \d+/ },
];

for (const c of cases) {
  t.test(`${c.name}: refused before anything starts`, async (t) => {
    const file = join(dir, `${c.name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, c.text);
    const r = spawnSync(process.execPath, [CLI, 'record', '--config', file], { encoding: 'utf8', cwd: dir, timeout: 20_000 });
    t.not(r.status, 0, 'non-zero exit');
    t.match(r.stderr, c.says);
    t.match(r.stderr, /TAL_CONFIG_(INVALID|UNREADABLE)/);
    t.notOk(existsSync(join(dir, 'store')), 'no store was created');
  });
}

t.test('the minimal form from the README loads (and fails only later, on the missing sound card)', async (t) => {
  const file = join(dir, 'minimal.yaml');
  writeFileSync(file, yaml(good));
  const r = spawnSync(process.execPath, [CLI, 'recordings', '--config', file, '--json'], { encoding: 'utf8', cwd: dir });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, '', 'an empty store lists nothing');
});

t.test('a private key given to the box as its public key is refused with a warning', async (t) => {
  const keys = generateControllerKeys('a passphrase long enough');
  writeFileSync(join(dir, 'private-as-public.pub'), keys.privatePem);
  const file = join(dir, 'private.yaml');
  writeFileSync(file, yaml({ ...good, seal: '{ publicKey: ./private-as-public.pub }', storage: '{ path: ./store-private }' }));
  const r = spawnSync(process.execPath, [CLI, 'record', '--config', file, '--duration', '1'], { encoding: 'utf8', cwd: dir });
  t.equal(r.status, 1);
  t.match(r.stderr, /private key must never be given to the box/);
  t.notOk(existsSync(join(dir, 'store-private')), 'refused before the store was opened');
});
