import { openMetadata, unwrapContentKey, type PrivateSealingKey } from '../core/seal/index.js';
import type { IndexedCall } from './index/types.js';

export interface CallNumbers {
  calling?: string;
  called?: string;
  name?: string;
}

/**
 * A call's numbers and name, opened from its sealed metadata with the controller key. Only the
 * indexer can do this; it does so to build the blind index at ingest and for a detail view
 * asked for with a purpose. The content key is wiped as soon as the metadata is read.
 */
export function openCallNumbers(call: Pick<IndexedCall, 'id' | 'sealed'>, key: PrivateSealingKey): CallNumbers | undefined {
  const sealed = call.sealed;
  if (!sealed?.sealedMeta) return undefined;
  const contentKey = unwrapContentKey(Buffer.from(sealed.wrappedKey, 'base64'), call.id, key);
  try {
    const meta = openMetadata(contentKey, call.id, Buffer.from(sealed.sealedMeta, 'base64'), sealed.metaVersion ?? 0) as Record<string, unknown>;
    const pick = (k: string) => (typeof meta[k] === 'string' && meta[k] !== '' ? { [k]: meta[k] as string } : {});
    return { ...pick('calling'), ...pick('called'), ...pick('name') };
  } finally {
    contentKey.fill(0);
  }
}
