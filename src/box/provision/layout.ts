// Where provisioning puts things inside the config folder (image/LAYOUT.md). box.yaml names the
// files relative to itself, so the folder loads the same from the temporary folder it is
// checked in as from its final place.

export const FILES = Object.freeze({
  boxYaml: 'box.yaml',
  sealingKey: 'keys/seal.pub',
  commandKey: (i: number) => `keys/command-${i + 1}.pub`,
  ca: 'tls/ca.crt',
  cert: 'tls/box.crt',
  key: 'tls/box.key',
  firewall: 'firewall.nft',
});

export const SUBDIRS = Object.freeze(['keys', 'tls']);

/** On the data partition (LAYOUT.md, `state/`): the only place the recorder may write. */
export const STATE_PATHS = Object.freeze({
  storage: '/var/lib/tallennin/store',
  users: '/var/lib/tallennin/accounts.json',
});

/** Folders 0750 and files 0640, root:GROUP: root writes, the recorder's group reads, nobody else. */
export const DIR_MODE = 0o750;
export const FILE_MODE = 0o640;
