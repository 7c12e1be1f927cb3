import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router-dom';
import { asLanguage, LANGUAGES } from '../i18n';
import { useSession } from '../session';
import { Avatar, Segmented } from './Controls';
import { Icon } from './Icon';
import { Menu } from './Menu';

/** Shown while the workspace's sandbox delivery is on (Settings): nothing leaves Nudge. */
export function SandboxBadge() {
  const { t } = useTranslation();
  return (
    <span className="badge badge-sandbox" title={t('workspace.sandboxHint')} data-testid="sandbox-badge">
      {t('workspace.sandbox')}
    </span>
  );
}

export function DemoBadge() {
  const { t } = useTranslation();
  return (
    <span className="badge badge-demo" title={t('workspace.demoHint')} data-testid="demo-badge">
      {t('workspace.demo')}
    </span>
  );
}

/** Switches the workspace every page shows; lands on the current section's list page. */
function WorkspaceSwitcher() {
  const { t } = useTranslation();
  const { me, workspace, switchWorkspace } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  if (!me || !workspace) return null;

  const choose = (id: string) => {
    if (id === workspace.id) return;
    switchWorkspace(id);
    // A profile or import id from one workspace means nothing in another.
    const section = location.pathname.split('/')[1] ?? '';
    navigate(`/${section}`);
  };

  return (
    <Menu
      label={t('workspace.label')}
      testId="workspace-switcher"
      button={
        <>
          <span className="ws-mark">{[...workspace.name][0]?.toUpperCase()}</span>
          <span className="ws-text">
            <span className="ws-label">{t('workspace.label')}</span>
            <span className="ws-name" data-testid="workspace-name">
              {workspace.name}
            </span>
          </span>
          <Icon name="chevronDown" size={14} />
        </>
      }
    >
      {(close) =>
        me.workspaces.map((w) => (
          <button
            key={w.id}
            type="button"
            role="menuitemradio"
            aria-checked={w.id === workspace.id}
            className={`menu-item${w.id === workspace.id ? ' is-active' : ''}`}
            onClick={() => {
              close();
              choose(w.id);
            }}
            data-testid="workspace-option"
          >
            <span className="ws-mark ws-mark-sm">{[...w.name][0]?.toUpperCase()}</span>
            <span className="menu-item-main">
              <span>{w.name}</span>
              <span className="muted small">{t(`workspace.roles.${w.role}`)}</span>
            </span>
            {w.isDemo ? <DemoBadge /> : null}
            {w.id === workspace.id ? <Icon name="check" size={14} /> : null}
          </button>
        ))
      }
    </Menu>
  );
}

export function LanguageSwitcher({ testId = 'lang' }: { testId?: string }) {
  const { t, i18n } = useTranslation();
  return (
    <Segmented
      label={t('lang.label')}
      testId={testId}
      value={asLanguage(i18n.language)}
      options={LANGUAGES.map((value) => ({ value, label: t(`lang.${value}`) }))}
      onChange={(lng) => void i18n.changeLanguage(lng)}
    />
  );
}

function UserMenu() {
  const { t } = useTranslation();
  const { me, logout } = useSession();
  const navigate = useNavigate();
  if (!me) return null;
  return (
    <Menu label={me.user.email} align="right" testId="user-menu" button={<Avatar name={me.user.name || me.user.email} seed={me.user.id} size={30} />}>
      {(close) => (
        <>
          <div className="menu-note">
            <span className="muted small">{t('auth.signedInAs')}</span>
            <strong>{me.user.name}</strong>
            <span className="muted small">{me.user.email}</span>
          </div>
          <button
            type="button"
            className="menu-item"
            onClick={() => {
              close();
              navigate('/settings');
            }}
          >
            <Icon name="settings" size={16} /> {t('nav.settings')}
          </button>
          <button
            type="button"
            className="menu-item"
            data-testid="logout"
            onClick={() => {
              close();
              void logout().finally(() => navigate('/login'));
            }}
          >
            <Icon name="logout" size={16} /> {t('auth.logout')}
          </button>
        </>
      )}
    </Menu>
  );
}

export function Header({ onOpenMenu }: { onOpenMenu: () => void }) {
  const { t } = useTranslation();
  const { workspace } = useSession();
  return (
    <header className="topbar">
      <button type="button" className="btn btn-ghost topbar-menu" onClick={onOpenMenu} aria-label={t('nav.openMenu')}>
        <Icon name="menu" size={20} />
      </button>
      <WorkspaceSwitcher />
      {workspace?.isDemo ? <DemoBadge /> : null}
      {workspace?.sandbox ? <SandboxBadge /> : null}
      <div className="topbar-spacer" />
      <LanguageSwitcher />
      <UserMenu />
    </header>
  );
}
