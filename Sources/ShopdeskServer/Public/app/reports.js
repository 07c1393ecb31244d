// Reports (`#/reports`): a period of the workspace's calendar against the one before, narrowed by
// channel, inbox, team or agent; headline figures with their change, charts with their tables,
// and the conversations behind any figure, each as CSV too. Agents see their own conversations.
// Drawn when opened; the figures are the server's (docs/REPORTS.md defines them).

import { api, query } from './api.js';
import { clear, h } from './dom.js';
import { formatMoney, formatNumber, label, languageName, t } from './i18n.js';
import { barChart, heatmap, lineChart, linesChart } from './charts.js';
import { topicsPanel } from './report-topics.js';
import { unmatchedPanel } from './report-unmatched.js';
import { channelName } from './channel-names.js';
import { conversationHash } from './router.js';
import { PRESETS, addDays, delta, durationParts, presetPeriod, todayIn } from './report-math.js';
import { state } from './state.js';

/** What the page shows: the period and the filters (kept while the agent moves around the app). */
let chosen = { preset: 'last7', from: '', to: '', channel: '', inbox: '', team: '', agent: '', vip: '' };
/** Chosen values of conversation custom fields, by key (`custom.<key>` in the request). */
let chosenFields = /** @type {Record<string, string>} */ ({});

let drawings = 0;

/** Draws the reports page into `section`. @param {HTMLElement} section */
export async function renderReports(section) {
  clear(section);
  const today = todayIn(state.workspace?.time_zone || 'UTC');
  if (chosen.preset !== 'custom') Object.assign(chosen, presetPeriod(chosen.preset, today));
  const results = h('div', { class: 'report-results', id: 'report-results', 'aria-live': 'polite' }, h('p', { class: 'hint' }, t('loading')));
  section.append(h('h2', { id: 'reports-title' }, t('reports')), reportTabs('overview'), filters(section), results);
  const asked = ++drawings;
  try {
    const report = await api('GET', `/reports/overview${query(params())}`);
    // A newer choice was made while this one loaded: its page is the one to show.
    if (asked !== drawings || !results.isConnected) return;
    clear(results);
    results.append(...draw(report));
    // The topics come on their own (their words are counted apart), into their place above the drill panel.
    const topics = await topicsPanel(params(), drill).catch((failure) => h('p', { class: 'form-error', role: 'alert' }, failure.message));
    if (asked !== drawings || !results.isConnected) return;
    document.getElementById('report-drill')?.before(topics);
    if (state.me?.role === 'admin' || state.me?.role === 'owner') {
      const unmatched = await unmatchedPanel(params()).catch((failure) => h('p', { class: 'form-error', role: 'alert' }, failure.message));
      if (asked !== drawings || !results.isConnected) return;
      document.getElementById('report-drill')?.before(unmatched);
    }
  } catch (failure) {
    if (asked !== drawings) return;
    clear(results);
    results.append(h('p', { class: 'form-error', role: 'alert' }, failure.message));
  }
}

/** The reports' two pages. @param {'overview' | 'scoreboard'} current */
export function reportTabs(current) {
  return h('nav', { class: 'report-tabs', 'aria-label': t('reports') },
    h('a', { href: '#/reports', id: 'report-tab-overview', 'aria-current': current === 'overview' ? 'page' : null }, t('overviewTab')),
    h('a', { href: '#/reports/scoreboard', id: 'report-tab-scoreboard', 'aria-current': current === 'scoreboard' ? 'page' : null }, t('scoreboardTab')));
}

/** The request's parameters: the period and the filters chosen. */
function params(extra = {}) {
  const { from, to, channel, inbox, team, agent, vip } = chosen;
  const fields = Object.fromEntries(Object.entries(chosenFields).filter(([, value]) => value).map(([key, value]) => [`custom.${key}`, value]));
  return { from, to, channel, inbox, team, agent, vip, ...fields, ...extra };
}

