// Settings for automation (#/admin, admins only): macros with their language variants and
// actions, rules in the order they run (edit, enable, reorder, export, import, try on recent
// conversations), and the workspace's business hours.

import { api } from './api.js';
import { assignmentSection } from './assignment.js';
import { clear, h } from './dom.js';
import { alertFailure, form, labelled, panel } from './forms.js';
import { t } from './i18n.js';
import { describeAction } from './macros.js';
import { actionsEditor, conditionsEditor, ruleEditor } from './rule-editor.js';
import { macroFiles } from './macro-files.js';

const MACRO_ACTIONS = ['add_tags', 'remove_tags', 'set_priority', 'set_status', 'snooze', 'assign_agent', 'assign_team', 'set_field', 'tag_order', 'note_order'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/// What the editors offer to pick from: agents, teams, inboxes, macros, webhooks, the schema.
async function loadContext() {
  const [schema, agents, teams, inboxes, macros, webhooks, tags] = await Promise.all([
    api('GET', '/rules/schema'), api('GET', '/agents'), api('GET', '/teams'), api('GET', '/inboxes'), api('GET', '/macros'),
    api('GET', '/webhooks').catch(() => ({ items: [] })), api('GET', '/tags'),
  ]);
  return { schema, agents: agents.items.filter((agent) => !agent.disabled), teams: teams.items, inboxes: inboxes.items,
    macros: macros.items, webhooks: webhooks.items, tags: tags.items };
}

export async function automationSections() {
  const context = await loadContext();
  return [await macrosSection(context), await rulesSection(context), await slaSection(context), await assignmentSection(context),
    await surveysSection(), await businessHoursSection()];
}

async function macrosSection(context) {
  const list = h('ul', { class: 'admin-list', id: 'macro-list' });
  const editorSlot = h('div');
  const refresh = async () => {
    context.macros = (await api('GET', '/macros')).items;
    clear(list);
    for (const macro of context.macros) {
      const edit = h('button', { type: 'button', 'aria-label': `${t('edit')} ${macro.name}` }, t('edit'));
      edit.addEventListener('click', () => openEditor(macro));
      const remove = h('button', { type: 'button', 'aria-label': `${t('delete')} ${macro.name}` }, t('delete'));
      remove.addEventListener('click', async () => {
        if (!window.confirm(`${t('delete')} ${macro.name}?`)) return;
        await api('DELETE', `/macros/${macro.id}`).catch((failure) => alertFailure(failure));
        await refresh();
      });
      list.append(h('li', {}, h('strong', {}, macro.name), ' ', h('span', { class: 'hint' }, `${macro.usage_count} ${t('uses')}`),
        macro.actions.length ? h('span', { class: 'hint' }, ` · ${macro.actions.map(describeAction).join(', ')}`) : null, ' ', edit, ' ', remove));
    }
  };
  const openEditor = (macro) => {
    clear(editorSlot);
    const name = h('input', { type: 'text', required: true, maxlength: 200, value: macro?.name ?? '' });
    const body = h('textarea', { rows: 5, cols: 60 });
    body.value = macro?.body ?? '';
    const variants = h('div', { class: 'rows' });
    const variantRows = [];
    const addVariant = (code, text) => {
      const language = h('input', { type: 'text', size: 5, 'aria-label': t('variantLanguage'), value: code ?? '', placeholder: 'pt' });
      const variant = h('textarea', { rows: 3, cols: 50, 'aria-label': `${t('macroBody')} (${code || '…'})` });
      variant.value = text ?? '';
      const row = h('div', { class: 'row' }, language, variant);
      variantRows.push({ language, variant });
      variants.append(row);
    };
    for (const [code, text] of Object.entries(macro?.variants ?? {})) addVariant(code, text);
    const more = h('button', { type: 'button' }, `+ ${t('addVariant')}`);
    more.addEventListener('click', () => addVariant('', ''));
    const actions = actionsEditor(context.schema, context, macro?.actions ?? [], MACRO_ACTIONS);
    const files = macroFiles(macro?.attachment_ids ?? []);
    const cancel = h('button', { type: 'button' }, t('cancel'));
    cancel.addEventListener('click', () => clear(editorSlot));
    editorSlot.append(form('macro-editor', [
      labelled('macro-name', t('name'), name),
      labelled('macro-body', t('macroBody'), body),
      h('p', { class: 'hint' }, t('variablesHelp')),
      h('fieldset', {}, h('legend', {}, t('variants')), variants, more),
      files.element,
      h('fieldset', {}, h('legend', {}, t('then')), actions.element),
      cancel,
    ], t('save'), async () => {
      const definition = {
        name: name.value, body: body.value, actions: actions.read(), attachment_ids: files.read(),
        variants: Object.fromEntries(variantRows.filter((row) => row.language.value.trim() && row.variant.value.trim())
          .map((row) => [row.language.value.trim(), row.variant.value])),
      };
      if (macro) await api('PUT', `/macros/${macro.id}`, definition); else await api('POST', '/macros', definition);
      clear(editorSlot);
      await refresh();
    }));
    name.focus();
  };
  await refresh();
  const add = h('button', { type: 'button', id: 'add-macro' }, `+ ${t('addMacro')}`);
  add.addEventListener('click', () => openEditor(null));
  return panel('admin-macros', t('macros'), list, add, editorSlot);
}

async function rulesSection(context) {
  const list = h('ol', { class: 'rule-list', id: 'rule-list' });
  const editorSlot = h('div');
  const results = h('div', { class: 'dry-run', id: 'dry-run', 'aria-live': 'polite' });
  let rules = [];
  const refresh = async () => {
    const answer = await api('GET', '/rules');
    rules = answer.items;
    const broken = new Map(answer.broken.map((item) => [item.id, item.reason]));
    clear(list);
    rules.forEach((rule, index) => {
      const { button, move } = rowControls(rules, index, '/rules/order', refresh);
      const toggle = async () => {
        await api('PUT', `/rules/${rule.id}`, { ...definitionOf(rule), enabled: !rule.enabled });
        await refresh();
      };
      list.append(h('li', {},
        h('strong', { class: rule.enabled ? '' : 'disabled' }, rule.name),
        h('span', { class: 'hint' }, `${rule.triggers.map((trigger) => t(`trigger.${trigger}`)).join(', ')} · ${rule.fired_count} ${t('fired')}`),
        broken.has(rule.id) ? h('span', { class: 'badge urgent' }, `${t('notRunning')}: ${broken.get(rule.id)}`) : null,
        button('↑', () => move(-1), index === 0), button('↓', () => move(1), index === rules.length - 1),
        button(rule.enabled ? t('enabled') + ' ✓' : t('enabled') + ' ✗', toggle),
        button(t('edit'), async () => openEditor(rule)),
        button(t('delete'), async () => {
          if (!window.confirm(`${t('delete')} ${rule.name}?`)) return;
          await api('DELETE', `/rules/${rule.id}`);
          await refresh();
        })));
    });
  };
  const openEditor = (rule) => {
    clear(editorSlot);
    editorSlot.append(ruleEditor(context.schema, context, rule, async (definition) => {
      if (rule) await api('PUT', `/rules/${rule.id}`, definition); else await api('POST', '/rules', definition);
      clear(editorSlot);
      await refresh();
    }, () => clear(editorSlot)));
    editorSlot.querySelector('input')?.focus();
  };
  await refresh();
  const add = h('button', { type: 'button', id: 'add-rule' }, `+ ${t('addRule')}`);
  add.addEventListener('click', () => openEditor(null));
  const dryRun = h('button', { type: 'button', id: 'dry-run-button' }, t('dryRun'));
  dryRun.addEventListener('click', async () => {
    clear(results);
    try {
      const answer = await api('POST', '/rules/dry-run', { limit: 200 });
      results.append(h('p', {}, `${answer.examined} ${t('examined')}`));
      if (answer.hits.length === 0) results.append(h('p', {}, t('dryRunNone')));
      const items = answer.hits.map((hit) => h('li', {},
        hit.rules.map((position) => `“${rules[position - 1]?.name ?? position}”`).join(', '), ` ${t('dryRunFires')} `,
        h('a', { href: `#/all/${hit.conversation_id}` }, `#${hit.number}`), ` ${hit.subject ?? ''} · ${t(`trigger.${hit.trigger}`)}`));
      if (items.length) results.append(h('ul', {}, ...items));
    } catch (failure) { results.append(h('p', { class: 'form-error', role: 'alert' }, failure.message)); }
  });
  const exportButton = h('button', { type: 'button', id: 'export-rules' }, t('exportRules'));
  exportButton.addEventListener('click', async () => {
    const data = await api('GET', '/rules/export');
    const link = h('a', { href: URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })),
      download: 'shopdesk-rules.json' });
    link.click();
    URL.revokeObjectURL(link.href);
  });
  const file = h('input', { type: 'file', accept: 'application/json,.json' });
  const importForm = form('import-rules', [labelled('rules-file', t('importFile'), file)], t('importRules'), async () => {
    if (!file.files[0]) return;
    const parsed = JSON.parse(await file.files[0].text());
    if (!window.confirm(t('importRules'))) return;
    await api('POST', '/rules/import', { rules: parsed.rules ?? parsed });
    await refresh();
  });
  return panel('admin-rules', t('rules'), list, h('div', { class: 'row' }, add, dryRun, exportButton), editorSlot, results, importForm);
}

