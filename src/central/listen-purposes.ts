// What a listen may be for (R2), and which role may state which: a supervisor handles complaints
// and picks training material, a privacy officer answers access requests and disclosures (and may
// check a complaint), a trainer trains. Training needs a recording marked for a training project.
// The console and the API ask the same table.
export const LISTEN_PURPOSES = ['complaint', 'training', 'access-request', 'disclosure'] as const;
export type ListenPurpose = (typeof LISTEN_PURPOSES)[number];

const PURPOSES: Readonly<Record<string, readonly ListenPurpose[]>> = {
  supervisor: ['complaint', 'training'],
  trainer: ['training'],
  'privacy-officer': ['complaint', 'access-request', 'disclosure'],
  admin: [],
};

export function purposesOf(role: string): readonly ListenPurpose[] {
  return PURPOSES[role] ?? [];
}
