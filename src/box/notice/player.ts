// Plays the recording announcement onto a line through ALSA with `aplay` (alsa-utils).
//
// A child process rather than an in-process ALSA binding: the same process captures every line in real time, and
// aplay keeps the device's buffer full on its own, so a slow tick of our event loop cannot underrun the
// announcement, and a hung device cannot hang us. Everything here is asynchronous (no spawnSync).

import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface PlaybackTarget {
  /** ALSA playback device name, e.g. "plughw:CARD=Device,DEV=0" or a name from asoundrc */
  device: string;
  /** channels the device is opened with (a multichannel interface: one channel per line) */
  channels: number;
  /** 0-based channel the announcement goes to; the others carry silence */
  channel: number;
}

export type PlaybackResult =
  | { ok: true; completed: boolean } // completed: false when stop() cut it short
  | { ok: false; error: string }; // aplay could not start, or exited non-zero: what its stderr says went wrong

export interface Playback {
  /** resolves once, never rejects */
  readonly done: Promise<PlaybackResult>;
  /** cuts it short (the call ended): kills aplay; idempotent; harmless after done */
  stop(): void;
}

export interface PlayerOptions {
  /** command, default 'aplay' */
  aplay?: string;
  /** default process.env */
  env?: NodeJS.ProcessEnv;
}

/** Bytes handed to aplay's stdin per write; with the pipe's own 64 KiB this bounds what is queued ahead of it. */
const WRITE_CHUNK = 16 * 1024;
/**
 * aplay catches SIGTERM, aborts the PCM and returns to what it was doing; a write blocked outside ALSA (a file
 * plugin writing into a full FIFO, a wedged driver) is restarted, so SIGKILL follows if it has not exited by then.
 */
const KILL_GRACE_MS = 500;
/** Enough of stderr for the error line; aplay says little, a broken one must not fill memory. */
const STDERR_LIMIT = 16 * 1024;

export function playAnnouncement(
  pcm: Int16Array,
  sampleRate: number,
  target: PlaybackTarget,
  opts: PlayerOptions = {},
): Playback {
  const command = opts.aplay ?? 'aplay';
  const invalid = checkArguments(sampleRate, target);
  if (invalid) return { done: Promise.resolve({ ok: false, error: invalid }), stop: () => {} };

  const frames = interleave(pcm, target.channels, target.channel);
  let child: ChildProcess;
  try {
    child = spawn(
      command,
      ['-q', '-t', 'raw', '-f', 'S16_LE', '-r', String(sampleRate), '-c', String(target.channels), '-D', target.device, '-'],
      { env: opts.env ?? process.env, stdio: ['pipe', 'ignore', 'pipe'] },
    );
  } catch (err) {
    // Arguments Node refuses outright (a NUL byte in the device name): `done` must still resolve, not throw.
    return { done: Promise.resolve({ ok: false, error: spawnError(command, err as NodeJS.ErrnoException) }), stop: () => {} };
  }

  let stopped = false;
  let finished = false;
  let killTimer: NodeJS.Timeout | undefined;
  let stderr = '';
  let resolveDone!: (r: PlaybackResult) => void;
  const done = new Promise<PlaybackResult>((resolve) => (resolveDone = resolve));
  const finish = (r: PlaybackResult): void => {
    if (finished) return;
    finished = true;
    clearTimeout(killTimer);
    resolveDone(r);
  };

  child.on('error', (err: NodeJS.ErrnoException) => {
    // Spawn failures come only here; a failed kill() also lands here, and 'close' still follows it.
    if (child.pid !== undefined) return;
    finish({ ok: false, error: spawnError(command, err) });
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    if (stderr.length < STDERR_LIMIT) stderr += s;
  });
  child.on('close', (code, signal) => {
    if (child.pid === undefined) return; // spawn failed: 'error' has said why
    if (stopped) finish({ ok: true, completed: false });
    else if (code === 0) finish({ ok: true, completed: true });
    else finish({ ok: false, error: aplayError(target.device, stderr, code, signal) });
  });

  // EPIPE/ECONNRESET when aplay dies before reading everything (a device it cannot open): its exit says why.
  child.stdin!.on('error', () => {});
  let offset = 0;
  const pump = (): void => {
    while (!stopped && offset < frames.length) {
      const chunk = frames.subarray(offset, offset + WRITE_CHUNK);
      offset += chunk.length;
      if (!child.stdin!.write(chunk)) {
        child.stdin!.once('drain', pump);
        return;
      }
    }
    if (!stopped) child.stdin!.end();
  };
  if (child.pid !== undefined) pump();

  return {
    done,
    stop(): void {
      if (stopped || finished) return;
      stopped = true;
      child.stdin!.destroy();
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    },
  };
}

