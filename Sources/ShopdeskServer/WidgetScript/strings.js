// The widget's words in the four languages of Shopdesk, chosen from the browser's languages.

const bundles = {
  en: { rate: 'How did we do?', thanks: 'Thank you for your feedback!', open: 'Chat with us', close: 'Close chat', placeholder: 'Write a message…', send: 'Send', attach: 'Attach a file',
    online: 'We reply in a few minutes', away: "We're away right now. Leave your email and we'll answer by email.",
    name: 'Your name', email: 'Your email', start: 'Start chat', typing: '{name} is typing…', someone: 'Someone',
    seen: 'Seen', sending: 'Sending…', failed: 'Not sent yet; will retry', badEmail: 'Please enter a valid email address.',
    reconnecting: 'Reconnecting…', you: 'You', tooBig: 'That file is too large.' },
  pt: { rate: 'Como foi o nosso atendimento?', thanks: 'Obrigado pela avaliação!', open: 'Fale conosco', close: 'Fechar o chat', placeholder: 'Escreva uma mensagem…', send: 'Enviar', attach: 'Anexar um arquivo',
    online: 'Respondemos em poucos minutos', away: 'Estamos ausentes agora. Deixe seu e-mail e responderemos por e-mail.',
    name: 'Seu nome', email: 'Seu e-mail', start: 'Iniciar chat', typing: '{name} está digitando…', someone: 'Alguém',
    seen: 'Visto', sending: 'Enviando…', failed: 'Ainda não enviada; tentaremos de novo', badEmail: 'Informe um e-mail válido.',
    reconnecting: 'Reconectando…', you: 'Você', tooBig: 'Esse arquivo é grande demais.' },
  ru: { rate: 'Как мы вам помогли?', thanks: 'Спасибо за отзыв!', open: 'Напишите нам', close: 'Закрыть чат', placeholder: 'Напишите сообщение…', send: 'Отправить', attach: 'Прикрепить файл',
    online: 'Отвечаем за несколько минут', away: 'Сейчас нас нет на месте. Оставьте email, и мы ответим письмом.',
    name: 'Ваше имя', email: 'Ваш email', start: 'Начать чат', typing: '{name} печатает…', someone: 'Кто-то',
    seen: 'Прочитано', sending: 'Отправка…', failed: 'Пока не отправлено; повторим', badEmail: 'Введите правильный email.',
    reconnecting: 'Переподключение…', you: 'Вы', tooBig: 'Файл слишком большой.' },
  hr: { rate: 'Kako smo vam pomogli?', thanks: 'Hvala na ocjeni!', open: 'Pišite nam', close: 'Zatvori chat', placeholder: 'Napišite poruku…', send: 'Pošalji', attach: 'Priloži datoteku',
    online: 'Odgovaramo za nekoliko minuta', away: 'Trenutačno nismo tu. Ostavite e-adresu i odgovorit ćemo e-poštom.',
    name: 'Vaše ime', email: 'Vaša e-adresa', start: 'Započni razgovor', typing: '{name} piše…', someone: 'Netko',
    seen: 'Viđeno', sending: 'Šalje se…', failed: 'Još nije poslano; pokušat ćemo ponovno', badEmail: 'Upišite ispravnu e-adresu.',
    reconnecting: 'Ponovno povezivanje…', you: 'Vi', tooBig: 'Datoteka je prevelika.' },
};
const language = (navigator.languages || [navigator.language || 'en']).map((l) => String(l).toLowerCase().split('-')[0])
  .map((l) => (l === 'bs' || l === 'sr' ? 'hr' : l)).find((l) => bundles[l]) || 'en';
const t = (name, values = {}) => bundles[language][name].replace(/\{(\w+)\}/g, (_, k) => values[k] ?? '');
