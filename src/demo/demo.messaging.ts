import type { Journeys } from '../journeys/journey.module.js';
import type { JourneyDefinitionInput } from '../journeys/journey.schema.js';
import type { Messaging } from '../messaging/messaging.module.js';
import type { TemplateInput } from '../messaging/template.schema.js';

const ACTOR = 'demo';

/** A bilingual thank-you email for the demo's order journey. */
const thankYou = (groupId: string): TemplateInput => ({
  name: 'Thank you for your order · 感谢下单',
  description: 'Sent right after an order; greets the customer by name in their language.',
  kind: 'marketing',
  subscriptionGroupId: groupId,
  defaultLocale: 'zh',
  body: {
    channel: 'email',
    content: {
      en: {
        subject: 'Thank you, {{ profile.traits.name | default: "friend" }}!',
        preheader: 'Your order is on its way.',
        html: '<p>Hi {{ profile.traits.name | default: "there" }},</p><p>Thank you for your order of {{ event.properties.total | money }}. We will let you know when it ships.</p>{% recommend n: 3 %}<p><a href="{{ message.unsubscribeUrl }}">Unsubscribe</a></p>',
      },
      zh: {
        subject: '{{ profile.traits.name | default: "亲爱的顾客" }}，感谢您的订单！',
        preheader: '您的订单正在准备发货。',
        html: '<p>{{ profile.traits.name | default: "您好" }}，</p><p>感谢您下单，订单金额 {{ event.properties.total | money }}。发货后我们会第一时间通知您。</p>{% recommend n: 3 %}<p><a href="{{ message.unsubscribeUrl }}">退订</a></p>',
      },
    },
  },
});

/** A follow-up offer three days later. */
const comeBack = (groupId: string): TemplateInput => ({
  name: 'A little something for next time · 下次购物礼',
  kind: 'marketing',
  subscriptionGroupId: groupId,
  defaultLocale: 'zh',
  body: {
    channel: 'email',
    content: {
      en: { subject: '10% off your next order', html: '<p>Hi {{ profile.traits.name | default: "there" }}, here is 10% off your next order: <b>THANKS10</b>.</p><p><a href="{{ message.unsubscribeUrl }}">Unsubscribe</a></p>' },
      zh: { subject: '下次购物享九折', html: '<p>{{ profile.traits.name | default: "您好" }}，下次购物使用优惠码 <b>THANKS10</b> 享九折。</p><p><a href="{{ message.unsubscribeUrl }}">退订</a></p>' },
    },
  },
});

const reminderSms: TemplateInput = {
  name: 'Cart reminder SMS · 购物车提醒短信',
  kind: 'marketing',
  defaultLocale: 'zh',
  body: {
    channel: 'sms',
    content: {
      en: { text: '{{ profile.traits.name | default: "Hi" }}, your cart is waiting for you. Reply STOP to opt out.' },
      zh: { text: '{{ profile.traits.name | default: "您好" }}，您的购物车还有商品等您结算。回复 TD 退订。' },
    },
  },
};

/**
 * Messaging examples a newcomer finds in the demo workspace: a newsletter group, templates in both
 * languages, a published order journey and a draft broadcast. No SMTP server is configured, so
 * nothing leaves the machine until the user sets one up under Settings.
 */
export async function seedDemoMessaging(messaging: Messaging, journeys: Journeys, workspaceId: string, segmentIdByName: (name: string) => string | undefined): Promise<void> {
  const group = await messaging.consent.createGroup(workspaceId, { name: 'Newsletter', nameZh: '新闻简报', description: 'Offers and news · 优惠与新品', channel: 'email', type: 'opt_out' }, ACTOR);
  const thanks = await messaging.templates.create(workspaceId, thankYou(group.id), ACTOR);
  const offer = await messaging.templates.create(workspaceId, comeBack(group.id), ACTOR);
  await messaging.templates.create(workspaceId, reminderSms, ACTOR);

  const row = (x: number, y: number) => ({ x, y });
  const definition: JourneyDefinitionInput = {
    entry: { kind: 'event', event: { name: 'Order Completed' }, startNodeId: 'thanks', position: row(0, 0) },
    nodes: [
      { id: 'thanks', type: 'send', position: row(0, 120), config: { channel: 'email', templateId: thanks.id, awaitResult: false } },
      { id: 'wait', type: 'delay', position: row(0, 240), config: { kind: 'duration', duration: { amount: 3, unit: 'days' } } },
      { id: 'again', type: 'condition', position: row(0, 360), config: { kind: 'segment', rule: { root: { kind: 'event', event: { name: 'Order Completed' }, window: { kind: 'last', amount: 3, unit: 'days' }, count: { op: '>=', value: 2 } } } } },
      { id: 'offer', type: 'send', position: row(-160, 480), config: { channel: 'email', templateId: offer.id, awaitResult: false } },
      { id: 'done', type: 'exit', position: row(-160, 600), config: {} },
      { id: 'bought_again', type: 'exit', position: row(160, 480), config: {} },
    ],
    edges: [
      { id: 'e1', source: 'thanks', target: 'wait' },
      { id: 'e2', source: 'wait', target: 'again' },
      { id: 'e3', source: 'again', sourceHandle: 'no', target: 'offer' },
      { id: 'e4', source: 'again', sourceHandle: 'yes', target: 'bought_again' },
      { id: 'e5', source: 'offer', target: 'done' },
    ],
    settings: { reentry: { policy: 'after', afterDays: 30 }, holdoutPercent: 10 },
  };
  const journey = await journeys.service.create(workspaceId, { name: 'Order follow-up · 下单后关怀', definition }, ACTOR);
  await journeys.service.publish(workspaceId, journey.id, ACTOR);

  const quiet = segmentIdByName('Gold members gone quiet · 沉睡的金卡会员');
  if (quiet) {
    await journeys.broadcasts.create(
      workspaceId,
      { name: 'Win back gold members · 唤回金卡会员', segmentId: quiet, templateId: offer.id, throttlePerMinute: 600, quietHours: { start: '21:00', end: '08:00' } },
      ACTOR,
    );
  }
}
