// Settings (#/admin/<area>): one page per area — the agent's own account (signature, API tokens),
// the team, inboxes and channels, tags and automation, commerce, the help center, the models,
// and integrations (outgoing webhooks). Secrets the server shows once (inbox
// tokens, API tokens, webhook signing secrets) are shown once here too, with a copy button.

import { api } from './api.js';
import { t, formatTime } from './i18n.js';
import { h, clear } from './dom.js';
import { automationSections } from './automation.js';
import { commerceSections } from './stores.js';
import { campaignsSection } from './campaigns-admin.js';
import { helpSection } from './help-admin.js';
import { modelsSection } from './models-admin.js';
import { imapForm, oauthSection, smtpForm, takeOAuthResult } from './mail-settings.js';
import { channelFields, channelForm, messagingChannels } from './channel-settings.js';
import { alertFailure, errorLine, form, labelled, panel, secret } from './forms.js';
import { UNDO_CHOICES, setUndoSeconds, undoSeconds } from './undo-send.js';
import { THEMES, setTheme, theme } from './theme.js';
import { notificationSettings } from './notifications.js';
import { pushSection } from './push.js';
import { customFieldsSection } from './custom-fields.js';
import { twoFactorSection, workspaceSecuritySection } from './two-factor.js';
import { retentionSection } from './retention.js';
import { ssoSection } from './sso-admin.js';
import { auditLogSection } from './audit-log.js';
import { tokensSection } from './tokens.js';

const ROLES = ['viewer', 'agent', 'admin', 'owner'];

/** The settings' areas, each a page of its own (`#/admin/<area>`): who may open it and what it shows. */
const AREAS = [
  { id: 'account', label: 'settingsAccount', admins: false,
    load: () => [signatureSection(), notificationSettings(), pushSection(), sendingSection(), twoFactorSection(), tokensSection()] },
  { id: 'team', label: 'settingsTeam', admins: true,
    load: ({ me, redraw, onChanged }) => [agentsSection(me, redraw), teamsSection(onChanged), workspaceSecuritySection(), ssoSection(), retentionSection(), auditLogSection()] },
  { id: 'channels', label: 'settingsChannels', admins: true, load: ({ onChanged }) => [inboxesSection(onChanged)] },
  { id: 'automation', label: 'settingsAutomation', admins: true,
    load: async ({ onChanged }) => [await tagsSection(onChanged), await customFieldsSection(), ...await automationSections()] },
  { id: 'commerce', label: 'settingsCommerce', admins: true, load: () => commerceSections() },
  { id: 'campaigns', label: 'settingsCampaigns', admins: true, load: () => [campaignsSection()] },
  { id: 'help', label: 'helpCenter', admins: true, load: () => [helpSection()] },
  { id: 'intelligence', label: 'models', admins: true, load: () => [modelsSection()] },
  { id: 'integrations', label: 'settingsIntegrations', admins: true, load: () => [webhooksSection()] },
];

/** The areas an agent may open; admins start on the team, everyone else on their own account. */
export function settingsAreas(role) {
  const isAdmin = role === 'admin' || role === 'owner';
  const areas = AREAS.filter((area) => isAdmin || !area.admins);
  return isAdmin ? [...areas.slice(1), areas[0]] : areas;
}

let renders = 0;

/** Draws one area of the settings (`area` from the location hash; the first the agent may open
 * when it names none or one they may not open), with the areas' navigation beside it. */
