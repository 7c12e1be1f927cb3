import type { FeedbackSummary } from '../../../../src/nlp/feedback.schema';

export type Aspect = FeedbackSummary['aspects'][number]['aspect'];
export type Polarity = 'positive' | 'neutral' | 'negative';
/** Sentiment colours (SVG presentation attributes cannot read CSS variables reliably). */
export const TONE = { positive: '#16a34a', neutral: '#94a3b8', negative: '#dc2626' } as const;
const ASPECT_KEYS: readonly Aspect[] = ['quality', 'price', 'delivery', 'service', 'packaging', 'size'];
export const isAspect = (s: string): s is Aspect => (ASPECT_KEYS as readonly string[]).includes(s);
