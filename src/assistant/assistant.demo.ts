import type { Assistant } from './assistant.module.js';
import { DEMO_FAQ } from './faq.data.js';

/**
 * The demo workspace's assistant: the bilingual FAQ and a few conversations, so the inbox opens
 * with something in each state (one waiting for a person, one the bot answered, one resolved).
 */
export async function seedDemoAssistant(assistant: Assistant, workspaceId: string, customers: { zh: string | null; en: string | null }): Promise<void> {
  await assistant.kb.import(workspaceId, { format: 'json', content: JSON.stringify(DEMO_FAQ), replace: false });
  const s = assistant.service;
  const first = customers.zh;
  const second = customers.en;

  // A Chinese customer asks after an order, then wants a person: waiting in the inbox.
  const a = { visitorId: 'v_demo_visitor_zh_01', userId: first, trusted: true, language: 'zh' as const };
  await s.customerMessage(workspaceId, { ...a, text: '你好' });
  await s.customerMessage(workspaceId, { ...a, text: '我的订单到哪了？' });
  await s.customerMessage(workspaceId, { ...a, text: '转人工，我想改收货地址' });

  // An English visitor the bot helped on its own.
  const b = { visitorId: 'v_demo_visitor_en_01', userId: null, language: 'en' as const };
  await s.customerMessage(workspaceId, { ...b, text: 'How much does shipping cost?' });
  await s.customerMessage(workspaceId, { ...b, text: 'Thanks!' });

  // A return question an agent answered and closed.
  const c = { visitorId: 'v_demo_visitor_en_02', userId: second, trusted: true, language: 'en' as const };
  const started = await s.customerMessage(workspaceId, { ...c, text: 'I want to talk to a human about a return' });
  const id = started.conversation.id;
  await s.reply(workspaceId, id, 'Hi! I have started the return for you; a courier will collect the parcel tomorrow.', 'user:demo-agent');
  await s.customerMessage(workspaceId, { ...c, text: 'Great, thank you' });
  await s.resolve(workspaceId, id, 'user:demo-agent');
}