export async function renderAdmin(container, me, onChanged, area) {
  const current = ++renders;
  const areas = settingsAreas(me.role);
  const shown = areas.find((candidate) => candidate.id === area) ?? areas[0];
  // A new agent appears in the team member lists too: the page is drawn again.
  const redraw = () => renderAdmin(container, me, onChanged, shown.id);
  const sections = await Promise.all(await shown.load({ me, redraw, onChanged }));
  if (current !== renders) return;
  // Keyboard users who chose an area from the navigation stay on it once it is drawn again.
  const fromNavigation = document.activeElement?.closest('.settings-nav') != null;
  clear(container);
  const navigation = h('nav', { class: 'settings-nav', 'aria-label': t('settings') },
    ...areas.map((candidate) => h('a', { href: `#/admin/${candidate.id}`, id: `settings-${candidate.id}`,
      'aria-current': candidate === shown ? 'page' : null }, t(candidate.label))));
  container.append(h('h2', { id: 'admin-title' }, `${t('settings')} · ${t(shown.label)}`), navigation,
    h('div', { class: 'settings-area', id: `settings-area-${shown.id}` }, ...sections));
  if (fromNavigation) document.getElementById(`settings-${shown.id}`)?.focus();
}

async function agentsSection(me, redraw) {
  const list = h('table', { class: 'admin-table' });
  const refresh = async () => {
    const [agents, security] = await Promise.all([api('GET', '/agents').then((page) => page.items),
      api('GET', '/workspace/security').catch(() => ({ enrolled_agent_ids: [] }))]);
    const enrolled = new Set(security.enrolled_agent_ids);
    clear(list);
    list.append(h('tr', {}, h('th', {}, t('name')), h('th', {}, t('email')), h('th', {}, t('role')), h('th', {}, t('status')), h('th', {}, t('twoFactor'))));
    for (const agent of agents) {
      const role = h('select', { 'aria-label': `${t('role')} ${agent.name}`, disabled: agent.id === me.id },
        ...ROLES.map((value) => h('option', { value, selected: agent.role === value }, t(value))));
      role.addEventListener('change', () => api('PATCH', `/agents/${agent.id}`, { role: role.value }).then(refresh, (failure) => alertFailure(failure, refresh)));
      const active = h('input', { type: 'checkbox', checked: !agent.disabled, disabled: agent.id === me.id, 'aria-label': `${t('active')} ${agent.name}` });
      active.addEventListener('change', () => api('PATCH', `/agents/${agent.id}`, { disabled: !active.checked }).then(refresh, (failure) => alertFailure(failure, refresh)));
      list.append(h('tr', { 'data-agent': agent.id }, h('td', {}, agent.name), h('td', {}, agent.email), h('td', {}, role),
        h('td', {}, h('label', {}, active, ` ${t('active')}`)), h('td', { class: 'two-factor-state' }, enrolled.has(agent.id) ? '✓' : '—')));
    }
  };
  await refresh();
  const name = h('input', { type: 'text', required: true });
  const email = h('input', { type: 'email', required: true });
  const password = h('input', { type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  const role = h('select', {}, ...ROLES.slice(0, 3).map((value) => h('option', { value, selected: value === 'agent' }, t(value))));
  // Invitations: a single-use link the new agent opens to choose a password.
  const invites = h('ul', { class: 'admin-list', id: 'invites' });
  const shownInvite = h('div');
  const refreshInvites = async () => {
    clear(invites);
    for (const invite of (await api('GET', '/agents/invites')).items) {
      const withdraw = h('button', { type: 'button', 'aria-label': `${t('withdraw')} ${invite.email}` }, t('withdraw'));
      withdraw.addEventListener('click', async () => {
        await api('DELETE', `/agents/invites/${invite.id}`).catch((failure) => alertFailure(failure));
        await refreshInvites();
      });
      invites.append(h('li', {}, `${invite.name} <${invite.email}> · ${t(invite.role)} · ${t('invited')} `, withdraw));
    }
  };
  await refreshInvites();
  const inviteName = h('input', { type: 'text', required: true });
  const inviteEmail = h('input', { type: 'email', required: true });
  const inviteRole = h('select', {}, ...ROLES.slice(0, 3).map((value) => h('option', { value, selected: value === 'agent' }, t(value))));
  const inviteForm = form('invite-agent', [labelled('invite-name', t('name'), inviteName), labelled('invite-email', t('email'), inviteEmail),
    labelled('invite-role', t('role'), inviteRole)], t('invite'), async (element) => {
    const created = await api('POST', '/agents/invites', { name: inviteName.value, email: inviteEmail.value, role: inviteRole.value });
    clear(shownInvite);
    shownInvite.append(secret(`${t('inviteLink')} (${created.invite.email})`, `${location.origin}${created.path}`));
    element.reset();
    await refreshInvites();
  });
  return panel('admin-agents', t('agents'), list, h('h4', {}, t('invitations')), invites, inviteForm, shownInvite,
    h('h4', {}, t('addAgentDirectly')),
    form('add-agent', [labelled('agent-name', t('name'), name), labelled('agent-email', t('email'), email),
      labelled('agent-password', t('password'), password), labelled('agent-role', t('role'), role)], t('addAgent'), async (element) => {
      await api('POST', '/agents', { name: name.value, email: email.value, password: password.value, role: role.value });
      element.reset();
      await redraw();
    }));
}

/// Teams with their members; members are edited with one checkbox per agent.
async function teamsSection(onChanged) {
  const list = h('ul', { class: 'admin-list' });
  const memberBoxes = h('fieldset', { class: 'members' }, h('legend', {}, t('members')));
  const refresh = async () => {
    const [teams, agents] = await Promise.all([api('GET', '/teams'), api('GET', '/agents')]);
    const names = new Map(agents.items.map((agent) => [agent.id, agent.name]));
    clear(list);
    for (const team of teams.items) {
      list.append(h('li', {}, h('strong', {}, team.name), ` · ${team.member_ids.map((id) => names.get(id) || `#${id}`).join(', ') || '—'}`));
    }
    clear(memberBoxes);
    memberBoxes.append(h('legend', {}, t('members')), ...agents.items.filter((agent) => !agent.disabled).map((agent) =>
      h('label', { class: 'member' }, h('input', { type: 'checkbox', value: agent.id, name: 'member' }), ` ${agent.name}`)));
  };
  await refresh();
  const name = h('input', { type: 'text', required: true, maxlength: 100 });
  return panel('admin-teams', t('teams'), list,
    form('add-team', [labelled('team-name', t('name'), name), memberBoxes], t('addTeam'), async (element) => {
      const members = [...memberBoxes.querySelectorAll('input:checked')].map((box) => Number(/** @type {HTMLInputElement} */ (box).value));
      await api('POST', '/teams', { name: name.value, member_ids: members });
      element.reset();
      await refresh();
      onChanged();
    }));
}

async function inboxesSection(onChanged) {
  const list = h('ul', { class: 'admin-list' });
  const shown = h('div');
  const channels = await messagingChannels();
  const channelOf = (kind) => channels.find((channel) => channel.kind === kind);
  const refresh = async () => {
    const inboxes = (await api('GET', '/inboxes')).items;
    clear(list);
    for (const inbox of inboxes) {
      const kindName = { chat: t('kindChat'), email: t('kindEmail'), api: t('kindApi') }[inbox.kind] || channelOf(inbox.kind)?.name || inbox.kind;
      const item = h('li', { class: 'inbox-item' }, h('strong', {}, inbox.name), ` · ${kindName}`);
      if (inbox.kind === 'chat') item.append(snippetLine(inbox), chatSettingsForm(inbox, inboxes.filter((other) => other.kind === 'email')));
      else if (inbox.kind === 'email') item.append(emailLine(inbox), await oauthSection(inbox), smtpForm(inbox), imapForm(inbox), await quarantinePanel(inbox));
      else if (channelOf(inbox.kind)) item.append(channelForm(inbox, channelOf(inbox.kind)));
      else item.append(' · ', h('code', {}, `POST /api/v1/inboxes/${inbox.id}/messages`));
      list.append(item);
    }
  };
  await refresh();
  const name = h('input', { type: 'text', required: true, maxlength: 100 });
  const kind = h('select', {}, h('option', { value: 'chat' }, t('kindChat')), h('option', { value: 'email' }, t('kindEmail')),
    ...channels.map((channel) => h('option', { value: channel.kind }, channel.name)), h('option', { value: 'api' }, t('kindApi')));
  const address = h('input', { type: 'email', maxlength: 254, placeholder: 'support@shop.example' });
  const addressField = labelled('inbox-address', t('emailAddress'), address);
  // A messaging channel's own fields (its bot token…), shown when that kind is chosen.
  const channelBox = h('div', { class: 'channel-fields' });
  let channelValues = null;
  const showFields = () => {
    addressField.hidden = kind.value !== 'email';
    address.required = kind.value === 'email';
    clear(channelBox);
    channelValues = null;
    const channel = channelOf(kind.value);
    if (channel) {
      const fields = channelFields(channel, 'new-inbox');
      channelBox.append(...fields.rows);
      channelValues = fields.values;
    }
  };
  kind.addEventListener('change', showFields);
  showFields();
  // Back from connecting a mailbox at Google or Microsoft: say how it went.
  const connected = takeOAuthResult();
  if (connected) shown.append(h('p', { class: 'hint', role: 'status', id: 'mail-oauth-result' }, connected));
  return panel('admin-inboxes', t('inboxes'), list, shown,
    form('add-inbox', [labelled('inbox-name', t('name'), name), labelled('inbox-kind', t('kind'), kind), addressField, channelBox], t('addInbox'), async (element) => {
      const body = { name: name.value, kind: kind.value };
      if (kind.value === 'email') body.email = { address: address.value };
      if (channelValues) body.channel = channelValues();
      const created = await api('POST', '/inboxes', body);
      clear(shown);
      if (created.inbox.kind === 'chat') {
        shown.append(snippetLine(created.inbox), secret(`${t('identitySecret')} · ${created.inbox.name}`, created.token));
      } else if (created.inbox.kind === 'email') {
        shown.append(emailLine(created.inbox), secret(`${t('inboxToken')} (${created.inbox.name}, X-Inbox-Token)`, created.token));
      } else if (channelOf(created.inbox.kind)) {
        shown.append(h('p', { class: 'hint', role: 'status' }, created.inbox.channel?.status || ''));
      } else {
        shown.append(secret(`${t('inboxToken')} (${created.inbox.name}, X-Inbox-Token)`, created.token));
      }
      element.reset();
      showFields();
      await refresh();
      onChanged();
    }));
}

/// The one tag a shop pastes into its pages.
function snippetLine(inbox) {
  const code = `<script src="${location.origin}/widget.js" data-inbox="${inbox.widget_key}" async></script>`;
  const field = h('input', { type: 'text', readonly: true, value: code, class: 'secret snippet', 'aria-label': t('snippet'), size: 60 });
  const copy = h('button', { type: 'button' }, t('copy'));
  copy.addEventListener('click', () => { field.select(); navigator.clipboard?.writeText(code).catch(() => {}); });
  return h('p', { class: 'secret-line' }, h('span', { class: 'hint' }, `${t('snippet')}:`), ' ', field, ' ', copy);
}

/// Where an email inbox receives: its addresses, and the hook for providers that post raw mail.
function emailLine(inbox) {
  const addresses = [inbox.email?.address, ...(inbox.email?.aliases || [])].filter(Boolean).join(', ');
  return h('p', { class: 'hint' }, `${t('emailAddress')}: `, h('strong', {}, addresses), ' · ',
    h('code', {}, `POST ${location.origin}/api/v1/inboxes/${inbox.id}/email`), ` ${t('emailHook')}`);
}

/// The SMTP server replies leave through. The password is write-only: left empty, the stored
/// one stays.
/// Mail that could not be taken in, with its reason; admins download or replay it.
async function quarantinePanel(inbox) {
  const list = h('ul', { class: 'admin-list quarantine' });
  const refresh = async () => {
    const held = (await api('GET', `/inboxes/${inbox.id}/quarantine`)).items;
    clear(list);
    for (const item of held) {
      const replay = h('button', { type: 'button' }, t('replay'));
      replay.addEventListener('click', async () => {
        await api('POST', `/inboxes/${inbox.id}/quarantine/${item.id}/replay`).catch((failure) => alertFailure(failure));
        await refresh();
      });
      list.append(h('li', {}, `${formatTime(item.received_at)} · ${item.error || ''} `,
        h('a', { href: `/api/v1/inboxes/${inbox.id}/quarantine/${item.id}/raw` }, '.eml'), ' ', replay));
    }
  };
  await refresh();
  return h('details', { class: 'chat-settings' }, h('summary', {}, t('quarantine')), list);
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function chatSettingsForm(inbox, emailInboxes) {
  const chat = inbox.chat || {};
  const byEmail = h('select', {}, h('option', { value: '' }, t('noEmailContinuation')),
    ...emailInboxes.map((other) => h('option', { value: other.id, selected: chat.email_inbox_id === other.id }, other.name)));
  const id = `chat-${inbox.id}`;
  const greeting = h('input', { type: 'text', maxlength: 500, value: chat.greeting || '' });
  const colour = h('input', { type: 'color', value: chat.color || '#2456c8' });
  const prechat = h('input', { type: 'checkbox', checked: !!chat.prechat_form });
  const identity = h('input', { type: 'checkbox', checked: !!chat.require_identity });
  const always = h('input', { type: 'checkbox', checked: !chat.business_hours });
  const days = DAYS.map((day) => labelled(`${id}-${day}`, t(day), h('input', {
    type: 'text', size: 11, placeholder: '09:00-17:00', pattern: '\\d\\d:\\d\\d-\\d\\d:\\d\\d', value: chat.business_hours?.[day] || '',
  })));
  const hours = h('fieldset', { class: 'hours' }, h('legend', {}, t('businessHours')), ...days);
  const bot = h('select', {}, ...['off', 'business_hours', 'outside_business_hours', 'always'].map((mode) =>
    h('option', { value: mode, selected: (chat.bot || 'off') === mode }, t(`bot.${mode}`))));
  hours.disabled = always.checked;
  always.addEventListener('change', () => { hours.disabled = always.checked; });
  const status = h('span', { class: 'hint', role: 'status' });
  const element = form(`${id}-form`, [
    labelled(`${id}-greeting`, t('greeting'), greeting), labelled(`${id}-colour`, t('colour'), colour),
    h('label', { class: 'check' }, prechat, ' ', t('prechatForm')), h('label', { class: 'check' }, identity, ' ', t('requireIdentity')),
    h('label', { class: 'check' }, always, ' ', t('alwaysOpen')), hours,
    labelled(`${id}-email`, t('continueByEmail'), byEmail), labelled(`${id}-bot`, t('botMode'), bot), status,
  ], t('save'), async () => {
    const business = {};
    for (const day of DAYS) {
      const value = /** @type {HTMLInputElement} */ (element.querySelector(`#${id}-${day}`)).value.trim();
      if (value) business[day] = value;
    }
    await api('PATCH', `/inboxes/${inbox.id}`, { chat: {
      greeting: greeting.value, color: colour.value, prechat_form: prechat.checked, require_identity: identity.checked,
      business_hours: always.checked ? null : business, email_inbox_id: byEmail.value ? Number(byEmail.value) : null, bot: bot.value,
    } });
    status.textContent = t('saved');
  });
  return h('details', { class: 'chat-settings' }, h('summary', {}, t('widgetSettings')), element);
}

async function tagsSection(onChanged) {
  const list = h('ul', { class: 'admin-list' });
  const refresh = async () => {
    const tags = (await api('GET', '/tags')).items;
    clear(list);
    for (const tag of tags) {
      const remove = h('button', { type: 'button', 'aria-label': `${t('delete')} #${tag.name}` }, t('delete'));
      remove.addEventListener('click', async () => {
        if (!window.confirm(`${t('delete')} #${tag.name}?`)) return;
        await api('DELETE', `/tags/${tag.id}`).catch((failure) => alertFailure(failure));
        await refresh();
        onChanged();
      });
      list.append(h('li', {}, `#${tag.name} `, h('span', { class: 'hint' }, `(${tag.conversation_count})`), ' ', remove));
    }
  };
  await refresh();
  const name = h('input', { type: 'text', required: true });
  return panel('admin-tags', t('tags'), list,
    form('add-tag', [labelled('tag-name', t('name'), name)], t('addTag'), async (element) => {
      await api('POST', '/tags', { name: name.value });
      element.reset();
      await refresh();
      onChanged();
    }));
}

async function webhooksSection() {
  const list = h('ul', { class: 'admin-list' });
  const shown = h('div');
  const refresh = async () => {
    const hooks = (await api('GET', '/webhooks')).items;
    clear(list);
    for (const hook of hooks) {
      const remove = h('button', { type: 'button', 'aria-label': `${t('delete')} ${hook.url}` }, t('delete'));
      remove.addEventListener('click', async () => {
        await api('DELETE', `/webhooks/${hook.id}`).catch((failure) => alertFailure(failure));
        await refresh();
      });
      list.append(h('li', {}, h('code', {}, hook.url), ` · ${hook.events.join(', ')} `, remove));
    }
  };
  await refresh();
  const url = h('input', { type: 'url', required: true, placeholder: 'https://…' });
  const events = h('input', { type: 'text', value: '*', required: true });
  return panel('admin-webhooks', t('webhooks'), list, shown,
    form('add-webhook', [labelled('webhook-url', 'URL', url), labelled('webhook-events', t('events'), events)], t('addWebhook'), async (element) => {
      const created = await api('POST', '/webhooks', { url: url.value, events: events.value.split(',').map((event) => event.trim()).filter(Boolean) });
      clear(shown);
      shown.append(secret(t('signingSecret'), created.secret));
      element.reset();
      await refresh();
    }));
}

/// The signature the agent's email replies end with (after the usual "-- " line).
async function signatureSection() {
  const { signature } = await api('GET', '/auth/me/signature');
  const text = h('textarea', { rows: 3, cols: 50, maxlength: 1000 });
  text.value = signature || '';
  const status = h('span', { class: 'hint', role: 'status' });
  return panel('admin-signature', t('signature'),
    form('signature-form', [labelled('signature-text', t('signature'), text), status], t('save'), async () => {
      await api('PATCH', '/auth/me', { signature: text.value });
      status.textContent = t('saved');
    }));
}

/** This browser's choices: how long a reply waits with an Undo before it leaves, and the theme. */
async function sendingSection() {
  const seconds = h('select', { id: 'undo-seconds' },
    ...UNDO_CHOICES.map((value) => h('option', { value, selected: value === undoSeconds() },
      value === 0 ? t('undoOff') : t('undoSeconds').replace('{seconds}', String(value)))));
  const status = h('span', { class: 'hint', role: 'status' });
  seconds.addEventListener('change', () => {
    setUndoSeconds(Number(seconds.value));
    status.textContent = t('saved');
  });
  const look = h('select', { id: 'theme' }, ...THEMES.map((value) => h('option', { value, selected: value === theme() }, t(`theme.${value}`))));
  look.addEventListener('change', () => {
    setTheme(look.value);
    status.textContent = t('saved');
  });
  return panel('admin-sending', t('thisBrowser'), h('p', { class: 'hint' }, t('undoHelp')), labelled('undo-seconds', t('undoTitle'), seconds),
    labelled('theme', t('themeTitle'), look), status);
}

