/**
 * The optional LLM: an OpenAI-compatible chat-completions endpoint the workspace configures. It
 * only rephrases what the retrieved articles say, citing them as [1], [2]; when the articles do
 * not answer the question it must say NO_ANSWER and the bot falls back to its own reply. The
 * hand-off rules run before it is ever called.
 */
import { z } from 'zod';

export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKey: string | null;
}

export interface GroundedAnswer {
  text: string;
  /** 0-based indexes of the articles cited. */
  citations: number[];
}

const Completion = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1) });

const SYSTEM = {
  en: 'You are a customer-service assistant for an online shop. Answer the customer only from the numbered articles below, briefly and politely, in English, and cite the articles you used as [1], [2]. If the articles do not answer the question, reply with exactly NO_ANSWER.',
  zh: '你是网店的客服助手。只根据下面编号的文章回答顾客的问题，用简体中文，简洁礼貌，并用 [1]、[2] 标注引用的文章。如果文章不能回答问题，只回复 NO_ANSWER。',
};

/** Ask the endpoint for an answer grounded in `articles`; null when it declines, fails or times out. */
export async function groundedAnswer(
  settings: LlmSettings,
  request: { question: string; language: 'zh' | 'en'; articles: readonly { title: string; body: string }[] },
  options: { timeoutMs?: number; fetch?: typeof fetch } = {},
): Promise<GroundedAnswer | null> {
  if (request.articles.length === 0) return null;
  const doFetch = options.fetch ?? fetch;
  const context = request.articles.map((a, i) => `[${i + 1}] ${a.title}\n${a.body.slice(0, 4000)}`).join('\n\n');
  const url = `${settings.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  try {
    const res = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}) },
      body: JSON.stringify({
        model: settings.model,
        temperature: 0.2,
        max_tokens: 400,
        messages: [
          { role: 'system', content: `${SYSTEM[request.language]}\n\n${context}` },
          { role: 'user', content: request.question.slice(0, 4000) },
        ],
      }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    if (!res.ok) return null;
    const parsed = Completion.safeParse(await res.json());
    const text = parsed.success ? (parsed.data.choices[0]?.message.content ?? '').trim() : '';
    if (!text || text.includes('NO_ANSWER')) return null;
    const citations = [...new Set([...text.matchAll(/\[(\d{1,2})\]/g)].map((m) => Number(m[1]) - 1))].filter((i) => i >= 0 && i < request.articles.length);
    return { text: text.slice(0, 4000), citations };
  } catch {
    return null;
  }
}
