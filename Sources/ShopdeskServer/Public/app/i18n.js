// The web app's strings in the four languages agents use, chosen by the agent's locale.
// Dates and numbers are formatted with Intl in that locale and the workspace's time zone.

import { automationStrings } from './i18n-automation.js';
import { channelStrings } from './i18n-channels.js';
import { conversationStrings } from './i18n-conversations.js';
import { commerceStrings } from './i18n-commerce.js';
import { helpStrings } from './i18n-help.js';
import { labelStrings } from './i18n-labels.js';

const bundles = {
  en: {
    signIn: 'Sign in', signOut: 'Sign out', email: 'Email', password: 'Password',
    testConnection: 'Test connection', channel_telegram_bot_token: 'Bot token', channel_telegram_api_base: 'Bot API server', sending: 'Sending…',
    channel_whatsapp_phone_number_id: 'Phone number ID', channel_whatsapp_access_token: 'Access token', channel_whatsapp_app_secret: 'App secret', channel_whatsapp_api_base: 'Graph API address', channel_whatsapp_verify_token: 'Verify token',
    workspace: 'Workspace', chooseWorkspace: 'This email and password open several workspaces. Choose one.',
    sessionEnded: 'Your session ended. Sign in again to continue; your drafts are kept.',
    views: 'Views', mine: 'Mine', unassigned: 'Unassigned', open: 'Open', pending: 'Pending',
    snoozed: 'Snoozed', resolved: 'Resolved', all: 'All',
    search: 'Search conversations', searchResults: 'Search results', newest: 'Newest', oldest: 'Oldest',
    priority: 'Priority', sort: 'Sort', loadMore: 'Load more', noConversations: 'Nothing here.',
    selectConversation: 'Select a conversation, or press j to open the first one.',
    earlierMessages: 'Show earlier messages',
    reply: 'Reply', note: 'Internal note', send: 'Send', addNote: 'Add note',
    replyPlaceholder: 'Write a reply to the customer…', notePlaceholder: 'Write a note only agents see…',
    status: 'Status', assignee: 'Assignee', nobody: 'Nobody', tags: 'Tags', addTag: 'Add a tag',
    removeTag: 'Remove tag', snooze: 'Snooze', snoozeUntil: 'Snooze until', resolve: 'Resolve', reopen: 'Reopen',
    low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent',
    customer: 'Customer', pastConversations: 'Conversations', identities: 'Identities',
    classification: 'Classification', intent: 'Intent', sentiment: 'Sentiment', language: 'Language',
    internal: 'Internal note', failed: 'Not delivered', queued: 'Sending', sent: 'Sent', delivered: 'Delivered', read: 'Read',
    viewing: 'is viewing', typing: 'is typing…', connectionLost: 'Live updates paused; reconnecting…',
    shortcuts: 'Keyboard shortcuts', close: 'Close', messages: 'messages',
    keys: [['j / k', 'Next / previous conversation'], ['r', 'Reply'], ['n', 'Internal note'], ['e', 'Resolve'],
      ['a', 'Assign to me'], ['m', 'Macros'], ['l', 'Link the suggested article'], ['x', 'Pick for bulk actions'], ['/', 'Search'], ['Ctrl+Enter', 'Send'], ['Esc', 'Leave the composer'], ['?', 'This help']],
    notify: 'Desktop notifications', newAssigned: 'New conversation assigned to you', started: 'Conversation started',
    withdraw: 'Withdraw', invited: 'invited', invite: 'Send invitation', inviteLink: 'Invitation link', invitations: 'Invitations', addAgentDirectly: 'Or add an agent with a password', welcome: 'Welcome to Shopdesk', choosePassword: 'Choose a password of at least 10 characters to finish joining.', repeatPassword: 'Repeat the password', join: 'Join', passwordsDiffer: 'The two passwords differ.',
    teams: 'Teams', members: 'Members', addTeam: 'Create team',
    unread: 'Unread',
    settings: 'Settings', copy: 'Copy', shownOnce: 'Shown once: keep it somewhere safe.', name: 'Name', role: 'Role', active: 'Active', agents: 'Agents', addAgent: 'Add agent', inboxToken: 'Inbox token', delete: 'Delete', webhooks: 'Webhooks', events: 'Events (comma-separated, * for all)', addWebhook: 'Add webhook', signingSecret: 'Signing secret', revoke: 'Revoke', apiTokens: 'Your API tokens', apiToken: 'API token', createToken: 'Create token', viewer: 'Viewer', agent: 'Agent', admin: 'Admin', owner: 'Owner',
    addInbox: 'Create inbox', kind: 'Kind', kindApi: 'API (your systems post messages)', kindChat: 'Chat widget on your site', snippet: 'Paste this before </body> on every page of your shop', widgetSettings: 'Widget settings', greeting: 'Greeting', colour: 'Colour', prechatForm: 'Ask for name and email before the chat', requireIdentity: 'Only accept verified customer identities (identifier_hash)', businessHours: 'Opening hours (e.g. 09:00-17:00; empty = closed)', alwaysOpen: 'Always open', save: 'Save', saved: 'Saved.', identitySecret: 'Identity signing key (HMAC-SHA256 of the customer id)', visitor: 'Visitor', currentPage: 'Now on', referrer: 'Came from', browser: 'Browser', pagesVisited: 'Pages this visit', customerTyping: 'The customer is typing…', unverified: 'not verified', verifiedId: 'Verified shop id', mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun',
    smtpSettings: 'Outgoing mail (SMTP)', smtpHost: 'Server', smtpPort: 'Port', smtpSecurity: 'Security', smtpUser: 'User name', security_starttls: 'STARTTLS (587)', security_tls: 'TLS (465)', security_none: 'None (local relay only)',
    kindEmail: 'Email address', emailAddress: 'Address', emailHook: 'takes raw mail from providers (X-Inbox-Token); SMTP/LMTP: smtp_port in the configuration', quarantine: 'Mail that could not be taken in', replay: 'Try again',
    mergedFrom: 'Merged another conversation in',
    mergeInto: 'Merge this conversation into', mergeHere: 'Merge here',
    team: 'Team', noTeam: 'No team',
    attach: 'Attach files', attachments: 'Attachments', remove: 'Remove',
    inboxes: 'Inboxes', bulkActions: 'Actions on the picked conversations', pick: 'Pick', picked: 'picked', assignToMe: 'Assign to me',
  },
  'pt-BR': {
    signIn: 'Entrar', signOut: 'Sair', email: 'E-mail', password: 'Senha',
    testConnection: 'Testar conexão', channel_telegram_bot_token: 'Token do bot', channel_telegram_api_base: 'Servidor da Bot API', sending: 'Enviando…',
    channel_whatsapp_phone_number_id: 'ID do número de telefone', channel_whatsapp_access_token: 'Token de acesso', channel_whatsapp_app_secret: 'Chave secreta do app', channel_whatsapp_api_base: 'Endereço da Graph API', channel_whatsapp_verify_token: 'Token de verificação',
    workspace: 'Espaço de trabalho', chooseWorkspace: 'Este e-mail e senha abrem vários espaços de trabalho. Escolha um.',
    sessionEnded: 'Sua sessão terminou. Entre novamente para continuar; seus rascunhos foram mantidos.',
    views: 'Visões', mine: 'Minhas', unassigned: 'Sem responsável', open: 'Abertas', pending: 'Pendentes',
    snoozed: 'Adiadas', resolved: 'Resolvidas', all: 'Todas',
    search: 'Buscar conversas', searchResults: 'Resultados da busca', newest: 'Mais recentes', oldest: 'Mais antigas',
    priority: 'Prioridade', sort: 'Ordenar', loadMore: 'Carregar mais', noConversations: 'Nada por aqui.',
    selectConversation: 'Selecione uma conversa ou pressione j para abrir a primeira.',
    earlierMessages: 'Mostrar mensagens anteriores',
    reply: 'Responder', note: 'Nota interna', send: 'Enviar', addNote: 'Adicionar nota',
    replyPlaceholder: 'Escreva uma resposta ao cliente…', notePlaceholder: 'Escreva uma nota que só a equipe vê…',
    status: 'Status', assignee: 'Responsável', nobody: 'Ninguém', tags: 'Etiquetas', addTag: 'Adicionar etiqueta',
    removeTag: 'Remover etiqueta', snooze: 'Adiar', snoozeUntil: 'Adiar até', resolve: 'Resolver', reopen: 'Reabrir',
    low: 'Baixa', normal: 'Normal', high: 'Alta', urgent: 'Urgente',
    customer: 'Cliente', pastConversations: 'Conversas', identities: 'Identidades',
    classification: 'Classificação', intent: 'Intenção', sentiment: 'Sentimento', language: 'Idioma',
    internal: 'Nota interna', failed: 'Não entregue', queued: 'Enviando', sent: 'Enviada', delivered: 'Entregue', read: 'Lida',
    viewing: 'está vendo', typing: 'está digitando…', connectionLost: 'Atualizações pausadas; reconectando…',
    shortcuts: 'Atalhos de teclado', close: 'Fechar', messages: 'mensagens',
    keys: [['j / k', 'Próxima / anterior'], ['r', 'Responder'], ['n', 'Nota interna'], ['e', 'Resolver'],
      ['a', 'Atribuir a mim'], ['m', 'Macros'], ['l', 'Inserir o artigo sugerido'], ['x', 'Marcar para ações em lote'], ['/', 'Buscar'], ['Ctrl+Enter', 'Enviar'], ['Esc', 'Sair do editor'], ['?', 'Esta ajuda']],
    notify: 'Notificações na área de trabalho', newAssigned: 'Nova conversa atribuída a você', started: 'Conversa iniciada',
    withdraw: 'Cancelar', invited: 'convidado', invite: 'Enviar convite', inviteLink: 'Link do convite', invitations: 'Convites', addAgentDirectly: 'Ou adicione um agente com senha', welcome: 'Bem-vindo ao Shopdesk', choosePassword: 'Escolha uma senha de pelo menos 10 caracteres para concluir.', repeatPassword: 'Repita a senha', join: 'Entrar na equipe', passwordsDiffer: 'As senhas não coincidem.',
    teams: 'Equipes', members: 'Membros', addTeam: 'Criar equipe',
    unread: 'Não lida',
    settings: 'Configurações', copy: 'Copiar', shownOnce: 'Mostrado só uma vez: guarde em local seguro.', name: 'Nome', role: 'Papel', active: 'Ativo', agents: 'Agentes', addAgent: 'Adicionar agente', inboxToken: 'Token da caixa', delete: 'Excluir', webhooks: 'Webhooks', events: 'Eventos (separados por vírgula, * para todos)', addWebhook: 'Adicionar webhook', signingSecret: 'Segredo de assinatura', revoke: 'Revogar', apiTokens: 'Seus tokens de API', apiToken: 'Token de API', createToken: 'Criar token', viewer: 'Leitor', agent: 'Agente', admin: 'Administrador', owner: 'Proprietário',
    addInbox: 'Criar caixa', kind: 'Tipo', kindApi: 'API (seus sistemas enviam mensagens)', kindChat: 'Widget de chat no seu site', snippet: 'Cole isto antes de </body> em todas as páginas da loja', widgetSettings: 'Configurações do widget', greeting: 'Saudação', colour: 'Cor', prechatForm: 'Pedir nome e e-mail antes do chat', requireIdentity: 'Aceitar só identidades verificadas (identifier_hash)', businessHours: 'Horário (ex.: 09:00-17:00; vazio = fechado)', alwaysOpen: 'Sempre aberto', save: 'Salvar', saved: 'Salvo.', identitySecret: 'Chave de assinatura da identidade (HMAC-SHA256 do id do cliente)', visitor: 'Visitante', currentPage: 'Agora em', referrer: 'Veio de', browser: 'Navegador', pagesVisited: 'Páginas nesta visita', customerTyping: 'O cliente está digitando…', unverified: 'não verificado', verifiedId: 'Id da loja verificado', mon: 'Seg', tue: 'Ter', wed: 'Qua', thu: 'Qui', fri: 'Sex', sat: 'Sáb', sun: 'Dom',
    smtpSettings: 'E-mail de saída (SMTP)', smtpHost: 'Servidor', smtpPort: 'Porta', smtpSecurity: 'Segurança', smtpUser: 'Usuário', security_starttls: 'STARTTLS (587)', security_tls: 'TLS (465)', security_none: 'Nenhuma (só relay local)',
    kindEmail: 'Endereço de e-mail', emailAddress: 'Endereço', emailHook: 'recebe e-mails brutos de provedores (X-Inbox-Token); SMTP/LMTP: smtp_port na configuração', quarantine: 'E-mails que não puderam ser recebidos', replay: 'Tentar de novo',
    mergedFrom: 'Outra conversa foi mesclada aqui',
    mergeInto: 'Mesclar esta conversa em', mergeHere: 'Mesclar aqui',
    team: 'Equipe', noTeam: 'Sem equipe',
    attach: 'Anexar arquivos', attachments: 'Anexos', remove: 'Remover',
    inboxes: 'Caixas de entrada', bulkActions: 'Ações nas conversas marcadas', pick: 'Marcar', picked: 'marcadas', assignToMe: 'Atribuir a mim',
  },
  ru: {
    signIn: 'Войти', signOut: 'Выйти', email: 'Эл. почта', password: 'Пароль',
    testConnection: 'Проверить подключение', channel_telegram_bot_token: 'Токен бота', channel_telegram_api_base: 'Сервер Bot API', sending: 'Отправляется…',
    channel_whatsapp_phone_number_id: 'ID номера телефона', channel_whatsapp_access_token: 'Токен доступа', channel_whatsapp_app_secret: 'Секрет приложения', channel_whatsapp_api_base: 'Адрес Graph API', channel_whatsapp_verify_token: 'Токен проверки',
    workspace: 'Рабочее пространство', chooseWorkspace: 'Эта почта и пароль открывают несколько рабочих пространств. Выберите одно.',
    sessionEnded: 'Сеанс завершён. Войдите снова, чтобы продолжить; черновики сохранены.',
    views: 'Представления', mine: 'Мои', unassigned: 'Без исполнителя', open: 'Открытые', pending: 'Ожидают',
    snoozed: 'Отложенные', resolved: 'Решённые', all: 'Все',
    search: 'Поиск по обращениям', searchResults: 'Результаты поиска', newest: 'Сначала новые', oldest: 'Сначала старые',
    priority: 'Приоритет', sort: 'Сортировка', loadMore: 'Показать ещё', noConversations: 'Здесь пусто.',
    selectConversation: 'Выберите обращение или нажмите j, чтобы открыть первое.',
    earlierMessages: 'Показать более ранние сообщения',
    reply: 'Ответ', note: 'Заметка', send: 'Отправить', addNote: 'Добавить заметку',
    replyPlaceholder: 'Ответ клиенту…', notePlaceholder: 'Заметка, которую видят только сотрудники…',
    status: 'Статус', assignee: 'Исполнитель', nobody: 'Никто', tags: 'Метки', addTag: 'Добавить метку',
    removeTag: 'Убрать метку', snooze: 'Отложить', snoozeUntil: 'Отложить до', resolve: 'Решить', reopen: 'Открыть снова',
    low: 'Низкий', normal: 'Обычный', high: 'Высокий', urgent: 'Срочный',
    customer: 'Клиент', pastConversations: 'Обращения', identities: 'Контакты',
    classification: 'Классификация', intent: 'Намерение', sentiment: 'Тональность', language: 'Язык',
    internal: 'Внутренняя заметка', failed: 'Не доставлено', queued: 'Отправляется', sent: 'Отправлено', delivered: 'Доставлено', read: 'Прочитано',
    viewing: 'просматривает', typing: 'печатает…', connectionLost: 'Обновления приостановлены; переподключение…',
    shortcuts: 'Горячие клавиши', close: 'Закрыть', messages: 'сообщений',
    keys: [['j / k', 'Следующее / предыдущее'], ['r', 'Ответить'], ['n', 'Заметка'], ['e', 'Решить'],
      ['a', 'Назначить себе'], ['m', 'Шаблоны'], ['l', 'Вставить ссылку на статью'], ['x', 'Отметить для массовых действий'], ['/', 'Поиск'], ['Ctrl+Enter', 'Отправить'], ['Esc', 'Выйти из редактора'], ['?', 'Эта справка']],
    notify: 'Уведомления на рабочем столе', newAssigned: 'Вам назначено новое обращение', started: 'Обращение создано',
    withdraw: 'Отозвать', invited: 'приглашён', invite: 'Пригласить', inviteLink: 'Ссылка-приглашение', invitations: 'Приглашения', addAgentDirectly: 'Или добавьте сотрудника с паролем', welcome: 'Добро пожаловать в Shopdesk', choosePassword: 'Придумайте пароль не короче 10 символов.', repeatPassword: 'Повторите пароль', join: 'Присоединиться', passwordsDiffer: 'Пароли не совпадают.',
    teams: 'Команды', members: 'Участники', addTeam: 'Создать команду',
    unread: 'Не прочитано',
    settings: 'Настройки', copy: 'Копировать', shownOnce: 'Показывается один раз: сохраните его.', name: 'Имя', role: 'Роль', active: 'Активен', agents: 'Сотрудники', addAgent: 'Добавить сотрудника', inboxToken: 'Токен канала', delete: 'Удалить', webhooks: 'Вебхуки', events: 'События (через запятую, * — все)', addWebhook: 'Добавить вебхук', signingSecret: 'Секрет подписи', revoke: 'Отозвать', apiTokens: 'Ваши API-токены', apiToken: 'API-токен', createToken: 'Создать токен', viewer: 'Наблюдатель', agent: 'Сотрудник', admin: 'Администратор', owner: 'Владелец',
    addInbox: 'Создать канал', kind: 'Тип', kindApi: 'API (ваши системы присылают сообщения)', kindChat: 'Чат-виджет на сайте', snippet: 'Вставьте это перед </body> на каждой странице магазина', widgetSettings: 'Настройки виджета', greeting: 'Приветствие', colour: 'Цвет', prechatForm: 'Спрашивать имя и email перед чатом', requireIdentity: 'Принимать только подтверждённых покупателей (identifier_hash)', businessHours: 'Часы работы (например 09:00-17:00; пусто — выходной)', alwaysOpen: 'Всегда открыто', save: 'Сохранить', saved: 'Сохранено.', identitySecret: 'Ключ подписи личности (HMAC-SHA256 от id покупателя)', visitor: 'Посетитель', currentPage: 'Сейчас на', referrer: 'Пришёл с', browser: 'Браузер', pagesVisited: 'Страницы за визит', customerTyping: 'Покупатель печатает…', unverified: 'не подтверждён', verifiedId: 'Подтверждённый id в магазине', mon: 'Пн', tue: 'Вт', wed: 'Ср', thu: 'Чт', fri: 'Пт', sat: 'Сб', sun: 'Вс',
    smtpSettings: 'Исходящая почта (SMTP)', smtpHost: 'Сервер', smtpPort: 'Порт', smtpSecurity: 'Защита', smtpUser: 'Имя пользователя', security_starttls: 'STARTTLS (587)', security_tls: 'TLS (465)', security_none: 'Нет (только локальный релей)',
    kindEmail: 'Адрес почты', emailAddress: 'Адрес', emailHook: 'принимает письма от почтовых сервисов (X-Inbox-Token); SMTP/LMTP: smtp_port в настройках', quarantine: 'Письма, которые не удалось принять', replay: 'Повторить',
    mergedFrom: 'Сюда объединено другое обращение',
    mergeInto: 'Объединить это обращение с', mergeHere: 'Объединить сюда',
    team: 'Команда', noTeam: 'Без команды',
    attach: 'Прикрепить файлы', attachments: 'Вложения', remove: 'Убрать',
    inboxes: 'Каналы', bulkActions: 'Действия с отмеченными обращениями', pick: 'Отметить', picked: 'отмечено', assignToMe: 'Назначить себе',
  },
  hr: {
    signIn: 'Prijava', signOut: 'Odjava', email: 'E-pošta', password: 'Lozinka',
    testConnection: 'Provjeri vezu', channel_telegram_bot_token: 'Token bota', channel_telegram_api_base: 'Bot API poslužitelj', sending: 'Šalje se…',
    channel_whatsapp_phone_number_id: 'ID telefonskog broja', channel_whatsapp_access_token: 'Pristupni token', channel_whatsapp_app_secret: 'Tajni ključ aplikacije', channel_whatsapp_api_base: 'Adresa Graph API-ja', channel_whatsapp_verify_token: 'Token za provjeru',
    workspace: 'Radni prostor', chooseWorkspace: 'Ova e-adresa i lozinka otvaraju više radnih prostora. Odaberite jedan.',
    sessionEnded: 'Sesija je istekla. Prijavite se ponovno; skice su sačuvane.',
    views: 'Prikazi', mine: 'Moji', unassigned: 'Nedodijeljeni', open: 'Otvoreni', pending: 'Na čekanju',
    snoozed: 'Odgođeni', resolved: 'Riješeni', all: 'Svi',
    search: 'Pretraži razgovore', searchResults: 'Rezultati pretrage', newest: 'Najnoviji', oldest: 'Najstariji',
    priority: 'Prioritet', sort: 'Poredak', loadMore: 'Učitaj još', noConversations: 'Ovdje nema ničega.',
    selectConversation: 'Odaberite razgovor ili pritisnite j za prvi.',
    earlierMessages: 'Prikaži ranije poruke',
    reply: 'Odgovor', note: 'Interna bilješka', send: 'Pošalji', addNote: 'Dodaj bilješku',
    replyPlaceholder: 'Napišite odgovor kupcu…', notePlaceholder: 'Bilješka koju vidi samo tim…',
    status: 'Status', assignee: 'Zadužen', nobody: 'Nitko', tags: 'Oznake', addTag: 'Dodaj oznaku',
    removeTag: 'Ukloni oznaku', snooze: 'Odgodi', snoozeUntil: 'Odgodi do', resolve: 'Riješi', reopen: 'Ponovno otvori',
    low: 'Nizak', normal: 'Normalan', high: 'Visok', urgent: 'Hitan',
    customer: 'Kupac', pastConversations: 'Razgovori', identities: 'Identiteti',
    classification: 'Klasifikacija', intent: 'Namjera', sentiment: 'Raspoloženje', language: 'Jezik',
    internal: 'Interna bilješka', failed: 'Nije isporučeno', queued: 'Šalje se', sent: 'Poslano', delivered: 'Isporučeno', read: 'Pročitano',
    viewing: 'pregledava', typing: 'piše…', connectionLost: 'Ažuriranja su pauzirana; ponovno povezivanje…',
    shortcuts: 'Tipkovnički prečaci', close: 'Zatvori', messages: 'poruka',
    keys: [['j / k', 'Sljedeći / prethodni'], ['r', 'Odgovori'], ['n', 'Bilješka'], ['e', 'Riješi'],
      ['a', 'Dodijeli meni'], ['m', 'Predlošci'], ['l', 'Umetni predloženi članak'], ['x', 'Označi za skupne radnje'], ['/', 'Pretraga'], ['Ctrl+Enter', 'Pošalji'], ['Esc', 'Izađi iz uređivača'], ['?', 'Ova pomoć']],
    notify: 'Obavijesti na radnoj površini', newAssigned: 'Dodijeljen vam je novi razgovor', started: 'Razgovor započet',
    withdraw: 'Povuci', invited: 'pozvan', invite: 'Pošalji pozivnicu', inviteLink: 'Poveznica pozivnice', invitations: 'Pozivnice', addAgentDirectly: 'Ili dodajte agenta s lozinkom', welcome: 'Dobro došli u Shopdesk', choosePassword: 'Odaberite lozinku od barem 10 znakova.', repeatPassword: 'Ponovite lozinku', join: 'Pridruži se', passwordsDiffer: 'Lozinke se razlikuju.',
    teams: 'Timovi', members: 'Članovi', addTeam: 'Stvori tim',
    unread: 'Nepročitano',
    settings: 'Postavke', copy: 'Kopiraj', shownOnce: 'Prikazuje se samo jednom: spremite ga na sigurno.', name: 'Ime', role: 'Uloga', active: 'Aktivan', agents: 'Agenti', addAgent: 'Dodaj agenta', inboxToken: 'Token pretinca', delete: 'Obriši', webhooks: 'Webhookovi', events: 'Događaji (odvojeni zarezom, * za sve)', addWebhook: 'Dodaj webhook', signingSecret: 'Tajna za potpis', revoke: 'Opozovi', apiTokens: 'Vaši API tokeni', apiToken: 'API token', createToken: 'Stvori token', viewer: 'Promatrač', agent: 'Agent', admin: 'Administrator', owner: 'Vlasnik',
    addInbox: 'Stvori pretinac', kind: 'Vrsta', kindApi: 'API (vaši sustavi šalju poruke)', kindChat: 'Chat widget na vašoj stranici', snippet: 'Zalijepite ovo prije </body> na svakoj stranici trgovine', widgetSettings: 'Postavke widgeta', greeting: 'Pozdrav', colour: 'Boja', prechatForm: 'Pitaj ime i e-adresu prije razgovora', requireIdentity: 'Prihvati samo provjerene identitete kupaca (identifier_hash)', businessHours: 'Radno vrijeme (npr. 09:00-17:00; prazno = zatvoreno)', alwaysOpen: 'Uvijek otvoreno', save: 'Spremi', saved: 'Spremljeno.', identitySecret: 'Ključ za potpis identiteta (HMAC-SHA256 id-a kupca)', visitor: 'Posjetitelj', currentPage: 'Sada na', referrer: 'Došao s', browser: 'Preglednik', pagesVisited: 'Stranice u ovom posjetu', customerTyping: 'Kupac piše…', unverified: 'nije provjereno', verifiedId: 'Provjereni id u trgovini', mon: 'Pon', tue: 'Uto', wed: 'Sri', thu: 'Čet', fri: 'Pet', sat: 'Sub', sun: 'Ned',
    smtpSettings: 'Odlazna pošta (SMTP)', smtpHost: 'Poslužitelj', smtpPort: 'Port', smtpSecurity: 'Zaštita', smtpUser: 'Korisničko ime', security_starttls: 'STARTTLS (587)', security_tls: 'TLS (465)', security_none: 'Bez (samo lokalni relej)',
    kindEmail: 'Adresa e-pošte', emailAddress: 'Adresa', emailHook: 'prima sirovu poštu od pružatelja (X-Inbox-Token); SMTP/LMTP: smtp_port u konfiguraciji', quarantine: 'Pošta koja nije mogla biti primljena', replay: 'Pokušaj ponovno',
    mergedFrom: 'Ovdje je spojen drugi razgovor',
    mergeInto: 'Spoji ovaj razgovor u', mergeHere: 'Spoji ovdje',
    team: 'Tim', noTeam: 'Bez tima',
    attach: 'Priloži datoteke', attachments: 'Privici', remove: 'Ukloni',
    inboxes: 'Pretinci', bulkActions: 'Radnje nad označenim razgovorima', pick: 'Označi', picked: 'označeno', assignToMe: 'Dodijeli meni',
  },
};

