// Strings added with comment conversations and after: the post beside the thread, public and
// private replies, hiding and deleting customers' comments on the shop's Facebook and Instagram
// posts; a conversation's title when it has no subject nor intent; and server errors the app
// translates by their code (`error.<code>`).

export const conversationStrings = {
  en: {
    post: 'Post', postLoading: 'Reading the post from the channel…', openPost: 'Open the post', comment: 'Comment',
    commentHidden: 'Hidden', commentVisible: 'Shown', commentDeleted: 'Deleted', hideComment: 'Hide', unhideComment: 'Show again', deleteComment: 'Delete',
    confirmDeleteComment: 'Confirm: delete the comment', publicReply: 'Public reply', privateReply: 'Private message',
    publicReplyHelp: 'Everyone sees it under the comment.',
    privateReplyHelp: 'Sent to the customer\'s inbox, once per comment and within 7 days of it; their answer arrives as a direct message.',
    replyVisibility: 'Where the reply goes', conversationNumber: 'Conversation #{number}',
    'error.wrong_credentials': 'The email or password is wrong.', 'error.too_many_signins': 'Too many failed sign-ins. Try again in {seconds} seconds.',
    'error.unreachable': 'The server cannot be reached. Check your connection; nothing was changed.',
    'error.nothing_to_change': 'Nothing to change: choose a status, a snooze time, a priority, an assignee, a team or tags first.',
  },
  'pt-BR': {
    post: 'Publicação', postLoading: 'Lendo a publicação no canal…', openPost: 'Abrir a publicação', comment: 'Comentário',
    commentHidden: 'Oculto', commentVisible: 'Visível', commentDeleted: 'Excluído', hideComment: 'Ocultar', unhideComment: 'Mostrar de novo', deleteComment: 'Excluir',
    confirmDeleteComment: 'Confirmar: excluir o comentário', publicReply: 'Resposta pública', privateReply: 'Mensagem privada',
    publicReplyHelp: 'Todos veem a resposta abaixo do comentário.',
    privateReplyHelp: 'Vai para a caixa de mensagens do cliente, uma vez por comentário e até 7 dias depois dele; a resposta chega como mensagem direta.',
    replyVisibility: 'Para onde vai a resposta', conversationNumber: 'Conversa #{number}',
    'error.wrong_credentials': 'O e-mail ou a senha estão errados.', 'error.too_many_signins': 'Muitas tentativas de entrada falharam. Tente de novo em {seconds} segundos.',
    'error.unreachable': 'Não foi possível falar com o servidor. Verifique a sua conexão; nada foi alterado.',
    'error.nothing_to_change': 'Nada a alterar: escolha antes um status, um adiamento, uma prioridade, um responsável, uma equipe ou etiquetas.',
  },
  ru: {
    post: 'Публикация', postLoading: 'Загружаем публикацию из канала…', openPost: 'Открыть публикацию', comment: 'Комментарий',
    commentHidden: 'Скрыт', commentVisible: 'Показан', commentDeleted: 'Удалён', hideComment: 'Скрыть', unhideComment: 'Показать снова', deleteComment: 'Удалить',
    confirmDeleteComment: 'Подтвердить: удалить комментарий', publicReply: 'Публичный ответ', privateReply: 'Личное сообщение',
    publicReplyHelp: 'Ответ увидят все под комментарием.',
    privateReplyHelp: 'Уйдёт в личные сообщения клиента, один раз на комментарий и не позже 7 дней после него; ответ клиента придёт личным сообщением.',
    replyVisibility: 'Куда уйдёт ответ', conversationNumber: 'Обращение №{number}',
    'error.wrong_credentials': 'Неверная почта или пароль.', 'error.too_many_signins': 'Слишком много неудачных попыток входа. Попробуйте снова через {seconds} с.',
    'error.unreachable': 'Сервер недоступен. Проверьте подключение; ничего не изменено.',
    'error.nothing_to_change': 'Нечего менять: сначала выберите статус, отложение, приоритет, ответственного, команду или теги.',
  },
  hr: {
    post: 'Objava', postLoading: 'Učitavamo objavu s kanala…', openPost: 'Otvori objavu', comment: 'Komentar',
    commentHidden: 'Skriven', commentVisible: 'Prikazan', commentDeleted: 'Obrisan', hideComment: 'Sakrij', unhideComment: 'Ponovno prikaži', deleteComment: 'Obriši',
    confirmDeleteComment: 'Potvrdi: obriši komentar', publicReply: 'Javni odgovor', privateReply: 'Privatna poruka',
    publicReplyHelp: 'Svi ga vide ispod komentara.',
    privateReplyHelp: 'Stiže u kupčev pretinac poruka, jednom po komentaru i najkasnije 7 dana nakon njega; kupčev odgovor stiže kao izravna poruka.',
    replyVisibility: 'Kamo ide odgovor', conversationNumber: 'Razgovor #{number}',
    'error.wrong_credentials': 'E-adresa ili lozinka nisu točni.', 'error.too_many_signins': 'Previše neuspjelih prijava. Pokušajte ponovno za {seconds} s.',
    'error.unreachable': 'Poslužitelj nije dostupan. Provjerite vezu; ništa nije promijenjeno.',
    'error.nothing_to_change': 'Nema promjena: najprije odaberite status, odgodu, prioritet, zaduženog agenta, tim ili oznake.',
  },
};
