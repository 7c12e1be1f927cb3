import { useTranslation } from 'react-i18next';
import { en } from '../../i18n/en';
import { hasTextIn } from '../../i18n/codes';
import { Icon } from '../Icon';
import type { Issue } from './flow';

const isIssueCode = hasTextIn(en.journeys.issues);

/**
 * An issue as the server words it: in the dashboard's language (the API answers in the language the
 * dashboard asks for), naming the step and what is wrong with it. Only an issue that came without
 * words (issuesOf then gives its code) is told by our text for its code.
 */
export function useIssueText(): (issue: Issue) => string {
  const { t } = useTranslation();
  return (issue) => (issue.message === issue.code && issue.code !== 'general' && isIssueCode(issue.code) ? t(`journeys.issues.${issue.code}`) : issue.message);
}

/** Every publish issue, each naming its step; clicking one selects the step on the canvas. */
export function IssueList({ issues, onSelect }: { issues: Issue[]; onSelect: (nodeId: string | null) => void }) {
  const { t } = useTranslation();
  const text = useIssueText();
  if (issues.length === 0) return null;
  return (
    <section className="card jissues" role="alert" data-testid="journey-issues">
      <h3 className="card-title">
        <Icon name="alert" size={16} /> {t('journeys.builder.issuesTitle')} · {t('journeys.builder.issuesCount', { count: issues.length })}
      </h3>
      <ul>
        {issues.map((issue, i) => (
          <li key={i} data-testid="journey-issue" data-code={issue.code}>
            <button type="button" className="link-btn" onClick={() => onSelect(issue.nodeId ?? null)}>
              <code>{issue.nodeId ?? issue.path}</code>
            </button>{' '}
            {text(issue)}
          </li>
        ))}
      </ul>
    </section>
  );
}
