import type { HandoffReason } from './dialogue.js';
import type { RecentOrder } from './assistant.schema.js';

export type Lang = 'zh' | 'en';

/** The bot's own sentences, in the conversation's language. */
export const REPLIES = {
  greeting: { en: 'Hello! I am the shop assistant. Ask me about orders, shipping, returns or products.', zh: '您好！我是智能客服，可以帮您查询订单、配送、退换货和商品问题。' },
  thanks: { en: 'You are welcome! Anything else I can help with?', zh: '不客气！还有其他可以帮您的吗？' },
  clarify: { en: 'I am not sure I understood. Did you mean:', zh: '我不太确定您的意思，您是想问：' },
  noAnswer: { en: 'Sorry, I could not find an answer to that. Could you rephrase it, or ask for a person?', zh: '抱歉，我没有找到答案。您可以换个说法，或者输入“转人工”联系人工客服。' },
  waiting: { en: 'A colleague will reply here shortly.', zh: '客服人员会尽快在这里回复您，请稍候。' },
  noOrders: { en: 'I cannot see an order linked to this chat yet. If you have an account, sign in on the site and ask again, or ask for a person.', zh: '暂时没有查到与您关联的订单。如果您有账号，请登录后再问一次，或输入“转人工”。' },
  resolved: { en: 'This conversation was marked as resolved. Write again any time.', zh: '本次会话已结束，如有问题欢迎随时再来咨询。' },
} as const;

const HANDOFF: Record<HandoffReason, { en: string; zh: string }> = {
  requested: { en: 'Of course, I am connecting you with a person.', zh: '好的，正在为您转接人工客服。' },
  negative_sentiment: { en: 'I am sorry about this. Let me bring in a colleague who can help.', zh: '非常抱歉给您带来不好的体验，马上为您转接人工客服。' },
  complaint: { en: 'I am sorry to hear that. A colleague will look into it personally.', zh: '很抱歉让您不满意，我们的客服人员会亲自为您处理。' },
  failed_answers: { en: 'I have not been able to help so far, so I am passing you to a colleague.', zh: '抱歉没能帮到您，正在为您转接人工客服。' },
};

export const handoffReply = (reason: HandoffReason, lang: Lang): string => `${HANDOFF[reason][lang]}${lang === 'zh' ? '' : ' '}${REPLIES.waiting[lang]}`;

const STATUS: Record<string, { en: string; zh: string }> = {
  placed: { en: 'placed, waiting to ship', zh: '已下单，等待发货' },
  shipped: { en: 'shipped', zh: '已发货' },
  delivered: { en: 'delivered', zh: '已签收' },
  cancelled: { en: 'cancelled', zh: '已取消' },
  refunded: { en: 'refunded', zh: '已退款' },
};

/** The order-status answer, from the customer's latest order. */
export function orderStatusReply(order: RecentOrder, lang: Lang, extra: { carrier?: string | null; tracking?: string | null }): string {
  const status = STATUS[order.status]?.[lang] ?? order.status;
  const date = order.placedAt.slice(0, 10);
  const total = order.total !== null ? `${order.currency ?? ''} ${order.total.toFixed(2)}`.trim() : null;
  if (lang === 'zh') {
    let s = `您最近的订单 ${order.orderId}（${date} 下单${total ? `，金额 ${total}` : ''}）状态：${status}。`;
    if (extra.tracking) s += ` 物流：${extra.carrier ?? ''} ${extra.tracking}。`;
    return s;
  }
  let s = `Your latest order ${order.orderId} (placed ${date}${total ? `, ${total}` : ''}) is ${status}.`;
  if (extra.tracking) s += ` Tracking: ${extra.carrier ?? ''} ${extra.tracking}.`.replace('  ', ' ');
  return s;
}