async function slaSection(context) {
  const list = h('ol', { class: 'rule-list', id: 'sla-list' });
  const editorSlot = h('div');
  let policies = [];
  const minutes = (value) => (value === '' || value === null ? null : Number(value));
  const refresh = async () => {
    policies = (await api('GET', '/sla-policies')).items;
    clear(list);
    policies.forEach((policy, index) => {
      const { button, move } = rowControls(policies, index, '/sla-policies/order', refresh);
      const targets = [['target.first_response', policy.first_response_minutes], ['target.next_response', policy.next_response_minutes],
        ['target.resolution', policy.resolution_minutes]].filter(([, value]) => value).map(([key, value]) => `${t(key)}: ${value} min`);
      list.append(h('li', {}, h('strong', {}, policy.name), h('span', { class: 'hint' }, targets.join(' · ')),
        button('↑', () => move(-1), index === 0), button('↓', () => move(1), index === policies.length - 1),
        button(t('edit'), async () => openEditor(policy)),
        button(t('delete'), async () => {
          if (!window.confirm(`${t('delete')} ${policy.name}?`)) return;
          await api('DELETE', `/sla-policies/${policy.id}`);
          await refresh();
        })));
    });
  };
  const openEditor = (policy) => {
    clear(editorSlot);
    const name = h('input', { type: 'text', required: true, maxlength: 200, value: policy?.name ?? '' });
    const number = (value) => h('input', { type: 'number', min: 1, step: 1, value: value ?? '' });
    const first = number(policy?.first_response_minutes ?? 60);
    const next = number(policy?.next_response_minutes);
    const resolution = number(policy?.resolution_minutes);
    const warn = h('input', { type: 'number', min: 0, step: 1, value: policy?.warn_minutes ?? 30 });
    const business = h('input', { type: 'checkbox', checked: policy ? policy.business_hours : true });
    // The policy's own hours (a weekend desk, a VIP line); unticked, the workspace's apply.
    const ownHours = h('input', { type: 'checkbox', checked: Boolean(policy?.calendar) });
    const hours = calendarFields('sla-hours', policy?.calendar, false);
    const hoursBox = h('fieldset', { hidden: !ownHours.checked }, h('legend', {}, t('ownHours')), ...hours.elements);
    ownHours.addEventListener('change', () => { hoursBox.hidden = !ownHours.checked; });
    const pause = h('input', { type: 'checkbox', checked: policy ? policy.pause_while_pending : true });
    // A policy is chosen from the conversation, so fields about one message are not offered.
    // SLA targets look at the conversation as it stands, not at a message, a change or custom fields.
  const schema = { ...context.schema, fields: context.schema.fields.filter((field) => !['message.text', 'changed'].includes(field.name) && !field.label) };
    const conditions = conditionsEditor(schema, context, policy?.conditions);
    const cancel = h('button', { type: 'button' }, t('cancel'));
    cancel.addEventListener('click', () => clear(editorSlot));
    const editor = form('sla-editor', [
      labelled('sla-name', t('policyName'), name),
      h('fieldset', {}, h('legend', {}, t('appliesTo')), conditions.element),
      labelled('sla-first', t('firstResponse'), first), labelled('sla-next', t('nextResponse'), next),
      labelled('sla-resolution', t('resolution'), resolution), labelled('sla-warn', t('warnMinutes'), warn),
      h('label', {}, business, ' ', t('useBusinessHours')), h('label', {}, ownHours, ' ', t('ownHours')), hoursBox,
      h('label', {}, pause, ' ', t('pauseWhilePending')), cancel,
    ], t('save'), async () => {
      const body = { name: name.value, conditions: conditions.read(), first_response_minutes: minutes(first.value),
        next_response_minutes: minutes(next.value), resolution_minutes: minutes(resolution.value), warn_minutes: Number(warn.value || 0),
        business_hours: business.checked, pause_while_pending: pause.checked, calendar: ownHours.checked ? hours.read() : null };
      if (policy) await api('PUT', `/sla-policies/${policy.id}`, body); else await api('POST', '/sla-policies', body);
      clear(editorSlot);
      await refresh();
    });
    editor.classList.add('rule-editor');
    editorSlot.append(editor);
    name.focus();
  };
  await refresh();
  const add = h('button', { type: 'button', id: 'add-sla' }, `+ ${t('addPolicy')}`);
  add.addEventListener('click', () => openEditor(null));
  return panel('admin-sla', t('slaPolicies'), list, add, editorSlot);
}

