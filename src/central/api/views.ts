import type { CallSummary, IndexedCall } from '../index/types.js';

/** A call as the API shows it: never its sealed parts (wrapped key, sealed numbers, chunk list). */
export function summaryOf(call: IndexedCall | CallSummary): CallSummary {
  const { sealed: _sealed, seq: _seq, ...rest } = call as IndexedCall;
  return rest;
}
