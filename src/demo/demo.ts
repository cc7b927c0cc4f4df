// `tallennin demo`: a newcomer's first minute with the box. It makes a controller key pair,
// plays a simulated two-line trunk through a real ALSA capture device into the real recorder,
// lists what was recorded next to the truth, and exports the longest call to Ogg Opus.
// Every step runs the same CLI an operator would (`keys`, `record`, `recordings`, `export`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, createWriteStream, openSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parse } from '../commands/args.js';
import { TalError } from '../core/errors.js';
import { alsaFileDevice, makeFifo } from '../simulate/alsa-file-device.js';
import { FifoFeeder } from '../simulate/fifo-feeder.js';
import { makeTrunk, type Trunk } from '../simulate/trunk.js';
import { RecordingStore } from '../box/store/recording-store.js';
import { unsealMetadata } from '../core/recording/unseal.js';
import { parsePrivateKey } from '../core/seal/index.js';
import { callTable, hhmmss, indent, seconds } from './report.js';
import { showIndex, spawnLogged, startCentral, type Central } from './central.js';
import { lineId, matchCalls, SCENARIO, SECONDS, withAnnouncement, type Listed } from './scenario.js';
import { loadAnnouncement } from '../box/notice/announcement-file.js';
import { ANNOUNCEMENT_TEXT, onTheLine, speakAnnouncement } from './announcement.js';

const usage = 'tallennin demo [--dir DIR]   (default DIR: ./demo-output)';
const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));
/** For the demo's key only; a real controller key needs a passphrase of its own. */
const PASSPHRASE = 'demo passphrase, not for real keys';
/** Marks a folder as the demo's own, so a later run may clear it. */
const MARKER = '.tallennin-demo';

/** A step that failed, with what the child process said on stderr. */
class Failure extends Error {
  constructor(message: string, readonly stderr = '') {
    super(message);
  }
}

const say = (text = '') => process.stdout.write(text + '\n');
/** A path as the user would type it from here. */
const show = (p: string) => {
  const rel = relative(process.cwd(), p);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? p : rel;
};

/** What is still running, so a failure can stop it. */
interface Running {
  feeder?: FifoFeeder;
  fifo?: string;
  child?: ChildProcess;
  central?: Central;
}

