import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateControllerKeys } from '../../src/core/seal/index.js';
import { alsaFileDevice } from '../../src/simulate/alsa-file-device.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const PASSPHRASE = 'test passphrase, not a secret';

export interface BoxFixture {
  dir: string;
  config: string;
  keyFile: string;
  pubFile: string;
  store: string;
  /** environment in which the ALSA device `trunk` reads `infile` */
  env: NodeJS.ProcessEnv;
}

/** A box in a temp folder: controller keys, an ALSA file device named `trunk` over `infile`, a config. */
export function boxFixture(opts: { infile: string; channels: number; extraYaml?: string; dir?: string; lineYaml?: (channel: number) => string }): BoxFixture {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'tallennin-'));
  mkdirSync(join(dir, 'keys'), { recursive: true });
  const { privatePem, publicPem } = generateControllerKeys(PASSPHRASE);
  const keyFile = join(dir, 'keys', 'controller.key');
  const pubFile = join(dir, 'keys', 'controller.pub');
  writeFileSync(keyFile, privatePem, { mode: 0o600 });
  writeFileSync(pubFile, publicPem);
  const { env } = alsaFileDevice(join(dir, 'xdg'), 'trunk', opts.infile);
  const lines = Array.from({ length: opts.channels }, (_, c) => `  - { id: line-${c + 1}, channel: ${c}${opts.lineYaml ? `, ${opts.lineYaml(c)}` : ''} }`).join('\n');
  const config = join(dir, 'box.yaml');
  writeFileSync(
    config,
    `box: { id: test-1, site: testsite }\ncapture: { device: "trunk", rate: 8000, channels: ${opts.channels} }\nlines:\n${lines}\n` +
      `storage: { path: ./store }\nseal: { publicKey: ./keys/controller.pub }\n` +
      // Tests run side by side: the status page on any free loopback port, and no LED to drive.
      `${opts.extraYaml?.includes('status:') ? '' : 'status: { host: 127.0.0.1, port: 0 }\n'}${opts.extraYaml?.includes('led:') ? '' : 'led: { names: [] }\n'}${opts.extraYaml ?? ''}`,
  );
  return { dir, config, keyFile, pubFile, store: join(dir, 'store'), env: { ...process.env, ...env, TALLENNIN_KEY_PASSPHRASE: PASSPHRASE } };
}

export function cli(f: BoxFixture, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: f.env, cwd: f.dir, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function spawnCli(f: BoxFixture, args: string[]): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: f.env, cwd: f.dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface ListedRecording {
  id: string;
  line: string;
  start: string;
  end: string;
  durationMs: number;
  truncated: boolean;
}

export function listRecordings(f: BoxFixture): ListedRecording[] {
  const r = cli(f, ['recordings', '--config', f.config, '--json']);
  if (r.status !== 0) throw new Error(`recordings failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as ListedRecording);
}

/** The anchor (time of sample 0) the recorder logged when capture started. */
export function anchorOf(logText: string): number {
  for (const line of logText.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { msg?: string; anchor?: string };
    if (entry.msg === 'capture running' && entry.anchor) return Date.parse(entry.anchor);
  }
  throw new Error(`no 'capture running' line in the recorder's log:\n${logText}`);
}

/** Decodes an Ogg Opus file with ffmpeg to mono Int16 PCM at `rate`. */
export function decodeWithFfmpeg(file: string, rate: number): Int16Array {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 's16le', '-ac', '1', '-ar', String(rate), '-'], { maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`ffmpeg could not decode ${file}: ${r.stderr.toString()}`);
  return new Int16Array(r.stdout.buffer.slice(r.stdout.byteOffset, r.stdout.byteOffset + r.stdout.byteLength));
}

/**
 * Normalised cross-correlation of `a` against `b` at the best lag within ±maxLag samples,
 * compared over their common length. Speech survives a 12 kbps Opus round trip at well over 0.7.
 */
export function bestCorrelation(a: Int16Array, b: Int16Array, maxLag: number): { r: number; lag: number } {
  let best = { r: -1, lag: 0 };
  for (let lag = -maxLag; lag <= maxLag; lag += 1) {
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    const from = Math.max(0, -lag);
    const to = Math.min(a.length, b.length - lag);
    for (let i = from; i < to; i += 2) {
      const x = a[i]!;
      const y = b[i + lag]!;
      sab += x * y;
      saa += x * x;
      sbb += y * y;
    }
    const r = sab / Math.sqrt(saa * sbb || 1);
    if (r > best.r) best = { r, lag };
  }
  return best;
}

/** A box that has recorded one call of about `talkMs` on line-1 (plain-file ALSA device, fast). */
export async function recordedBox(dir: string, talkMs = 6000): Promise<{ box: BoxFixture; trunk: import('../../src/simulate/trunk.js').Trunk }> {
  const { makeTrunk } = await import('../../src/simulate/trunk.js');
  const trunk = makeTrunk({ rate: 8000, channels: 1, durationMs: talkMs + 8000, calls: [{ line: 0, atMs: 1500, talkMs }] });
  const infile = join(dir, 'trunk.raw');
  writeFileSync(infile, trunk.audio);
  const box = boxFixture({ infile, channels: 1, dir, extraYaml: 'vox: { hangMs: 2000 }\n' });
  const r = cli(box, ['record', '--config', box.config, '--duration', String((talkMs + 8000) / 1000)]);
  if (r.status !== 0) throw new Error(`record failed: ${r.stderr}`);
  return { box, trunk };
}
