// The rule editor: a form a non-programmer can fill in. "When" (events), "Only if" (conditions
// in nested all/any groups, each a field, a comparison and a value chosen from lists where the
// values are known) and "Then" (actions with their settings). It reads back into the same JSON
// the API, import and export use.

import { h, clear } from './dom.js';
import { multiPick } from './forms.js';
import { t, label, languageName } from './i18n.js';
import { PRIORITIES } from './state.js';
import { channelName } from './channel-names.js';

const LIST_OPERATORS = ['in', 'not_in', 'contains_any', 'includes', 'excludes', 'includes_all'];
const NO_VALUE = ['is_set', 'is_not_set'];
let ids = 0;
const nextID = (prefix) => `${prefix}-${++ids}`;

/// Known values for fields an admin picks from rather than types: the server's lists (channels,
/// languages, intents, moods), the app's own, and the workspace's inboxes, agents, teams and tags.
function choices(field, context) {
  const listed = context.schema.fields.find((item) => item.name === field)?.values;
  // A custom dropdown's options are the admin's own words.
  if (isCustom(field)) return listed?.map((option) => [option, option]) ?? null;
  switch (field) {
    case 'channel': return listed?.map((kind) => [kind, kind === 'api' ? 'API' : channelName(kind)]) ?? null;
    case 'language': return listed?.map((code) => [code, `${languageName(code)} (${code})`]) ?? null;
    case 'intent': return listed?.map((name) => [name, label('intent', name)]) ?? null;
    case 'sentiment': return (listed ?? ['negative', 'neutral', 'positive']).map((value) => [value, label('sentiment', value)]);
    case 'priority': return PRIORITIES.map((value) => [value, t(value)]);
    case 'status': return ['open', 'pending', 'snoozed', 'resolved', 'spam'].map((value) => [value, t(value)]);
    case 'tags': return context.tags.map((tag) => [tag.name, `#${tag.name}`]);
    case 'changed': return [['status', t('status')], ['assignee', t('assignee')], ['team', t('team')], ['priority', t('priority')],
      ['tags', t('tags')], ['fields', t('customFields')]];
    case 'last_message_from': return [['customer', t('fromCustomer')], ['agent', t('fromAgent')]];
    case 'order.last.financial_status':
      return ['paid', 'pending', 'authorized', 'partially_paid', 'partially_refunded', 'refunded', 'voided'].map((value) => [value, t(`financial.${value}`)]);
    case 'order.last.fulfillment_status':
      return ['unfulfilled', 'partial', 'fulfilled', 'restocked', 'on_hold'].map((value) => [value, t(`fulfillment.${value}`)]);
    case 'return.state': return ['requested', 'approved', 'in_transit', 'received', 'refunded', 'exchanged', 'declined', 'cancelled'].map((value) => [value, t(`returnState.${value}`)]);
    case 'return.origin': return [['customer', t('returnByCustomer')], ['agent', t('returnByAgent')]];
    case 'return.reasons':
      return ['size_too_small', 'size_too_large', 'unwanted', 'not_as_described', 'wrong_item', 'defective', 'style', 'color', 'other']
        .map((value) => [value, t(`returnReason.${value}`)]);
    case 'inbox_id': return context.inboxes.map((inbox) => [inbox.id, inbox.name]);
    case 'assignee_id': return context.agents.map((agent) => [agent.id, agent.name]);
    case 'team_id': return context.teams.map((team) => [team.id, team.name]);
    default: return null;
  }
}

/** @param {string} name */
const isCustom = (name) => name.startsWith('custom.') || name.startsWith('customer.custom.');

/**
 * A field's name in the editor: the app's words, or a custom field's own label (a customer's
 * field says so).
 * @param {{ name: string, label?: string, entity?: string }} field
 */
export function fieldLabel(field) {
  if (!field.label) return t(`field.${field.name}`);
  return field.entity === 'customer' ? `${t('customerField')}: ${field.label}` : field.label;
}

function select(name, options, selected, keepUnknown = true) {
  // A stored value the list no longer has (a deleted inbox, an imported rule) stays, named as it is.
  const known = !keepUnknown || selected === undefined || selected === null || options.some(([value]) => String(value) === String(selected));
  const all = known ? options : [...options, [selected, String(selected)]];
  return h('select', { 'aria-label': name },
    ...all.map(([value, text]) => h('option', { value, selected: String(value) === String(selected) }, text)));
}

