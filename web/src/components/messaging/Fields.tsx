import type { ReactNode } from 'react';
import type { FieldIssue } from './issues';

/**
 * The server's problems with one field, under it, each in the server's words: they are in the
 * dashboard's language (the API answers in the language the dashboard asks for) and name what is
 * wrong, as the journey builder shows its issues.
 */
export function IssueList({ issues, testId }: { issues: readonly FieldIssue[] | undefined; testId?: string }) {
  if (!issues?.length) return null;
  return (
    <ul className="field-issues" role="alert" data-testid={testId ?? 'field-issues'}>
      {issues.map((issue, i) => (
        <li key={i} data-testid="field-issue" data-code={issue.code}>
          {/* The server's words already say where (line and column). */}
          <span>{issue.message}</span>
          <code>{issue.code}</code>
        </li>
      ))}
    </ul>
  );
}

/** A labelled text input or textarea with its hint and inline issues. */
export function TextField({
  label,
  value,
  onChange,
  hint,
  issues,
  rows,
  code = false,
  placeholder,
  testId,
  wide = false,
  type = 'text',
  after,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  issues?: readonly FieldIssue[];
  /** A textarea of this many rows; an input when absent. */
  rows?: number;
  code?: boolean;
  placeholder?: string;
  testId?: string;
  wide?: boolean;
  type?: 'text' | 'password' | 'number' | 'url';
  after?: ReactNode;
}) {
  const className = `field${issues?.length ? ' has-error' : ''}${wide ? ' field-wide' : ''}`;
  return (
    <label className={className}>
      <span>{label}</span>
      {rows ? (
        <textarea value={value} rows={rows} onChange={(e) => onChange(e.target.value)} className={code ? 'code-input' : undefined} placeholder={placeholder} spellCheck={!code} data-testid={testId} />
      ) : (
        <input type={type} value={value} onChange={(e) => onChange(e.target.value)} className={code ? 'code-input' : undefined} placeholder={placeholder} data-testid={testId} autoComplete={type === 'password' ? 'new-password' : undefined} />
      )}
      {after}
      {hint ? <span className="field-hint">{hint}</span> : null}
      <IssueList issues={issues} testId={testId ? `${testId}-issues` : undefined} />
    </label>
  );
}
