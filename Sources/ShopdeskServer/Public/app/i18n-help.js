// Strings of the help-center settings and the suggested articles beside a conversation.

export const helpStrings = {
  en: {
    models: 'Models', modelsHelp: 'Intent and sentiment corrections made in conversations teach this workspace its own models; one is used only when it beats the shipped model on held-out corrections. Training runs on its own a few hours after corrections.', noTraining: 'Not trained yet.', trainNow: 'Train now', training: 'Training…', modelAdopted: 'own model in use', modelShipped: 'shipped model in use', labels: 'labels', 'task.intent': 'Intent', 'task.sentiment': 'Sentiment',
    botAuthor: 'Bot', botAnswered: 'The bot answered', botHandedOver: 'The bot handed over', botResolved: 'Resolved by the bot (the customer said it helped)', botMode: 'Chat bot', 'bot.off': 'Off', 'bot.business_hours': 'During opening hours', 'bot.outside_business_hours': 'Outside opening hours', 'bot.always': 'Always', botReport: 'Chat bot (30 days)', botHandled: 'answered', botDeflected: 'resolved without an agent', botHandovers: 'handed over',
    suggestedArticles: 'Suggested articles', noSuggestions: 'No article matches the last message.', insertLink: 'Insert link',
    helpCenter: 'Help center', helpAddress: 'Address (/help/…)', helpTitle: 'Title', helpColor: 'Colour', defaultLanguage: 'Default language',
    categories: 'Categories', addCategory: 'Add category', articles: 'Articles', newArticle: 'New article', articleTitle: 'Title',
    articleBody: 'Text (Markdown: # heading, **bold**, - list, [link](https://…))', draft: 'Draft', published: 'Published', saveArticle: 'Save',
    deleteArticle: 'Delete', openPublic: 'Open the help center', language: 'Language', category: 'Category', noCategory: 'No category',
    helpfulCount: 'helpful', editArticle: 'Edit',
  },
  'pt-BR': {
    models: 'Modelos', modelsHelp: 'As correções de intenção e sentimento feitas nas conversas ensinam modelos próprios; um só é usado quando supera o modelo padrão nas correções reservadas. O treino roda sozinho algumas horas depois das correções.', noTraining: 'Ainda não treinado.', trainNow: 'Treinar agora', training: 'Treinando…', modelAdopted: 'modelo próprio em uso', modelShipped: 'modelo padrão em uso', labels: 'rótulos', 'task.intent': 'Intenção', 'task.sentiment': 'Sentimento',
    botAuthor: 'Bot', botAnswered: 'O bot respondeu', botHandedOver: 'O bot passou a conversa', botResolved: 'Resolvido pelo bot (o cliente disse que ajudou)', botMode: 'Bot do chat', 'bot.off': 'Desligado', 'bot.business_hours': 'No horário de atendimento', 'bot.outside_business_hours': 'Fora do horário', 'bot.always': 'Sempre', botReport: 'Bot do chat (30 dias)', botHandled: 'respondidas', botDeflected: 'resolvidas sem atendente', botHandovers: 'passadas à equipe',
    suggestedArticles: 'Artigos sugeridos', noSuggestions: 'Nenhum artigo corresponde à última mensagem.', insertLink: 'Inserir link',
    helpCenter: 'Central de ajuda', helpAddress: 'Endereço (/help/…)', helpTitle: 'Título', helpColor: 'Cor', defaultLanguage: 'Idioma padrão',
    categories: 'Categorias', addCategory: 'Adicionar categoria', articles: 'Artigos', newArticle: 'Novo artigo', articleTitle: 'Título',
    articleBody: 'Texto (Markdown: # título, **negrito**, - lista, [link](https://…))', draft: 'Rascunho', published: 'Publicado', saveArticle: 'Salvar',
    deleteArticle: 'Excluir', openPublic: 'Abrir a central de ajuda', language: 'Idioma', category: 'Categoria', noCategory: 'Sem categoria',
    helpfulCount: 'útil', editArticle: 'Editar',
  },
  ru: {
    models: 'Модели', modelsHelp: 'Исправления намерения и тональности в разговорах обучают собственные модели; модель используется, только если на отложенных исправлениях она лучше встроенной. Обучение запускается само через несколько часов после исправлений.', noTraining: 'Ещё не обучалась.', trainNow: 'Обучить сейчас', training: 'Обучение…', modelAdopted: 'используется своя модель', modelShipped: 'используется встроенная модель', labels: 'меток', 'task.intent': 'Намерение', 'task.sentiment': 'Тональность',
    botAuthor: 'Бот', botAnswered: 'Бот ответил', botHandedOver: 'Бот передал разговор', botResolved: 'Решено ботом (клиент сказал, что помогло)', botMode: 'Чат-бот', 'bot.off': 'Выключен', 'bot.business_hours': 'В рабочие часы', 'bot.outside_business_hours': 'Вне рабочих часов', 'bot.always': 'Всегда', botReport: 'Чат-бот (30 дней)', botHandled: 'ответил', botDeflected: 'решено без сотрудника', botHandovers: 'передано людям',
    suggestedArticles: 'Подходящие статьи', noSuggestions: 'Ни одна статья не подходит к последнему сообщению.', insertLink: 'Вставить ссылку',
    helpCenter: 'Справочный центр', helpAddress: 'Адрес (/help/…)', helpTitle: 'Заголовок', helpColor: 'Цвет', defaultLanguage: 'Язык по умолчанию',
    categories: 'Разделы', addCategory: 'Добавить раздел', articles: 'Статьи', newArticle: 'Новая статья', articleTitle: 'Заголовок',
    articleBody: 'Текст (Markdown: # заголовок, **жирный**, - список, [ссылка](https://…))', draft: 'Черновик', published: 'Опубликована', saveArticle: 'Сохранить',
    deleteArticle: 'Удалить', openPublic: 'Открыть справочный центр', language: 'Язык', category: 'Раздел', noCategory: 'Без раздела',
    helpfulCount: 'полезно', editArticle: 'Изменить',
  },
  hr: {
    models: 'Modeli', modelsHelp: 'Ispravci namjere i raspoloženja u razgovorima uče vlastite modele; model se koristi samo ako je na izdvojenim ispravcima bolji od ugrađenog. Učenje se pokreće samo nekoliko sati nakon ispravaka.', noTraining: 'Još nije učen.', trainNow: 'Uči sada', training: 'Učenje…', modelAdopted: 'koristi se vlastiti model', modelShipped: 'koristi se ugrađeni model', labels: 'oznaka', 'task.intent': 'Namjera', 'task.sentiment': 'Raspoloženje',
    botAuthor: 'Bot', botAnswered: 'Bot je odgovorio', botHandedOver: 'Bot je predao razgovor', botResolved: 'Riješio bot (kupac je rekao da je pomoglo)', botMode: 'Chat bot', 'bot.off': 'Isključen', 'bot.business_hours': 'U radno vrijeme', 'bot.outside_business_hours': 'Izvan radnog vremena', 'bot.always': 'Uvijek', botReport: 'Chat bot (30 dana)', botHandled: 'odgovoreno', botDeflected: 'riješeno bez agenta', botHandovers: 'predano ljudima',
    suggestedArticles: 'Predloženi članci', noSuggestions: 'Nijedan članak ne odgovara zadnjoj poruci.', insertLink: 'Umetni poveznicu',
    helpCenter: 'Centar za pomoć', helpAddress: 'Adresa (/help/…)', helpTitle: 'Naslov', helpColor: 'Boja', defaultLanguage: 'Zadani jezik',
    categories: 'Kategorije', addCategory: 'Dodaj kategoriju', articles: 'Članci', newArticle: 'Novi članak', articleTitle: 'Naslov',
    articleBody: 'Tekst (Markdown: # naslov, **podebljano**, - popis, [poveznica](https://…))', draft: 'Skica', published: 'Objavljeno', saveArticle: 'Spremi',
    deleteArticle: 'Obriši', openPublic: 'Otvori centar za pomoć', language: 'Jezik', category: 'Kategorija', noCategory: 'Bez kategorije',
    helpfulCount: 'korisno', editArticle: 'Uredi',
  },
};
