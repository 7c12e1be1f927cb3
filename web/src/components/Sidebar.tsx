import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router-dom';
import { NAV, SETTINGS_ITEM, type NavItem } from '../nav';
import { Icon } from './Icon';

function Item({ item, onNavigate }: { item: NavItem; onNavigate: () => void }) {
  const { t } = useTranslation();
  return (
    <NavLink
      to={item.path}
      end={item.path === '/'}
      className={({ isActive }) => `nav-item${isActive ? ' is-active' : ''}${item.soon ? ' is-soon' : ''}`}
      onClick={onNavigate}
      data-testid={`nav-${item.key}`}
    >
      <Icon name={item.icon} size={18} />
      <span className="nav-label">{t(`nav.${item.key}`)}</span>
      {item.soon ? <span className="nav-soon">{t('common.comingSoon')}</span> : null}
    </NavLink>
  );
}

/** The left navigation; on narrow screens it slides in over the page. */
export function Sidebar({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <aside className={`sidebar${open ? ' is-open' : ''}`} data-testid="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          N
        </span>
        <span className="brand-name">{t('app.name')}</span>
        <button type="button" className="btn btn-ghost sidebar-close" onClick={onClose} aria-label={t('nav.closeMenu')}>
          <Icon name="close" size={18} />
        </button>
      </div>
      <nav className="nav" aria-label="Main">
        {NAV.map((section) => (
          <div className="nav-section" key={section.section}>
            <div className="nav-heading">{t(`nav.sections.${section.section}`)}</div>
            {section.items.map((item) => (
              <Item key={item.key} item={item} onNavigate={onClose} />
            ))}
          </div>
        ))}
      </nav>
      <div className="nav-footer">
        <Item item={SETTINGS_ITEM} onNavigate={onClose} />
      </div>
    </aside>
  );
}
