// The reports' charts, drawn as SVG by our own code: a line over days, bars, and a weekday × hour
// heatmap. Each is a figure with a caption, a button that shows the same numbers as a table (for
// screen readers and for reading exact values), and parts that click through to the
// conversations behind them.

import { h } from './dom.js';
import { formatNumber, t } from './i18n.js';
import { linePoints, niceMax } from './report-math.js';

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and children. @param {string} tag @param {Record<string, any>} [attributes] @param {...any} children */
function s(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/**
 * A figure: caption, the chart, and its table one click away.
 * @param {string} id @param {string} title @param {Element} chart @param {string[]} headings @param {(string | number)[][]} rows
 */
function figure(id, title, chart, headings, rows) {
  const table = h('table', { class: 'admin-table chart-table', id: `${id}-table`, hidden: true },
    h('caption', { class: 'visually-hidden' }, title),
    h('thead', {}, h('tr', {}, ...headings.map((heading) => h('th', { scope: 'col' }, heading)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((cell, index) => index === 0 ? h('th', { scope: 'row' }, String(cell))
      : h('td', {}, typeof cell === 'number' ? formatNumber(cell) : cell))))));
  const toggle = h('button', { type: 'button', class: 'link-button', 'aria-expanded': 'false', 'aria-controls': table.id, id: `${id}-toggle` }, t('showTable'));
  toggle.addEventListener('click', () => {
    table.hidden = !table.hidden;
    toggle.setAttribute('aria-expanded', String(!table.hidden));
    toggle.textContent = t(table.hidden ? 'showTable' : 'showChart');
    chart.toggleAttribute('hidden', !table.hidden);
  });
  return h('figure', { class: 'chart', id }, h('figcaption', {}, h('strong', {}, title), ' ', toggle), chart, table);
}

/**
 * Counts over days as a line; each day's point opens its conversations.
 * @param {string} id @param {string} title @param {{ label: string, value: number }[]} points @param {(index: number) => void} onPick
 */
export function lineChart(id, title, points, onPick) {
  const width = 600, height = 160, left = 36, bottom = 22;
  const values = points.map((point) => point.value);
  const top = niceMax(Math.max(0, ...values));
  const coordinates = linePoints(values, width - left - 8, height - bottom - 8);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart-svg',
    'aria-label': `${title}: ${points.map((point) => `${point.label} ${point.value}`).join(', ')}` },
    s('line', { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: 'axis' }),
    s('text', { x: left - 6, y: 12, 'text-anchor': 'end', class: 'tick' }, formatNumber(top)),
    s('text', { x: left - 6, y: height - bottom, 'text-anchor': 'end', class: 'tick' }, '0'),
    s('polyline', { points: coordinates.map(([x, y]) => `${x + left},${y + 8}`).join(' '), class: 'line' }));
  const every = Math.max(1, Math.ceil(points.length / 8));
  coordinates.forEach(([x, y], index) => {
    const dot = s('circle', { cx: x + left, cy: y + 8, r: 4, class: 'dot', tabindex: 0, role: 'button',
      'aria-label': `${points[index].label}: ${formatNumber(points[index].value)}`, 'data-index': index },
    s('title', {}, `${points[index].label}: ${formatNumber(points[index].value)}`));
    dot.addEventListener('click', () => onPick(index));
    dot.addEventListener('keydown', (event) => { if (/** @type {KeyboardEvent} */ (event).key === 'Enter') onPick(index); });
    svg.append(dot);
    if (index % every === 0) {
      const last = index === points.length - 1;
      svg.append(s('text', { x: x + left, y: height - 6, 'text-anchor': last && index > 0 ? 'end' : index === 0 ? 'start' : 'middle', class: 'tick' }, points[index].label));
    }
  });
  return figure(id, title, svg, [t('day'), t('conversationsCount')], points.map((point) => [point.label, point.value]));
}

/**
 * Horizontal bars, largest first; a bar opens its conversations when `onPick` is given.
 * @param {string} id @param {string} title @param {{ label: string, value: number }[]} items
 * @param {((index: number) => void) | null} onPick @param {string} [valueHeading]
 */
