import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TalError } from '../core/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node's own parseArgs, with its errors turned into TAL_USAGE messages that show the usage. */
export function parse<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new TalError('TAL_USAGE', `${(err as Error).message}\nusage: ${usage}`);
  }
}

export function required<T>(value: T | undefined, flag: string, usage: string): T {
  if (value === undefined || value === '') throw new TalError('TAL_USAGE', `${flag} is required\nusage: ${usage}`);
  return value;
}
