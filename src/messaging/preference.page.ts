import type { Locale } from './template.schema.js';
import type { Channel } from './template.schema.js';

/** The public preference page (GET /u/<token>), in the customer's language, with a switch to the other. */
export interface PreferencePage {
  locale: Locale;
  channel: Channel;
  /** The recipient, masked (the link may be forwarded). */
  address: string | null;
  groups: { id: string; name: string; description: string; subscribed: boolean }[];
  optedOut: boolean;
  /** After a save or one-click unsubscribe: what to confirm. */
  notice: 'saved' | 'unsubscribed' | null;
  /** The form's own URL (the token link). */
  action: string;
}

const TEXT = {
  en: {
    title: { email: 'Email preferences', sms: 'Text message preferences', webhook: 'Message preferences' },
    intro: 'Choose which messages you want to receive',
    at: 'at',
    none: 'There are no lists to choose from.',
    all: { email: 'Unsubscribe from all marketing emails', sms: 'Unsubscribe from all marketing text messages', webhook: 'Unsubscribe from all marketing messages' },
    allNote: 'You will still receive messages about your account and orders.',
    save: 'Save preferences',
    saved: 'Your preferences have been saved.',
    unsubscribed: 'You have been unsubscribed.',
    other: '中文',
  },
  zh: {
    title: { email: '邮件订阅设置', sms: '短信订阅设置', webhook: '消息订阅设置' },
    intro: '请选择你希望接收的消息',
    at: '接收地址：',
    none: '暂无可选择的订阅。',
    all: { email: '退订所有营销邮件', sms: '退订所有营销短信', webhook: '退订所有营销消息' },
    allNote: '与你的账户和订单有关的通知仍会照常发送。',
    save: '保存设置',
    saved: '你的设置已保存。',
    unsubscribed: '你已成功退订。',
    other: 'English',
  },
} as const;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** m***@example.com / +86******1234: enough to recognise, not enough to harvest. */
export function maskAddress(address: string | null): string | null {
  if (!address) return null;
  const at = address.indexOf('@');
  if (at > 0) return `${address[0]}***${address.slice(at)}`;
  return address.length > 4 ? `${address.slice(0, 3)}${'*'.repeat(Math.max(0, address.length - 7))}${address.slice(-4)}` : '****';
}

/** The language of a trait value such as 'zh-CN' or 'en_US'. */
export function localeFromTrait(value: unknown): Locale | null {
  if (typeof value !== 'string') return null;
  const lang = value.trim().toLowerCase().split(/[-_]/)[0];
  return lang === 'zh' ? 'zh' : lang === 'en' ? 'en' : null;
}

export function renderPreferencePage(p: PreferencePage): string {
  const t = TEXT[p.locale];
  const other: Locale = p.locale === 'en' ? 'zh' : 'en';
  const notice = p.notice ? `<p class="notice" role="status">${esc(p.notice === 'saved' ? t.saved : t.unsubscribed)}</p>` : '';
  const groups = p.groups.length
    ? p.groups
        .map(
          (g) =>
            `<label class="group"><input type="checkbox" name="group" value="${esc(g.id)}"${g.subscribed && !p.optedOut ? ' checked' : ''}> <span><strong>${esc(g.name)}</strong>${g.description ? `<br><small>${esc(g.description)}</small>` : ''}</span></label>`,
        )
        .join('\n')
    : `<p>${esc(t.none)}</p>`;
  return `<!doctype html>
<html lang="${p.locale === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(t.title[p.channel])}</title>
<style>
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1f2937;line-height:1.5}
h1{font-size:1.4rem}.group{display:flex;gap:.6rem;align-items:flex-start;padding:.6rem 0;border-bottom:1px solid #e5e7eb}
.notice{background:#ecfdf5;border:1px solid #a7f3d0;padding:.6rem .8rem;border-radius:.4rem}
button{margin-top:1rem;padding:.5rem 1.2rem;border:0;border-radius:.4rem;background:#2563eb;color:#fff;font-size:1rem;cursor:pointer}
.all{margin-top:1rem;display:flex;gap:.6rem}.lang{float:right;font-size:.9rem}small{color:#6b7280}
</style>
</head>
<body>
<a class="lang" href="${esc(p.action)}?lang=${other}" hreflang="${other}">${esc(t.other)}</a>
<h1>${esc(t.title[p.channel])}</h1>
${notice}
<p>${esc(t.intro)}${p.address ? ` ${esc(t.at)} <strong>${esc(p.address)}</strong>` : ''}</p>
<form method="post" action="${esc(p.action)}">
<input type="hidden" name="action" value="save">
<input type="hidden" name="lang" value="${p.locale}">
${groups}
<label class="all"><input type="checkbox" name="all" value="1"${p.optedOut ? ' checked' : ''}> <span>${esc(t.all[p.channel])}<br><small>${esc(t.allNote)}</small></span></label>
<button type="submit">${esc(t.save)}</button>
</form>
</body>
</html>`;
}

/** The short confirmation for a one-click unsubscribe, in both languages (mail clients show it rarely). */
export function oneClickConfirmation(): string {
  return `${TEXT.en.unsubscribed} / ${TEXT.zh.unsubscribed}`;
}