export function barChart(id, title, items, onPick, valueHeading = t('conversationsCount')) {
  const top = niceMax(Math.max(0, ...items.map((item) => item.value)));
  const list = h('ul', { class: 'bars', role: 'list' }, ...items.map((item, index) => {
    const width = `${Math.max(item.value > 0 ? 1 : 0, Math.round((item.value / top) * 100))}%`;
    const bar = h('span', { class: 'bar' });
    // Set through the CSSOM: the page's Content-Security-Policy refuses style attributes.
    bar.style.width = width;
    const text = [h('span', { class: 'bar-label' }, item.label), h('span', { class: 'bar-track' }, bar), h('span', { class: 'bar-value' }, formatNumber(item.value))];
    if (!onPick) return h('li', {}, h('span', { class: 'bar-line' }, ...text));
    const button = h('button', { type: 'button', class: 'bar-line bar-row', 'data-index': index }, ...text);
    button.addEventListener('click', () => onPick(index));
    return h('li', {}, button);
  }));
  return figure(id, title, items.length ? list : h('p', { class: 'hint' }, t('noData')), [t('name'), valueHeading],
    items.map((item) => [item.label, item.value]));
}

/**
 * Conversations created by weekday (rows, Monday first) and hour (columns), darker for more.
 * @param {string} id @param {string} title @param {number[][]} grid @param {string[]} weekdays
 */
export function heatmap(id, title, grid, weekdays) {
  const top = Math.max(1, ...grid.flat());
  const cell = 20, left = 40, head = 16;
  const svg = s('svg', { viewBox: `0 0 ${left + 24 * cell} ${head + 7 * cell}`, role: 'img', class: 'chart-svg heatmap', 'aria-label': title });
  for (let hour = 0; hour < 24; hour += 3) svg.append(s('text', { x: left + hour * cell + cell / 2, y: 12, 'text-anchor': 'middle', class: 'tick' }, String(hour)));
  grid.forEach((row, day) => {
    svg.append(s('text', { x: left - 6, y: head + day * cell + 14, 'text-anchor': 'end', class: 'tick' }, weekdays[day]));
    row.forEach((count, hour) => svg.append(s('rect', {
      x: left + hour * cell, y: head + day * cell, width: cell - 2, height: cell - 2, rx: 3, class: 'heat',
      'fill-opacity': count ? (0.15 + 0.85 * count / top).toFixed(2) : 0.04,
    }, s('title', {}, `${weekdays[day]} ${hour}:00 — ${formatNumber(count)}`))));
  });
  return figure(id, title, svg, [t('day'), ...Array.from({ length: 24 }, (_, hour) => String(hour))],
    grid.map((row, day) => [weekdays[day], ...row]));
}

/**
 * Several counts over the same days, one line each (on one scale), with a legend.
 * @param {string} id @param {string} title @param {string[]} days
 * @param {{ name: string, values: number[], className: string }[]} series
 */
export function linesChart(id, title, days, series) {
  const width = 600, height = 160, left = 36, bottom = 22;
  const top = niceMax(Math.max(0, ...series.flatMap((line) => line.values)));
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart-svg',
    'aria-label': `${title}: ${series.map((line) => `${line.name} ${line.values[line.values.length - 1] ?? 0}`).join(', ')}` },
    s('line', { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: 'axis' }),
    s('text', { x: left - 6, y: 12, 'text-anchor': 'end', class: 'tick' }, formatNumber(top)),
    s('text', { x: left - 6, y: height - bottom, 'text-anchor': 'end', class: 'tick' }, '0'));
  for (const line of series) {
    // Scaled to the common top: append the top as a last value and drop its point.
    const points = linePoints([...line.values, top], width - left - 8, height - bottom - 8).slice(0, -1);
    const step = (width - left - 8) / Math.max(1, line.values.length - 1);
    svg.append(s('polyline', { points: points.map(([, y], index) => `${index * step + left},${y + 8}`).join(' '), class: `line ${line.className}` },
      s('title', {}, line.name)));
  }
  const every = Math.max(1, Math.ceil(days.length / 8));
  days.forEach((day, index) => {
    if (index % every !== 0) return;
    const x = left + index * ((width - left - 8) / Math.max(1, days.length - 1));
    svg.append(s('text', { x, y: height - 6, 'text-anchor': index === 0 ? 'start' : 'middle', class: 'tick' }, day));
  });
  const legend = h('p', { class: 'chart-legend' }, ...series.map((line) => h('span', { class: `legend ${line.className}` }, line.name)));
  const chart = h('div', {}, svg, legend);
  return figure(id, title, chart, [t('day'), ...series.map((line) => line.name)],
    days.map((day, index) => [day, ...series.map((line) => line.values[index] ?? 0)]));
}
