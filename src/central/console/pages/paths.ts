// The console's addresses, in one place: the pages link and post to these, the routes serve them.
import { consoleMay } from '../rights.js';
import type { NavSection } from './types.js';

const seg = (id: string) => encodeURIComponent(id);

export const PATHS = {
  login: '/console/login',
  loginCode: '/console/login/code',
  logout: '/console/logout',
  language: '/console/language',
  search: '/console/search',
  fleet: '/console/fleet',
  audit: '/console/audit',
  projects: '/console/projects',
  registers: '/console/registers',
  accessRequests: '/console/registers/access',
  rectifications: '/console/registers/rectification',
  disclosures: '/console/registers/disclosure',
  /** the privacy notice, rendered from the running configuration: public, no login */
  privacyNotice: '/console/privacy-notice',
  project: (id: string) => `/console/projects/${seg(id)}`,
  projectMembers: (id: string) => `/console/projects/${seg(id)}/members`,
  projectRemoveMember: (id: string) => `/console/projects/${seg(id)}/members/remove`,
  projectRecordings: (id: string) => `/console/projects/${seg(id)}/recordings`,
  projectRemoveRecording: (id: string) => `/console/projects/${seg(id)}/recordings/remove`,
  css: '/console/assets/console.css',
  icon: '/console/assets/icon.svg',
  call: (id: string) => `/console/calls/${seg(id)}`,
  hold: (id: string) => `/console/calls/${seg(id)}/holds`,
  release: (id: string) => `/console/calls/${seg(id)}/holds/release`,
  listen: (id: string) => `/console/calls/${seg(id)}/listen`,
  audio: (id: string, grant: string) => `/console/calls/${seg(id)}/audio?grant=${encodeURIComponent(grant)}`,
  fleetCommand: (site: string, box: string, verb: string) => `/console/fleet/${seg(site)}/${seg(box)}/commands/${seg(verb)}`,
} as const;

/** The CSRF field of every POST form (what @fastify/csrf-protection reads from a body by default). */
export const CSRF_FIELD = '_csrf';

export const SECTION_PATH: Readonly<Record<NavSection, string>> = { search: PATHS.search, projects: PATHS.projects, registers: PATHS.registers, fleet: PATHS.fleet, audit: PATHS.audit };

/** The sections a role sees in the header: those the routes let it open (one table of rights). */
export function sectionsOf(role: string): NavSection[] {
  return (['search', 'projects', 'registers', 'fleet', 'audit'] as const).filter((s) => consoleMay(role, s));
}