/// Buttons for one row of an ordered list (rules, SLA policies): each named after the row for
/// screen readers, failures shown; `move(±1)` saves the new order.
function rowControls(items, index, orderPath, refresh) {
  const item = items[index];
  const button = (label, action, disabled) => {
    const element = h('button', { type: 'button', 'aria-label': `${label}: ${item.name}`, disabled }, label);
    element.addEventListener('click', () => action().catch((failure) => alertFailure(failure)));
    return element;
  };
  const move = async (step) => {
    const ids = items.map((other) => other.id);
    ids.splice(index, 1);
    ids.splice(index + step, 0, item.id);
    await api('POST', orderPath, { ids });
    await refresh();
  };
  return { button, move };
}

function definitionOf(rule) {
  return { name: rule.name, enabled: rule.enabled, triggers: rule.triggers, conditions: rule.conditions, actions: rule.actions, stop: rule.stop };
}

async function surveysSection() {
  const [{ settings }, summary] = await Promise.all([api('GET', '/surveys/settings'), api('GET', '/surveys?limit=1000')]);
  const kind = h('select', {}, ...['off', 'csat', 'nps'].map((value) => h('option', { value, selected: settings.kind === value }, t(`survey.${value}`))));
  const delay = h('input', { type: 'number', min: 0, max: 10080, value: settings.delay_minutes ?? 0 });
  const review = h('input', { type: 'url', size: 40, placeholder: 'https://…', value: settings.review_url ?? '' });
  const status = h('p', { role: 'status', class: 'hint' });
  const figures = [`${summary.answered} / ${summary.sent} ${t('surveyAnswered')}`];
  if (summary.csat_average != null) figures.push(`CSAT ${summary.csat_average.toFixed(2)}`);
  if (summary.nps != null) figures.push(`NPS ${Math.round(summary.nps)}`);
  return panel('admin-surveys', t('surveys'), h('p', { id: 'survey-figures' }, figures.join(' · ')),
    form('survey-settings', [labelled('survey-kind', t('surveyKind'), kind), labelled('survey-delay', t('surveyDelay'), delay),
      labelled('survey-review', t('reviewLink'), review), status], t('save'), async () => {
      status.textContent = '';
      await api('PUT', '/surveys/settings', { settings: { kind: kind.value, delay_minutes: Number(delay.value || 0),
        review_url: review.value.trim() || null } });
      status.textContent = t('saved');
    }));
}

