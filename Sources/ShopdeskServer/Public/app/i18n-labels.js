// What the models say about a conversation, in the agent's language: the shipped intent
// taxonomy (`Intents.all`) and the three moods. Keys are `intent.<name>` and `sentiment.<name>`.

export const labelStrings = {
  en: {
    'intent.order_status': 'Order status', 'intent.shipping_delay': 'Shipping delay', 'intent.cancel_order': 'Cancel an order',
    'intent.change_order': 'Change an order', 'intent.change_address': 'Change the address', 'intent.return_request': 'Return',
    'intent.refund_status': 'Refund status', 'intent.exchange_size': 'Exchange a size', 'intent.damaged_wrong_item': 'Damaged or wrong item',
    'intent.payment_problem': 'Payment problem', 'intent.discount_code': 'Discount code', 'intent.product_question': 'Product question',
    'intent.stock_availability': 'In stock?', 'intent.account_login': 'Account or sign-in', 'intent.subscription': 'Subscription',
    'intent.complaint': 'Complaint', 'intent.thanks_praise': 'Thanks or praise', 'intent.other': 'Other',
    'sentiment.positive': 'Positive', 'sentiment.neutral': 'Neutral', 'sentiment.negative': 'Negative',
  },
  'pt-BR': {
    'intent.order_status': 'Status do pedido', 'intent.shipping_delay': 'Atraso na entrega', 'intent.cancel_order': 'Cancelar pedido',
    'intent.change_order': 'Alterar pedido', 'intent.change_address': 'Alterar endereço', 'intent.return_request': 'Devolução',
    'intent.refund_status': 'Status do reembolso', 'intent.exchange_size': 'Troca de tamanho', 'intent.damaged_wrong_item': 'Item danificado ou errado',
    'intent.payment_problem': 'Problema no pagamento', 'intent.discount_code': 'Cupom de desconto', 'intent.product_question': 'Dúvida sobre produto',
    'intent.stock_availability': 'Disponibilidade', 'intent.account_login': 'Conta ou login', 'intent.subscription': 'Assinatura',
    'intent.complaint': 'Reclamação', 'intent.thanks_praise': 'Agradecimento ou elogio', 'intent.other': 'Outro',
    'sentiment.positive': 'Positivo', 'sentiment.neutral': 'Neutro', 'sentiment.negative': 'Negativo',
  },
  ru: {
    'intent.order_status': 'Статус заказа', 'intent.shipping_delay': 'Задержка доставки', 'intent.cancel_order': 'Отмена заказа',
    'intent.change_order': 'Изменение заказа', 'intent.change_address': 'Смена адреса', 'intent.return_request': 'Возврат',
    'intent.refund_status': 'Статус возврата денег', 'intent.exchange_size': 'Обмен размера', 'intent.damaged_wrong_item': 'Брак или не тот товар',
    'intent.payment_problem': 'Проблема с оплатой', 'intent.discount_code': 'Промокод', 'intent.product_question': 'Вопрос о товаре',
    'intent.stock_availability': 'Наличие', 'intent.account_login': 'Аккаунт или вход', 'intent.subscription': 'Подписка',
    'intent.complaint': 'Жалоба', 'intent.thanks_praise': 'Благодарность', 'intent.other': 'Другое',
    'sentiment.positive': 'Позитивный', 'sentiment.neutral': 'Нейтральный', 'sentiment.negative': 'Негативный',
  },
  hr: {
    'intent.order_status': 'Status narudžbe', 'intent.shipping_delay': 'Kašnjenje dostave', 'intent.cancel_order': 'Otkazivanje narudžbe',
    'intent.change_order': 'Izmjena narudžbe', 'intent.change_address': 'Promjena adrese', 'intent.return_request': 'Povrat',
    'intent.refund_status': 'Status povrata novca', 'intent.exchange_size': 'Zamjena veličine', 'intent.damaged_wrong_item': 'Oštećen ili pogrešan artikl',
    'intent.payment_problem': 'Problem s plaćanjem', 'intent.discount_code': 'Kod za popust', 'intent.product_question': 'Pitanje o proizvodu',
    'intent.stock_availability': 'Dostupnost', 'intent.account_login': 'Račun ili prijava', 'intent.subscription': 'Pretplata',
    'intent.complaint': 'Pritužba', 'intent.thanks_praise': 'Zahvala ili pohvala', 'intent.other': 'Ostalo',
    'sentiment.positive': 'Pozitivno', 'sentiment.neutral': 'Neutralno', 'sentiment.negative': 'Negativno',
  },
};
