// The privacy notice (R14, issue 9), rendered from the running configuration so that the notice
// published and the system never disagree: the controller, its contacts, offices and disclosures
// from the indexer config's `controller` section; the retention from what the boxes report in
// their status; the 12-month maximum from the retention module. The structure is that of the
// 2015 notice (Henkilötietolaki 523/1999 §10 and §24), its eleven numbered sections in order, in
// today's terms (GDPR). Public: it needs no login. Printable: the print stylesheet leaves only
// the notice on paper.
import { html, type Html } from '../../../core/html.js';
import { DEFAULTS } from '../../../core/config/schema.js';
import { MAX_RETENTION_MONTHS, MIN_RETENTION_MONTHS } from '../../../core/retention/index.js';
import type { IndexerConfig } from '../../config.js';
import type { BoxView } from '../../fleet/types.js';
import type { Translator } from '../i18n/catalogue.js';
import { errorPage } from './error.js';
import { layout } from './layout.js';
import { PATHS } from './paths.js';
import type { Viewer } from './types.js';

export type ControllerFacts = NonNullable<IndexerConfig['controller']>;

/** One site's boxes and the months each keeps new recordings. */
export interface SiteRetention {
  site: string;
  boxes: readonly { box: string; months: number }[];
}

/** What the boxes keep, as the notice states it. */
export type RetentionFacts =
  /** every box that reported keeps the same months */
  | { kind: 'uniform'; months: number; unreported: number }
  /** boxes differ: months by site (a site whose boxes differ, by box) */
  | { kind: 'per-site'; sites: readonly SiteRetention[]; unreported: number }
  /** no box has reported: the box config's default */
  | { kind: 'default'; months: number };

export interface PrivacyNoticeData {
  controller: ControllerFacts;
  retention: RetentionFacts;
  /** every role that may listen must give a one-time code after the password (console.totpRoles) */
  secondFactor: boolean;
  /** the announcement's words, when every box that reports them says the same */
  announcement?: string | undefined;
  /** ms since epoch: when the notice was rendered from the running configuration */
  updated: number;
  /** a logged-in person keeps their frame; the notice itself is the same for everyone */
  user?: Viewer | undefined;
  csrf?: string | undefined;
}

export interface NoticeUnavailableData {
  /** the indexer config section that is missing */
  section: string;
  user?: Viewer | undefined;
  csrf?: string | undefined;
}

/**
 * The identity documents a caller proves who they are with (R10), by the ids of the access-request
 * register's `IDENTITY_DOCUMENTS`: the notice promises exactly what the register accepts.
 */
export const NOTICE_IDENTITY_DOCUMENTS = ['passport', 'identity-card', 'driving-licence', 'kela-card'] as const;

const isMonths = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= MIN_RETENTION_MONTHS && v <= MAX_RETENTION_MONTHS;

/**
 * The retention the boxes report in their status (`retentionMonths`, R4). A box that has not
 * reported it (no status yet, an older box, a value out of the legal range) is counted, not
 * guessed. With no report at all, the box config's default.
 */
/** The announcement the boxes say they give: one sentence when all that report one agree, else none (the notice then does not quote). */
export function announcementOf(boxes: readonly Pick<BoxView, 'status'>[]): string | undefined {
  const texts = new Set(boxes.map((b) => b.status?.announcementText).filter((x): x is string => typeof x === 'string' && x.trim() !== ''));
  return texts.size === 1 ? [...texts][0]!.trim() : undefined;
}

export function retentionOf(boxes: readonly Pick<BoxView, 'site' | 'box' | 'status'>[]): RetentionFacts {
  const reported: { site: string; box: string; months: number }[] = [];
  let unreported = 0;
  for (const b of boxes) {
    const m = b.status?.retentionMonths;
    if (isMonths(m)) reported.push({ site: b.site, box: b.box, months: m });
    else unreported++;
  }
  if (reported.length === 0) return { kind: 'default', months: DEFAULTS.retention.months };
  const months = new Set(reported.map((r) => r.months));
  if (months.size === 1) return { kind: 'uniform', months: reported[0]!.months, unreported };
  const bySite = new Map<string, { box: string; months: number }[]>();
  for (const r of reported) bySite.set(r.site, [...(bySite.get(r.site) ?? []), { box: r.box, months: r.months }]);
  const sites = [...bySite]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([site, list]) => ({ site, boxes: [...list].sort((a, b) => (a.box < b.box ? -1 : a.box > b.box ? 1 : 0)) }));
  return { kind: 'per-site', sites, unreported };
}

