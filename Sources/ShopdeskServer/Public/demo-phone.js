// The demo's customer phone: pick a messenger (Telegram, WhatsApp, Viber, SMS, Messenger,
// Instagram), write to the simulated shop account — or, on Messenger and Instagram, comment on
// the shop's post — and see the shop's replies with their delivery ticks. Each browser is one
// customer per messenger: its chat id, number or user id is kept in localStorage.

const list = document.getElementById('phone-chat');
const form = document.getElementById('phone-form');
const text = document.getElementById('phone-text');
const name = document.getElementById('phone-name');
const error = document.getElementById('phone-error');
const nav = document.getElementById('phone-channels');
const title = document.getElementById('phone-title');
const commentButton = document.getElementById('phone-comment');
/** Messengers whose customers can also comment on the shop's post. */
const commenting = new Set();

const digits = (count) => Array.from({ length: count }, () => Math.floor(Math.random() * 10)).join('');
// A new customer's address on each messenger, in the shape the provider uses.
const newAddress = {
  telegram: () => String(100000000 + Math.floor(Math.random() * 800000000)),
  whatsapp: () => `3859${digits(8)}`,
  viber: () => `demo${digits(10)}=`,
  sms: () => `+3859${digits(8)}`,
  messenger: () => `65${digits(14)}`,
  instagram: () => `178414${digits(11)}`,
};
// ✓ sent, ✓✓ delivered, ✓✓ in blue once read (Telegram tells bots nothing after sent).
const ticks = { sent: '✓', delivered: '✓✓', read: '✓✓' };

let channel = localStorage.getItem('demo-phone-channel') || 'telegram';
let shown = '';

function address(kind) {
  const key = `demo-phone-${kind}`;
  let value = localStorage.getItem(key);
  if (!value) {
    value = newAddress[kind]();
    localStorage.setItem(key, value);
  }
  return value;
}

function chatURL() { return `/demo/phone/chats/${channel}/${encodeURIComponent(address(channel))}`; }

async function showChannels() {
  const answer = await fetch('/demo/phone/channels').then((response) => response.json()).catch(() => ({ items: [] }));
  if (!answer.items.some((item) => item.kind === channel)) channel = answer.items[0]?.kind || 'telegram';
  for (const item of answer.items) if (item.comments) commenting.add(item.kind);
  commentButton.hidden = !commenting.has(channel);
  nav.replaceChildren(...answer.items.map((item) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.id = `phone-channel-${item.kind}`;
    button.textContent = item.name;
    button.setAttribute('aria-pressed', String(item.kind === channel));
    button.addEventListener('click', () => choose(item.kind, item.name));
    if (item.kind === channel) title.textContent = item.name;
    return button;
  }));
  document.body.dataset.channel = channel;
}

function choose(kind, label) {
  channel = kind;
  localStorage.setItem('demo-phone-channel', kind);
  title.textContent = label;
  document.body.dataset.channel = kind;
  commentButton.hidden = !commenting.has(kind);
  for (const button of nav.querySelectorAll('button')) button.setAttribute('aria-pressed', String(button.id === `phone-channel-${kind}`));
  shown = '';
  list.replaceChildren();
  refresh();
  text.focus();
}

async function refresh() {
  try {
    const answer = await fetch(chatURL()).then((response) => response.json());
    const key = JSON.stringify(answer.items);
    if (key === shown) return;
    shown = key;
    list.replaceChildren(...answer.items.map((bubble) => {
      const item = document.createElement('li');
      item.className = bubble.from;
      item.textContent = bubble.text;
      const time = document.createElement('small');
      const tick = bubble.from === 'customer' ? ' ✓' : ` ${ticks[bubble.status] || ''}`;
      time.textContent = new Date(bubble.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) + tick;
      if (bubble.status) time.dataset.status = bubble.status;
      item.append(time);
      return item;
    }));
    list.scrollTop = list.scrollHeight;
  } catch {
    // The server restarts or is away: try again on the next tick.
  }
}

/** Sends the text as a message, or as a comment on the shop's post. */
async function write(what) {
  if (!text.value.trim()) return;
  error.textContent = '';
  const body = JSON.stringify({ name: name.value, text: text.value });
  const response = await fetch(`${chatURL()}/${what}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  if (!response.ok) {
    error.textContent = (await response.json().catch(() => ({}))).detail || `Not sent (${response.status})`;
    return;
  }
  text.value = '';
  refresh();
}

form.addEventListener('submit', (event) => { event.preventDefault(); write('messages'); });
commentButton.addEventListener('click', () => write('comments'));

showChannels().then(refresh);
setInterval(refresh, 1500);
text.focus();
