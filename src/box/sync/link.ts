import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { BoxState, StatePayload } from '../../core/protocol/messages.js';
import { boxTopics, type BoxTopics } from '../../core/protocol/topics.js';

export interface LinkOptions {
  url: string;
  site: string;
  box: string;
  boot: number;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  keepaliveS: number;
  reconnectMaxS: number;
  clock: Clock;
  log: Logger;
  /** 4 (MQTT 3.1.1, what aedes speaks) or 5 */
  protocolVersion?: 4 | 5;
}

const FIRST_RETRY_MS = 1000;

/**
 * The box's one MQTT connection, outward only: its lifecycle `$state` (retained, with `lost` as
 * the last will), reconnection with a back-off that doubles from 1 s to `reconnectMaxS` and
 * starts over once connected, and the subscriptions to its own `cmd/+` and `ack`.
 * Emits 'up' after each (re)connection is subscribed, 'down', and 'message' (topic, payload).
 */
export class Link extends EventEmitter {
  readonly topics: BoxTopics;
  private client: MqttClient | undefined;
  private retryMs = FIRST_RETRY_MS;
  private up = false;
  /** what the box says once connected: `ready`, or `alert` while an alarm is in force */
  private state: 'ready' | 'alert' = 'ready';

  constructor(private readonly o: LinkOptions) {
    super();
    this.topics = boxTopics(o.site, o.box);
  }

  get connected(): boolean {
    return this.up;
  }

  start(): void {
    const { o } = this;
    const options: IClientOptions = {
      clientId: `${o.site}.${o.box}`,
      protocolVersion: o.protocolVersion ?? 4,
      clean: true,
      keepalive: o.keepaliveS,
      reconnectPeriod: FIRST_RETRY_MS,
      connectTimeout: 10_000,
      // The outbox is the queue that survives: nothing is kept in memory while offline.
      queueQoSZero: false,
      will: { topic: this.topics.state, payload: Buffer.from(this.statePayload('lost')), qos: 1, retain: true },
      ...(o.tls ? { ...o.tls, rejectUnauthorized: true } : {}),
    };
    const client = mqtt.connect(o.url, options);
    this.client = client;
    client.on('connect', () => void this.connected_());
    client.on('close', () => this.lost());
    client.on('offline', () => this.lost());
    client.on('error', (err) => o.log.warn({ err: err.message }, 'MQTT connection error'));
    client.on('message', (topic, payload) => this.emit('message', topic, payload));
  }

  private async connected_(): Promise<void> {
    const client = this.client!;
    this.retryMs = FIRST_RETRY_MS;
    client.options.reconnectPeriod = FIRST_RETRY_MS;
    try {
      await client.publishAsync(this.topics.state, this.statePayload('init'), { qos: 1, retain: true });
      await client.subscribeAsync([this.topics.cmdAll, this.topics.ack], { qos: 1 });
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'MQTT set-up after connecting failed; reconnecting');
      client.reconnect();
      return;
    }
    this.o.log.info({ url: redact(this.o.url) }, 'MQTT connected');
    this.up = true;
    await this.publish(this.topics.state, this.statePayload(this.state), { retain: true }).catch(() => {});
    this.emit('up');
  }

  private lost(): void {
    if (this.client) {
      // Back off: each failed attempt waits twice as long, up to reconnectMaxS.
      this.client.options.reconnectPeriod = this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, this.o.reconnectMaxS * 1000);
    }
    if (!this.up) return;
    this.up = false;
    this.o.log.warn('MQTT connection lost; the outbox keeps every event until the indexer acknowledges it');
    this.emit('down');
  }

  /** `ready` or `alert`; published retained whenever it changes and each time the link comes up. */
  async setState(state: 'ready' | 'alert'): Promise<void> {
    if (state === this.state) return;
    this.state = state;
    if (this.up) await this.publish(this.topics.state, this.statePayload(state), { retain: true }).catch(() => {});
  }

  private statePayload(state: BoxState): string {
    const p: StatePayload = { state, ts: this.o.clock.now(), boot: this.o.boot };
    return JSON.stringify(p);
  }

  /** QoS 1; resolves on the broker's PUBACK (which means the broker has it, nothing more). */
  async publish(topic: string, payload: string | Buffer, opts: { retain?: boolean } = {}): Promise<void> {
    const client = this.client;
    if (!client || !this.up) throw new Error('MQTT link is down');
    await client.publishAsync(topic, payload, { qos: 1, retain: opts.retain ?? false });
  }

  /** Says `lost` itself (a clean stop is no crash, but the box is gone all the same) and disconnects. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (this.up) await client.publishAsync(this.topics.state, this.statePayload('lost'), { qos: 1, retain: true }).catch(() => {});
    this.up = false;
    await client.endAsync(!client.connected);
  }
}

/** A broker URL for the log, without any password in it. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}