function filters(section) {
  const admin = ['admin', 'owner'].includes(state.me?.role);
  const preset = h('select', { id: 'report-preset', 'aria-label': t('period') },
    ...PRESETS.map((name) => h('option', { value: name, selected: chosen.preset === name }, t(`preset.${name}`))),
    h('option', { value: 'custom', selected: chosen.preset === 'custom' }, t('preset.custom')));
  // The last day shown is inclusive on screen; the API's `to` is the day after.
  const from = h('input', { type: 'date', id: 'report-from', value: chosen.from, 'aria-label': t('fromDay') });
  const to = h('input', { type: 'date', id: 'report-to', value: chosen.to ? addDays(chosen.to, -1) : '', 'aria-label': t('toDay') });
  const redraw = () => renderReports(section);
  preset.addEventListener('change', () => { chosen.preset = preset.value; redraw(); });
  for (const input of [from, to]) {
    input.addEventListener('change', () => {
      if (!from.value || !to.value || to.value < from.value) return;
      Object.assign(chosen, { preset: 'custom', from: from.value, to: addDays(to.value, 1) });
      redraw();
    });
  }
  const select = (name, all, options) => {
    const element = h('select', { id: `report-${name}`, 'aria-label': t(`filter.${name}`) },
      h('option', { value: '' }, all), ...options.map(([value, text]) => h('option', { value, selected: chosen[name] === String(value) }, text)));
    element.addEventListener('change', () => { chosen[name] = element.value; redraw(); });
    return element;
  };
  const kinds = [...new Set(state.inboxes.map((inbox) => inbox.kind))];
  // The conversation fields with a list of values (dropdowns, checkboxes) filter too.
  const fieldSelects = state.customFields.filter((field) => field.entity === 'conversation' && ['dropdown', 'checkbox'].includes(field.kind))
    .map((field) => {
      const values = field.kind === 'checkbox' ? [['true', t('yes')], ['false', t('no')]] : (field.options || []).map((option) => [option, option]);
      const element = h('select', { id: `report-field-${field.key}`, 'aria-label': field.label },
        h('option', { value: '' }, `${field.label}: ${t('anyValue')}`),
        ...values.map(([value, text]) => h('option', { value, selected: chosenFields[field.key] === value }, `${field.label}: ${text}`)));
      element.addEventListener('change', () => { chosenFields[field.key] = element.value; redraw(); });
      return element;
    });
  const csv = h('a', { href: `/api/v1/reports/overview${query(params({ format: 'csv' }))}`, download: '', id: 'report-csv', class: 'button' }, t('downloadCSV'));
  return h('div', { class: 'admin-form report-filters', role: 'group', 'aria-label': t('period') },
    preset, from, to,
    select('channel', t('allChannels'), kinds.map((kind) => [kind, channelName(kind)])),
    select('inbox', t('allInboxes'), state.inboxes.map((inbox) => [inbox.id, inbox.name])),
    state.teams.length ? select('team', t('allTeams'), state.teams.map((team) => [team.id, team.name])) : null,
    admin ? select('agent', t('allAgents'), [...state.agents.values()].map((agent) => [agent.id, agent.name])) : null,
    select('vip', t('allCustomers'), [['true', t('vipOnly')], ['false', t('notVip')]]),
    ...fieldSelects, csv);
}

/** A span of seconds in the agent's language ("3 h 25 min"). @param {number | null | undefined} seconds */
export function formatDuration(seconds) {
  if (seconds == null) return '—';
  return durationParts(seconds).map(([value, unit]) =>
    new Intl.NumberFormat(document.documentElement.lang || 'en', { style: 'unit', unit, unitDisplay: 'short' }).format(value)).join(' ');
}

const percent = (part, whole) => (whole ? Math.round((part / whole) * 1000) / 10 : null);

