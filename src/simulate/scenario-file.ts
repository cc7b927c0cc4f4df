import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { TalError } from '../core/errors.js';
import type { Scenario } from './trunk.js';

const digits = z.string().regex(/^[0-9]{3,20}$/, 'a number of 3–20 digits');

const call = z.strictObject({
  line: z.number().int().min(0),
  atMs: z.number().int().min(0),
  talkMs: z.number().int().min(500),
  direction: z.enum(['incoming', 'outgoing']).optional(),
  number: z.union([digits, z.literal('withheld')]).optional(),
  clip: z.enum(['dtmf', 'fsk-v23', 'fsk-bell202', 'none']).optional(),
  rings: z.number().int().min(0).max(10).optional(),
  stopCodeAtMs: z.number().int().min(0).optional(),
  stopCode: z.string().regex(/^[0-9*#A-D]{1,8}$/, '1–8 DTMF keys').optional(),
  farEnd: z.enum(['silence', 'busy']).optional(),
});

const scenario = z.strictObject({
  rate: z.union([z.literal(8000), z.literal(16000)]).default(8000),
  channels: z.number().int().min(1).max(32),
  durationMs: z.number().int().min(1000).max(3_600_000),
  calls: z.array(call),
  noiseDbfs: z.number().max(-20).optional(),
  maxPauseMs: z.number().int().min(300).optional(),
  seed: z.number().int().optional(),
});

/**
 * A simulator scenario file (YAML): the trunk's length and lines, and each call on it. Problems
 * are reported with the field's path, as the box's own config is.
 */
export async function loadScenario(file: string): Promise<Scenario> {
  let data: unknown;
  try {
    data = parseYaml(await readFile(file, 'utf8'));
  } catch (err) {
    throw new TalError('TAL_CONFIG_UNREADABLE', `scenario ${file}: ${(err as Error).message}`);
  }
  const parsed = scenario.safeParse(data);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(top)'}: ${i.message}`);
    throw new TalError('TAL_CONFIG_INVALID', `scenario ${file}:\n${lines.join('\n')}`);
  }
  const s = parsed.data as Scenario;
  for (const [i, c] of s.calls.entries()) {
    if (c.line >= s.channels) throw new TalError('TAL_CONFIG_INVALID', `scenario ${file}: calls[${i}].line: ${c.line} is out of range (the trunk has ${s.channels} lines, 0–${s.channels - 1})`);
  }
  return s;
}