/// Time zone, weekly hours and holidays of a calendar, for the workspace or one SLA policy;
/// `read()` gives the API's calendar (weekly null when open around the clock). Without a
/// calendar yet, the form starts open around the clock or, with `openWhenUnset` false, on weekdays.
function calendarFields(prefix, calendar, openWhenUnset = true) {
  const always = h('input', { type: 'checkbox', checked: calendar ? !calendar.weekly : openWhenUnset });
  const zone = h('input', { type: 'text', required: true, value: calendar?.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone });
  const days = Object.fromEntries(DAYS.map((day) => [day, h('input', { type: 'text', size: 22, placeholder: '09:00-17:00',
    value: calendar?.weekly?.[day] ?? (calendar?.weekly ? '' : ['sat', 'sun'].includes(day) ? '' : '09:00-17:00') })]));
  const holidays = h('input', { type: 'text', size: 40, value: (calendar?.holidays ?? []).join(', ') });
  const elements = [
    h('label', {}, always, ' ', t('aroundTheClock')),
    labelled(`${prefix}-zone`, t('timeZone'), zone),
    ...DAYS.map((day) => labelled(`${prefix}-${day}`, t(day), days[day])),
    h('p', { class: 'hint' }, t('hoursHelp')),
    labelled(`${prefix}-holidays`, t('holidays'), holidays),
  ];
  const read = () => ({
    time_zone: zone.value.trim(),
    weekly: always.checked ? null : Object.fromEntries(DAYS.map((day) => [day, days[day].value.trim()]).filter(([, value]) => value)),
    holidays: holidays.value.split(',').map((day) => day.trim()).filter(Boolean),
  });
  return { elements, read };
}

async function businessHoursSection() {
  const [{ calendar }, { locked_after_days: lockedAfter }] = await Promise.all([api('GET', '/business-hours'), api('GET', '/history-lock')]);
  const lock = h('input', { type: 'number', min: 1, max: 3650, step: 1, value: lockedAfter ?? '' });
  const hours = calendarFields('hours', calendar);
  const status = h('p', { role: 'status', class: 'hint' });
  return panel('admin-hours', t('businessHoursTitle'),
    form('business-hours', [...hours.elements, labelled('history-lock', t('lockAfter'), lock), status], t('save'), async () => {
      status.textContent = '';
      await api('PUT', '/business-hours', { calendar: hours.read() });
      await api('PUT', '/history-lock', { locked_after_days: lock.value ? Number(lock.value) : null });
      status.textContent = t('saved');
    }));
}
