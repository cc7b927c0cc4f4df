// What "the indexer works" means to the service watchdog: its LevelDB answers a read and its
// HTTP server still listens. A broker that is away is not a reason to restart: the MQTT client
// reconnects by itself, and the boxes keep their events until the indexer acknowledges them.
import type { Health } from '../core/service/service.js';
import type { Indexer } from './indexer.js';

export function indexerLiveness(indexer: Pick<Indexer, 'index' | 'api' | 'client' | 'alarms'>): () => Promise<Health> {
  return async () => {
    if (!indexer.api.server.listening) return { ok: false, status: 'the API server no longer listens' };
    await indexer.index.db.get('probe');
    return { ok: true, status: summary(indexer) };
  };
}

export function summary(indexer: Pick<Indexer, 'client' | 'alarms'>): string {
  const alarms = indexer.alarms().length;
  return `broker ${indexer.client.connected ? 'connected' : 'not connected'}; ${alarms} fleet alarm${alarms === 1 ? '' : 's'}`;
}