export async function demo(argv: string[]): Promise<void> {
  const args = parse(argv, { dir: { type: 'string' } }, usage);
  const dir = resolve(args.dir ?? 'demo-output');
  const running: Running = {};
  let doing = 'preparing the work folder';
  try {
    const cleared = await prepareFolder(dir);
    say('tallennin demo: a recording box on a simulated two-line trunk, about a minute.\n');
    say(`1. Work folder: ${show(dir)}${cleared ? ' (a previous demo was in it: cleared it)' : ''}`);

    doing = 'making the controller key pair (tallennin keys init)';
    const keys = join(dir, 'keys');
    const made = await cli(['keys', 'init', '--out', keys], 'tallennin keys init');
    say(`2. Controller key pair made with \`tallennin keys init\`: ${made.stdout.match(/key id (\w+)/)?.[1] ?? ''}`);
    say(`   The private key is encrypted under the passphrase "${PASSPHRASE}".`);
    say('   That passphrase is for this demo only: never use it for a real key.');
    doing = 'making the command key pair (tallennin keys command)';
    await cli(['keys', 'command', '--out', keys], 'tallennin keys command');
    say('   And the central command key pair (`tallennin keys command`): the box obeys only what it signs.');

    doing = 'starting the MQTT broker and the indexer (tallennin indexer)';
    const central = await startCentral(dir, cli, spawnLogged(CLI, { ...process.env, TALLENNIN_KEY_PASSPHRASE: PASSPHRASE }));
    running.central = central;
    say(`   An MQTT broker (aedes, embedded in this demo) listens on ${central.brokerUrl}, and the central`);
    say(`   indexer (\`tallennin indexer --config ${show(join(dir, 'indexer.yaml'))}\`) serves its API on ${central.apiUrl}.`);

    doing = 'speaking the recording announcement (espeak-ng)';
    const announcementFile = join(dir, 'announcement.wav');
    const announcement = speakAnnouncement(announcementFile) ? await loadAnnouncement(announcementFile, SCENARIO.rate) : undefined;

    doing = 'making the trunk audio';
    const trunk = makeTrunk(withAnnouncement(announcement && onTheLine(announcement)));
    say(`3. A simulated trunk: ${SECONDS} s, ${SCENARIO.channels} lines, ${trunk.truth.length} calls, ${speechWords(trunk)}.`);
    say(
      announcement
        ? `   The recording announcement, "${ANNOUNCEMENT_TEXT}", spoken by espeak-ng\n` +
            `   (${show(announcementFile)}): the exchange plays it at the start of each incoming call, and the box checks it did.`
        : '   espeak-ng is not installed: no recording announcement, and the box is told not to check for one (mode off).',
    );
    for (const t of trunk.truth) say(`     ${lineId(t.line)}: someone talks from ${clock(t.startMs)} to ${clock(t.endMs)}`);

    doing = 'setting up the ALSA capture device';
    const fifo = join(dir, 'trunk.fifo');
    makeFifo(fifo);
    running.fifo = fifo;
    const alsa = alsaFileDevice(join(dir, 'alsa-config'), 'trunk', fifo);
    const config = join(dir, 'box.yaml');
    await writeFile(config, boxYaml(alsa.device, central.brokerUrl, announcement !== undefined));
    say(`4. ALSA capture device "${alsa.device}" (the file plugin, defined in ${show(join(dir, 'alsa-config/alsa/asoundrc'))})`);
    say(`   reads the trunk from the FIFO ${show(fifo)}, fed in real time. Box configuration: ${show(config)}`);

    doing = 'recording (tallennin record)';
    say(`5. Recording: \`tallennin record --config ${show(config)} --duration ${SECONDS}\` (takes ${SECONDS} s)`);
    running.feeder = new FifoFeeder(fifo, trunk.audio, { rate: SCENARIO.rate, channels: SCENARIO.channels });
    const { anchorMs, stats } = await recordTrunk(config, alsa.env, join(dir, 'recorder.log'), running);
    await stopFeeder(running);
    say(`   The recorder stopped after ${SECONDS} s of audio. ${captureWords(stats)}`);

    doing = 'listing the recordings (tallennin recordings)';
    const listed = (await cli(['recordings', '--config', config, '--json'], 'tallennin recordings')).stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Listed);
    const matches = matchCalls(listed, trunk.truth, anchorMs);
    const numbers = await unsealNumbers(join(dir, 'store'), join(keys, 'controller.key'));
    say(`\n6. What the box recorded (\`tallennin recordings --json\`), next to the calls the simulation placed.`);
    say('   The numbers are sealed on the box; they are shown here unsealed with the private key:');
    say(callTable(matches, numbers));
    say('   True times: the capture\'s sample 0 (logged by the recorder) + the call\'s offset in the trunk.');
    say('   "before / after": how long a recording runs before the first word and after the last; the box');
    say('   keeps a short pre-roll so the first word is never cut (a negative figure would mean words were lost).');
    const found = matches.filter((m) => m.recording && m.truth).length;
    const wrong = matches.length - found;
    if (listed.length === 0) throw new Failure('the recorder found no call at all on the trunk');

    doing = 'asking the indexer what it holds';
    say('\n7. The central indexer:');
    const firstNumber = [...numbers.values()].map((n) => n.calling ?? n.called).find((n) => n !== undefined);
    const indexed = await showIndex(central, listed.length, firstNumber, say);
    await central.stop();
    running.central = undefined;
    if (indexed !== listed.length) throw new Failure(`the indexer holds ${indexed} calls, the box recorded ${listed.length}`);

    doing = 'exporting a recording (tallennin export)';
    const longest = listed.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
    const out = join(dir, 'exports', `${longest.line}-${hhmmss(Date.parse(longest.start)).replaceAll(':', '')}.opus`);
    await mkdir(join(dir, 'exports'), { recursive: true });
    const key = join(keys, 'controller.key');
    await cli(['export', '--config', config, '--key', key, '--id', longest.id, '--out', out], 'tallennin export');
    say(`\n8. Exported the longest recording (${longest.line}, ${seconds(longest.durationMs)}) with the private key:`);
    say(`   ${show(out)}`);
    say(`   ${probe(out, longest.durationMs)}`);

    const cmd = `node ${show(CLI)}`;
    say(`
What happened: the recorder captured ${SECONDS} s from a real ALSA device and found the calls by
their sound alone (VOX). It read each caller's number from the DTMF caller ID sent before the ring,
the number dialled out from the keyed digits, stopped recording at once when staff keyed *0# for a
caller who asked (nothing after that moment was stored), and ended a call at the far end's busy
tone.${announcement ? ' It compared the start of each call with the recording announcement and kept, with\nthe recording, whether the caller heard it (the "announcement" column; R12).' : ''} It encoded each call with Opus and sealed it, numbers included, as it was written. The box only ever held
the public key (${show(join(keys, 'controller.pub'))}): it cannot play back what it recorded.
Only the private key (${show(key)}) and its passphrase can unseal a recording, as the export did.
Each finished call went to the central indexer over MQTT (numbers still sealed), and stayed in
the box's outbox until the indexer acknowledged it: a broker or indexer outage loses nothing.

  store (sealed recordings):  ${show(join(dir, 'store'))}
  keys:                       ${show(keys)}
  exported call:              ${show(out)}
  recorder's log:             ${show(join(dir, 'recorder.log'))}
  indexer's log and index:    ${show(join(dir, 'indexer.log'))}, ${show(join(dir, 'index'))}

Listen:  ffplay -nodisp -autoexit ${show(out)}    (or any player that plays Ogg Opus)
List:    ${cmd} recordings --config ${show(config)}
Export:  ${cmd} export --config ${show(config)} --key ${show(key)} --id ID --out call.opus
         (it asks for the passphrase, or reads it from TALLENNIN_KEY_PASSPHRASE)`);

    const unheard = announcement ? listed.filter((r) => r.direction === 'incoming' && r.notice?.status !== 'heard') : [];
    if (unheard.length > 0) {
      throw new Failure(`the box did not hear the announcement the exchange played on ${unheard.length} incoming call${unheard.length === 1 ? '' : 's'}: ${unheard.map((r) => `${r.line} ${r.notice?.status ?? 'no evidence'}`).join(', ')}`);
    }
    if (wrong > 0) {
      throw new Failure(
        `the recordings do not match the calls: ${found} of ${trunk.truth.length} calls were found as one recording each, ` +
          `${matches.filter((m) => !m.truth).length} recordings match no call, ${matches.filter((m) => !m.recording).length} calls were missed`,
      );
    }
    say(`\nAll ${trunk.truth.length} calls were found, each as one recording. The demo succeeded.`);
  } catch (err) {
    if (err instanceof TalError && err.code === 'TAL_USAGE') throw err;
    await stopAll(running);
    process.stderr.write(`\ntallennin demo failed while ${doing}: ${(err as Error).message}\n`);
    if (err instanceof Failure && err.stderr.trim() !== '') process.stderr.write(`What it said on stderr:\n${indent(err.stderr)}\n`);
    else if (!(err instanceof Failure)) process.stderr.write(`${indent((err as Error).stack ?? '')}\n`);
    process.exit(1);
  }
}

