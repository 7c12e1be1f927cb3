import type { TFunction } from 'i18next';
import { assertUnreachable, type DraftEntry, type DraftNode } from './flow';
import type { JourneyLookups } from './context';

/** The one line a card shows: a node's key setting in words. */
export function nodeSummary(node: DraftNode, t: TFunction, lookups: JourneyLookups): string {
  const unit = (u: 'minutes' | 'hours' | 'days') => t(`journeys.units.${u}`);
  switch (node.type) {
    case 'delay': {
      const c = node.config;
      if (c.kind === 'duration') return t('journeys.summary.delayDuration', { amount: c.duration.amount, unit: unit(c.duration.unit) });
      if (c.kind === 'time_of_day') {
        const days = c.weekdays?.length ? ` (${c.weekdays.map((d) => t(`journeys.weekdays.${d}`)).join(', ')})` : '';
        return t('journeys.summary.delayTime', { at: c.at }) + days;
      }
      return t('journeys.summary.delayBest');
    }
    case 'wait_for_event': {
      const c = node.config;
      return t('journeys.summary.waitEvent', { event: c.event.name || '…', amount: c.timeout.amount, unit: unit(c.timeout.unit) });
    }
    case 'condition': {
      const c = node.config;
      if (c.kind === 'context') return t('journeys.summary.conditionContext', { count: c.where.length });
      const root = c.rule.root;
      const count = root.kind === 'and' || root.kind === 'or' ? root.conditions.length : 1;
      return t('journeys.summary.conditionSegment', { count });
    }
    case 'split':
      return t('journeys.summary.split', { branches: node.config.branches.map((b) => `${b.label || b.key} ${b.percent}%`).join(' · ') });
    case 'send': {
      const c = node.config;
      const template = lookups.templates.find((x) => x.id === c.templateId);
      if (!c.templateId) return t('journeys.summary.sendNone');
      return t('journeys.summary.send', { channel: t(`messaging.channels.${c.channel}`), template: template?.name ?? c.templateId });
    }
    case 'update_trait': {
      const c = node.config;
      const key = c.key || '…';
      if (c.op === 'set') return t('journeys.summary.traitSet', { key });
      if (c.op === 'increment') return t('journeys.summary.traitIncrement', { key, by: c.by ?? 1 });
      return t('journeys.summary.traitUnset', { key });
    }
    case 'webhook':
      return node.config.url ? t('journeys.summary.webhook', { method: node.config.method ?? 'POST', url: node.config.url }) : t('journeys.summary.unset');
    case 'exit':
      return t('journeys.summary.exit');
    default:
      return assertUnreachable(node);
  }
}

export function entrySummary(entry: DraftEntry, t: TFunction, lookups: JourneyLookups): string {
  switch (entry.kind) {
    case 'event':
      return entry.event.name ? t('journeys.summary.entryEvent', { event: entry.event.name }) : t('journeys.summary.unset');
    case 'segment_entered':
    case 'segment_exited': {
      const name = lookups.segments.find((s) => s.id === entry.segmentId)?.name;
      const lead = entry.kind === 'segment_entered' ? t('journeys.summary.entrySegmentIn') : t('journeys.summary.entrySegmentOut');
      return name ? `${lead}: ${name}` : lead;
    }
    case 'schedule':
      return t('journeys.summary.entrySchedule', { trait: entry.trait || '…' });
    default:
      return assertUnreachable(entry);
  }
}
