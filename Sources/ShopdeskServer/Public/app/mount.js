// Views are functions of their props that return DOM: the same props give the same elements,
// and a view reads nothing else (no store, no document). `mount` is the shell's side: it picks a
// view's props from the store, draws the view into its container, and draws it again when those
// props change (compared field by field, the store's values being replaced, never changed).

import { clear } from './dom.js';
import { sameProps } from './props.js';
import { state, subscribe } from './state.js';


/**
 * @template {Record<string, unknown>} P
 * @param {() => HTMLElement | null} container where the view goes (looked up each time: the shell may be drawn again)
 * @param {(props: P) => (Node | string)[]} view
 * @param {(current: typeof state) => P} select
 * @param {{ hidden?: (props: P) => boolean, drawn?: (props: P) => void }} [options]
 *   `hidden`: the container is hidden for these props; `drawn`: what the shell does around the
 *   view after it is drawn (a class on the layout).
 * @returns {{ draw: () => void }} `draw` draws again with the same props (the language changed)
 */
export function mount(container, view, select, options = {}) {
  /** @type {P | null} */
  let last = null;
  /** @type {HTMLElement | null} */
  let drawnInto = null;
  const draw = (force = false) => {
    const element = container();
    if (!element) { last = null; return; }
    const props = select(state);
    // A container the shell made anew is drawn whatever the props.
    if (!force && element === drawnInto && last && sameProps(last, props)) return;
    last = props;
    drawnInto = element;
    // Focus survives the redraw, and so does what the agent was typing: the element with the same
    // `data-key` (or id) gets focus, text and caret back.
    const restore = keepFocus(element);
    clear(element);
    element.append(...view(props));
    if (options.hidden) element.hidden = options.hidden(props);
    options.drawn?.(props);
    restore?.(element);
  };
  subscribe(() => draw());
  return { draw: () => draw(true) };
}

const textTypes = new Set(['text', 'search', 'email', 'number', 'tel', 'url', 'datetime-local', 'date', 'time']);

/**
 * What to give back after `container` is drawn again: focus to the element that had it, and for a
 * text box its text and caret (a live update must not eat a half-typed tag). The text goes back
 * only into a box for the same thing (the same `data-*` attributes: the composer of another
 * conversation starts from that conversation's draft). A handler that empties its box before the
 * change it causes (Enter on a tag) leaves it empty.
 * @param {HTMLElement} container
 * @returns {((container: HTMLElement) => void) | null}
 */
function keepFocus(container) {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !container.contains(active)) return null;
  const key = active.dataset.key, id = active.id;
  if (!key && !id) return null;
  const typed = active instanceof HTMLTextAreaElement || (active instanceof HTMLInputElement && textTypes.has(active.type));
  const value = typed ? /** @type {HTMLInputElement} */ (active).value : null;
  const owner = JSON.stringify(active.dataset);
  let start = null, end = null;
  try { if (typed) { start = /** @type {HTMLInputElement} */ (active).selectionStart; end = /** @type {HTMLInputElement} */ (active).selectionEnd; } } catch { /* inputs without a caret (email, number) */ }
  return (again) => {
    const found = /** @type {HTMLElement | null} */ (key ? again.querySelector(`[data-key="${CSS.escape(key)}"]`) : again.querySelector(`#${CSS.escape(id)}`));
    if (!found) return;
    if (value !== null && JSON.stringify(found.dataset) === owner && (found instanceof HTMLInputElement || found instanceof HTMLTextAreaElement)) found.value = value;
    found.focus();
    try { if (start !== null && end !== null) /** @type {HTMLInputElement} */ (found).setSelectionRange(start, end); } catch { /* no caret to place */ }
  };
}