/** @param {any} report */
function draw(report) {
  const now = report.current, before = report.previous;
  const cards = [
    card('created', t('conversationsCount'), formatNumber(now.conversations), now.conversations, before?.conversations, null),
    card('first_response', t('firstResponseMedian'), formatDuration(now.first_response.calendar.median),
      now.first_response.calendar.median, before?.first_response.calendar.median, true,
      `${t('businessHoursShort')}: ${formatDuration(now.first_response.business.median)} · p90 ${formatDuration(now.first_response.calendar.p90)}`),
    card(null, t('nextResponseMedian'), formatDuration(now.next_response.calendar.median),
      now.next_response.calendar.median, before?.next_response.calendar.median, true),
    card('resolved', t('resolutionMedian'), formatDuration(now.resolution.calendar.median),
      now.resolution.calendar.median, before?.resolution.calendar.median, true, `${t('resolvedCount')}: ${formatNumber(now.resolved)}`),
    card('fcr', t('fcrRate'), rate(percent(now.fcr, now.fcr_base)), percent(now.fcr, now.fcr_base),
      before && percent(before.fcr, before.fcr_base), false, report.fcr_final ? `${formatNumber(now.fcr)} / ${formatNumber(now.fcr_base)}` : t('fcrNotFinal')),
    card('reopened', t('reopenRate'), rate(percent(now.reopened, now.first_resolved)), percent(now.reopened, now.first_resolved),
      before && percent(before.reopened, before.first_resolved), true),
    card('csat', t('csat'), rate(now.csat.percent), now.csat.percent, before?.csat.percent, false,
      `${t('answers')}: ${formatNumber(now.csat.answers)}${now.csat.mean != null ? ` · ⌀ ${formatNumber(now.csat.mean)}` : ''}`),
    card(null, t('nps'), now.nps.score == null ? '—' : formatNumber(now.nps.score), now.nps.score, before?.nps.score, false,
      `${formatNumber(now.nps.promoters)} / ${formatNumber(now.nps.answers - now.nps.promoters - now.nps.detractors)} / ${formatNumber(now.nps.detractors)}`),
    card('bot_resolved', t('botResolvedCard'), formatNumber(now.bot.resolved), now.bot.resolved, before?.bot.resolved, false,
      `${t('botHandedOverCount')}: ${formatNumber(now.bot.handed_over)}`),
    card('automated', t('automatedCard'), rate(percent(now.automation.touched, now.conversations)), percent(now.automation.touched, now.conversations),
      before && percent(before.automation.touched, before.conversations), null,
      `${formatNumber(now.automation.touched)} · ${t('rulesResolvedCount')}: ${formatNumber(now.automation.rule_resolved)}`),
    card(null, t('slaCard'), rate(now.sla.total.percent), now.sla.total.percent, before?.sla?.total.percent, false,
      ['first_response', 'next_response', 'resolution'].filter((target) => now.sla[target].percent != null)
        .map((target) => `${t(`slaTarget.${target}`)}: ${rate(now.sla[target].percent)}`).join(' · ') || t('slaNoneDue')),
    ...revenueCards(report.revenue),
  ];
  const weekdays = t('weekdaysShort');
  const breakdown = (dimension, name) => (now.breakdowns[dimension] || []).slice(0, 12).map((item) => ({ key: item.key, label: name(item.key), value: item.count }));
  const channels = breakdown('channel', (key) => channelName(key));
  // Topics with their change against the previous period: what customers ask about more.
  const intentsBefore = new Map((before?.breakdowns.intent || []).map((item) => [item.key, item.count]));
  const intents = breakdown('intent', (key) => {
    const name = key ? label('intent', key) : t('noValue');
    const change = before ? delta(now.breakdowns.intent.find((item) => item.key === key)?.count, intentsBefore.get(key)) : null;
    return change?.kind === 'up' || change?.kind === 'down' ? `${name} ${change.kind === 'up' ? '▲' : '▼'} ${formatNumber(Math.abs(change.percent ?? 0))} %`
      : change?.kind === 'new' ? `${name} (${t('newFigure')})` : name;
  });
  const languages = breakdown('language', (key) => (key && key !== 'unknown' ? languageName(key) : t('noValue')));
  const handovers = breakdown('handover', (key) => key);
  const macros = breakdown('macro', (key) => report.macro_names?.[key] || `#${key}`);
  const slaCauses = breakdown('sla_cause', (key) => `${t(`slaTarget.${key.split('/')[0]}`)}: ${t(`slaCause.${key.split('/')[1]}`)}`);
  const bucketNames = ['< 5 min', '< 15 min', '< 1 h', '< 4 h', '< 24 h', '≥ 24 h'];
  // Revenue per agent and channel, each currency apart (amounts in different currencies are never added).
  const moneyOf = (lines, key) => lines.filter((line) => line.key === key).map((line) => formatMoney(line.amount)).join(' · ') || '—';
  const revenueAgents = report.revenue?.agents || [];
  const agents = now.agents.map((line) => [state.agents.get(line.agent_id)?.name || `#${line.agent_id}`, line.resolved, line.responses,
    formatDuration(line.first_response_mean), line.csat_answers ? `${formatNumber(percent(line.csat_satisfied, line.csat_answers) ?? 0)} %` : '—',
    moneyOf(revenueAgents, String(line.agent_id)), line.online_seconds ? formatDuration(line.online_seconds) : '—', line.agent_id]);
  const mainCurrency = report.revenue?.currencies[0]?.currency;
  const revenueChannels = (report.revenue?.channels || []).filter((line) => line.amount.currency === mainCurrency)
    .map((line) => ({ key: line.key, label: `${channelName(line.key)} · ${formatMoney(line.amount)}`, value: line.orders }));
  return [
    h('p', { class: 'hint', id: 'report-scope' }, `${report.from} – ${addDays(report.to, -1)} (${report.time_zone})`,
      before ? ` · ${t('comparedWith')} ${report.previous_from} – ${addDays(report.from, -1)}` : '',
      report.own_only ? ` · ${t('ownOnly')}` : '', report.fresh ? '' : ` · ${t('catchingUp')}`),
    h('div', { class: 'report-cards', id: 'report-cards' }, ...cards),
    h('div', { class: 'report-charts' },
      lineChart('chart-created', t('createdPerDay'), now.created_by_day.map((day) => ({ label: day.day.slice(5), value: day.count })),
        (index) => drill('created', { from: now.created_by_day[index].day, to: addDays(now.created_by_day[index].day, 1) })),
      barChart('chart-first-response', t('firstResponseSpread'), now.first_response.calendar.buckets.map((value, index) => ({ label: bucketNames[index], value })), null),
      barChart('chart-channels', t('byChannel'), channels, (index) => drill('created', { channel: channels[index].key })),
      barChart('chart-intents', t('byIntent'), intents, (index) => drill('created', { intent: intents[index].key })),
      barChart('chart-languages', t('byLanguage'), languages, null),
      handovers.length ? barChart('chart-handovers', t('handoverReasons'), handovers, null) : null,
      macros.length ? barChart('chart-macros', t('macrosUsed'), macros, null) : null,
      slaCauses.length ? barChart('chart-sla-causes', t('slaBreaches'), slaCauses, null, t('breachesCount')) : null,
      revenueChannels.length ? barChart('chart-revenue-channels', t('revenueByChannel'), revenueChannels, null, t('ordersCount')) : null,
      linesChart('chart-backlog', t('backlogTitle'), now.backlog.map((day) => day.day.slice(5)), [
        { name: t('open'), values: now.backlog.map((day) => day.open), className: 'open' },
        { name: t('pending'), values: now.backlog.map((day) => day.pending), className: 'pending' },
        { name: t('snoozed'), values: now.backlog.map((day) => day.snoozed), className: 'snoozed' }]),
      heatmap('chart-heatmap', t('arrivals'), now.heatmap, Array.isArray(weekdays) ? weekdays : ['1', '2', '3', '4', '5', '6', '7'])),
    agents.length ? h('section', { class: 'admin-panel', 'aria-labelledby': 'report-agents-title' },
      h('h3', { id: 'report-agents-title' }, t('agentsTitle')),
      h('table', { class: 'admin-table', id: 'report-agents' },
        h('thead', {}, h('tr', {}, ...[t('name'), t('resolvedCount'), t('responsesCount'), t('firstResponseMean'), t('csat'), t('revenueCard'), t('onlineTime')].map((text) => h('th', { scope: 'col' }, text)))),
        h('tbody', {}, ...agents.map((row) => h('tr', { 'data-agent': row[7] }, ...row.slice(0, 7).map((cell, index) => (index === 0
          ? h('th', { scope: 'row' }, statusButton(Number(row[7]), String(cell)))
          : h('td', {}, typeof cell === 'number' ? formatNumber(cell) : cell)))))))) : null,
    h('section', { class: 'admin-panel', id: 'report-drill', hidden: true, 'aria-labelledby': 'report-drill-title' }),
  ];
}

