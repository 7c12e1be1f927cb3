/**
 * The embeddable chat widget, served as /widget.js. Plain DOM and no framework, so it works on any
 * site: `<script src="https://<nudge>/widget.js" data-key="<write key>"></script>`. Its markup and
 * CSS live in a shadow root, so the host page's styles cannot reach in and its own cannot leak out.
 * Every message is put on the page with textContent, never as HTML.
 */
export const WIDGET_JS = String.raw`(function () {
  'use strict';
  if (window.nudge && window.nudge.__widget) return;
  var script = document.currentScript || document.querySelector('script[data-key][src*="widget.js"]');
  if (!script) return;
  var key = script.getAttribute('data-key') || '';
  var base = new URL(script.getAttribute('src') || '', location.href).origin;
  var zh = /^zh/i.test(navigator.language || '');
  var T = zh
    ? { title: '在线客服', placeholder: '请输入您的问题…', send: '发送', open: '咨询客服', close: '关闭', error: '发送失败，请稍后再试。', tooMany: '消息太频繁了，请稍等一分钟。', tooLong: '消息太长了（最多 10000 字）。', human: '人工客服', bot: '智能助手', didYouMean: '您是想问：', greeting: '您好！有什么可以帮您？' }
    : { title: 'Chat with us', placeholder: 'Type your question…', send: 'Send', open: 'Chat', close: 'Close', error: 'Could not send. Please try again.', tooMany: 'Too many messages. Please wait a minute.', tooLong: 'That message is too long (10,000 characters at most).', human: 'Support', bot: 'Assistant', didYouMean: 'Did you mean:', greeting: 'Hello! How can we help?' };
  var STORE = 'nudge.widget.' + key.slice(-12);
  function load() { try { return JSON.parse(localStorage.getItem(STORE) || '{}') || {}; } catch (e) { return {}; } }
  function save(s) { try { localStorage.setItem(STORE, JSON.stringify(s)); } catch (e) { /* private mode: the id lives for this page only */ } }
  var state = load();
  if (!state.visitorId || !/^[A-Za-z0-9_-]{8,100}$/.test(state.visitorId)) {
    var rnd = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(36).slice(2);
    state.visitorId = 'v_' + rnd.replace(/[^A-Za-z0-9]/g, '');
    save(state);
  }
  var lastSeq = 0;
  var shown = {};
  var open = false;
  var timer = null;

  function api(method, path, body) {
    var init = { method: method, headers: { authorization: 'Bearer ' + key } };
    if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(base + path, init).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!res.ok) { var err = new Error((data && data.error && data.error.message) || ('HTTP ' + res.status)); err.status = res.status; err.code = data && data.error && data.error.code; throw err; }
        return data;
      });
    });
  }

  var host = document.createElement('div');
  host.setAttribute('data-nudge-widget', '');
  var root = host.attachShadow({ mode: 'open' });
  var css = document.createElement('style');
  css.textContent = [
    ':host{all:initial}',
    '*{box-sizing:border-box;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif}',
    '.launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:24px;padding:12px 18px;background:#4f46e5;color:#fff;font-size:15px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.2)}',
    '.panel{position:fixed;right:20px;bottom:76px;z-index:2147483000;width:340px;max-width:calc(100vw - 40px);height:460px;max-height:calc(100vh - 100px);display:none;flex-direction:column;background:#fff;color:#111827;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden}',
    '.panel.open{display:flex}',
    '.head{display:flex;justify-content:space-between;align-items:center;padding:12px 14px;background:#4f46e5;color:#fff;font-size:15px;font-weight:600}',
    '.head button{background:transparent;border:0;color:#fff;font-size:18px;cursor:pointer}',
    '.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f9fafb}',
    '.msg{max-width:85%;padding:8px 11px;border-radius:10px;font-size:14px;line-height:1.45;white-space:pre-wrap;overflow-wrap:anywhere}',
    '.msg.customer{align-self:flex-end;background:#4f46e5;color:#fff}',
    '.msg.bot,.msg.agent{align-self:flex-start;background:#fff;border:1px solid #e5e7eb}',
    '.msg.agent{border-color:#a5b4fc}',
    '.msg.system,.note{align-self:center;color:#6b7280;font-size:12px;background:transparent}',
    '.who{display:block;font-size:11px;color:#6b7280;margin-bottom:2px}',
    '.opts{display:flex;flex-direction:column;gap:4px;margin-top:6px}',
    '.opts button{text-align:left;border:1px solid #c7d2fe;background:#eef2ff;color:#3730a3;border-radius:8px;padding:5px 8px;font-size:13px;cursor:pointer}',
    'form{display:flex;gap:6px;padding:10px;border-top:1px solid #e5e7eb;background:#fff}',
    'textarea{flex:1;resize:none;height:40px;border:1px solid #d1d5db;border-radius:8px;padding:8px;font-size:14px;color:#111827;background:#fff}',
    'form button{border:0;border-radius:8px;padding:0 14px;background:#4f46e5;color:#fff;font-size:14px;cursor:pointer}'
  ].join('\n');
  root.appendChild(css);

  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  var launcher = el('button', 'launcher', T.open);
  launcher.setAttribute('data-nudge', 'launcher');
  launcher.type = 'button';
  var panel = el('div', 'panel');
  panel.setAttribute('data-nudge', 'panel');
  var head = el('div', 'head');
  head.appendChild(el('span', '', T.title));
  var closeBtn = el('button', '', '\u00d7');
  closeBtn.type = 'button';
  closeBtn.setAttribute('aria-label', T.close);
  head.appendChild(closeBtn);
  var log = el('div', 'log');
  log.setAttribute('data-nudge', 'log');
  log.setAttribute('aria-live', 'polite');
  var form = el('form');
  var input = el('textarea');
  input.placeholder = T.placeholder;
  input.maxLength = 10000;
  input.setAttribute('data-nudge', 'input');
  var sendBtn = el('button', '', T.send);
  sendBtn.type = 'submit';
  sendBtn.setAttribute('data-nudge', 'send');
  form.appendChild(input);
  form.appendChild(sendBtn);
  panel.appendChild(head);
  panel.appendChild(log);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(launcher);

  function note(text) { var n = el('div', 'note', text); n.setAttribute('data-nudge', 'note'); log.appendChild(n); log.scrollTop = log.scrollHeight; }
  function render(m) {
    if (shown[m.seq]) return;
    shown[m.seq] = true;
    if (m.seq > lastSeq) lastSeq = m.seq;
    var box = el('div', 'msg ' + m.author);
    box.setAttribute('data-nudge', 'message');
    box.setAttribute('data-author', m.author);
    if (m.kind) box.setAttribute('data-kind', m.kind);
    if (m.author === 'bot' || m.author === 'agent') box.appendChild(el('span', 'who', m.author === 'agent' ? T.human : T.bot));
    box.appendChild(el('span', 'text', m.text));
    if (m.kind === 'clarify' && m.articles && m.articles.length) {
      var opts = el('div', 'opts');
      m.articles.forEach(function (a) {
        var b = el('button', '', a.title);
        b.type = 'button';
        b.setAttribute('data-nudge', 'option');
        b.addEventListener('click', function () { send(a.title); });
        opts.appendChild(b);
      });
      box.appendChild(opts);
    }
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
  }
  function poll() {
    return api('GET', '/widget/v1/conversation?visitorId=' + encodeURIComponent(state.visitorId) + '&after=' + lastSeq).then(function (data) {
      (data.messages || []).forEach(render);
    }).catch(function () { /* offline for a moment: the next poll catches up */ });
  }
  function send(text) {
    text = String(text || '').trim();
    if (!text) return;
    if (text.length > 10000) { note(T.tooLong); return; }
    sendBtn.disabled = true;
    api('POST', '/widget/v1/messages', { visitorId: state.visitorId, userId: state.userId || null, userHash: state.userHash || null, text: text, language: zh ? 'zh' : 'en' }).then(function (data) {
      input.value = '';
      (data.messages || []).forEach(render);
    }).catch(function (err) {
      note(err.status === 429 ? T.tooMany : err.code === 'ASSISTANT_MESSAGE_TOO_LONG' ? T.tooLong : T.error);
    }).then(function () { sendBtn.disabled = false; });
  }
  function setOpen(v) {
    open = v;
    panel.className = v ? 'panel open' : 'panel';
    if (v) {
      if (log.childNodes.length === 0) note(T.greeting);
      poll();
      if (!timer) timer = setInterval(poll, 2500);
      input.focus();
    } else if (timer) { clearInterval(timer); timer = null; }
  }
  launcher.addEventListener('click', function () { setOpen(!open); });
  closeBtn.addEventListener('click', function () { setOpen(false); });
  form.addEventListener('submit', function (e) { e.preventDefault(); send(input.value); });
  input.addEventListener('keydown', function (e) { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(input.value); } });

  function mount() { document.body.appendChild(host); }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);

  window.nudge = window.nudge || {};
  window.nudge.__widget = true;
  /**
   * Link this browser's chats (and its anonymous id) to a known customer. Pass { userHash } — the
   * HMAC your server computes with the workspace's identity secret — so the assistant may use the
   * customer's own orders in its answers.
   */
  window.nudge.identify = function (userId, traits, options) {
    if (!userId) return Promise.resolve();
    state.userId = String(userId);
    state.userHash = (options && options.userHash) ? String(options.userHash) : null;
    save(state);
    return api('POST', '/widget/v1/identify', { visitorId: state.visitorId, userId: state.userId, userHash: state.userHash, traits: traits || {} });
  };
  window.nudge.open = function () { setOpen(true); };
  window.nudge.visitorId = function () { return state.visitorId; };
})();
`;
