// The demo's customer phone: writes to the simulated Telegram bot and shows the shop's replies.
// Each browser is one customer (its chat id is kept in localStorage).

const chatId = Number(localStorage.getItem('demo-phone-chat')) || Math.floor(100000000 + Math.random() * 800000000);
localStorage.setItem('demo-phone-chat', String(chatId));
const list = document.getElementById('phone-chat');
const form = document.getElementById('phone-form');
const text = document.getElementById('phone-text');
const name = document.getElementById('phone-name');
const error = document.getElementById('phone-error');
let shown = '';

async function refresh() {
  try {
    const answer = await fetch(`/demo/telegram/chats/${chatId}`).then((response) => response.json());
    const key = JSON.stringify(answer.items);
    if (key === shown) return;
    shown = key;
    list.replaceChildren(...answer.items.map((bubble) => {
      const item = document.createElement('li');
      item.className = bubble.from;
      item.textContent = bubble.text;
      const time = document.createElement('small');
      time.textContent = new Date(bubble.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) + (bubble.from === 'customer' ? ' ✓' : '');
      item.append(time);
      return item;
    }));
    list.scrollTop = list.scrollHeight;
  } catch {
    // The server restarts or is away: try again on the next tick.
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  const body = JSON.stringify({ name: name.value, text: text.value });
  const response = await fetch(`/demo/telegram/chats/${chatId}/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  if (!response.ok) {
    error.textContent = (await response.json().catch(() => ({}))).detail || `Not sent (${response.status})`;
    return;
  }
  text.value = '';
  refresh();
});

refresh();
setInterval(refresh, 1500);
text.focus();
