import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

export interface BrokerOptions {
  url: string;
  clientId: string;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  protocolVersion?: 4 | 5;
  log: Logger;
}

/**
 * The indexer's MQTT session. Persistent (clean: false), so the broker keeps its events while
 * the indexer restarts; reconnects on its own every 2 s. The subscriptions are made again on
 * every connect (a broker that lost its state has lost them too).
 */
export function connectBroker(o: BrokerOptions, subscriptions: string[], onMessage: (topic: string, payload: Buffer, retained: boolean) => void): MqttClient {
  const options: IClientOptions = {
    clientId: o.clientId,
    protocolVersion: o.protocolVersion ?? 4,
    clean: false,
    keepalive: 30,
    reconnectPeriod: 2000,
    connectTimeout: 10_000,
    ...(o.tls ? { ...o.tls, rejectUnauthorized: true } : {}),
  };
  const client = mqtt.connect(o.url, options);
  client.on('connect', () => {
    client.subscribe(subscriptions, { qos: 1 }, (err) => {
      if (err) o.log.error({ err: err.message }, 'subscribing failed');
      else o.log.info({ subscriptions: subscriptions.length }, 'indexer subscribed');
    });
  });
  client.on('error', (err) => o.log.warn({ err: err.message }, 'MQTT connection error'));
  client.on('offline', () => o.log.warn('MQTT broker unreachable; boxes keep their events until acknowledged'));
  client.on('message', (topic, payload, packet) => onMessage(topic, payload, packet.retain));
  return client;
}
