// Strings of the messaging channels added after Telegram and WhatsApp: their settings fields
// (`channel_<kind>_<key>`, as channel-settings.js looks them up) and the composer's SMS count.

export const channelStrings = {
  en: {
    chatLinks: 'Link to chat on Telegram as this customer', noChatLinks: 'No Telegram inbox.',
    channel_messenger_page_id: 'Page ID', channel_messenger_page_access_token: 'Page access token', channel_messenger_app_secret: 'App secret', channel_messenger_api_base: 'Graph API address', channel_messenger_verify_token: 'Verify token', channel_instagram_page_id: 'Page ID', channel_instagram_page_access_token: 'Page access token', channel_instagram_app_secret: 'App secret', channel_instagram_api_base: 'Graph API address', channel_instagram_verify_token: 'Verify token',
    templateWindow: '{channel} lets a business write only within {hours} hours of the customer\'s last message, and that time has passed: send an approved template instead.', template: 'Template', chooseTemplate: 'Choose a template…', noTemplates: 'No approved templates (set the Business Account ID in the inbox\'s settings)', sendTemplate: 'Send template',
    sameCustomerAs: 'Same person as…', sameCustomerHelp: 'Find them by name, email or phone; their conversations and channels become one customer.', findCustomer: 'Name, email or phone', mergeCustomer: 'Same person', confirmMergeCustomer: 'Confirm: merge into this customer', noCustomerFound: 'No other customer matches.', externalId: 'Shop ID',
    channel_viber_auth_token: 'Auth token', channel_viber_sender_name: 'Sender name', channel_viber_api_base: 'API address',
    channel_sms_account_sid: 'Account SID', channel_sms_auth_token: 'Auth token', channel_sms_from: 'Sender', channel_sms_api_base: 'API address',
    smsCount: '{count} SMS ({encoding}, {per} characters each)',
  },
  'pt-BR': {
    chatLinks: 'Link para conversar no Telegram como este cliente', noChatLinks: 'Nenhuma caixa do Telegram.',
    channel_messenger_page_id: 'ID da Página', channel_messenger_page_access_token: 'Token de acesso da Página', channel_messenger_app_secret: 'Chave secreta do app', channel_messenger_api_base: 'Endereço da Graph API', channel_messenger_verify_token: 'Token de verificação', channel_instagram_page_id: 'ID da Página', channel_instagram_page_access_token: 'Token de acesso da Página', channel_instagram_app_secret: 'Chave secreta do app', channel_instagram_api_base: 'Endereço da Graph API', channel_instagram_verify_token: 'Token de verificação',
    templateWindow: 'O {channel} só permite que uma empresa escreva até {hours} horas depois da última mensagem do cliente, e esse prazo passou: envie um modelo aprovado.', template: 'Modelo', chooseTemplate: 'Escolha um modelo…', noTemplates: 'Nenhum modelo aprovado (informe o ID da conta do WhatsApp Business nas configurações da caixa)', sendTemplate: 'Enviar modelo',
    sameCustomerAs: 'Mesma pessoa que…', sameCustomerHelp: 'Encontre pelo nome, e-mail ou telefone; as conversas e os canais passam a ser de um só cliente.', findCustomer: 'Nome, e-mail ou telefone', mergeCustomer: 'Mesma pessoa', confirmMergeCustomer: 'Confirmar: juntar a este cliente', noCustomerFound: 'Nenhum outro cliente corresponde.', externalId: 'ID na loja',
    channel_viber_auth_token: 'Token de autenticação', channel_viber_sender_name: 'Nome do remetente', channel_viber_api_base: 'Endereço da API',
    channel_sms_account_sid: 'SID da conta', channel_sms_auth_token: 'Token de autenticação', channel_sms_from: 'Remetente', channel_sms_api_base: 'Endereço da API',
    smsCount: '{count} SMS ({encoding}, {per} caracteres cada)',
  },
  ru: {
    chatLinks: 'Ссылка на чат в Telegram от имени этого клиента', noChatLinks: 'Нет входящих Telegram.',
    channel_messenger_page_id: 'ID страницы', channel_messenger_page_access_token: 'Токен доступа страницы', channel_messenger_app_secret: 'Секрет приложения', channel_messenger_api_base: 'Адрес Graph API', channel_messenger_verify_token: 'Токен проверки', channel_instagram_page_id: 'ID страницы', channel_instagram_page_access_token: 'Токен доступа страницы', channel_instagram_app_secret: 'Секрет приложения', channel_instagram_api_base: 'Адрес Graph API', channel_instagram_verify_token: 'Токен проверки',
    templateWindow: '{channel} разрешает компании писать только в течение {hours} часов после последнего сообщения клиента, и это время прошло: отправьте одобренный шаблон.', template: 'Шаблон', chooseTemplate: 'Выберите шаблон…', noTemplates: 'Нет одобренных шаблонов (укажите ID аккаунта WhatsApp Business в настройках входящих)', sendTemplate: 'Отправить шаблон',
    sameCustomerAs: 'Тот же человек, что…', sameCustomerHelp: 'Найдите по имени, email или телефону: обращения и каналы станут одним клиентом.', findCustomer: 'Имя, email или телефон', mergeCustomer: 'Тот же человек', confirmMergeCustomer: 'Подтвердить: объединить с этим клиентом', noCustomerFound: 'Других подходящих клиентов нет.', externalId: 'ID в магазине',
    channel_viber_auth_token: 'Токен авторизации', channel_viber_sender_name: 'Имя отправителя', channel_viber_api_base: 'Адрес API',
    channel_sms_account_sid: 'SID аккаунта', channel_sms_auth_token: 'Токен авторизации', channel_sms_from: 'Отправитель', channel_sms_api_base: 'Адрес API',
    smsCount: 'SMS: {count} ({encoding}, по {per} символов)',
  },
  hr: {
    chatLinks: 'Poveznica za chat na Telegramu kao ovaj kupac', noChatLinks: 'Nema Telegram pretinca.',
    channel_messenger_page_id: 'ID stranice', channel_messenger_page_access_token: 'Pristupni token stranice', channel_messenger_app_secret: 'Tajni ključ aplikacije', channel_messenger_api_base: 'Adresa Graph API-ja', channel_messenger_verify_token: 'Token za provjeru', channel_instagram_page_id: 'ID stranice', channel_instagram_page_access_token: 'Pristupni token stranice', channel_instagram_app_secret: 'Tajni ključ aplikacije', channel_instagram_api_base: 'Adresa Graph API-ja', channel_instagram_verify_token: 'Token za provjeru',
    templateWindow: '{channel} dopušta tvrtki pisati samo {hours} h nakon kupčeve zadnje poruke, a to je vrijeme prošlo: pošaljite odobreni predložak.', template: 'Predložak', chooseTemplate: 'Odaberite predložak…', noTemplates: 'Nema odobrenih predložaka (upišite ID WhatsApp Business računa u postavkama pretinca)', sendTemplate: 'Pošalji predložak',
    sameCustomerAs: 'Ista osoba kao…', sameCustomerHelp: 'Pronađite po imenu, e-pošti ili telefonu; razgovori i kanali postaju jedan kupac.', findCustomer: 'Ime, e-pošta ili telefon', mergeCustomer: 'Ista osoba', confirmMergeCustomer: 'Potvrdi: spoji s ovim kupcem', noCustomerFound: 'Nijedan drugi kupac ne odgovara.', externalId: 'ID u trgovini',
    channel_viber_auth_token: 'Token za autentifikaciju', channel_viber_sender_name: 'Ime pošiljatelja', channel_viber_api_base: 'Adresa API-ja',
    channel_sms_account_sid: 'SID računa', channel_sms_auth_token: 'Token za autentifikaciju', channel_sms_from: 'Pošiljatelj', channel_sms_api_base: 'Adresa API-ja',
    smsCount: 'SMS poruka: {count} ({encoding}, po {per} znakova)',
  },
};
