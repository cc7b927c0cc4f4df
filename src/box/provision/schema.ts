// The provisioning file's shape (docs/provisioning.md), in the same terms as box.yaml's schema so
// that problems are worded alike: strict objects (a misspelt key is an error, with a "did you
// mean"), `.meta({ expects })` for what a field takes, and each field's own check (a PEM text
// decodes to the right kind, a network is a network) as a custom issue with its reason. Checks
// between fields (the certificate against box.id, the CA and the key) are in checks.ts.

import { z } from 'zod';
import { fields } from '../../core/config/schema.js';
import { say } from '../../core/config/messages.js';
import { parseAddress, parseNetwork } from './network.js';
import { certificates, commandKey, failed, privateKey, sealingKey } from './pem.js';

/** Sections of box.yaml that come from the provisioning file's own fields, never from `config`. */
export const SET_BY_PROVISIONING: Readonly<Record<string, string>> = Object.freeze({
  box: 'box',
  seal: 'sealingKey',
  mqtt: 'broker and commandKeys (broker.statusIntervalS, broker.keepaliveS and broker.reconnectMaxS take its other settings)',
});

/** Text checked by `check`, which gives a reason when the text is wrong. */
function checked(expects: string, check: (value: string) => string | undefined) {
  return z
    .string()
    .check((ctx) => {
      const reason = ctx.value.trim() === '' ? say.empty(expects) : check(ctx.value);
      if (reason) ctx.issues.push({ code: 'custom', input: ctx.value, message: reason });
    })
    .meta({ expects });
}

const reasonOf = (c: object) => (failed(c) ? c.reason : undefined);

function list<T extends z.ZodType>(item: T, expects: string, what: string) {
  return z
    .array(item)
    .check((ctx) => {
      if (ctx.value.length === 0) ctx.issues.push({ code: 'custom', input: ctx.value, message: say.emptyList(what) });
    })
    .meta({ expects });
}

const MQTT_SEGMENT = 'it becomes a segment of the box\'s MQTT topics (tallennin/v1/<site>/<box>/…)';
const PEM = (what: string) => `${what} as PEM text, under a "|" line`;

const box = z.strictObject({
  id: fields.name(`${MQTT_SEGMENT}, and is the CN of the box's certificate`),
  site: fields.name(MQTT_SEGMENT),
});

const address = checked('an IP address, such as 192.0.2.10 or 2001:db8::10', (v) => {
  const a = parseAddress(v);
  if (failed(a)) return a.reason;
  return a.value === 0n ? `"${v}" is no host's address (it means "any" to a socket); write the broker's own address` : undefined;
});
const network = checked('a network, such as 10.20.0.0/24 or 2001:db8:20::/64', (v) => reasonOf(parseNetwork(v)));

const broker = z.strictObject({
  url: fields.brokerUrl(),
  addresses: z.array(address).meta({ expects: 'a list of the broker\'s IP addresses, such as [192.0.2.10, 2001:db8::10]' }).optional(),
  ca: checked(PEM('the CA certificate that signed the broker\'s and the box\'s certificates'), (v) => reasonOf(certificates(v, 'CA certificate (ca.crt)', false))),
  cert: checked(PEM('this box\'s client certificate'), (v) => reasonOf(certificates(v, 'box\'s certificate (<box>.crt)', true))),
  key: checked(PEM('this box\'s private key'), (v) => reasonOf(privateKey(v))),
  // box.yaml's mqtt section is written from this file; these three of it are passed on as they
  // are, and checked by loadConfig with the rest.
  statusIntervalS: z.unknown().optional(),
  keepaliveS: z.unknown().optional(),
  reconnectMaxS: z.unknown().optional(),
});

const config = z
  .record(z.string(), z.unknown())
  .check((ctx) => {
    for (const key of Object.keys(ctx.value)) {
      const from = SET_BY_PROVISIONING[key];
      if (from) ctx.issues.push({ code: 'custom', input: ctx.value, path: [key], message: `cannot be set here: box.yaml's ${key} section is written from ${from} of the provisioning file; remove it from config` });
    }
  })
  .meta({ expects: 'a section of box.yaml settings (capture, lines, …) as in docs/config.md' })
  .nullable()
  .optional();

export const provisionSchema = z.strictObject({
  box,
  sealingKey: checked(PEM('the controller\'s public sealing key (controller.pub)'), (v) => reasonOf(sealingKey(v))),
  commandKeys: list(
    checked(PEM('a central command public key (command.pub)'), (v) => reasonOf(commandKey(v))),
    'a list of the central command public keys, each as PEM text under "- |"',
    'command key',
  ),
  broker,
  managementNetworks: list(network, 'a list of networks, such as [10.20.0.0/24, 2001:db8:20::/64]', 'management network'),
  config,
});

export type ProvisionData = z.output<typeof provisionSchema>;
