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
 * @param {(props: P) => Node[]} view
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
    // Focus survives the redraw: the element with the same `data-key` gets it back.
    const focused = document.activeElement instanceof HTMLElement && element.contains(document.activeElement)
      ? document.activeElement.dataset.key : undefined;
    clear(element);
    element.append(...view(props));
    if (options.hidden) element.hidden = options.hidden(props);
    options.drawn?.(props);
    if (focused) /** @type {HTMLElement | null} */ (element.querySelector(`[data-key="${CSS.escape(focused)}"]`))?.focus();
  };
  subscribe(() => draw());
  return { draw: () => draw(true) };
}
