// The app's look: light, dark, or the system's (the default), chosen per browser in
// Settings → Your account. The colours themselves are app.css's design tokens.

const KEY = 'shopdesk.theme';
export const THEMES = ['system', 'light', 'dark'];

export function theme() {
  const stored = localStorage.getItem(KEY);
  return stored && THEMES.includes(stored) ? stored : 'system';
}

export function setTheme(value) {
  localStorage.setItem(KEY, value);
  applyTheme();
}

/** Marks the page with the chosen theme; without a choice the system's decides (app.css). */
export function applyTheme() {
  const chosen = theme();
  if (chosen === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = chosen;
}
