import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SegmentDefinition } from '../../../../src/segments/segment.schema';
import { Icon } from '../Icon';
import { parseDefinition, ShapeError } from './normalize';

/**
 * The definition document as JSON. Edits apply to the builder as soon as the text parses and has
 * a tree the builder can show; until then the builder (and the preview) keep the last good one.
 */
export function JsonEditor({ definition, onChange }: { definition: SegmentDefinition; onChange: (d: SegmentDefinition) => void }) {
  const { t } = useTranslation();
  // Mounted fresh each time the tab opens, so it starts from the builder's current definition.
  const [text, setText] = useState(() => JSON.stringify(definition, null, 2));
  const [problem, setProblem] = useState<string | null>(null);

  const edit = (next: string) => {
    setText(next);
    try {
      onChange(parseDefinition(next));
      setProblem(null);
    } catch (e) {
      if (e instanceof ShapeError) setProblem(t('segments.json.shape', { path: e.path || '/', message: e.message }));
      else setProblem(t('segments.json.syntax', { message: e instanceof Error ? e.message : String(e) }));
    }
  };

  return (
    <div className="json-editor">
      <p className="muted small">{t('segments.json.hint')}</p>
      <textarea
        className={`input code-input${problem ? ' is-invalid' : ''}`}
        value={text}
        spellCheck={false}
        aria-label={t('segments.editor.json')}
        onChange={(e) => edit(e.target.value)}
        rows={Math.min(32, Math.max(12, text.split('\n').length + 1))}
        data-testid="segment-json"
      />
      {problem ? (
        <div className="node-error" role="alert" data-testid="json-error">
          <Icon name="alert" size={14} /> <span>{problem}</span>
        </div>
      ) : null}
    </div>
  );
}