/// One "field · comparison · value" row.
function conditionRow(schema, context, node, onRemove) {
  const row = h('div', { class: 'row condition' });
  // Only the fields this editor offers (an SLA policy has no message to look at): the browser picks the first otherwise.
  const field = select(t('field'), schema.fields.map((item) => [item.name, fieldLabel(item)]), node?.field ?? 'message.text', false);
  let op = null;
  let value = null;
  /** @type {null | (() => string[])} */
  let readPicked = null;
  const draw = (keepValue) => {
    const meta = schema.fields.find((item) => item.name === field.value);
    const previousOp = op?.value ?? node?.op;
    op = select(t('operator'), meta.operators.map((name) => [name, t(`op.${name}`)]),
      meta.operators.includes(previousOp) ? previousOp : meta.operators[0]);
    op.addEventListener('change', () => drawValue(false));
    const drawValue = (keep) => {
      const initial = keep ? node?.value : undefined;
      const known = choices(field.value, context);
      readPicked = null;
      if (NO_VALUE.includes(op.value)) value = null;
      else if (meta.kind === 'flag') value = select(t('value'), [['true', t('yes')], ['false', t('no')]], String(initial ?? true));
      else if (known && !LIST_OPERATORS.includes(op.value)) value = select(t('value'), known, initial);
      else if (known) {
        // Tags may be named before any conversation has them (another rule adds them in the same write).
        const picked = multiPick(t('value'), known, Array.isArray(initial) ? initial : initial === undefined ? [] : [initial],
          field.value === 'tags' ? t('otherTags') : null);
        value = picked.element;
        readPicked = picked.read;
      } else {
        const text = Array.isArray(initial) ? initial.join(', ') : initial ?? '';
        value = h('input', { type: meta.kind === 'number' ? 'number' : meta.kind === 'date' ? 'date' : 'text', 'aria-label': t('value'), value: text, step: 'any',
          title: LIST_OPERATORS.includes(op.value) ? t('listHint') : '' });
      }
      clear(row);
      const remove = h('button', { type: 'button', class: 'tag-remove', 'aria-label': t('removeRow') }, '×');
      remove.addEventListener('click', onRemove);
      row.append(field, op, value ?? '', remove);
    };
    drawValue(keepValue);
  };
  field.addEventListener('change', () => draw(false));
  draw(true);
  const read = () => {
    const meta = schema.fields.find((item) => item.name === field.value);
    const condition = { field: field.value, op: op.value };
    if (!value) return condition;
    if (readPicked) condition.value = meta.kind === 'number' ? readPicked().map(Number) : readPicked();
    else if (meta.kind === 'flag') condition.value = value.value === 'true';
    else if (LIST_OPERATORS.includes(op.value)) condition.value = value.value.split(',').map((item) => item.trim()).filter(Boolean);
    else if (meta.kind === 'number') condition.value = Number(value.value);
    else condition.value = value.value;
    return condition;
  };
  return { element: row, read };
}

/// A group of conditions that must all (or any) hold; groups nest two levels deep.
function groupEditor(schema, context, node, depth, onRemove) {
  const mode = node?.any ? 'any' : 'all';
  const children = node ? (node.any || node.all || []) : [];
  const match = select(t('conditions'), [['all', t('matchAll')], ['any', t('matchAny')]], mode);
  const rows = h('div', { class: 'rows' });
  const parts = [];
  const add = (child) => {
    let part = null;
    const remove = () => { part.element.remove(); parts.splice(parts.indexOf(part), 1); };
    part = child && (child.all || child.any) ? groupEditor(schema, context, child, depth + 1, remove) : conditionRow(schema, context, child, remove);
    parts.push(part);
    rows.append(part.element);
  };
  children.forEach(add);
  const addCondition = h('button', { type: 'button', class: 'add-condition' }, `+ ${t('addCondition')}`);
  addCondition.addEventListener('click', () => add(null));
  const addGroup = depth < 2 ? h('button', { type: 'button', class: 'add-group' }, `+ ${t('addGroup')}`) : null;
  addGroup?.addEventListener('click', () => add({ all: [] }));
  const remove = onRemove ? h('button', { type: 'button', class: 'tag-remove', 'aria-label': t('removeRow') }, '×') : null;
  remove?.addEventListener('click', onRemove);
  const element = h('div', { class: depth === 0 ? 'conditions' : 'group' }, h('div', { class: 'row' }, match, remove), rows,
    h('div', { class: 'row' }, addCondition, addGroup));
  return { element, read: () => ({ [match.value]: parts.map((part) => part.read()) }) };
}

