import type { Test } from 'tap';
import { isTalError } from '../../src/core/errors.js';

/** Asserts `p` rejects with a TalError of `code` whose message says `says`; returns the error. */
export async function refused(t: Test, p: Promise<unknown>, code: string, says: RegExp): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(isTalError(err), 'a TalError');
  t.equal((err as { code?: string }).code, code);
  t.match((err as Error).message, says);
  return err as Error;
}
