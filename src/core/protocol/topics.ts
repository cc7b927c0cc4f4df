// The MQTT topics of one box (DESIGN, "Wire protocol"): `tallennin/v1/<site>/<box>/…`. Site and
// box ids are config-checked lowercase segments, so no topic ever carries personal data.

export const TOPIC_ROOT = 'tallennin/v1';

export const COMMAND_VERBS = ['hold', 'release', 'delete', 'stop-recording', 'fetch', 'set-retention', 'resync', 'led-test'] as const;
export type CommandVerb = (typeof COMMAND_VERBS)[number];

const SEGMENT = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface BoxTopics {
  state: string;
  status: string;
  evt: string;
  audit: string;
  ack: string;
  /** where the box answers commands: `reply/<anything>` under its own root, so the broker's ACL
   *  lets it publish nowhere else */
  replyPrefix: string;
  /** `cmd/<verb>` for one verb, or the subscription to all of them */
  cmd(verb: CommandVerb): string;
  cmdAll: string;
}

export function boxTopics(site: string, box: string): BoxTopics {
  for (const [name, value] of [['site', site], ['box', box]] as const) {
    if (!SEGMENT.test(value)) throw new TypeError(`${name} "${value}" is not a topic segment: lowercase letters, digits and -, at most 63`);
  }
  const base = `${TOPIC_ROOT}/${site}/${box}`;
  return {
    state: `${base}/$state`,
    status: `${base}/status`,
    evt: `${base}/evt`,
    audit: `${base}/audit`,
    ack: `${base}/ack`,
    replyPrefix: `${base}/reply/`,
    cmd: (verb) => `${base}/cmd/${verb}`,
    cmdAll: `${base}/cmd/+`,
  };
}

/** Site, box and (for commands) verb of a topic under the root; undefined for any other topic. */
export function parseTopic(topic: string): { site: string; box: string; kind: string; verb?: string } | undefined {
  const parts = topic.split('/');
  if (parts.length < 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return undefined;
  const [, , site, box, kind, verb, ...rest] = parts;
  if (!site || !box || !kind || !SEGMENT.test(site) || !SEGMENT.test(box)) return undefined;
  // A reply topic is the box's `reply/` and whatever the asker named below it.
  if (kind === 'reply') return verb ? { site, box, kind } : undefined;
  if (rest.length > 0) return undefined;
  if (kind === 'cmd') return verb ? { site, box, kind, verb } : undefined;
  return verb === undefined ? { site, box, kind } : undefined;
}

/** Every topic of every box, for the indexer: `$share/<group>/…` when several indexers share the load. */
export function fleetTopics(shareGroup?: string): { state: string; status: string; evt: string; audit: string; reply: string } {
  const share = (t: string) => (shareGroup ? `$share/${shareGroup}/${t}` : t);
  return {
    // Retained state and status go to every indexer: each keeps the whole fleet's picture.
    state: `${TOPIC_ROOT}/+/+/$state`,
    status: `${TOPIC_ROOT}/+/+/status`,
    evt: share(`${TOPIC_ROOT}/+/+/evt`),
    audit: share(`${TOPIC_ROOT}/+/+/audit`),
    reply: `${TOPIC_ROOT}/+/+/reply/#`,
  };
}
