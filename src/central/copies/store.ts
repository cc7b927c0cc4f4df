// Sealed copies of held recordings, kept by the indexer so that the evidence for a complaint
// survives the loss of its box (issue 8). Ciphertext only, exactly as fetched from the box: the
// copy is opened, like the box's own, only in memory and only for a listen. The wrapped content
// key is kept apart from the chunks and deleted first, so a copy is destroyed (crypto-shredded)
// even if its chunks' old disk blocks survive.
import type { AbstractLevel, AbstractSublevel } from 'abstract-level';
import { keyspaces } from '../index/keys.js';
import type { FetchedRecording } from '../ingest/fetch-assembler.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyLevel = AbstractLevel<any, any, any>;

export interface CopyInfo {
  id: string;
  site: string;
  box: string;
  /** when the copy was taken */
  keptAt: number;
  /** destroyed at this time (the recording's own expiry, holds counted), or sooner if the box deletes the recording */
  expiresAt: number;
  record: Omit<FetchedRecording['record'], 'id' | 'wrappedKey'>;
}

const chunkKey = (id: string, index: number) => `${id}!${index.toString(16).padStart(8, '0')}`;

export class CopyStore {
  private readonly info: AbstractSublevel<AnyLevel, unknown, string, CopyInfo>;
  private readonly keys: AbstractSublevel<AnyLevel, unknown, string, string>;
  private readonly chunks: AbstractSublevel<AnyLevel, unknown, string, Uint8Array>;

  constructor(level: AnyLevel) {
    this.info = level.sublevel<string, CopyInfo>(keyspaces.copies, { valueEncoding: 'json' });
    this.keys = level.sublevel<string, string>(keyspaces.copyKeys, { valueEncoding: 'utf8' });
    this.chunks = level.sublevel<string, Uint8Array>(keyspaces.copyChunks, { valueEncoding: 'view' });
  }

  /** Chunks first, the key last: a copy whose writing was cut short has no key and opens as nothing. */
  async keep(site: string, box: string, fetched: FetchedRecording, o: { keptAt: number; expiresAt: number }): Promise<CopyInfo> {
    const { id, wrappedKey, ...record } = fetched.record;
    const info: CopyInfo = { id, site, box, keptAt: o.keptAt, expiresAt: o.expiresAt, record };
    await this.chunks.batch(fetched.chunks.map((c) => ({ type: 'put' as const, key: chunkKey(id, c.index), value: c.sealed })));
    await this.info.put(id, info);
    await this.keys.put(id, wrappedKey.toString('base64'));
    return info;
  }

  async has(id: string): Promise<boolean> {
    return (await this.keys.get(id)) !== undefined;
  }

  async infoOf(id: string): Promise<CopyInfo | undefined> {
    if (!(await this.has(id))) return undefined;
    return (await this.info.get(id)) ?? undefined;
  }

  /** The copy as a fetch would give it, for exportOgg; undefined when there is none (or it was destroyed). */
  async get(id: string): Promise<(FetchedRecording & { info: CopyInfo }) | undefined> {
    const key = await this.keys.get(id);
    const info = await this.info.get(id);
    if (key === undefined || info === undefined) return undefined;
    const chunks: FetchedRecording['chunks'] = [];
    for await (const [k, v] of this.chunks.iterator({ gt: `${id}!`, lt: `${id}!~` })) {
      chunks.push({ index: Number.parseInt(k.slice(id.length + 1), 16), sealed: Buffer.from(v.buffer, v.byteOffset, v.byteLength) });
    }
    return { record: { ...info.record, id, wrappedKey: Buffer.from(key, 'base64') }, chunks, info };
  }

  async list(): Promise<CopyInfo[]> {
    return this.info.values().all();
  }

  async setExpiry(id: string, expiresAt: number): Promise<void> {
    const info = await this.info.get(id);
    if (info && info.expiresAt !== expiresAt) await this.info.put(id, { ...info, expiresAt });
  }

  /** The wrapped key first (that alone destroys the audio), then the chunks and the facts. */
  async destroy(id: string): Promise<void> {
    await this.keys.del(id);
    const keys = await this.chunks.keys({ gt: `${id}!`, lt: `${id}!~` }).all();
    await this.chunks.batch(keys.map((key) => ({ type: 'del' as const, key })));
    await this.info.del(id);
  }
}
