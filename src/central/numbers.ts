import type { Logger } from 'pino';
import { TalError } from '../core/errors.js';
import { blindKeyFingerprint, openMetadata, unwrapContentKey, type SealingKeyRing, type UnsealingKeys } from '../core/seal/index.js';
import type { CallIndex } from './index/call-index.js';
import { keyspaces } from './index/keys.js';
import type { IndexedCall } from './index/types.js';

export interface CallNumbers {
  calling?: string;
  called?: string;
  name?: string;
}

/**
 * A call's numbers and name, opened from its sealed metadata with the controller key (of the
 * indexer's ring, the one its wrapped key names: boxes switch keys at rotation). Only the
 * indexer can do this; it does so to build the blind index at ingest and for a detail view
 * asked for with a purpose. The content key is wiped as soon as the metadata is read.
 */
export function openCallNumbers(call: Pick<IndexedCall, 'id' | 'sealed'>, key: UnsealingKeys): CallNumbers | undefined {
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

/** What the index keeps of its blind index key: a fingerprint, never the key, and the (public) id of the key it came from. */
interface BlindKeyRecord {
  fingerprint: string;
  keyId: string;
}
const BLIND_KEY_RECORD = 'blindIndexKey';

/**
 * Refuses a start whose blind index key is not the one the index was built with: numbers and
 * register identifiers blinded under the old key would silently stop being found. That is what
 * a rotation without keys.blindIndexFrom would do. The first start records the key; an index
 * built before this record existed is checked by finding a few calls by their own numbers.
 */
export async function checkBlindIndexKey(index: CallIndex, keys: SealingKeyRing, log: Logger): Promise<void> {
  // In the index's 'meta' keyspace beside its call count: it describes the whole index.
  const meta = index.db.sublevel<string, BlindKeyRecord>(keyspaces.meta, { valueEncoding: 'json' });
  const now: BlindKeyRecord = { fingerprint: blindKeyFingerprint(keys.blindIndexKey()), keyId: keys.blindIndexFrom };
  const was = await meta.get(BLIND_KEY_RECORD);
  if (was?.fingerprint === now.fingerprint) return;
  if (was) {
    throw new TalError(
      'TAL_CONFIG_INVALID',
      `keys: the blind index key differs from the one this index was built with (fingerprint ${was.fingerprint}, from controller key ${was.keyId}; ` +
        `now ${now.fingerprint}, from ${now.keyId}): every call already indexed would stop being found by number. ` +
        `List the file of controller key ${was.keyId} under keys.previous and set keys.blindIndexFrom to it`,
    );
  }
  if ((await index.count()) > 0) {
    const found = await findsOwnCalls(index, keys);
    if (found === false) {
      throw new TalError(
        'TAL_CONFIG_INVALID',
        `keys: this index does not record its blind index key, and calls are not found by their own numbers under the key derived from controller key ${now.keyId}: ` +
          'list the controller key the index was first built with under keys.previous and set keys.blindIndexFrom to it',
      );
    }
    if (found === undefined) log.warn({ blindIndexFrom: now.keyId }, 'no call could check the blind index key; recording it as it is');
  }
  await meta.put(BLIND_KEY_RECORD, now);
}

/** Whether the newest calls whose numbers open are found by them: true at the first found, false if none is, undefined if none could be tried. */
async function findsOwnCalls(index: CallIndex, keys: SealingKeyRing): Promise<boolean | undefined> {
  let tried = 0;
  for (const { id } of (await index.search({ limit: 50 })).calls) {
    const call = await index.get(id);
    let number: string | undefined;
    try {
      const n = call && openCallNumbers(call, keys);
      number = n?.calling ?? n?.called;
    } catch {
      continue; // sealed to a key not held: it says nothing about the blind key
    }
    if (!call || number === undefined) continue;
    let page;
    try {
      page = await index.search({ number, from: call.start, to: call.start + 1 });
    } catch {
      continue; // not a number the index could blind (an operator code, say)
    }
    if (page.calls.some((c) => c.id === id)) return true;
    if (++tried >= 5) break;
  }
  return tried === 0 ? undefined : false;
}