/** "2 kk", "1 month". */
export const monthsText = (t: Translator, months: number): string => (months === 1 ? t('privacy.month') : t('privacy.months', { months }));

const SECTION = (n: number) => `notice-s${n}`;

function section(n: number, heading: string, body: Html): Html {
  return html`<section class="notice-section" aria-labelledby="${SECTION(n)}">
<h2 id="${SECTION(n)}"><span class="notice-no">${n}</span> ${heading}</h2>
${body}
</section>`;
}

const items = (list: readonly string[]): Html => html`<ul>${list.map((s) => html`<li>${s}</li>`)}</ul>`;

function controllerSection(t: Translator, c: ControllerFacts): Html {
  return section(1, t('privacy.s1.heading'), html`<p>${c.name}<br>${t('privacy.s1.businessId', { businessId: c.businessId })}<br>${t('privacy.s1.address', { address: c.address })}</p>`);
}

function contactsSection(t: Translator, c: ControllerFacts): Html {
  const people = c.contacts.map((p) => {
    const who = p.title ? `${p.title} ${p.name}` : p.name;
    return html`<li>${who}${p.phone ? html`<br>${t('privacy.s2.phone', { phone: p.phone })}` : ''}${p.email ? html`<br>${t('privacy.s2.email', { email: p.email })}` : ''}</li>`;
  });
  return section(2, t('privacy.s2.heading'), html`<ul class="plain notice-contacts">${people}</ul>`);
}

function retentionText(t: Translator, r: RetentionFacts): Html {
  const max = html`<p>${t('privacy.s5.retention.max', { max: monthsText(t, MAX_RETENTION_MONTHS) })}</p>`;
  switch (r.kind) {
    case 'default':
      return html`<p class="notice-retention">${t('privacy.s5.retention.all', { months: monthsText(t, r.months) })}</p>
${max}
<p class="muted">${t('privacy.s5.retention.default', { months: monthsText(t, r.months) })}</p>`;
    case 'uniform':
      return html`<p class="notice-retention">${t('privacy.s5.retention.all', { months: monthsText(t, r.months) })}</p>
${max}
${unreported(t, r.unreported)}`;
    case 'per-site': {
      const lines = r.sites.flatMap((s) => {
        const months = new Set(s.boxes.map((b) => b.months));
        if (months.size === 1) return [t('privacy.s5.retention.site', { site: s.site, months: monthsText(t, s.boxes[0]!.months) })];
        return s.boxes.map((b) => t('privacy.s5.retention.box', { site: s.site, box: b.box, months: monthsText(t, b.months) }));
      });
      return html`<p class="notice-retention">${t('privacy.s5.retention.sites')}</p>
${items(lines)}
${max}
${unreported(t, r.unreported)}`;
    }
  }
}

const unreported = (t: Translator, count: number): Html => (count > 0 ? html`<p class="muted">${t('privacy.s5.retention.unreported', { count })}</p>` : html``);

function contentSection(t: Translator, d: PrivacyNoticeData): Html {
  const item = (k: string) => t(`privacy.s5.item.${k}`);
  const person = ['name', 'personalId', 'address', 'phone', 'email', 'employment', 'benefit'].map(item);
  const company = ['name', 'businessId', 'address', 'email', 'phone', 'business'].map(item);
  return section(
    5,
    t('privacy.s5.heading'),
    html`<p>${t('privacy.s5.intro')}</p>
<ul>
<li>${t('privacy.s5.person')}${items(person)}</li>
<li>${t('privacy.s5.company')}${items(company)}</li>
</ul>
<p>${t('privacy.s5.call')}</p>
${retentionText(t, d.retention)}`,
  );
}

