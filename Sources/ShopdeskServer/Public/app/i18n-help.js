// Strings of the help-center settings and the suggested articles beside a conversation.

export const helpStrings = {
  en: {
    suggestedArticles: 'Suggested articles', noSuggestions: 'No article matches the last message.', insertLink: 'Insert link',
    helpCenter: 'Help center', helpAddress: 'Address (/help/…)', helpTitle: 'Title', helpColor: 'Colour', defaultLanguage: 'Default language',
    categories: 'Categories', addCategory: 'Add category', articles: 'Articles', newArticle: 'New article', articleTitle: 'Title',
    articleBody: 'Text (Markdown: # heading, **bold**, - list, [link](https://…))', draft: 'Draft', published: 'Published', saveArticle: 'Save',
    deleteArticle: 'Delete', openPublic: 'Open the help center', language: 'Language', category: 'Category', noCategory: 'No category',
    helpfulCount: 'helpful', editArticle: 'Edit',
  },
  'pt-BR': {
    suggestedArticles: 'Artigos sugeridos', noSuggestions: 'Nenhum artigo corresponde à última mensagem.', insertLink: 'Inserir link',
    helpCenter: 'Central de ajuda', helpAddress: 'Endereço (/help/…)', helpTitle: 'Título', helpColor: 'Cor', defaultLanguage: 'Idioma padrão',
    categories: 'Categorias', addCategory: 'Adicionar categoria', articles: 'Artigos', newArticle: 'Novo artigo', articleTitle: 'Título',
    articleBody: 'Texto (Markdown: # título, **negrito**, - lista, [link](https://…))', draft: 'Rascunho', published: 'Publicado', saveArticle: 'Salvar',
    deleteArticle: 'Excluir', openPublic: 'Abrir a central de ajuda', language: 'Idioma', category: 'Categoria', noCategory: 'Sem categoria',
    helpfulCount: 'útil', editArticle: 'Editar',
  },
  ru: {
    suggestedArticles: 'Подходящие статьи', noSuggestions: 'Ни одна статья не подходит к последнему сообщению.', insertLink: 'Вставить ссылку',
    helpCenter: 'Справочный центр', helpAddress: 'Адрес (/help/…)', helpTitle: 'Заголовок', helpColor: 'Цвет', defaultLanguage: 'Язык по умолчанию',
    categories: 'Разделы', addCategory: 'Добавить раздел', articles: 'Статьи', newArticle: 'Новая статья', articleTitle: 'Заголовок',
    articleBody: 'Текст (Markdown: # заголовок, **жирный**, - список, [ссылка](https://…))', draft: 'Черновик', published: 'Опубликована', saveArticle: 'Сохранить',
    deleteArticle: 'Удалить', openPublic: 'Открыть справочный центр', language: 'Язык', category: 'Раздел', noCategory: 'Без раздела',
    helpfulCount: 'полезно', editArticle: 'Изменить',
  },
  hr: {
    suggestedArticles: 'Predloženi članci', noSuggestions: 'Nijedan članak ne odgovara zadnjoj poruci.', insertLink: 'Umetni poveznicu',
    helpCenter: 'Centar za pomoć', helpAddress: 'Adresa (/help/…)', helpTitle: 'Naslov', helpColor: 'Boja', defaultLanguage: 'Zadani jezik',
    categories: 'Kategorije', addCategory: 'Dodaj kategoriju', articles: 'Članci', newArticle: 'Novi članak', articleTitle: 'Naslov',
    articleBody: 'Tekst (Markdown: # naslov, **podebljano**, - popis, [poveznica](https://…))', draft: 'Skica', published: 'Objavljeno', saveArticle: 'Spremi',
    deleteArticle: 'Obriši', openPublic: 'Otvori centar za pomoć', language: 'Jezik', category: 'Kategorija', noCategory: 'Bez kategorije',
    helpfulCount: 'korisno', editArticle: 'Uredi',
  },
};