for (const [language, strings] of [...Object.entries(automationStrings), ...Object.entries(commerceStrings), ...Object.entries(helpStrings),
  ...Object.entries(channelStrings), ...Object.entries(conversationStrings),
  ...Object.entries(labelStrings)]) Object.assign(bundles[language], strings);

let locale = 'en';
let timeZone = undefined;

export function setLocale(value, zone) {
  locale = bundles[value] ? value : 'en';
  timeZone = zone || undefined;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

/// The agent's language before sign-in: the browser's, if we have it.
export function browserLocale() {
  for (const language of navigator.languages || [navigator.language]) {
    if (bundles[language]) return language;
    const base = language.split('-')[0];
    if (base === 'pt') return 'pt-BR';
    if (bundles[base]) return base;
  }
  return 'en';
}

export function t(key) {
  return bundles[locale][key] ?? bundles.en[key] ?? key;
}

/** An intent or mood as the models name it (`order_status`), in the agent's language; one the
 * app does not know (a workspace's own) in words. */
export function label(kind, name) {
  const key = `${kind}.${name}`;
  const text = t(key);
  return text === key ? name.replaceAll('_', ' ') : text;
}

export function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  const sameDay = new Date().toDateString() === date.toDateString();
  /** @type {Intl.DateTimeFormatOptions} */
  const options = sameDay ? { hour: '2-digit', minute: '2-digit' } : { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' };
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(locale, options).format(date);
  }
}

export function formatNumber(value) {
  return new Intl.NumberFormat(locale).format(value);
}

/** A span of minutes as people say it in the agent's language: "45 min", "3 h", "2 d" (or "3 ч", "2 dana"). */
export function formatMinutes(minutes) {
  const [value, unit] = minutes < 90 ? [minutes, 'minute'] : minutes < 48 * 60 ? [Math.round(minutes / 60), 'hour'] : [Math.round(minutes / 1440), 'day'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}

/// Money from minor units (integers) in the reader's locale: 10380 EUR → "€103.80".
export function formatMoney(amount) {
  if (!amount) return '';
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency: amount.currency });
    const digits = format.resolvedOptions().maximumFractionDigits;
    return format.format(amount.minor / 10 ** digits);
  } catch {
    return `${amount.minor} ${amount.currency}`;
  }
}

/// How many minor-unit digits a currency has (2 for EUR, 0 for JPY).
export function minorDigits(currency) {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/// The decimal string the API takes for an amount ("49.00"), from minor units.
export function decimalAmount(amount) {
  const digits = minorDigits(amount.currency);
  return (amount.minor / 10 ** digits).toFixed(digits);
}
