// Settings → Help center: the public address and look, categories, and articles written in
// Markdown per language, saved as drafts or published.

import { api } from './api.js';
import { clear, h } from './dom.js';
import { t } from './i18n.js';
import { alertFailure, form, labelled, panel } from './forms.js';

const LANGUAGES = [['en', 'English'], ['pt', 'Português'], ['ru', 'Русский'], ['hr', 'Hrvatski']];

export async function helpSection() {
  const [settings, categories] = await Promise.all([api('GET', '/help/settings'), api('GET', '/help/categories')]);
  const link = h('p', {}, settings.url ? h('a', { href: settings.url, target: '_blank', rel: 'noopener', id: 'help-public-link' }, `${t('openPublic')} ↗`) : '');
  const slug = h('input', { type: 'text', value: settings.slug || '', pattern: '[a-z0-9][a-z0-9-]{2,39}', maxlength: 40 });
  const title = h('input', { type: 'text', value: settings.title || '', maxlength: 100 });
  const color = h('input', { type: 'color', value: settings.color || '#0b5cad' });
  const language = h('select', {}, ...LANGUAGES.map(([code, name]) => h('option', { value: code, selected: code === settings.default_language }, name)));
  const settingsForm = form('help-settings', [labelled('help-slug', t('helpAddress'), slug), labelled('help-title', t('helpTitle'), title),
    labelled('help-color', t('helpColor'), color), labelled('help-language', t('defaultLanguage'), language)], t('save'), async () => {
    const saved = await api('PUT', '/help/settings', { slug: slug.value, title: title.value, color: color.value, default_language: language.value });
    clear(link);
    if (saved.url) link.append(h('a', { href: saved.url, target: '_blank', rel: 'noopener', id: 'help-public-link' }, `${t('openPublic')} ↗`));
  });

  const categoryList = h('ul', { class: 'admin-list', id: 'help-categories' }, ...categories.items.map((category) => h('li', {}, Object.values(category.names).join(' / '))));
  const categoryName = h('input', { type: 'text', maxlength: 100, required: true });
  const categoryForm = form('add-help-category', [labelled('help-category-name', t('category'), categoryName)], t('addCategory'), async (element) => {
    await api('POST', '/help/categories', { names: { [language.value]: categoryName.value } });
    element.reset();
    const fresh = await api('GET', '/help/categories');
    clear(categoryList);
    categoryList.append(...fresh.items.map((category) => h('li', {}, Object.values(category.names).join(' / '))));
    categories.items = fresh.items;
  });

  const list = h('ul', { class: 'admin-list', id: 'help-articles' });
  const editor = h('div', { id: 'help-editor' });
  const refresh = async () => {
    clear(list);
    for (const article of (await api('GET', '/help/articles')).items) {
      const edit = h('button', { type: 'button' }, t('editArticle'));
      edit.addEventListener('click', () => openEditor(editor, article, categories.items, refresh));
      const titles = Object.entries(article.translations).map(([code, text]) => `${code}: ${text.title}`).join(' · ');
      list.append(h('li', {}, h('strong', {}, titles), ` · ${t(article.status)} · ${article.helpful_yes}/${article.helpful_yes + article.helpful_no} ${t('helpfulCount')} `, edit));
    }
  };
  await refresh();
  const create = h('button', { type: 'button', id: 'new-article' }, t('newArticle'));
  create.addEventListener('click', () => openEditor(editor, null, categories.items, refresh));
  const bot = await api('GET', '/reports/bot');
  const botLine = h('p', { id: 'bot-report' }, `${t('botReport')}: ${bot.answered} ${t('botHandled')} · ${bot.resolved} ${t('botDeflected')} · ${bot.resolved_by_action} ${t('botByAction')} · ${bot.handed_over} ${t('botHandovers')}`);
  return panel('admin-help', t('helpCenter'), settingsForm, link, botLine, h('h4', {}, t('categories')), categoryList, categoryForm,
    h('h4', {}, t('articles')), list, create, editor);
}

function openEditor(container, article, categories, refresh) {
  clear(container);
  const codes = article ? Object.keys(article.translations) : [];
  const language = h('select', {}, ...LANGUAGES.map(([code, name]) => h('option', { value: code, selected: code === (codes[0] || 'en') }, name)));
  const title = h('input', { type: 'text', maxlength: 200, required: true });
  const body = h('textarea', { rows: 12 });
  const fill = () => {
    const text = article?.translations[language.value];
    title.value = text?.title || '';
    body.value = text?.body || '';
  };
  language.addEventListener('change', fill);
  fill();
  const category = h('select', {}, h('option', { value: '' }, t('noCategory')),
    ...categories.map((item) => h('option', { value: item.id, selected: item.id === article?.category_id }, Object.values(item.names)[0])));
  const status = h('select', {}, h('option', { value: 'draft', selected: article?.status !== 'published' }, t('draft')),
    h('option', { value: 'published', selected: article?.status === 'published' }, t('published')));
  const done = h('p', { role: 'status' });
  const element = form('help-article', [labelled('article-language', t('language'), language), labelled('article-title', t('articleTitle'), title),
    labelled('article-body', t('articleBody'), body), labelled('article-category', t('category'), category), labelled('article-status', t('status'), status)],
  t('saveArticle'), async () => {
    const payload = { status: status.value, translations: { [language.value]: { title: title.value, body: body.value } } };
    if (category.value) payload.category_id = Number(category.value); else payload.clear_category = true;
    article = article ? await api('PATCH', `/help/articles/${article.id}`, payload) : await api('POST', '/help/articles', payload);
    done.textContent = t('saved');
    await refresh();
  });
  const remove = h('button', { type: 'button', hidden: !article }, t('deleteArticle'));
  remove.addEventListener('click', () => api('DELETE', `/help/articles/${article.id}`).then(() => { clear(container); refresh(); }, (failure) => alertFailure(failure)));
  container.append(element, remove, done);
  title.focus();
}