/** Makes `dir`, or clears it if it holds a previous demo; refuses anything else. True if cleared. */
async function prepareFolder(dir: string): Promise<boolean> {
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new TalError('TAL_USAGE', `${show(dir)} is a file, not a folder; choose another with --dir DIR\nusage: ${usage}`);
    if (code !== 'ENOENT') throw err;
  }
  if (entries.length > 0 && !entries.includes(MARKER)) {
    throw new TalError(
      'TAL_USAGE',
      `${show(dir)} holds files that are not from a previous demo; I will not touch them. Choose another folder with --dir DIR\nusage: ${usage}`,
    );
  }
  for (const e of entries) await rm(join(dir, e), { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MARKER), 'Made by `tallennin demo`; the next demo run clears this folder.\n');
  return entries.length > 0;
}

/** Runs the CLI with the demo passphrase; a non-zero exit is a Failure carrying its stderr. */
function cli(args: string[], what: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, TALLENNIN_KEY_PASSPHRASE: PASSPHRASE },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => reject(new Failure(`${what} could not be started: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolvePromise({ stdout, stderr });
      else reject(new Failure(`${what} exited with ${code === null ? `signal ${signal}` : `code ${code}`}`, stderr));
    });
  });
}

interface CaptureStats {
  periods?: number;
  overruns?: number;
  shortReads?: number;
  discardedSamples?: number;
}

/**
 * Runs `record --duration` against the FIFO-fed device and narrates its JSON log: a line every
 * 5 s, and a sentence whenever a call starts or is recorded. Returns the capture's anchor (the
 * wall-clock time of sample 0) and its final statistics.
 */
function recordTrunk(config: string, alsaEnv: Record<string, string>, logPath: string, running: Running) {
  return new Promise<{ anchorMs: number; stats: CaptureStats }>((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, 'record', '--config', config, '--duration', String(SECONDS)], {
      env: { ...process.env, ...alsaEnv, UV_THREADPOOL_SIZE: '16' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.child = child;
    const spawnedAt = Date.now();
    const log = createWriteStream(logPath);
    let stderr = '';
    let anchorMs: number | undefined;
    let stats: CaptureStats = {};
    let failure: Failure | undefined;
    const inCall = new Map<string, boolean>();
    const problems = new Set<string>();
    const at = (ms: number) => `${String(Math.round((ms - (anchorMs ?? spawnedAt)) / 1000)).padStart(5)} s  `;
    const fail = (message: string) => {
      failure ??= new Failure(message);
      child.kill('SIGTERM');
    };

    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (text) => {
      log.write(text + '\n');
      let entry: { msg?: string; time?: number; level?: number; line?: string; durationMs?: number; anchor?: string; err?: string; alarm?: { message?: string }; capture?: CaptureStats };
      try {
        entry = JSON.parse(text);
      } catch {
        return;
      }
      const time = entry.time ?? Date.now();
      if (entry.msg === 'capture running' && anchorMs === undefined && entry.anchor) {
        anchorMs = Date.parse(entry.anchor);
        say(`${at(time)}the recorder is capturing from the ALSA device (sample 0 at ${hhmmss(anchorMs)})`);
      } else if (entry.msg === 'call started' && entry.line) {
        inCall.set(entry.line, true);
        say(`${at(time)}${entry.line}: a call started`);
      } else if (entry.msg === 'call recorded' && entry.line) {
        inCall.set(entry.line, false);
        say(`${at(time)}${entry.line}: a call was recorded (${seconds(entry.durationMs ?? 0)})`);
      } else if (entry.msg === 'recorder stopped') {
        stats = entry.capture ?? {};
      } else if ((entry.level ?? 0) >= 50) {
        const problem = `${entry.msg}: ${(entry.alarm?.message ?? entry.err ?? '').trim()}`;
        if (!problems.has(problem)) say(`${at(time)}the recorder reports a problem: ${problem}`);
        problems.add(problem);
      }
    });

    // A line every 5 s of audio, saying which lines are in a call.
    const ticker = setInterval(() => {
      if (anchorMs === undefined) {
        if (Date.now() - spawnedAt > 20_000) fail('the recorder did not start capturing from the ALSA device within 20 s');
        return;
      }
      const elapsed = Date.now() - anchorMs;
      if (elapsed > (SECONDS + 60) * 1000) fail(`the recorder was still running ${SECONDS + 60} s after it started capturing`);
      if (elapsed > SECONDS * 1000 + 2500) return;
      const lines = Array.from({ length: SCENARIO.channels }, (_, c) => `${lineId(c)} ${inCall.get(lineId(c)) ? 'in a call' : 'quiet'}`);
      say(`${at(Date.now())}${lines.join(', ')}`);
    }, 5000);

    child.on('error', (err) => fail(`tallennin record could not be started: ${err.message}`));
    child.on('close', (code, signal) => {
      clearInterval(ticker);
      log.end();
      if (failure) return reject(Object.assign(failure, { stderr }));
      if (code !== 0) return reject(new Failure(`tallennin record exited with ${code === null ? `signal ${signal}` : `code ${code}`}`, stderr));
      if (anchorMs === undefined) return reject(new Failure('tallennin record never logged "capture running"', stderr));
      resolvePromise({ anchorMs, stats });
    });
  });
}

/** Stops feeding the FIFO. A feeder still waiting for its reader is let through by opening the FIFO. */
async function stopFeeder(running: Running): Promise<void> {
  const feeder = running.feeder;
  if (!feeder) return;
  running.feeder = undefined;
  const stopped = feeder.stop().catch(() => {});
  if (running.fifo) {
    try {
      closeSync(openSync(running.fifo, constants.O_RDONLY | constants.O_NONBLOCK));
    } catch {
      // the FIFO is gone: nothing can be waiting on it
    }
  }
  await stopped;
}

async function stopAll(running: Running): Promise<void> {
  await running.central?.stop().catch(() => {});
  const child = running.child;
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
  }
  await Promise.race([stopFeeder(running), new Promise((r) => setTimeout(r, 3000))]);
}

function boxYaml(device: string, brokerUrl: string, announcement: boolean): string {
  return `# Written by \`tallennin demo\`. Relative paths are relative to this file.
box: { id: demo-1, site: demo }
# "${device}" is an ALSA device of the file plugin (alsa-config/alsa/asoundrc): it reads the
# simulated trunk from trunk.fifo, at 8000 samples a second, line-1 left and line-2 right.
capture: { device: "${device}", rate: 8000, channels: 2 }
lines:
  - { id: line-1, channel: 0 }
  - { id: line-2, channel: 1 }
# A call ends after 4 s of silence instead of the default 8 s, so that the demo's calls close
# promptly, well before its minute is over.
vox: { hangMs: 4000 }
storage: { path: store }
# The box is given only the controller's public key: it can seal recordings, never open them.
seal: { publicKey: keys/controller.pub }
# The box reports to the indexer through the broker, outward only; on loopback plain MQTT is
# allowed, anywhere else the box insists on TLS with a client certificate.
mqtt: { url: "${brokerUrl}", commandKeys: [keys/command.pub] }
${
  announcement
    ? `# The exchange plays the recording announcement (R12); the box compares the first seconds of each
# call with announcement.wav and records whether the caller heard it.
announcement: { mode: verify, file: announcement.wav }
`
    : ''
}`;
}

function speechWords(trunk: Trunk): string {
  return trunk.speech === 'espeak-ng'
    ? 'Finnish speech from espeak-ng'
    : 'speech-like synthetic sound (espeak-ng and sox are not installed, so no real speech)';
}

/** An offset into the trunk as m:ss. */
function clock(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function captureWords(s: CaptureStats): string {
  const lost = (s.overruns ?? 0) + (s.shortReads ?? 0);
  if (s.periods === undefined) return '';
  return lost === 0
    ? `The capture delivered all ${s.periods} periods whole.`
    : `${lost} capture periods were lost (overruns or short reads) and filled with silence.`;
}

/** What ffprobe makes of the export, or why it was not asked. */
function probe(file: string, expectedMs: number): string {
  const r = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=format_name,duration:stream=codec_name', '-of', 'json', file], {
    encoding: 'utf8',
  });
  if (r.error) return 'ffprobe is not installed, so the file was not checked.';
  if (r.status !== 0) throw new Failure(`ffprobe cannot read the exported file ${show(file)}`, r.stderr);
  const info = JSON.parse(r.stdout) as { format?: { format_name?: string; duration?: string }; streams?: { codec_name?: string }[] };
  const duration = Number(info.format?.duration);
  return `ffprobe reads it as ${info.format?.format_name ?? '?'}/${info.streams?.[0]?.codec_name ?? '?'}, ${duration.toFixed(2)} s long (the recording: ${seconds(expectedMs)}).`;
}

/** The numbers of every recording, opened with the controller's private key, as the indexer will. */
async function unsealNumbers(storePath: string, keyFile: string): Promise<Map<string, { calling?: string; called?: string }>> {
  const key = parsePrivateKey(await readFile(keyFile, 'utf8'), PASSPHRASE, keyFile);
  const store = await RecordingStore.open(storePath);
  const out = new Map<string, { calling?: string; called?: string }>();
  try {
    for await (const r of store.listRecordings()) out.set(r.id, unsealMetadata({ ...r, wrappedKey: Buffer.from(r.wrappedKey, 'base64') }, key) as { calling?: string; called?: string });
  } finally {
    await store.close();
  }
  return out;
}
