// Verify mode of the recording announcement (R12, issue 7): did the start of this call carry
// the configured announcement? See matcher.ts for the method.
export { AnnouncementReference } from './reference.js';
export { AnnouncementMatcher, DEFAULT_MATCH_THRESHOLD, type MatchOptions, type MatchResult } from './matcher.js';
