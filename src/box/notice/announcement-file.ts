// Loads the recording announcement ("Puhelut tallennetaan asiakaspalvelumme laadun kehittämiseksi.") that the box
// plays onto a line, or compares calls against: WAV or Ogg Opus, told by content, as mono Int16 at the line's
// rate. Nothing is trimmed (the matcher does that). Whatever is wrong with the file comes out as one
// TAL_ANNOUNCEMENT_INVALID error whose message names the file and the problem in plain words.

import { readFile, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { TalError } from '../../core/errors.js';
import { fileKind } from './announcement-format.js';
import { decodeOggOpus } from './announcement-opus.js';
import { AnnouncementProblem, MAX_SECONDS } from './announcement-problem.js';
import { decodeWav } from './announcement-wav.js';

/** An announcement is at most 30 s; 64 MiB holds that even as 192 kHz 64-bit float stereo, and bounds memory. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Quieter than this at its loudest, the file is a wrong or broken one (or recorded with the microphone off). */
const SILENCE_DBFS = -50;

/** The announcement as mono Int16 PCM at `sampleRate` (8000 or 16000). */
export async function loadAnnouncement(path: string, sampleRate: number): Promise<Int16Array> {
  if (sampleRate !== 8000 && sampleRate !== 16000) throw new RangeError(`loadAnnouncement: sample rate must be 8000 or 16000, got ${sampleRate}`);
  try {
    const bytes = await readAnnouncement(path);
    const kind = fileKind(bytes);
    if (kind.kind === 'other') throw new AnnouncementProblem(`is not a WAV or Ogg Opus file: it looks like ${kind.looksLike}`);
    const pcm = kind.kind === 'wav' ? decodeWav(bytes, sampleRate) : await decodeOggOpus(bytes, sampleRate);
    checkLevel(pcm);
    return pcm;
  } catch (err) {
    const what = err instanceof AnnouncementProblem ? err.message : `could not be read (${(err as Error)?.message ?? String(err)})`;
    throw new TalError('TAL_ANNOUNCEMENT_INVALID', `announcement file ${path} ${what}`, { cause: err });
  }
}

async function readAnnouncement(path: string): Promise<Uint8Array> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new AnnouncementProblem('is a folder, not a file');
    // A FIFO or device would block the read, or never end.
    if (!st.isFile()) throw new AnnouncementProblem('is not a regular file');
    if (st.size === 0) throw new AnnouncementProblem('is empty (0 bytes)');
    if (st.size > MAX_FILE_BYTES) {
      throw new AnnouncementProblem(`is too large (${(st.size / 1024 / 1024).toFixed(0)} MiB) to be an announcement of at most ${MAX_SECONDS} s`);
    }
    return await readFile(path);
  } catch (err) {
    if (err instanceof AnnouncementProblem) throw err;
    throw new AnnouncementProblem(fsProblem(err as NodeJS.ErrnoException));
  }
}

function fsProblem(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'does not exist';
    case 'ENOTDIR':
      return 'does not exist (a part of its path is not a folder)';
    case 'EACCES':
    case 'EPERM':
      return `cannot be read: permission denied for user ${currentUser()} (check the file's and its folders' permissions)`;
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ELOOP':
      return 'cannot be read: its path has a symbolic link loop';
    case 'EIO':
      return 'cannot be read: input/output error (a failing disk or SD card?)';
    default:
      return `cannot be read (${err.code ?? err.message})`;
  }
}

/** Duration is the decoders' to check, on the source's own length (the resampler may round a sample off). */
function checkLevel(pcm: Int16Array): void {
  if (pcm.length === 0) throw new AnnouncementProblem('contains no audio');
  let peak = 0;
  for (let i = 0; i < pcm.length; i++) peak = Math.max(peak, Math.abs(pcm[i]!));
  if (peak === 0) throw new AnnouncementProblem('is silent: every sample is zero');
  const dbfs = 20 * Math.log10(peak / 32768);
  if (dbfs < SILENCE_DBFS) {
    throw new AnnouncementProblem(`is silent: its loudest sample is at ${dbfs.toFixed(0)} dBFS, below ${SILENCE_DBFS} dBFS`);
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}
