import { z } from 'zod';
import { ASPECTS } from './aspects.js';
import { say } from '../platform/language.js';
import { zodText } from '../platform/zod-text.js';

/** An event whose properties carry customer text, and the property paths read (first present wins). */
export const FeedbackSource = z.object({
  event: z.string().trim().min(1).max(200),
  /** Dot paths into the event's properties, e.g. "review.text". */
  paths: z
    .array(z.string().trim().min(1).max(200).regex(/^[^.\s][^\s]*$/, zodText(say('a property path such as text or review.body', '属性路径，如 text 或 review.body'))))
    .min(1)
    .max(10),
  /**
   * Classify the text's intent too (default false). The shipped intent model knows customer-service
   * requests (BANKING77), which fit chat messages and tickets, not product reviews.
   */
  intent: z.boolean().optional(),
});
export type FeedbackSource = z.infer<typeof FeedbackSource>;

export const FeedbackSettings = z.object({
  sources: z.array(FeedbackSource).max(50),
});
export type FeedbackSettings = z.infer<typeof FeedbackSettings>;

/** What a workspace reads before it chooses: reviews, chat messages and survey answers under their usual names. */
export const DEFAULT_FEEDBACK_SETTINGS: FeedbackSettings = {
  sources: [
    { event: 'Review Submitted', paths: ['review_text', 'text', 'body'] },
    { event: 'Product Reviewed', paths: ['review_body', 'review_text', 'text', 'body'] },
    { event: 'Chat Message', paths: ['text'], intent: true },
    { event: 'Survey Answered', paths: ['answer'] },
  ],
};

export const SentimentLabelSchema = z.enum(['positive', 'neutral', 'negative']);
export const LanguageFilter = z.enum(['zh', 'en', 'mixed', 'unknown']);
export const AspectName = z.enum(ASPECTS);

/** The page's filters: a period in days back from now and optionally one language. */
export const FeedbackQuery = z.object({
  days: z.coerce.number().int().min(1).max(730).default(90),
  language: LanguageFilter.optional(),
});
export type FeedbackQuery = z.infer<typeof FeedbackQuery>;

const Counts = { count: z.number().int(), positive: z.number().int(), neutral: z.number().int(), negative: z.number().int() };

export const FeedbackSummary = z.object({
  days: z.number().int(),
  total: z.object({ ...Counts, averageScore: z.number().nullable(), complaints: z.number().int(), spam: z.number().int() }),
  /** Per week (Monday, UTC, YYYY-MM-DD). */
  trend: z.array(z.object({ week: z.string(), ...Counts, averageScore: z.number().nullable() })),
  aspects: z.array(z.object({ aspect: AspectName, positive: z.number().int(), neutral: z.number().int(), negative: z.number().int() })),
  keywords: z.array(z.object({ keyword: z.string(), count: z.number().int() })),
  /** Top keywords' and aspects' mentions per week: the topics and how they move. */
  topicTrend: z.array(z.object({ week: z.string(), topic: z.string(), count: z.number().int() })),
});
export type FeedbackSummary = z.infer<typeof FeedbackSummary>;

/** Which texts to list: the number clicked on the page. */
export const FeedbackTextQuery = FeedbackQuery.extend({
  sentiment: SentimentLabelSchema.optional(),
  aspect: AspectName.optional(),
  polarity: SentimentLabelSchema.optional(),
  keyword: z.string().min(1).max(100).optional(),
  week: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, zodText(say('YYYY-MM-DD', '日期格式须为 YYYY-MM-DD'))).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type FeedbackTextQuery = z.infer<typeof FeedbackTextQuery>;

export const AspectSentimentSchema = z.object({ aspect: AspectName, polarity: SentimentLabelSchema, score: z.number() });

/** What the analysis found in one text: stored per event, or returned for a text analysed on request. */
const TextAnalysis = z.object({
  language: z.string(),
  sentiment: SentimentLabelSchema.nullable(),
  score: z.number().nullable(),
  intent: z.string().nullable(),
  spam: z.boolean(),
  complaint: z.boolean(),
  keywords: z.array(z.string()),
  aspects: z.array(AspectSentimentSchema),
  flags: z.array(z.string()),
});

export const FeedbackText = z
  .object({
    messageId: z.string(),
    profileId: z.string(),
    event: z.string(),
    property: z.string(),
    timestamp: z.iso.datetime(),
    text: z.string(),
  })
  .extend(TextAnalysis.shape);
export type FeedbackText = z.infer<typeof FeedbackText>;

export const FeedbackTextList = z.object({ items: z.array(FeedbackText) });
export type FeedbackTextList = z.infer<typeof FeedbackTextList>;

/** A text analysed on request (not stored): the route rejects texts over 10,000 characters. */
export const AnalyzeRequest = z.object({ text: z.string().min(1) });
export const AnalyzeResponse = TextAnalysis;
export type AnalyzeResponse = z.infer<typeof AnalyzeResponse>;

/** The enrich job's payload: texts of one workspace's committed events. */
export const EnrichJobPayload = z.object({
  workspaceId: z.string().min(1),
  items: z
    .array(
      z.object({
        messageId: z.string().min(1),
        profileId: z.string().min(1),
        event: z.string(),
        property: z.string(),
        timestamp: z.number(),
        text: z.string(),
        intent: z.boolean().optional(),
      }),
    )
    .max(1000),
});
export type EnrichJobPayload = z.infer<typeof EnrichJobPayload>;
