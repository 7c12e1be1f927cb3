import type { ColumnType, Generated } from 'kysely';

/**
 * Table types for the whole database. Conventions, the same on both dialects:
 * - times are integer milliseconds since the epoch (BIGINT on PostgreSQL, read back as number);
 * - JSON documents are TEXT on SQLite and JSONB on PostgreSQL: written as a JSON string,
 *   read back as a string (SQLite) or a parsed value (PostgreSQL) — always go through `readJson`;
 * - booleans are 0/1 integers;
 * - every domain row carries workspace_id.
 */
export type Json = ColumnType<unknown, string, string>;
export type Millis = number;

export interface WorkspaceTable {
  id: string;
  name: string;
  slug: string;
  is_demo: number;
  currency: string;
  /** IANA zone for customers without a `timezone` trait (migration 0013). */
  timezone: Generated<string>;
  /** The hour (0–23, workspace time) a journey's best-time delay waits for (migration 0015). */
  default_send_hour: Generated<number>;
  /** 1 while messages are recorded but never handed to a provider (migration 0016). */
  sandbox: Generated<number>;
  created_at: Millis;
}

export interface UserTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Millis;
}

export interface MembershipTable {
  user_id: string;
  workspace_id: string;
  role: string;
  created_at: Millis;
}

export interface SessionTable {
  id_hash: string;
  user_id: string;
  created_at: Millis;
  expires_at: Millis;
}