/// One action with the settings its type needs.
function actionRow(schema, context, action, onRemove, allowed) {
  const row = h('div', { class: 'row action' });
  // Setting a custom field is offered once the workspace has conversation fields.
  const offered = (allowed || schema.actions).filter((name) => name !== 'set_field' || schema.fields.some((item) => item.name.startsWith('custom.')));
  const type = select(t('action'), offered.map((name) => [name, t(`action.${name}`)]), action?.type ?? 'add_tags');
  let read = () => ({ type: type.value });
  const draw = (initial) => {
    const inputs = [];
    const text = (label, value, kind = 'text') => {
      const input = h('input', { type: kind, 'aria-label': label, value: value ?? '', step: 'any', min: kind === 'number' ? '0.05' : null });
      inputs.push(input);
      return input;
    };
    const pick = (label, options, value) => { const element = select(label, options, value); inputs.push(element); return element; };
    switch (type.value) {
      case 'add_tags': case 'remove_tags': {
        // Existing tags to tick; adding can also name new ones.
        const tags = multiPick(t('tags'), context.tags.map((tag) => [tag.name, `#${tag.name}`]), initial?.tags,
          type.value === 'add_tags' ? t('newTags') : null);
        inputs.push(tags.element);
        read = () => ({ type: type.value, tags: tags.read() });
        break;
      }
      case 'set_priority': {
        const priority = pick(t('priority'), PRIORITIES.map((value) => [value, t(value)]), initial?.priority ?? 'high');
        read = () => ({ type: 'set_priority', priority: priority.value });
        break;
      }
      case 'set_status': {
        const status = pick(t('status'), ['open', 'pending', 'resolved'].map((value) => [value, t(value)]), initial?.status ?? 'pending');
        read = () => ({ type: 'set_status', status: status.value });
        break;
      }
      case 'snooze': {
        const hours = text(t('action.snooze'), initial?.hours ?? 24, 'number');
        read = () => ({ type: 'snooze', hours: Number(hours.value) });
        break;
      }
      case 'assign_agent': {
        const agent = pick(t('assignee'), [['', t('nobody')], ...context.agents.map((item) => [item.id, item.name])], initial?.agent_id ?? '');
        read = () => ({ type: 'assign_agent', agent_id: agent.value ? Number(agent.value) : null });
        break;
      }
      case 'assign_team': {
        const team = pick(t('team'), [['', t('noTeam')], ...context.teams.map((item) => [item.id, item.name])], initial?.team_id ?? '');
        read = () => ({ type: 'assign_team', team_id: team.value ? Number(team.value) : null });
        break;
      }
      case 'reply_with_macro': {
        const macro = pick(t('macros'), context.macros.map((item) => [item.id, item.name]), initial?.macro_id);
        read = () => ({ type: 'reply_with_macro', macro_id: Number(macro.value) });
        break;
      }
      case 'add_note': case 'note_order': {
        const note = h('textarea', { 'aria-label': t('note'), rows: 2, cols: 40 });
        note.value = initial?.text ?? '';
        inputs.push(note);
        const kind = type.value;
        read = () => ({ type: kind, text: note.value });
        break;
      }
      case 'tag_order': {
        // The shop's own order tags, typed: they are not Shopdesk's conversation tags.
        const tags = text(t('orderTags'), (initial?.tags ?? []).join(', '));
        read = () => ({ type: 'tag_order', tags: tags.value.split(',').map((tag) => tag.trim()).filter(Boolean) });
        break;
      }
      case 'cancel_order': {
        // Only an order placed this recently and not shipped; above the shop's limit it waits for an admin.
        const minutes = text(t('cancelWithinMinutes'), initial?.within_minutes ?? 60, 'number');
        read = () => ({ type: 'cancel_order', within_minutes: Math.round(Number(minutes.value)) });
        break;
      }
      case 'webhook': {
        const hook = pick(t('webhooks'), context.webhooks.map((item) => [item.id, item.url]), initial?.webhook_id);
        read = () => ({ type: 'webhook', webhook_id: Number(hook.value) });
        break;
      }
      case 'set_field': {
        // The conversation's custom fields; the value as the field takes it (empty clears it).
        const fields = schema.fields.filter((item) => item.name.startsWith('custom.'));
        const key = pick(t('customField'), fields.map((item) => [item.name.slice('custom.'.length), item.label ?? item.name]),
          initial?.key ?? fields[0]?.name.slice('custom.'.length));
        const slot = h('span', { class: 'field-value' });
        inputs.push(slot);
        let input = null;
        const drawValue = (value) => {
          const meta = fields.find((item) => item.name === `custom.${key.value}`);
          if (meta?.values) {
            input = select(t('value'), [['', t('clearValue')], ...meta.values.map((option) => [option, option])], value ?? '');
          } else if (meta?.kind === 'flag') {
            input = select(t('value'), [['', t('clearValue')], ['true', t('yes')], ['false', t('no')]], value ?? 'true');
          } else {
            input = h('input', { type: meta?.kind === 'number' ? 'number' : meta?.kind === 'date' ? 'date' : 'text', step: 'any',
              'aria-label': t('value'), value: value ?? '' });
          }
          clear(slot);
          slot.append(input);
        };
        key.addEventListener('change', () => drawValue(null));
        drawValue(initial?.value ?? null);
        read = () => ({ type: 'set_field', key: key.value, value: input.value === '' ? null : input.value });
        break;
      }
      case 'notify': {
        const audience = pick(t('action.notify'), schema.audiences.map((name) => [name, t(`audience.${name}`)]), initial?.audience ?? 'assignee');
        const message = text(t('notice'), initial?.message ?? '');
        const outside = h('input', { type: 'checkbox', checked: Boolean(initial?.outside_business_hours) });
        inputs.push(h('label', {}, outside, ' ', t('outsideHours')));
        read = () => ({ type: 'notify', audience: audience.value, message: message.value, outside_business_hours: outside.checked });
        break;
      }
      default: read = () => ({ type: type.value });
    }
    clear(row);
    const remove = h('button', { type: 'button', class: 'tag-remove', 'aria-label': t('removeRow') }, '×');
    remove.addEventListener('click', onRemove);
    row.append(type, ...inputs, remove);
  };
  type.addEventListener('change', () => draw(null));
  draw(action);
  return { element: row, read: () => read() };
}