const rate = (value) => (value == null ? '—' : `${formatNumber(value)} %`);

/** The revenue support brought (its main currency against the period before) and the conversion of purchase questions. @param {any} revenue */
function revenueCards(revenue) {
  if (!revenue) return [];
  const [main, ...others] = revenue.currencies;
  const amount = main ? formatMoney(main.amount) || formatNumber(0) : '—';
  const detail = main ? [`${t('ordersCount')}: ${formatNumber(main.orders)}`, main.orders ? `⌀ ${formatMoney(main.average_order)}` : '',
    ...others.map((line) => formatMoney(line.amount))].filter(Boolean).join(' · ') : t('noRevenue');
  return [
    card(null, t('revenueCard'), amount, main?.amount.minor ?? null, main?.previous?.minor, false, detail),
    card(null, t('conversionCard'), rate(revenue.conversion_percent), revenue.conversion_percent, null, false,
      `${formatNumber(revenue.purchase_converted)} / ${formatNumber(revenue.purchase_conversations)}`),
  ];
}

/**
 * A headline figure with its change against the previous period; clicking it lists the
 * conversations behind it (where the API can name them).
 * @param {string | null} metric @param {string} title @param {string} shown @param {number | null} value
 * @param {number | null | undefined} before @param {boolean | null} lowerIsBetter null: neither way is better
 * @param {string} [detail]
 */
