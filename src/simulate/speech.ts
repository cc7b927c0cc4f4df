import { spawnSync } from 'node:child_process';
import { speechLike } from '../core/dsp/generate.js';

/** Finnish sentences of the kind a caller to an employment office says. No real person's data. */
export const SENTENCES = [
  'Hyvää päivää, soitan työttömyysetuudesta.',
  'Hakemukseni lähti viime viikolla, mutta en ole saanut vastausta.',
  'Voisitteko tarkistaa, onko päätös jo tehty?',
  'Kiitos, odotan sitten kirjettä.',
  'Minulla on työhaastattelu ensi maanantaina.',
  'Miten ilmoitan osoitteenmuutoksesta?',
  'Asiakaspalvelumme palvelee arkisin kahdeksasta neljään.',
  'Puhelut tallennetaan asiakaspalvelumme laadun kehittämiseksi.',
];

export type SpeechSource = 'espeak-ng' | 'synthetic';

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Which speech the simulator can make here: real Finnish speech needs espeak-ng and sox. */
export function speechSource(): SpeechSource {
  return has('espeak-ng') && has('sox') ? 'espeak-ng' : 'synthetic';
}

/**
 * One utterance as mono Int16 PCM at `rate`, trimmed to its first and last audible sample, so a
 * scenario knows exactly where speech starts and ends. espeak-ng speaks Finnish; sox resamples
 * it to the telephone rate and band. Without them, syllable-like synthetic speech stands in.
 */
export function utterance(text: string, rate: number, seed: number, source = speechSource()): Int16Array {
  let pcm: Int16Array;
  if (source === 'espeak-ng') {
    const speed = 140 + (seed % 4) * 10;
    const pitch = 30 + (seed % 5) * 8;
    const wav = spawnSync('espeak-ng', ['-v', 'fi', '-s', String(speed), '-p', String(pitch), '--stdout', text], { maxBuffer: 64 << 20 });
    if (wav.status !== 0) throw new Error(`espeak-ng failed: ${wav.stderr.toString()}`);
    // -D: no dither, so the same sentence is the same samples in every run.
    const raw = spawnSync('sox', ['-D', '-t', 'wav', '-', '-t', 'raw', '-r', String(rate), '-c', '1', '-b', '16', '-e', 'signed-integer', '-', 'sinc', '300-3400', 'gain', '-n', '-12'], {
      input: wav.stdout,
      maxBuffer: 64 << 20,
    });
    if (raw.status !== 0) throw new Error(`sox failed: ${raw.stderr.toString()}`);
    pcm = new Int16Array(raw.stdout.buffer.slice(raw.stdout.byteOffset, raw.stdout.byteOffset + raw.stdout.byteLength));
  } else {
    pcm = speechLike(1200 + (text.length % 10) * 150, -18, rate, seed);
  }
  return trimSilence(pcm);
}

const AUDIBLE = 200; // about -44 dBFS peak: below it, espeak's edges are silence

/** The utterance from its first to its last audible sample. */
export function trimSilence(pcm: Int16Array): Int16Array {
  let a = 0;
  let b = pcm.length;
  while (a < b && Math.abs(pcm[a]!) < AUDIBLE) a++;
  while (b > a && Math.abs(pcm[b - 1]!) < AUDIBLE) b--;
  return pcm.slice(a, b);
}
