// The fleet as the indexer sees it: each box's lifecycle state and latest health report.
import type { BoxState, StatusPayload } from '../../core/protocol/messages.js';

export interface BoxView {
  site: string;
  box: string;
  /** the box's own word, or `lost` when it said nothing for too long */
  state: BoxState;
  /** ms since epoch of the last message of any kind from the box */
  lastSeen: number;
  status?: StatusPayload;
  /** seq up to which its events are indexed */
  watermark: number;
}
