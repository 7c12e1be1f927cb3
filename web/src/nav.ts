import type { IconName } from './components/Icon';

/** Areas that later releases fill; until then each shows a "coming soon" page. */
export const SOON_AREAS = [
  'predictions',
  'insights',
  'analytics',
] as const;
export type SoonArea = (typeof SOON_AREAS)[number];

export type NavKey = 'overview' | 'customers' | 'catalog' | 'import' | 'segments' | 'journeys' | 'broadcasts' | 'templates' | 'messages' | 'rfm' | 'recommendations' | 'feedback' | 'inbox' | 'assistant' | 'settings' | SoonArea;

export interface NavItem {
  key: NavKey;
  path: string;
  icon: IconName;
  soon?: boolean;
}

export interface NavSection {
  section: 'data' | 'engage' | 'intelligence' | 'measure';
  items: NavItem[];
}

const soon = (key: SoonArea, icon: IconName): NavItem => ({ key, path: `/${key}`, icon, soon: true });

/** The sidebar, in the order of DESIGN.md's data flow: data → engage → intelligence → measure. */
export const NAV: readonly NavSection[] = [
  {
    section: 'data',
    items: [
      { key: 'overview', path: '/', icon: 'overview' },
      { key: 'customers', path: '/customers', icon: 'customers' },
      { key: 'catalog', path: '/catalog', icon: 'catalog' },
      { key: 'import', path: '/import', icon: 'import' },
    ],
  },
  {
    section: 'engage',
    items: [
      { key: 'segments', path: '/segments', icon: 'segments' },
      { key: 'journeys', path: '/journeys', icon: 'journeys' },
      { key: 'broadcasts', path: '/broadcasts', icon: 'broadcasts' },
      { key: 'templates', path: '/templates', icon: 'templates' },
      { key: 'messages', path: '/messages', icon: 'mail' },
      { key: 'inbox', path: '/inbox', icon: 'assistant' },
    ],
  },
  {
    section: 'intelligence',
    // RFM is a model of customer value like predictions and insights; its scores land on each
    // profile as computed traits that segments then select on.
    items: [
      { key: 'rfm', path: '/rfm', icon: 'coin' },
      { key: 'recommendations', path: '/recommendations', icon: 'recommendations' },
      { key: 'feedback', path: '/feedback', icon: 'activity' },
      soon('predictions', 'predictions'),
      soon('insights', 'insights'),
      { key: 'assistant', path: '/assistant', icon: 'assistant' },
    ],
  },
  { section: 'measure', items: [soon('analytics', 'analytics')] },
];

export const SETTINGS_ITEM: NavItem = { key: 'settings', path: '/settings', icon: 'settings' };
