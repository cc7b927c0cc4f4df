import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { MqttConfig } from '../../core/config/index.js';
import { TalError } from '../../core/errors.js';
import { readConfiguredFile, readTlsFiles } from '../../core/config/read-files.js';
import { parseCommandPublicKey } from '../../core/protocol/command.js';
import { parseTopic } from '../../core/protocol/topics.js';
import type { Box } from '../box.js';
import { CommandHandler } from './command-handler.js';
import { streamRecording } from './fetch-stream.js';
import { Link } from './link.js';
import { EventPublisher } from './publisher.js';
import { boxStatus } from './status.js';

export interface BoxSync {
  link: Link;
  publisher: EventPublisher;
  /** publishes `status` (retained) and the audit chain's head now */
  report(): Promise<void>;
  /** `drainMs`: first wait up to this long for the indexer to acknowledge every event */
  stop(o?: { drainMs?: number }): Promise<void>;
}

/** The central command keys the box obeys, by key id; a bad file is named by its place in the config. */
export async function loadCommandKeys(files: readonly string[]): Promise<Map<string, KeyObject>> {
  const keys = new Map<string, KeyObject>();
  for (const [i, file] of files.entries()) {
    const pem = (await readConfiguredFile(file, `mqtt.commandKeys[${i}]`)).toString('utf8');
    try {
      const { keyId, key } = parseCommandPublicKey(pem);
      keys.set(keyId, key);
    } catch (err) {
      throw new TalError('TAL_KEY_INVALID', `mqtt.commandKeys[${i}] (${file}): ${(err as Error).message}`, { cause: err });
    }
  }
  return keys;
}

/**
 * Connects a running box to the central broker: the outbox to `evt`, `$state` and `status`
 * retained, the audit chain's head to `audit`, and signed commands from `cmd/+` to the box.
 */
export async function startSync(
  box: Box,
  mqtt: MqttConfig,
  o: { site: string; box: string; clock: Clock; log: Logger; protocolVersion?: 4 | 5; keys?: ReadonlyMap<string, KeyObject> },
): Promise<BoxSync> {
  const keys = o.keys ?? (await loadCommandKeys(mqtt.commandKeys));
  const tls = await readTlsFiles(mqtt, 'mqtt');
  const { log, clock } = o;
  const outbox = box.store.outbox;
  const link = new Link({
    url: mqtt.url, site: o.site, box: o.box, boot: outbox.boot, keepaliveS: mqtt.keepaliveS, reconnectMaxS: mqtt.reconnectMaxS,
    clock, log, ...(tls ? { tls } : {}), ...(o.protocolVersion ? { protocolVersion: o.protocolVersion } : {}),
  });
  const publisher = new EventPublisher(outbox, link, { clock, log });
  const handler = new CommandHandler({
    site: o.site, box: o.box, keys, clock, audit: box.audit, log,
    publish: (topic, payload) => link.publish(topic, payload),
    actions: {
      retention: box.retention,
      stopRecording: (line, by) => box.stopRecording(line, by),
      // The status says the retention at once: the privacy notice at the centre is rendered from it.
      setRetentionMonths: async (months, by) => {
        await box.setRetentionMonths(months, by);
        reportSoon();
      },
      resync: (from) => publisher.resync(from),
      ledTest: (seconds) => box.ledTest(seconds),
      recordingStart: async (id) => (await box.store.getRecording(id))?.start,
      fetch: (id, from, send, correlationId) => streamRecording(box.store, id, from, correlationId, send),
    },
  });
  link.on('message', (topic: string, payload: Buffer) => {
    const t = parseTopic(topic);
    if (t?.kind === 'cmd' && t.site === o.site && t.box === o.box) void handler.handle(t.verb!, payload);
  });

  const report = async () => {
    if (!link.connected) return;
    await link.setState(box.alarms.size > 0 ? 'alert' : 'ready');
    const status = await boxStatus(box, outbox, clock.now());
    await link.publish(link.topics.status, JSON.stringify(status), { retain: true }).catch(() => {});
    await link.publish(link.topics.audit, JSON.stringify({ head: box.audit.head(), ts: clock.now() })).catch(() => {});
  };
  const reportSoon = () => void report().catch((err: Error) => log.warn({ err: err.message }, 'status report failed'));
  link.on('up', reportSoon);
  box.on('alarm', reportSoon);
  box.on('alarm-cleared', reportSoon);
  const timer = setInterval(reportSoon, mqtt.statusIntervalS * 1000);
  publisher.start();
  link.start();
  return {
    link,
    publisher,
    report,
    stop: async (o: { drainMs?: number } = {}) => {
      if (o.drainMs) await publisher.drained(o.drainMs);
      clearInterval(timer);
      publisher.stop();
      box.off('alarm', reportSoon);
      box.off('alarm-cleared', reportSoon);
      // The retained status outlives the recorder: it must show the alarms in force when it stopped.
      await report().catch(() => {});
      await link.stop();
    },
  };
}
