// The box's `mqtt` section: optional; when given, every problem is named by its field, and plain
// MQTT is refused for any broker not on the box itself.
import t from 'tap';
import { parseConfig, type ConfigError } from '../../../src/core/config/index.js';

const BASE = `box: { id: lpr-1, site: lappeenranta }
capture: { device: "hw:1,0", rate: 8000, channels: 1 }
lines: [{ id: line-1, channel: 0 }]
storage: { path: store }
seal: { publicKey: controller.pub }
`;
const load = (mqtt: string) => parseConfig(BASE + mqtt, 'box.yaml', '/etc/tallennin', { canRead: () => undefined });
const problems = (mqtt: string): string => {
  try {
    load(mqtt);
  } catch (err) {
    return (err as ConfigError).message;
  }
  throw new Error('expected the config to be refused');
};

t.test('without mqtt the box syncs nothing; with it, defaults apply and paths are absolute', async (t) => {
  t.equal(load('').mqtt, undefined);
  const c = load('mqtt: { url: "mqtts://broker.example:8883", ca: tls/ca.pem, cert: tls/box.pem, key: tls/box.key, commandKeys: [command.pub] }\n');
  t.same(c.mqtt, {
    url: 'mqtts://broker.example:8883', ca: '/etc/tallennin/tls/ca.pem', cert: '/etc/tallennin/tls/box.pem', key: '/etc/tallennin/tls/box.key',
    commandKeys: ['/etc/tallennin/command.pub'], statusIntervalS: 60, keepaliveS: 30, reconnectMaxS: 60,
  });
  t.equal(load('mqtt: { url: "mqtt://127.0.0.1:1883", commandKeys: [c.pub] }\n').mqtt?.url, 'mqtt://127.0.0.1:1883', 'plain on loopback');
});

t.test('each bad field is named', async (t) => {
  t.match(problems('mqtt: { url: "mqtt://broker.example:1883", commandKeys: [c.pub] }\n'), /mqtt\.url: .*unencrypted.*mqtts:\/\//);
  t.match(problems('mqtt: { url: "http://broker.example", commandKeys: [c.pub] }\n'), /mqtt\.url: .*not mqtt: or mqtts:/);
  t.match(problems('mqtt: { url: "not a url", commandKeys: [c.pub] }\n'), /mqtt\.url: "not a url" is not a URL/);
  t.match(problems('mqtt: { url: "mqtts://b:8883", commandKeys: [] }\n'), /mqtt\.commandKeys: /);
  t.match(problems('mqtt: { url: "mqtts://b:8883" }\n'), /mqtt\.commandKeys/);
  t.match(problems('mqtt: { url: "mqtts://b:8883", commandKeys: [c.pub], keepaliveS: 600 }\n'), /mqtt\.keepaliveS: .*600/);
  t.match(problems('mqtt: { url: "mqtts://b:8883", commandKeys: [c.pub], certificate: x.pem }\n'), /mqtt\.certificate/);
});

t.test('a TLS certificate without its key (or the other way round) is named', async (t) => {
  t.match(problems('status: { cert: page.crt }\n'), /status\.key: status\.cert is given without status\.key/);
  t.match(problems('mqtt: { url: "mqtts://b:8883", commandKeys: [c.pub], key: box.key }\n'), /mqtt\.cert: mqtt\.key is given without mqtt\.cert/);
  t.match(problems('led: { names: ["led 0"] }\n'), /led\.names\[0\]/);
  t.same(load('status: { cert: page.crt, key: page.key, port: 443 }\nled: { names: [] }\n').status, {
    host: '0.0.0.0', port: 443, cert: '/etc/tallennin/page.crt', key: '/etc/tallennin/page.key', users: '/etc/tallennin/users.json', sessionMinutes: 30,
  });
});
