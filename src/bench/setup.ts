import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig, type Config } from '../core/config/index.js';
import { generateControllerKeys, parsePublicKey, type PublicSealingKey } from '../core/seal/index.js';
import type { Scenario, ScenarioCall } from '../simulate/trunk.js';

export const RATE = 8000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (RATE * FRAME_MS) / 1000;
export const BITRATE = 12_000;

/** A throwaway controller key pair; the bench only ever needs the public half. */
export function benchKeys(dir: string): { publicKeyPath: string; sealTo: PublicSealingKey } {
  const keys = generateControllerKeys('bench passphrase, never used for real audio');
  const publicKeyPath = join(dir, 'controller.pub');
  writeFileSync(publicKeyPath, keys.publicPem);
  return { publicKeyPath, sealTo: parsePublicKey(keys.publicPem, publicKeyPath) };
}

/**
 * A box config as `record` would load it: one line per channel, defaults for everything else
 * (VOX, 2.5 s pre-roll, 1 s chunks, Opus 12 kbit/s), storage in `storePath`.
 */
export function benchConfig(channels: number, storePath: string, publicKeyPath: string): Config {
  mkdirSync(storePath, { recursive: true });
  const lines = Array.from({ length: channels }, (_, c) => `  - { id: line-${c + 1}, channel: ${c} }`).join('\n');
  const text = [
    'box: { id: bench, site: bench }',
    `capture: { device: replay, rate: ${RATE}, channels: ${channels} }`,
    'lines:',
    lines,
    `opus: { bitrate: ${BITRATE} }`,
    `storage: { path: ${JSON.stringify(storePath)} }`,
    `seal: { publicKey: ${JSON.stringify(publicKeyPath)} }`,
    'log: { level: warn }',
    '',
  ].join('\n');
  return parseConfig(text, 'bench config', storePath);
}

/**
 * The ratio trunk: on every line, calls of ~`talkS` seconds of speech separated by `gapS`
 * seconds of line noise (longer than VOX's 8 s hang, so each call ends and the next starts
 * afresh). Lines are staggered so their calls begin and end at different times.
 */
export function callsScenario(channels: number, durationS: number, talkS: number, gapS: number): Scenario {
  const calls: ScenarioCall[] = [];
  const period = talkS + gapS;
  for (let line = 0; line < channels; line++) {
    const offset = 1 + ((line * 5) % Math.max(1, gapS));
    for (let at = offset; at + talkS / 2 < durationS; at += period) {
      calls.push({ line, atMs: at * 1000, talkMs: Math.min(talkS, durationS - at - 1) * 1000 });
    }
  }
  return { rate: RATE, channels, durationMs: durationS * 1000, calls, seed: 7 };
}

/** The RSS trunk: every line in one call for the whole run. */
export function allBusyScenario(channels: number, durationS: number): Scenario {
  const calls = Array.from({ length: channels }, (_, line) => ({ line, atMs: 500 + line * 100, talkMs: (durationS - 1.5) * 1000 }));
  return { rate: RATE, channels, durationMs: durationS * 1000, calls, seed: 11 };
}
