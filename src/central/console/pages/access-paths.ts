// The access-request register's addresses (under PATHS.accessRequests): the pages link and post
// to these, the routes serve them.
import { PATHS } from './paths.js';

const seg = (id: string) => encodeURIComponent(id);

/** How far the search reaches beyond the window the request describes, each way. */
export const SEARCH_MARGINS = ['0', '1h', '1d', '7d'] as const;
export type SearchMargin = (typeof SEARCH_MARGINS)[number];
export const MARGIN_MS: Readonly<Record<SearchMargin, number>> = { '0': 0, '1h': 3_600_000, '1d': 86_400_000, '7d': 7 * 86_400_000 };

export const ACCESS_PATHS = {
  list: PATHS.accessRequests,
  new: `${PATHS.accessRequests}/new`,
  request: (id: string) => `${PATHS.accessRequests}/${seg(id)}`,
  /** the request page with the search run, `margin` each way */
  search: (id: string, margin: SearchMargin) => `${PATHS.accessRequests}/${seg(id)}?margin=${margin}#results-heading`,
  mark: (id: string) => `${PATHS.accessRequests}/${seg(id)}/marks`,
  unmark: (id: string) => `${PATHS.accessRequests}/${seg(id)}/marks/remove`,
  booking: (id: string) => `${PATHS.accessRequests}/${seg(id)}/booking`,
  close: (id: string) => `${PATHS.accessRequests}/${seg(id)}/close`,
  /** after closing: the holds whose release did not get through, again */
  releasePending: (id: string) => `${PATHS.accessRequests}/${seg(id)}/release`,
  cover: (id: string) => `${PATHS.accessRequests}/${seg(id)}/cover`,
  /** one marked recording as an Ogg Opus file */
  copy: (id: string, recording: string) => `${PATHS.accessRequests}/${seg(id)}/copy/${seg(copyFileName(recording))}`,
} as const;

/** The name a copy's file is handed over under: the recording's id, so the cover sheet and the file agree. */
export function copyFileName(recording: string): string {
  return `${recording}.opus`;
}
