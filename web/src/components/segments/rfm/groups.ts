import { useTranslation } from 'react-i18next';
import { RfmGroupId } from '../../../../../src/segments/rfm.schema';

/** The eleven RFM groups, from best to worst customers (the server's own enum, in its order). */
export const RFM_GROUPS: readonly RfmGroupId[] = RfmGroupId.options;

export const isRfmGroup = (id: string): id is RfmGroupId => (RFM_GROUPS as readonly string[]).includes(id);

/** Greens for customers to keep, blues for ones to grow, ambers to wake, reds to win back, greys gone. */
export const RFM_COLORS: Record<RfmGroupId, string> = {
  champions: '#15803d',
  loyal: '#22a35a',
  potential_loyalist: '#0d9488',
  new: '#0891b2',
  promising: '#3b82f6',
  need_attention: '#eab308',
  about_to_sleep: '#f59e0b',
  cannot_lose: '#dc2626',
  at_risk: '#f97316',
  hibernating: '#94a3b8',
  lost: '#64748b',
};

export const rfmColor = (id: string): string => (isRfmGroup(id) ? RFM_COLORS[id] : '#a1a1aa');

/** The group's name in the UI language: ours for the eleven known groups, else the server's label or the id. */
export function useRfmGroupLabel(): (id: string, serverLabel?: { en: string; zh: string }) => string {
  const { t, i18n } = useTranslation();
  return (id, serverLabel) => {
    if (isRfmGroup(id)) return t(`rfm.groups.${id}.label`);
    if (serverLabel) return i18n.language === 'zh' ? serverLabel.zh : serverLabel.en;
    return id;
  };
}
