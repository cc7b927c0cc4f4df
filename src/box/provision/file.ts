// Reading the provisioning file. Unlike box.yaml's loader, a YAML error is reported by line and
// column only, never with the line itself: that line may be one of the box's private key.

import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { osReason } from '../../core/config/messages.js';
import { TalError } from '../../core/errors.js';
import { ProvisionError } from './problems.js';
import { provisionSchema } from './schema.js';

export async function readProvisionText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new TalError('TAL_CONFIG_UNREADABLE', `${file}: cannot read the provisioning file: ${osReason(err)}`, { cause: err });
  }
}

/** YAML text → data: a mapping of the file's sections, or TAL_CONFIG_UNREADABLE / ProvisionError. */
export function parseProvisionText(text: string, source: string): Record<string, unknown> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  if (doc.errors.length > 0) {
    // The first error only: the rest usually follow from it. Its message without the text it
    // quotes from the file (`…token in YAML stream: "<text>"`).
    const first = doc.errors[0]!;
    const more = doc.errors.length > 1 ? ` (${doc.errors.length - 1} more after it, which may follow from it)` : '';
    const message = first.message.replace(/:\s*"[\s\S]*$/, '');
    throw new TalError('TAL_CONFIG_UNREADABLE', `${source}: not valid YAML at ${at(first.pos[0])}: ${message}${more}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new TalError('TAL_CONFIG_UNREADABLE', `${source}: not usable YAML: ${(err as Error).message}`);
  }
  const sections = Object.keys(provisionSchema.shape).join(', ');
  if (data === null || data === undefined) throw new ProvisionError(source, [{ path: '', reason: `the file is empty; it needs the sections ${sections}` }]);
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ProvisionError(source, [{ path: '', reason: `the file must hold the sections ${sections} (key: value), not ${Array.isArray(data) ? 'a list' : 'a single value'}` }]);
  }
  return data as Record<string, unknown>;
}