function card(metric, title, shown, value, before, lowerIsBetter, detail = '') {
  const change = delta(value, before, Boolean(lowerIsBetter));
  const arrow = { up: '▲', down: '▼', same: '=', new: '', none: '' }[change.kind];
  const tone = lowerIsBetter === null || change.better === null ? 'neutral' : change.better ? 'better' : 'worse';
  const changeText = change.kind === 'new' ? t('newFigure') : change.percent == null ? '' : `${arrow} ${formatNumber(Math.abs(change.percent))} %`;
  const content = [h('span', { class: 'card-title' }, title), h('strong', { class: 'card-value' }, shown),
    changeText ? h('span', { class: `card-delta ${tone}`, title: t('comparedWithPrevious') }, changeText) : null,
    detail ? h('span', { class: 'card-detail' }, detail) : null];
  if (!metric) return h('div', { class: 'report-card', 'data-card': title }, ...content);
  const button = h('button', { type: 'button', class: 'report-card', 'data-metric': metric }, ...content);
  button.addEventListener('click', () => drill(metric, {}));
  return button;
}

/** The agent's name, opening their status history for the period. @param {number} agentId @param {string} name */
function statusButton(agentId, name) {
  const button = h('button', { type: 'button', class: 'link-button', title: t('statusHistory') }, name);
  button.addEventListener('click', () => statusHistory(agentId, name));
  return button;
}

/** Lists an agent's stretches online and away in the period, in the panel under the charts. */
async function statusHistory(agentId, name) {
  const panel = document.getElementById('report-drill');
  if (!panel) return;
  clear(panel);
  panel.hidden = false;
  panel.append(h('h3', { id: 'report-drill-title' }, `${t('statusHistory')}: ${name}`));
  const drilled = ++drills;
  const when = new Intl.DateTimeFormat(document.documentElement.lang || 'en', { dateStyle: 'short', timeStyle: 'short',
    timeZone: state.workspace?.time_zone || undefined });
  try {
    const answer = await api('GET', `/reports/agents/${agentId}/status${query({ from: chosen.from, to: chosen.to })}`);
    if (drilled !== drills) return;
    panel.append(answer.items.length
      ? h('ul', { class: 'admin-list', id: 'report-status-list' }, ...answer.items.map((item) => h('li', {},
        h('span', { class: `badge status-${item.status === 'online' ? 'open' : 'snoozed'}` }, t(item.status === 'online' ? 'online' : 'away')), ' ',
        `${when.format(new Date(item.started_at))} – ${when.format(new Date(item.ended_at))} (${formatDuration(item.seconds)})`)))
      : h('p', { class: 'hint' }, t('noData')));
  } catch (failure) {
    if (drilled === drills) panel.append(h('p', { class: 'form-error', role: 'alert' }, failure.message));
  }
  panel.scrollIntoView({ block: 'nearest' });
}

let drills = 0;

/** Lists the conversations behind a figure under the charts, with their CSV (the latest asked for). */
async function drill(metric, narrower) {
  const panel = document.getElementById('report-drill');
  if (!panel) return;
  const asked = params({ metric, ...narrower });
  clear(panel);
  panel.hidden = false;
  panel.append(h('h3', { id: 'report-drill-title' }, `${t('behindFigure')}: ${t(`metric.${metric}`)}`),
    h('a', { href: `/api/v1/reports/conversations${query({ ...asked, format: 'csv', limit: 1000 })}`, download: '', id: 'report-drill-csv' }, t('downloadCSV')));
  const drilled = ++drills;
  try {
    const answer = await api('GET', `/reports/conversations${query(asked)}`);
    if (drilled !== drills) return;
    panel.append(answer.items.length
      ? h('ul', { class: 'admin-list', id: 'report-drill-list' }, ...answer.items.map((item) => h('li', {},
        h('a', { href: conversationHash('all', item.id) }, `#${item.number} ${item.subject || item.customer?.name || item.customer?.email || ''}`),
        ' ', h('span', { class: `badge status-${item.status}` }, t(item.status)))))
      : h('p', { class: 'hint' }, t('noData')));
  } catch (failure) {
    if (drilled === drills) panel.append(h('p', { class: 'form-error', role: 'alert' }, failure.message));
  }
  panel.scrollIntoView({ block: 'nearest' });
}
