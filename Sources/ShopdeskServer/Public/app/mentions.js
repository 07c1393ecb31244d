// @mentions in the composer's note: typing `@` offers the colleagues whose name starts so; the
// chosen ones are sent with the note (`mention_ids`), and the server also reads `@Name` itself.

import { h } from './dom.js';
import { t } from './i18n.js';
import { matchingAgents, mentionAt, mentionedIds } from './mention-text.js';
import { state } from './state.js';

/** @type {WeakMap<HTMLTextAreaElement, { id: number, name: string }[]>} */
const chosenBy = new WeakMap();

/** The agents a note's text still names, of those picked in its composer. */
export function mentionIds(/** @type {HTMLTextAreaElement} */ text, /** @type {string} */ body) {
  return mentionedIds(body, chosenBy.get(text) ?? []);
}

/**
 * Adds the suggestions to a note's textarea (before its own key handling, so Enter and Escape
 * act on an open list first). Returns the list to place under it.
 * @param {HTMLTextAreaElement} text
 */
export function attachMentions(text) {
  const list = h('ul', { id: 'mention-list', class: 'mention-list', role: 'listbox', hidden: true, 'aria-label': t('mentionSomeone') });
  chosenBy.set(text, []);
  text.setAttribute('aria-controls', 'mention-list');
  text.setAttribute('aria-autocomplete', 'list');
  /** @type {{ id: number, name: string }[]} */
  let options = [];
  let active = 0;
  /** @type {{ start: number, query: string } | null} */
  let typed = null;
  const close = () => {
    list.hidden = true;
    typed = null;
    text.setAttribute('aria-expanded', 'false');
    text.removeAttribute('aria-activedescendant');
  };
  const draw = () => {
    list.replaceChildren(...options.map((agent, index) => {
      const item = h('li', { role: 'option', id: `mention-${agent.id}`, 'aria-selected': index === active ? 'true' : 'false' }, agent.name);
      // mousedown, not click: the textarea keeps its focus and caret.
      item.addEventListener('mousedown', (event) => { event.preventDefault(); choose(agent); });
      return item;
    }));
    list.hidden = false;
    text.setAttribute('aria-expanded', 'true');
    text.setAttribute('aria-activedescendant', `mention-${options[active].id}`);
  };
  const choose = (/** @type {{ id: number, name: string }} */ agent) => {
    if (!typed) return;
    const caret = text.selectionStart;
    const inserted = `@${agent.name} `;
    text.value = text.value.slice(0, typed.start) + inserted + text.value.slice(caret);
    text.setSelectionRange(typed.start + inserted.length, typed.start + inserted.length);
    chosenBy.get(text)?.push(agent);
    close();
    text.dispatchEvent(new Event('input'));   // the draft keeps it
  };
  text.addEventListener('input', () => {
    if (state.mode !== 'note') return close();
    const found = mentionAt(text.value, text.selectionStart);
    const colleagues = [...state.agents.values()].filter((agent) => agent.id !== state.me.id && !agent.disabled);
    options = found ? matchingAgents(colleagues, found.query) : [];
    if (!found || options.length === 0) return close();
    typed = found;
    active = 0;
    draw();
  });
  text.addEventListener('keydown', (event) => {
    if (list.hidden || event.ctrlKey || event.metaKey || event.altKey) return;
    const handled = ['ArrowDown', 'ArrowUp', 'Enter', 'Tab', 'Escape'].includes(event.key);
    if (!handled) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (event.key === 'ArrowDown') { active = (active + 1) % options.length; draw(); }
    else if (event.key === 'ArrowUp') { active = (active - 1 + options.length) % options.length; draw(); }
    else if (event.key === 'Escape') close();
    else choose(options[active]);
  });
  // Choosing with the mouse keeps the focus (mousedown is prevented): a blur means the agent went elsewhere.
  text.addEventListener('blur', close);
  return list;
}