export interface ApiKeyTable {
  id: string;
  workspace_id: string;
  kind: string;
  name: string;
  key_hash: string;
  /** Write keys: the key itself (public). Secret keys: AES-GCM ciphertext under the instance key. */
  key_stored: string;
  key_last4: string;
  created_at: Millis;
  last_used_at: Millis | null;
  revoked_at: Millis | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  workspace_id: string | null;
  actor: string;
  action: string;
  target: string | null;
  data: Json;
  at: Millis;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface EventTable {
  id: Generated<number>;
  workspace_id: string;
  message_id: string;
  type: string;
  name: string | null;
  profile_id: string;
  user_id: string | null;
  anonymous_id: string | null;
  properties: Json;
  context: Json;
  timestamp: Millis;
  received_at: Millis;
  sent_at: Millis | null;
}

/**
 * Accepted events waiting for identity resolution, one row per request: `events` is a JSON array
 * of encoded events (src/events/event.store.ts `encodeStagedEvent`), text on both dialects.
 */
export interface EventInboxBatchTable {
  id: Generated<number>;
  workspace_id: string;
  event_count: number;
  events: string;
}

/** A committed batch not yet known to be announced to every durable listener (0011). */
export interface IngestAnnouncementTable {
  id: Generated<number>;
  workspace_id: string;
  message_ids: string;
  created_at: number;
}

export interface ProfileTable {
  id: string;
  workspace_id: string;
  user_id: string | null;
  email: string | null;
  phone: string | null;
  traits: Json;
  /** Per-trait timestamp of the write that set it (last-write-wins on merge). */
  trait_times: Json;
  /** Top-level date traits as epoch ms (profiles/trait-dates.ts); written with `traits`, read by segment date rules. */
  trait_dates: ColumnType<unknown, string | undefined, string>;
  first_seen_at: Millis;
  last_seen_at: Millis;
  event_count: number;
  /** Set when this profile was merged into another; the row stays as a tombstone. */
  merged_into: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface IdentityTable {
  workspace_id: string;
  kind: string;
  value: string;
  profile_id: string;
  first_seen_at: Millis;
}

export interface ProfileMergeTable {
  id: string;
  workspace_id: string;
  from_profile_id: string;
  into_profile_id: string;
  reason: string;
  merged_at: Millis;
}

export interface ProductTable {
  workspace_id: string;
  id: string;
  type: string;
  name: string;
  names: Json;
  description: string;
  descriptions: Json;
  categories: Json;
  category: string | null;
  price: number | null;
  currency: string;
  in_stock: number;
  language: string;
  url: string | null;
  image_url: string | null;
  brand: string | null;
  attributes: Json;
  created_at: Millis;
  updated_at: Millis;
}

export interface OrderTable {
  workspace_id: string;
  order_id: string;
  profile_id: string;
  total: number;
  currency: string;
  placed_at: Millis;
  source: string;
}

export interface OrderItemTable {
  workspace_id: string;
  order_id: string;
  line: number;
  product_id: string;
  quantity: number;
  price: number;
}

export interface ImportTable {
  id: string;
  workspace_id: string;
  kind: string;
  mode: string;
  file_name: string | null;
  status: string;
  total_bytes: number | null;
  processed_bytes: number;
  rows_processed: number;
  rows_imported: number;
  rows_failed: number;
  rows_skipped: Generated<number>;
  errors: Json;
  failure: Json;
  created_at: Millis;
  finished_at: Millis | null;
}

export interface SegmentTable {
  workspace_id: string;
  id: string;
  name: string;
  description: string;
  definition: Json;
  version: number;
  /** active | archived */
  status: string;
  time_dependent: number;
  member_count: number;
  membership_version: number;
  /** ready | computing | failed */
  compute_state: string;
  compute_progress: number;
  compute_error: string | null;
  last_evaluated_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface SegmentMemberTable {
  workspace_id: string;
  segment_id: string;
  profile_id: string;
  entered_at: Millis;
}

export interface SegmentTransitionTable {
  id: Generated<number>;
  workspace_id: string;
  segment_id: string;
  profile_id: string;
  /** entered | exited */
  kind: string;
  at: Millis;
}

export interface SegmentSizeTable {
  workspace_id: string;
  segment_id: string;
  at: Millis;
  size: number;
}

export interface ComputedTraitDefinitionTable {
  workspace_id: string;
  key: string;
  /** string | number | boolean | date (dates as epoch ms in num_value) */
  value_type: string;
  label_en: string;
  label_zh: string;
  /** JSON array of allowed values for enumerated traits, or null. */
  allowed_values: Json | null;
  /** What computes it: 'rfm', 'churn', … */
  source: string;
  updated_at: Millis;
}

export interface ProfileComputedTraitTable {
  workspace_id: string;
  profile_id: string;
  key: string;
  num_value: number | null;
  text_value: string | null;
  updated_at: Millis;
}

export interface SubscriptionGroupTable {
  workspace_id: string;
  id: string;
  name: string;
  /** Chinese name shown on the preference page (0005); null: the name is used. */
  name_zh: ColumnType<string | null, string | null | undefined, string | null>;
  description: ColumnType<string, string | undefined, string>;
  /** active | archived (0005) */
  status: ColumnType<string, string | undefined, string>;
  /** email | sms | webhook */
  channel: string;
  /** opt_in | opt_out */
  type: string;
  created_at: Millis;
  updated_at: ColumnType<Millis | null, Millis | null | undefined, Millis | null>;
}

export interface SubscriptionTable {
  workspace_id: string;
  group_id: string;
  profile_id: string;
  /** subscribed | unsubscribed */
  status: string;
  updated_at: Millis;
}

export interface TemplateTable {
  workspace_id: string;
  id: string;
  name: string;
  description: string;
  /** email | sms | webhook */
  channel: string;
  /** marketing | transactional */
  kind: string;
  subscription_group_id: string | null;
  /** en | zh */
  default_locale: string;
  /** TemplateBody (src/messaging/template.schema.ts) */
  body: Json;
  version: number;
  /** active | archived */
  status: string;
  created_at: Millis;
  updated_at: Millis;
}

export interface ChannelSettingsTable {
  workspace_id: string;
  /** email | sms | webhook | inbound (provider webhooks into Nudge) */
  kind: string;
  /** Non-secret settings (host, port, sender, …). */
  settings: Json;
  /** Secret settings as JSON sealed with the instance key (src/platform/crypto.ts `encrypt`). */
  secret_sealed: string | null;
  updated_at: Millis;
}

/** The outbox and delivery log: one row per idempotency key. */
export interface MessageTable {
  workspace_id: string;
  id: string;
  idempotency_key: string;
  /** Null for a test send to a bare address. */
  profile_id: string | null;
  channel: string;
  /** marketing | transactional */
  kind: string;
  template_id: string | null;
  template_version: number | null;
  subscription_group_id: string | null;
  /** journey | broadcast | test */
  source_kind: string;
  source_id: string | null;
  source_node_id: string | null;
  source_entry_id: string | null;
  to_address: string | null;
  locale: string | null;
  /** queued | sending | sent | failed | suppressed | skipped | unknown */
  status: string;
  /** Why a message was suppressed or skipped (consent), or how it failed. */
  reason: string | null;
  attempts: number;
  max_attempts: number;
  next_attempt_at: Millis | null;
  /** While `sending`: after this the attempt is presumed dead (crash) and recovery decides. */
  lease_until: Millis | null;
  /**
   * When the current attempt reached its point of no return (SMTP: just before the end-of-data
   * dot, RFC 5321 §4.1.1.4). A crash after it means the provider has the message.
   */
  committed_at: ColumnType<Millis | null, Millis | null | undefined, Millis | null>;
  last_error: string | null;
  provider_message_id: string | null;
  provider_response: Json | null;
  subject: string | null;
  preview: string | null;
  /** The send request (event, journey context) the message is rendered from. */
  request: Json;
  /** The rendered message, fixed at the first attempt so every retry sends the same bytes. */
  payload: Json | null;
  created_at: Millis;
  updated_at: Millis;
  sent_at: Millis | null;
}

export interface MessageEventTable {
  workspace_id: string;
  id: string;
  message_id: string;
  profile_id: string | null;
  /** delivered | open | click | bounce | complaint | unsubscribe */
  kind: string;
  data: Json;
  dedupe_key: string | null;
  at: Millis;
}

export interface SuppressionTable {
  workspace_id: string;
  channel: string;
  /** Normalised email address or phone number. */
  address: string;
  /** hard_bounce | complaint | unsubscribe | manual */
  reason: string;
  note: string | null;
  message_id: string | null;
  created_at: Millis;
}

export interface FrequencyCapTable {
  workspace_id: string;
  channel: string;
  max_messages: number;
  window_days: number;
  updated_at: Millis;
}

export interface ChannelOptOutTable {
  workspace_id: string;
  profile_id: string;
  channel: string;
  created_at: Millis;
}

export interface JobTable {
  id: string;
  workspace_id: string | null;
  queue: string;
  payload: Json;
  dedupe_key: string | null;
  /** pending | running | done | failed */
  status: string;
  run_at: Millis;
  attempts: number;
  max_attempts: number;
  progress: number;
  progress_note: string | null;
  result: Json | null;
  error: string | null;
  locked_until: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface JourneyTableRow {
  workspace_id: string;
  id: string;
  name: string;
  /** draft | active | paused | archived */
  status: string;
  /** The definition being edited (JourneyDefinitionInput, possibly invalid). */
  draft: Json;
  current_version: number | null;
  /** The published version's entry kind (event | segment_entered | …), so triggers find journeys without parsing. */
  entry_kind: string | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface JourneyVersionTable {
  workspace_id: string;
  journey_id: string;
  version: number;
  definition: Json;
  published_at: Millis;
}

export interface JourneyEntryTable {
  workspace_id: string;
  id: string;
  journey_id: string;
  version: number;
  profile_id: string;
  /** What started the entry (event messageId, segment transition, schedule occurrence). */
  trigger_key: string;
  /** JourneyState (src/journeys/journey.state.ts) */
  state: Json;
  /** Bumped by every write: a writer that read an older seq lost the race and re-reads. */
  seq: number;
  /** active | waiting | completed | exited | converted */
  status: string;
  node_id: string | null;
  wake_at: Millis | null;
  entered_at: Millis;
  ended_at: Millis | null;
  updated_at: Millis;
}

export interface JourneyEffectTable {
  workspace_id: string;
  id: string;
  entry_id: string;
  /** send | update_trait | call_webhook */
  kind: string;
  /** JourneyEffect */
  effect: Json;
  /** pending | done */
  status: string;
  result: Json | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface JourneyStepTable {
  id: Generated<number>;
  workspace_id: string;
  entry_id: string;
  node_id: string | null;
  outcome: string;
  handle: string | null;
  at: Millis;
}

export interface JourneyNodeStatTable {
  workspace_id: string;
  journey_id: string;
  node_id: string;
  entered: number;
  ended: number;
  converted: number;
}

export interface BroadcastTable {
  workspace_id: string;
  id: string;
  name: string;
  segment_id: string;
  template_id: string;
  /** draft | scheduled | sending | sent | cancelled */
  status: string;
  scheduled_at: Millis | null;
  throttle_per_minute: number | null;
  /** { start, end } local times, or null */
  quiet_hours: Json | null;
  /** [{ key, templateId }]: A/B variants (empty: the template alone) */
  variants: Json;
  test_percent: number;
  /** open | click */
  winner_metric: string;
  test_window_minutes: number;
  winner: string | null;
  started_at: Millis | null;
  finished_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface BroadcastRecipientTable {
  workspace_id: string;
  broadcast_id: string;
  profile_id: string;
  /** A/B variant key; null for the remainder until the winner is chosen (or without A/B). */
  variant: string | null;
  time_zone: string | null;
  /** pending | held (waits for the winner) | sent | failed | suppressed */
  status: string;
  send_at: Millis;
  message_id: string | null;
  reason: string | null;
  updated_at: Millis;
}

export interface RecommendRunTable {
  workspace_id: string;
  id: string;
  /** running | done | insufficient | failed */
  status: string;
  job_id: string | null;
  /** TrainingSettings the run used */
  params: Json;
  data_from: Millis | null;
  data_to: Millis | null;
  customers: Generated<number>;
  items: Generated<number>;
  interactions: Generated<number>;
  note: string | null;
  /** Serialised interaction snapshot (src/recommend/recommend.data.ts), text on both dialects. */
  snapshot: string | null;
  created_at: Millis;
  finished_at: Millis | null;
}

export interface RecommendModelTable {
  workspace_id: string;
  id: string;
  run_id: string;
  /** 1, 2, … per workspace */
  version: number;
  algorithm: string;
  params: Json;
  /** RankingMetrics on the run's holdout */
  metrics: Json;
  train_ms: number;
  promoted: Generated<number>;
  promoted_at: Millis | null;
  /** SerializedModel as JSON text */
  model: string;
  created_at: Millis;
}

export interface RecommendSettingsTable {
  workspace_id: string;
  settings: Json;
  updated_at: Millis;
}

export interface RecommendSlotTable {
  workspace_id: string;
  id: string;
  model_id: string | null;
  profile_id: string | null;
  /** api | session | similar | bought_together | template */
  surface: string;
  /** product ids shown, in order */
  items: Json;
  item_count: number;
  created_at: Millis;
}

export interface RecommendOutcomeTable {
  workspace_id: string;
  slot_id: string;
  /** click | purchase */
  kind: string;
  product_id: string;
  revenue: Generated<number>;
  at: Millis;
}

/** One analysed text-bearing event (src/nlp/feedback.*): keyed by message id, so a repeat changes nothing. */
export interface NlpResultTable {
  workspace_id: string;
  message_id: string;
  profile_id: string;
  event_name: string;
  /** The property path the text came from */
  property: string;
  timestamp: Millis;
  /** The analysed text (at most 10,000 characters) */
  text: string;
  /** zh | en | mixed | unknown */
  language: string;
  /** positive | neutral | negative, null without a sentiment model */
  sentiment: string | null;
  score: number | null;
  intent: string | null;
  intent_confidence: number | null;
  spam: Generated<number>;
  complaint: Generated<number>;
  /** string[]: truncated, binary, … */
  flags: Json;
  /** string[] */
  keywords: Json;
  /** AspectSentiment[] */
  aspects: Json;
  created_at: Millis;
}

export interface NlpAspectTable {
  workspace_id: string;
  message_id: string;
  aspect: string;
  /** positive | neutral | negative */
  polarity: string;
  score: number;
  timestamp: Millis;
  language: string;
}

export interface NlpKeywordTable {
  workspace_id: string;
  message_id: string;
  keyword: string;
  timestamp: Millis;
  language: string;
}

export interface NlpSettingsTable {
  workspace_id: string;
  settings: Json;
  updated_at: Millis;
}

export interface Database {
  workspaces: WorkspaceTable;
  users: UserTable;
  memberships: MembershipTable;
  sessions: SessionTable;
  api_keys: ApiKeyTable;
  audit_log: AuditLogTable;
  settings: SettingTable;
  events: EventTable;
  event_inbox_batches: EventInboxBatchTable;
  ingest_announcements: IngestAnnouncementTable;
  profiles: ProfileTable;
  identities: IdentityTable;
  profile_merges: ProfileMergeTable;
  products: ProductTable;
  orders: OrderTable;
  order_items: OrderItemTable;
  imports: ImportTable;
  segments: SegmentTable;
  segment_members: SegmentMemberTable;
  segment_transitions: SegmentTransitionTable;
  segment_sizes: SegmentSizeTable;
  computed_trait_definitions: ComputedTraitDefinitionTable;
  profile_computed_traits: ProfileComputedTraitTable;
  subscription_groups: SubscriptionGroupTable;
  subscriptions: SubscriptionTable;
  jobs: JobTable;
  templates: TemplateTable;
  channel_settings: ChannelSettingsTable;
  messages: MessageTable;
  message_events: MessageEventTable;
  suppressions: SuppressionTable;
  frequency_caps: FrequencyCapTable;
  channel_opt_outs: ChannelOptOutTable;
  journeys: JourneyTableRow;
  journey_versions: JourneyVersionTable;
  journey_entries: JourneyEntryTable;
  journey_effects: JourneyEffectTable;
  journey_steps: JourneyStepTable;
  journey_node_stats: JourneyNodeStatTable;
  broadcasts: BroadcastTable;
  broadcast_recipients: BroadcastRecipientTable;
  recommend_runs: RecommendRunTable;
  recommend_models: RecommendModelTable;
  recommend_settings: RecommendSettingsTable;
  recommend_slots: RecommendSlotTable;
  recommend_outcomes: RecommendOutcomeTable;
  nlp_results: NlpResultTable;
  nlp_aspects: NlpAspectTable;
  nlp_keywords: NlpKeywordTable;
  nlp_settings: NlpSettingsTable;
}
