// The index's codes in the reader's words. A code from a newer box that the catalogue does not
// know yet is shown as it came (templates escape it), never dropped.
import type { Notice } from '../../../core/protocol/messages.js';
import type { Translator } from '../i18n/catalogue.js';

const known = (t: Translator, prefix: string, code: string): string => (t.has(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : code);

export const directionText = (t: Translator, d: string) => known(t, 'direction', d);
export const clipText = (t: Translator, c: string) => known(t, 'clip', c);
export const stateText = (t: Translator, s: string) => known(t, 'state', s);
export const endReasonText = (t: Translator, r: string) => known(t, 'endReason', r);
export const stopByText = (t: Translator, by: string) => known(t, 'stopBy', by);
export const holdReasonText = (t: Translator, r: string) => known(t, 'holdReason', r);
export const purposeText = (t: Translator, p: string) => known(t, 'purpose', p);
export const roleText = (t: Translator, r: string) => known(t, 'role', r);
export const noticeStatusText = (t: Translator, s: string) => known(t, 'notice.status', s);

/** The announcement's evidence in a sentence: "Ilmoitus kuultiin (osuma 0,82)". */
export function noticeText(t: Translator, n: Notice | undefined): string {
  if (!n) return t('notice.unknown');
  switch (n.status) {
    case 'played':
      return t('notice.played', { time: t.fmt.time(n.at), duration: t.fmt.duration(n.durationMs) });
    case 'heard':
      return t('notice.heard', { score: t.fmt.decimal(n.score, 2) });
    case 'not-heard':
      return t('notice.notHeard', { score: t.fmt.decimal(n.score, 2), threshold: t.fmt.decimal(n.threshold, 2) });
    case 'not-played':
      return t('notice.notPlayed', { error: n.error });
    case 'not-applicable':
      return t('notice.notApplicable', { reason: known(t, 'notice.reason', n.reason) });
    default:
      return noticeStatusText(t, (n as { status: string }).status);
  }
}