/// Nested all/any conditions; used by rules and by SLA policies.
export function conditionsEditor(schema, context, node) {
  return groupEditor(schema, context, node ?? { all: [] }, 0, null);
}

/// A list of action rows with an "Add action" button; used by rules and by macros.
export function actionsEditor(schema, context, actions, allowed) {
  const rows = h('div', { class: 'rows' });
  const parts = [];
  const add = (action) => {
    let part = null;
    part = actionRow(schema, context, action, () => { part.element.remove(); parts.splice(parts.indexOf(part), 1); }, allowed);
    parts.push(part);
    rows.append(part.element);
  };
  (actions || []).forEach(add);
  const addButton = h('button', { type: 'button', class: 'add-action' }, `+ ${t('addAction')}`);
  addButton.addEventListener('click', () => add(null));
  return { element: h('div', {}, rows, addButton), read: () => parts.map((part) => part.read()) };
}

/// The whole rule form. `onSave(definition)` may throw; its message is shown under the form.
export function ruleEditor(schema, context, rule, onSave, onCancel) {
  const nameID = nextID('rule-name');
  const name = h('input', { id: nameID, type: 'text', required: true, maxlength: 200, value: rule?.name ?? '' });
  const enabled = h('input', { type: 'checkbox', checked: rule ? rule.enabled : true });
  const stop = h('input', { type: 'checkbox', checked: Boolean(rule?.stop) });
  const triggers = schema.triggers.map((trigger) => {
    const box = h('input', { type: 'checkbox', value: trigger, checked: (rule?.triggers || ['message.inbound']).includes(trigger) });
    return { box, element: h('label', {}, box, ' ', t(`trigger.${trigger}`)) };
  });
  const conditions = groupEditor(schema, context, rule?.conditions ?? { all: [] }, 0, null);
  const actions = actionsEditor(schema, context, rule?.actions ?? [{ type: 'add_tags', tags: [] }]);
  const error = h('p', { class: 'form-error', role: 'alert' });
  const cancel = h('button', { type: 'button' }, t('cancel'));
  cancel.addEventListener('click', onCancel);
  const form = h('form', { class: 'rule-editor admin-form', id: 'rule-editor' },
    h('label', { for: nameID }, h('span', { class: 'label' }, t('ruleName')), name),
    h('label', {}, enabled, ' ', t('enabled')),
    h('fieldset', {}, h('legend', {}, t('when')), ...triggers.map((item) => item.element)),
    h('fieldset', {}, h('legend', {}, t('conditions')), conditions.element),
    h('fieldset', {}, h('legend', {}, t('then')), actions.element),
    h('label', {}, stop, ' ', t('stopFlag')),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, t('save')), cancel), error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    try {
      await onSave({
        name: name.value, enabled: enabled.checked, stop: stop.checked,
        triggers: triggers.filter((item) => item.box.checked).map((item) => item.box.value),
        conditions: conditions.read(), actions: actions.read(),
      });
    } catch (failure) {
      error.textContent = failure.message;
    }
  });
  return form;
}
