import type { Channel } from './template.schema.js';
import type { TokenSigner } from './signing.js';

/**
 * Links that Nudge puts into messages, all signed (signing.ts):
 * - `/t/c/<token>`: a click; the token carries the message and the target URL, so the redirect
 *   goes only where Nudge itself pointed (no open redirect: an unsigned or altered link is refused).
 * - `/t/o/<token>.gif`: the open pixel.
 * - `/u/<token>`: unsubscribe (RFC 8058 one-click POST) and the preference page (GET).
 */
export interface MessageRef {
  workspaceId: string;
  messageId: string;
}

export interface UnsubscribeRef {
  workspaceId: string;
  profileId: string;
  /** The message's subscription group; null: the channel's marketing as a whole. */
  groupId: string | null;
  channel: Channel;
  messageId: string | null;
}

export interface Tracking {
  /** A signed click-tracking URL that redirects to `url`. */
  signLink(url: string, ref: MessageRef): string;
  openPixelUrl(ref: MessageRef): string;
  unsubscribeUrl(ref: UnsubscribeRef): string;
  verifyClick(token: string): (MessageRef & { url: string }) | null;
  verifyOpen(token: string): MessageRef | null;
  verifyUnsubscribe(token: string): UnsubscribeRef | null;
  /** Rewrite every http(s) `<a href>` to a signed click link and append the open pixel. */
  instrumentHtml(html: string, ref: MessageRef, options?: { pixel?: boolean }): string;
}

/** A transparent 1x1 GIF89a (43 bytes). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const CHANNELS: ReadonlySet<string> = new Set<Channel>(['email', 'sms', 'webhook']);
const isChannel = (v: string | null | undefined): v is Channel => typeof v === 'string' && CHANNELS.has(v);
const isHttpUrl = (u: string): boolean => /^https?:\/\/[^\s/?#]+/i.test(u);

/** The entities that can appear in an attribute value written by hand or by an editor. */
function decodeAttribute(v: string): string {
  return v.replace(/&(#x[0-9a-f]+|#\d+|amp|quot|apos|lt|gt);/gi, (m, e: string) => {
    const lower = e.toLowerCase();
    if (lower === 'amp') return '&';
    if (lower === 'quot') return '"';
    if (lower === 'apos') return "'";
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
  });
}

const escapeAttribute = (v: string): string => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `<a … href=…>` opening tags; group 1 is the whole attribute list. */
const ANCHOR = /<a\b([^>]*)>/gi;
/** The href attribute inside an attribute list: double-quoted, single-quoted or bare value. */
const HREF = /(\bhref\s*=\s*)("([^"]*)"|'([^']*)'|([^\s"'>]+))/i;

export function createTracking(deps: { signer: TokenSigner; publicUrl: string }): Tracking {
  const { signer } = deps;
  const base = deps.publicUrl.replace(/\/+$/, '');
  const ours = (u: string) => u.startsWith(`${base}/t/`) || u.startsWith(`${base}/u/`);

  const tracking: Tracking = {
    signLink(url, ref) {
      return `${base}/t/c/${signer.sign('click', [ref.workspaceId, ref.messageId, url])}`;
    },

    openPixelUrl(ref) {
      return `${base}/t/o/${signer.sign('open', [ref.workspaceId, ref.messageId])}.gif`;
    },

    unsubscribeUrl(ref) {
      return `${base}/u/${signer.sign('unsubscribe', [ref.workspaceId, ref.profileId, ref.groupId, ref.channel, ref.messageId])}`;
    },

    verifyClick(token) {
      const f = signer.verify('click', token);
      if (!f || f.length !== 3) return null;
      const [workspaceId, messageId, url] = f;
      // Signed by us, but checked again: only web URLs are ever redirected to.
      if (!workspaceId || !messageId || !url || !isHttpUrl(url)) return null;
      return { workspaceId, messageId, url };
    },

    verifyOpen(token) {
      const f = signer.verify('open', token);
      if (!f || f.length !== 2) return null;
      const [workspaceId, messageId] = f;
      return workspaceId && messageId ? { workspaceId, messageId } : null;
    },

    verifyUnsubscribe(token) {
      const f = signer.verify('unsubscribe', token);
      if (!f || f.length !== 5) return null;
      const [workspaceId, profileId, groupId, channel, messageId] = f;
      if (!workspaceId || !profileId || !isChannel(channel)) return null;
      return { workspaceId, profileId, groupId: groupId ?? null, channel, messageId: messageId ?? null };
    },

    instrumentHtml(html, ref, options = {}) {
      const rewritten = html.replace(ANCHOR, (tag: string, attrs: string) => {
        // An author can keep a link untracked (e.g. a link to a bank's own login page).
        if (/\bdata-nudge-notrack\b/i.test(attrs)) return tag;
        const m = HREF.exec(attrs);
        if (!m) return tag;
        const raw = m[3] ?? m[4] ?? m[5] ?? '';
        const url = decodeAttribute(raw.trim());
        if (!isHttpUrl(url) || ours(url)) return tag;
        const signed = `${m[1]}"${escapeAttribute(tracking.signLink(url, ref))}"`;
        return `<a${attrs.slice(0, m.index)}${signed}${attrs.slice(m.index + m[0].length)}>`;
      });
      if (options.pixel === false) return rewritten;
      const pixel = `<img src="${escapeAttribute(tracking.openPixelUrl(ref))}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px;overflow:hidden">`;
      const close = rewritten.search(/<\/body\s*>/i);
      return close >= 0 ? rewritten.slice(0, close) + pixel + rewritten.slice(close) : rewritten + pixel;
    },
  };
  return tracking;
}