function disclosuresSection(t: Translator, c: ControllerFacts): Html {
  const list = c.disclosures.length
    ? html`<p>${t('privacy.s7.intro')}</p>
${items(c.disclosures.map((x) => t('privacy.s7.item', { recipient: x.recipient, basis: x.basis })))}`
    : html`<p>${t('privacy.s7.none')}</p>`;
  return section(7, t('privacy.s7.heading'), html`${list}
<p>${t('privacy.s7.register')}</p>`);
}

function protectionSection(t: Translator, d: PrivacyNoticeData): Html {
  const say = (keys: readonly string[]) => items(keys.map((k) => t(`privacy.s8.${k}`)));
  return section(
    8,
    t('privacy.s8.heading'),
    html`<h3>${t('privacy.s8.admin')}</h3>
${say(['admin.confidentiality', 'admin.needToKnow', 'admin.provider'])}
<h3>${t('privacy.s8.tech')}</h3>
${say(['tech.sealing', 'tech.accounts', ...(d.secondFactor ? ['tech.secondFactor'] : []), 'tech.audit', 'tech.transport', 'tech.firewall', 'tech.destroy'])}
<h3>${t('privacy.s8.physical')}</h3>
${say(['physical.rooms'])}`,
  );
}

function accessSection(t: Translator, c: ControllerFacts): Html {
  const docs = NOTICE_IDENTITY_DOCUMENTS.map((k) => t(`privacy.s9.doc.${k}`));
  return section(
    9,
    t('privacy.s9.heading'),
    html`<p>${t('privacy.s9.property')}</p>
<p>${t('privacy.s9.access')}</p>
<p>${t('privacy.s9.offices')}</p>
${items(c.offices)}
<p>${t('privacy.s9.identity')}</p>
${items(docs)}
<p>${t('privacy.s9.free')}</p>`,
  );
}

/** The notice: eleven numbered sections, in the order and with the headings of the 2015 notice. */
export function privacyNoticePage(t: Translator, d: PrivacyNoticeData): Html {
  const c = d.controller;
  const title = t('privacy.title');
  const sections = [
    controllerSection(t, c),
    contactsSection(t, c),
    section(3, t('privacy.s3.heading'), html`<p>${c.registerName}</p>`),
    section(4, t('privacy.s4.heading'), html`<p>${t('privacy.s4.service')}</p>
<p>${t('privacy.s4.rights')}</p>
<p>${t('privacy.s4.basis')}</p>`),
    contentSection(t, d),
    section(6, t('privacy.s6.heading'), html`<p>${t('privacy.s6.text')}</p>`),
    disclosuresSection(t, c),
    protectionSection(t, d),
    accessSection(t, c),
    section(10, t('privacy.s10.heading'), html`<p>${t('privacy.s10.text')}</p>
<p>${t('privacy.s10.refusal')}</p>`),
    section(11, t('privacy.s11.heading'), html`<p>${d.announcement ? t('privacy.s11.announcement.quoted', { text: d.announcement }) : t('privacy.s11.announcement')}</p>
<p>${t('privacy.s11.stop')}</p>
<p>${t('privacy.s11.complaint')}</p>`),
  ];
  return layout(t, {
    title,
    user: d.user,
    csrf: d.csrf,
    here: PATHS.privacyNotice,
    main: html`<article class="privacy-notice">
<div class="notice-head">
<p class="notice-lead">${t('privacy.lead')}</p>
<h1>${title}</h1>
<p class="notice-subtitle">${t('privacy.subtitle', { controller: c.name, register: c.registerName })}</p>
<p>${t('privacy.updated', { date: t.fmt.date(d.updated) })}</p>
<p class="muted">${t('privacy.source')}</p>
<p class="print-hint muted">${t('privacy.print')}</p>
</div>
${sections}
</article>`,
  });
}

/** Without the controller section there is no notice at all, never half of one: an alert naming the section. */
export function noticeUnavailablePage(t: Translator, d: NoticeUnavailableData): Html {
  return errorPage(t, { status: 503, message: t('privacy.missing', { section: d.section }), user: d.user, csrf: d.csrf });
}
