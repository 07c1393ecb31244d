// The files a macro sends with every use (a size chart, a returns form): listed by name with a
// way to take one off, and an upload for more. Read back as attachment ids.

import { api, upload } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

/** @param {number[]} ids the macro's files so far */
export function macroFiles(ids) {
  /** @type {{ id: number, name: string }[]} */
  const files = ids.map((id) => ({ id, name: `#${id}` }));
  const list = h('ul', { class: 'macro-files', id: 'macro-files' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const draw = () => {
    list.replaceChildren(...files.map((file) => {
      const remove = h('button', { type: 'button', 'aria-label': `${t('remove')} ${file.name}` }, '×');
      remove.addEventListener('click', () => {
        files.splice(files.indexOf(file), 1);
        draw();
      });
      return h('li', {}, file.name, ' ', remove);
    }));
  };
  // Their names, once known.
  Promise.all(files.map(async (file) => {
    const detail = await api('GET', `/attachments/${file.id}`).catch(() => null);
    if (detail) file.name = detail.file_name;
  })).then(draw);
  const input = h('input', { type: 'file', id: 'macro-file-input', multiple: true });
  input.addEventListener('change', async () => {
    error.textContent = '';
    for (const file of /** @type {HTMLInputElement} */ (input).files ?? []) {
      try {
        const stored = await upload(file);
        files.push({ id: stored.id, name: stored.file_name });
      } catch (failure) { error.textContent = failure.message; }
    }
    /** @type {HTMLInputElement} */ (input).value = '';
    draw();
  });
  draw();
  return {
    element: h('fieldset', {}, h('legend', {}, t('macroFiles')), list, h('label', { for: 'macro-file-input' }, t('attach')), input, error),
    read: () => files.map((file) => file.id),
  };
}
