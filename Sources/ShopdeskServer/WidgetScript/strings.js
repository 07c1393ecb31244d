// The widget's words in the four languages of Shopdesk, chosen from the browser's languages.

const bundles = {
  en: { 'choice.yes': 'Yes', 'choice.no': 'No', dismiss: 'Close', reply: 'Reply', copy: 'Copy', copied: 'Copied', returnItems: 'Return items', bot: 'Bot', 'choice.helped': 'That answered it', 'choice.person': 'Talk to a person', track: 'Track an order', orderNumber: 'Order number', orderEmail: 'Email used for the order', lookUp: 'Look up', backToChat: 'Back to chat', placed: 'Placed {date}', trackShipment: 'Track the parcel', 'st.preparing': 'Being prepared', 'st.partial': 'Partly shipped', 'st.shipped': 'Shipped', 'st.cancelled': 'Cancelled', 'st.hold': 'On hold', 'st.unpaid': 'Awaiting payment', 'st.refunded': 'Refunded', 
    rate: 'How did we do?', thanks: 'Thank you for your feedback!', open: 'Chat with us', close: 'Close chat', placeholder: 'Write a message…', send: 'Send', attach: 'Attach a file',
    online: 'We reply in a few minutes', away: "We're away right now. Leave your email and we'll answer by email.",
    name: 'Your name', email: 'Your email', start: 'Start chat', typing: '{name} is typing…', someone: 'Someone',
    seen: 'Seen', sending: 'Sending…', failed: 'Not sent yet; will retry', badEmail: 'Please enter a valid email address.',
    reconnecting: 'Reconnecting…', you: 'You', tooBig: 'That file is too large.' },
  pt: { 'choice.yes': 'Sim', 'choice.no': 'Não', dismiss: 'Fechar', reply: 'Responder', copy: 'Copiar', copied: 'Copiado', returnItems: 'Devolver artigos', bot: 'Bot', 'choice.helped': 'Isso resolveu', 'choice.person': 'Falar com uma pessoa', track: 'Rastrear um pedido', orderNumber: 'Número do pedido', orderEmail: 'E-mail usado no pedido', lookUp: 'Consultar', backToChat: 'Voltar ao chat', placed: 'Feito em {date}', trackShipment: 'Rastrear o pacote', 'st.preparing': 'Em preparação', 'st.partial': 'Enviado em parte', 'st.shipped': 'Enviado', 'st.cancelled': 'Cancelado', 'st.hold': 'Em espera', 'st.unpaid': 'Aguardando pagamento', 'st.refunded': 'Reembolsado', 
    rate: 'Como foi o nosso atendimento?', thanks: 'Obrigado pela avaliação!', open: 'Fale conosco', close: 'Fechar o chat', placeholder: 'Escreva uma mensagem…', send: 'Enviar', attach: 'Anexar um arquivo',
    online: 'Respondemos em poucos minutos', away: 'Estamos ausentes agora. Deixe seu e-mail e responderemos por e-mail.',
    name: 'Seu nome', email: 'Seu e-mail', start: 'Iniciar chat', typing: '{name} está digitando…', someone: 'Alguém',
    seen: 'Visto', sending: 'Enviando…', failed: 'Ainda não enviada; tentaremos de novo', badEmail: 'Informe um e-mail válido.',
    reconnecting: 'Reconectando…', you: 'Você', tooBig: 'Esse arquivo é grande demais.' },
  ru: { 'choice.yes': 'Да', 'choice.no': 'Нет', dismiss: 'Закрыть', reply: 'Ответить', copy: 'Копировать', copied: 'Скопировано', returnItems: 'Вернуть товары', bot: 'Бот', 'choice.helped': 'Это помогло', 'choice.person': 'Позвать человека', track: 'Отследить заказ', orderNumber: 'Номер заказа', orderEmail: 'Email, указанный в заказе', lookUp: 'Найти', backToChat: 'Назад в чат', placed: 'Оформлен {date}', trackShipment: 'Отследить посылку', 'st.preparing': 'Собирается', 'st.partial': 'Отправлен частично', 'st.shipped': 'Отправлен', 'st.cancelled': 'Отменён', 'st.hold': 'Приостановлен', 'st.unpaid': 'Ждёт оплаты', 'st.refunded': 'Деньги возвращены', 
    rate: 'Как мы вам помогли?', thanks: 'Спасибо за отзыв!', open: 'Напишите нам', close: 'Закрыть чат', placeholder: 'Напишите сообщение…', send: 'Отправить', attach: 'Прикрепить файл',
    online: 'Отвечаем за несколько минут', away: 'Сейчас нас нет на месте. Оставьте email, и мы ответим письмом.',
    name: 'Ваше имя', email: 'Ваш email', start: 'Начать чат', typing: '{name} печатает…', someone: 'Кто-то',
    seen: 'Прочитано', sending: 'Отправка…', failed: 'Пока не отправлено; повторим', badEmail: 'Введите правильный email.',
    reconnecting: 'Переподключение…', you: 'Вы', tooBig: 'Файл слишком большой.' },
  hr: { 'choice.yes': 'Da', 'choice.no': 'Ne', dismiss: 'Zatvori', reply: 'Odgovori', copy: 'Kopiraj', copied: 'Kopirano', returnItems: 'Vrati artikle', bot: 'Bot', 'choice.helped': 'To je pomoglo', 'choice.person': 'Razgovarati s osobom', track: 'Praćenje narudžbe', orderNumber: 'Broj narudžbe', orderEmail: 'E-adresa iz narudžbe', lookUp: 'Provjeri', backToChat: 'Natrag na chat', placed: 'Naručeno {date}', trackShipment: 'Prati paket', 'st.preparing': 'U pripremi', 'st.partial': 'Djelomično poslano', 'st.shipped': 'Poslano', 'st.cancelled': 'Otkazano', 'st.hold': 'Na čekanju', 'st.unpaid': 'Čeka plaćanje', 'st.refunded': 'Novac vraćen', 
    rate: 'Kako smo vam pomogli?', thanks: 'Hvala na ocjeni!', open: 'Pišite nam', close: 'Zatvori chat', placeholder: 'Napišite poruku…', send: 'Pošalji', attach: 'Priloži datoteku',
    online: 'Odgovaramo za nekoliko minuta', away: 'Trenutačno nismo tu. Ostavite e-adresu i odgovorit ćemo e-poštom.',
    name: 'Vaše ime', email: 'Vaša e-adresa', start: 'Započni razgovor', typing: '{name} piše…', someone: 'Netko',
    seen: 'Viđeno', sending: 'Šalje se…', failed: 'Još nije poslano; pokušat ćemo ponovno', badEmail: 'Upišite ispravnu e-adresu.',
    reconnecting: 'Ponovno povezivanje…', you: 'Vi', tooBig: 'Datoteka je prevelika.' },
};
const language = (navigator.languages || [navigator.language || 'en']).map((l) => String(l).toLowerCase().split('-')[0])
  .map((l) => (l === 'bs' || l === 'sr' ? 'hr' : l)).find((l) => bundles[l]) || 'en';
const t = (name, values = {}) => bundles[language][name].replace(/\{(\w+)\}/g, (_, k) => values[k] ?? '');
