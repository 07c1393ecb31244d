// Strings of the messaging channels added after Telegram and WhatsApp: their settings fields
// (`channel_<kind>_<key>`, as channel-settings.js looks them up) and the composer's SMS count.

export const channelStrings = {
  en: {
    channel_viber_auth_token: 'Auth token', channel_viber_sender_name: 'Sender name', channel_viber_api_base: 'API address',
    channel_sms_account_sid: 'Account SID', channel_sms_auth_token: 'Auth token', channel_sms_from: 'Sender', channel_sms_api_base: 'API address',
    smsCount: '{count} SMS ({encoding}, {per} characters each)',
  },
  'pt-BR': {
    channel_viber_auth_token: 'Token de autenticação', channel_viber_sender_name: 'Nome do remetente', channel_viber_api_base: 'Endereço da API',
    channel_sms_account_sid: 'SID da conta', channel_sms_auth_token: 'Token de autenticação', channel_sms_from: 'Remetente', channel_sms_api_base: 'Endereço da API',
    smsCount: '{count} SMS ({encoding}, {per} caracteres cada)',
  },
  ru: {
    channel_viber_auth_token: 'Токен авторизации', channel_viber_sender_name: 'Имя отправителя', channel_viber_api_base: 'Адрес API',
    channel_sms_account_sid: 'SID аккаунта', channel_sms_auth_token: 'Токен авторизации', channel_sms_from: 'Отправитель', channel_sms_api_base: 'Адрес API',
    smsCount: 'SMS: {count} ({encoding}, по {per} символов)',
  },
  hr: {
    channel_viber_auth_token: 'Token za autentifikaciju', channel_viber_sender_name: 'Ime pošiljatelja', channel_viber_api_base: 'Adresa API-ja',
    channel_sms_account_sid: 'SID računa', channel_sms_auth_token: 'Token za autentifikaciju', channel_sms_from: 'Pošiljatelj', channel_sms_api_base: 'Adresa API-ja',
    smsCount: 'SMS poruka: {count} ({encoding}, po {per} znakova)',
  },
};
