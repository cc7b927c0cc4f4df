// The indexer's config: defaults, absolute paths, and every problem named by its field.
import t from 'tap';
import { parseIndexerConfig } from '../../src/central/config.js';

const BASE = `indexer: { id: central-1 }
mqtt: { url: "mqtts://mqtt.example:8883", cert: tls/indexer.crt, key: tls/indexer.key }
storage: { path: index }
keys: { controller: keys/controller.key, command: keys/command.key }
`;
const refused = (text: string): string => {
  try {
    parseIndexerConfig(text, 'indexer.yaml', '/etc/tallennin');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
};

t.test('the smallest config loads with every default', async (t) => {
  const c = parseIndexerConfig(BASE, 'indexer.yaml', '/etc/tallennin');
  t.match(c, {
    indexer: { id: 'central-1' },
    mqtt: { url: 'mqtts://mqtt.example:8883', cert: '/etc/tallennin/tls/indexer.crt', key: '/etc/tallennin/tls/indexer.key', protocolVersion: 4 },
    storage: { path: '/etc/tallennin/index' },
    keys: { controller: '/etc/tallennin/keys/controller.key', command: '/etc/tallennin/keys/command.key' },
    fleet: { lostAfterS: 300, expiryGraceHours: 24, commandTimeoutS: 10 },
    api: { host: '127.0.0.1', port: 8480, tokens: [] },
    numbers: { countryCode: '358' },
    log: { level: 'info' },
  });
});

t.test('every problem at once, each naming its field', async (t) => {
  const msg = refused(
    BASE.replace('mqtts://mqtt.example:8883', 'mqtt://mqtt.example:1883') +
      'api: { tokens: [{ name: sup-1, role: boss, sha256: abc }] }\nnumbers: { countryCode: "+358" }\nfleet: { lostAfterS: 5 }\n',
  );
  t.match(msg, /mqtt\.url: .*unencrypted/);
  t.match(msg, /api\.tokens\[0\]\.role/);
  t.match(msg, /api\.tokens\[0\]\.sha256/);
  t.match(msg, /numbers\.countryCode/);
  t.match(msg, /fleet\.lostAfterS/);
  t.match(refused('indexer: { id: central-1 }\n'), /mqtt|storage|keys/);
  t.match(refused(BASE + 'colour: blue\n'), /colour/);
  t.match(refused('[1, 2]'), /sections indexer, mqtt, storage and keys/);
});

t.test('the controller\'s business ID is checked with its check digit and kept in its canonical spelling', async (t) => {
  const controller = (id: string): string =>
    BASE + `controller: { name: TE-toimisto, businessId: "${id}", address: "Katu 1, 00100 Helsinki", registerName: Puhelutallenteet, contacts: [{ name: Tietosuojavastaava }], offices: [Helsinki] }\n`;
  const c = parseIndexerConfig(controller('2296962-1'), 'indexer.yaml', '/etc/tallennin');
  t.equal(c.controller?.businessId, '2296962-1');
  // An old six-digit spelling is the same ID with its leading zero.
  t.equal(parseIndexerConfig(controller(' 737546-2 '), 'indexer.yaml', '/etc/tallennin').controller?.businessId, '0737546-2');
  t.match(refused(controller('2296962-2')), /controller\.businessId: .*check digit does not match/);
  t.match(refused(controller('1234567')), /controller\.businessId: .*seven digits, a hyphen and one check digit/);
  t.match(refused(controller('FI22969621')), /controller\.businessId: .*VAT number/);
});