/** Whether the aplay command can be run here (for the config check at start); resolves to an error message or undefined. */
export async function checkAplay(opts: PlayerOptions = {}): Promise<string | undefined> {
  const command = opts.aplay ?? 'aplay';
  return new Promise((resolve) => {
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(command, ['--version'], { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      resolve(spawnError(command, err as NodeJS.ErrnoException));
      return;
    }
    let out = '';
    const collect = (s: Buffer): void => {
      if (out.length < STDERR_LIMIT) out += s.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return;
      clearTimeout(timer);
      resolve(spawnError(command, err));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(undefined);
      else {
        const line = firstMeaningfulLine(out);
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        resolve(`"${command} --version" ${how}${line ? `: ${line}` : ''}`);
      }
    });
  });
}

/** The announcement on `channel`, silence on the others, as S16_LE frames; `pcm` is only read. */
function interleave(pcm: Int16Array, channels: number, channel: number): Buffer {
  const out = Buffer.alloc(pcm.length * channels * 2);
  const stride = channels * 2;
  for (let i = 0, at = channel * 2; i < pcm.length; i++, at += stride) out.writeInt16LE(pcm[i]!, at);
  return out;
}

function checkArguments(sampleRate: number, t: PlaybackTarget): string | undefined {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) return `invalid sample rate ${sampleRate}`;
  if (typeof t.device !== 'string' || t.device === '') return 'no playback device given';
  if (!Number.isInteger(t.channels) || t.channels < 1) return `device ${t.device}: invalid channel count ${t.channels}`;
  if (!Number.isInteger(t.channel) || t.channel < 0 || t.channel >= t.channels) {
    return `device ${t.device}: channel ${t.channel} does not exist (the device is opened with ${t.channels} channel(s), numbered from 0)`;
  }
  return undefined;
}

function spawnError(command: string, err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOENT') return `aplay not found (command "${command}"): install alsa-utils`;
  if (err.code === 'EACCES') return `aplay (command "${command}") cannot be run: permission denied`;
  return `aplay (command "${command}") could not be started: ${err.message}`;
}

/**
 * What went wrong, from aplay's stderr: alsa-lib's first complaint usually names the device ("Unknown PCM x",
 * "cannot open ... No such device"), aplay's own last line says what it was doing. Source locations are dropped.
 */
function aplayError(device: string, stderr: string, code: number | null, signal: NodeJS.Signals | null): string {
  const lines = meaningfulLines(stderr);
  const how = signal ? `aplay was killed by ${signal}` : `aplay exited with code ${code}`;
  if (lines.length === 0) return `${device}: ${how}`;
  const first = lines[0]!;
  const last = lines[lines.length - 1]!;
  const text = lines.length > 1 && last !== first ? `${first} (${last})` : first;
  return text.includes(device) ? text : `${device}: ${text}`;
}

function firstMeaningfulLine(text: string): string | undefined {
  return meaningfulLines(text)[0];
}

function meaningfulLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) =>
      l
        .replace(/^ALSA lib [^:]+:\d+:\([^)]*\)\s*/, '') // "ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) "
        .replace(/^aplay: [\w_]+:\d+:\s*/, 'aplay: ') // "aplay: main:831: "
        .trim(),
    )
    .filter((l) => l !== '' && !/^Aborted by signal/.test(l));
}
