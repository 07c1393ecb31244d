// The team scoreboard (`#/reports/scoreboard`): a week's goals, each agent's progress towards
// them and streak of weeks met, and customers' kudos; admins set the goals, the weekly digest
// and the TV link here. Reloads itself every minute while it is on screen.

import { api, query } from './api.js';
import { clear, h } from './dom.js';
import { formatNumber, t } from './i18n.js';
import { conversationHash } from './router.js';
import { addDays } from './report-math.js';
import { reportTabs } from './reports.js';
import { state } from './state.js';

const METRICS = ['resolved', 'csat', 'first_response_minutes', 'online_hours'];
/** The Monday of the week shown ('' for this week). */
let week = '';
let drawings = 0;
let timer = 0;

/** Draws the scoreboard into `section`. @param {HTMLElement} section */
export async function renderScoreboard(section) {
  clearTimeout(timer);
  const asked = ++drawings;
  const admin = ['admin', 'owner'].includes(state.me?.role);
  const [board, settings] = await Promise.all([api('GET', `/reports/scoreboard${query({ week })}`),
    admin ? api('GET', '/reports/settings') : Promise.resolve(null)]).catch((failure) => {
    clear(section);
    section.append(h('h2', { id: 'reports-title' }, t('scoreboardTab')), reportTabs('scoreboard'), h('p', { class: 'form-error', role: 'alert' }, failure.message));
    return [null, null];
  });
  if (!board || asked !== drawings || !section.isConnected) return;
  clear(section);
  const move = (days) => { week = addDays(board.week, days); renderScoreboard(section); };
  const previous = h('button', { type: 'button', id: 'scoreboard-previous' }, `← ${t('previousWeek')}`);
  const next = h('button', { type: 'button', id: 'scoreboard-next' }, `${t('nextWeek')} →`);
  previous.addEventListener('click', () => move(-7));
  next.addEventListener('click', () => move(7));
  section.append(h('h2', { id: 'reports-title' }, t('scoreboardTab')), reportTabs('scoreboard'),
    h('div', { class: 'admin-form report-filters' }, previous, h('strong', { id: 'scoreboard-week' }, `${board.week} – ${board.week_end}`), next),
    board.goals.length ? null : h('p', { class: 'hint' }, t(admin ? 'noGoalsAdmin' : 'noGoals')),
    h('div', { class: 'scoreboard', id: 'scoreboard' }, ...board.agents.map((agent) => agentCard(agent, board.goals))),
    kudos(board.kudos),
    settings ? settingsForm(section, settings, board.tv_link) : null);
  // Live while on screen: the figures move as the team works.
  timer = setTimeout(() => { if (section.isConnected && !section.hidden) renderScoreboard(section); }, 60_000);
}

/** @param {any} agent @param {any[]} goals */
function agentCard(agent, goals) {
  return h('section', { class: 'score-card', 'data-agent': agent.agent_id, 'aria-label': agent.name },
    h('h3', {}, agent.name, agent.streak ? h('span', { class: 'streak', title: t('streakTitle') }, ` 🔥 ${formatNumber(agent.streak)}`) : null),
    goals.length
      ? h('ul', { class: 'score-goals' }, ...agent.progress.map((line) => {
        const goal = goals.find((item) => item.metric === line.metric);
        return h('li', { class: line.met ? 'met' : '', 'data-metric': line.metric },
          h('span', {}, t(`goal.${line.metric}`)), ' ',
          h('strong', {}, line.value == null ? '—' : formatNumber(line.value)), ` / ${formatNumber(goal?.target ?? 0)}`, line.met ? ' ✓' : '',
          h('meter', { min: 0, max: 1, value: line.progress, 'aria-label': t(`goal.${line.metric}`) }));
      }))
      : h('p', {}, `${t('goal.resolved')}: ${formatNumber(agent.values.resolved ?? 0)}`));
}

/** @param {any[]} list */
function kudos(list) {
  if (!list.length) return null;
  return h('section', { class: 'admin-panel', id: 'scoreboard-kudos', 'aria-labelledby': 'kudos-title' },
    h('h3', { id: 'kudos-title' }, t('kudosTitle')),
    h('ul', { class: 'admin-list' }, ...list.map((item) => h('li', {},
      h('q', {}, item.comment), item.agent_name ? ` — ${item.agent_name} ` : ' ',
      h('a', { href: conversationHash('all', item.conversation_id) }, t('openConversation'))))));
}

/** Goals, the digest and the TV link (admins). @param {HTMLElement} section @param {any} settings @param {boolean} hasTV */
function settingsForm(section, settings, hasTV) {
  const rows = METRICS.map((metric) => {
    const goal = settings.goals.find((item) => item.metric === metric);
    const on = h('input', { type: 'checkbox', id: `goal-on-${metric}`, checked: Boolean(goal) });
    const target = h('input', { type: 'number', id: `goal-${metric}`, min: 1, step: 'any', value: goal ? String(goal.target) : '', 'aria-label': t(`goal.${metric}`) });
    return { metric, on, target, row: h('label', { class: 'goal-row' }, on, ' ', t(`goal.${metric}`), ' ', target) };
  });
  const digest = h('input', { type: 'checkbox', id: 'digest-on', checked: settings.digest });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', id: 'goals-save' }, t('save'));
  const form = h('form', { class: 'admin-form', id: 'goals-form' }, ...rows.map((row) => row.row),
    h('label', {}, digest, ' ', t('digestLabel')), save, error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const goals = rows.filter((row) => row.on.checked).map((row) => ({ metric: row.metric, target: Number(row.target.value) }));
    try {
      await api('PUT', '/reports/settings', { goals, digest: digest.checked });
      renderScoreboard(section);
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
    }
  });
  const link = h('p', { id: 'tv-link', class: 'hint' }, hasTV ? t('tvLinkExists') : t('tvLinkNone'));
  const create = h('button', { type: 'button', id: 'tv-create' }, t(hasTV ? 'tvLinkReplace' : 'tvLinkCreate'));
  const remove = h('button', { type: 'button', id: 'tv-remove', hidden: !hasTV }, t('tvLinkRemove'));
  const tvError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  /** Runs a TV link change, saying why it failed. @param {() => Promise<void>} change */
  const attempt = async (change) => {
    tvError.hidden = true;
    try { await change(); } catch (failure) {
      tvError.textContent = failure.message;
      tvError.hidden = false;
    }
  };
  create.addEventListener('click', () => attempt(async () => {
    const made = await api('POST', '/reports/scoreboard/tv');
    // In the admin's language, whatever the TV's browser is set to.
    const language = (state.me?.locale || 'en').slice(0, 2);
    const url = `${made.url.startsWith('http') ? made.url : `${location.origin}${made.path}`}?lang=${language}`;
    clear(link);
    link.append(`${t('tvLinkMade')} `, h('a', { href: url, target: '_blank', rel: 'noreferrer', id: 'tv-url' }, url));
    remove.hidden = false;
  }));
  remove.addEventListener('click', () => attempt(async () => {
    await api('DELETE', '/reports/scoreboard/tv');
    link.textContent = t('tvLinkNone');
    remove.hidden = true;
  }));
  return h('section', { class: 'admin-panel', id: 'scoreboard-settings', 'aria-labelledby': 'goals-title' },
    h('h3', { id: 'goals-title' }, t('goalsTitle')), h('p', { class: 'hint' }, t('goalsHint')), form,
    h('h3', {}, t('tvTitle')), link, h('p', {}, create, ' ', remove), tvError);
}
