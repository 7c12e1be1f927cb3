import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { SegmentDefinition, SegmentFieldCatalog, SegmentNode } from '../../../../src/segments/segment.schema';
import { useFormat } from '../../format';
import { createDescriber, type Describer } from './describe';

function Node({ node, describe }: { node: SegmentNode; describe: Describer }) {
  const { t } = useTranslation();
  switch (node.kind) {
    case 'and':
    case 'or':
      if (node.conditions.length === 0) return <span className="def-leaf">{t('segments.describe.everyone')}</span>;
      if (node.conditions.length === 1 && node.conditions[0]) return <Node node={node.conditions[0]} describe={describe} />;
      return (
        <div className={`def-group def-${node.kind}`}>
          <div className="def-head">{t(`segments.describe.${node.kind}`)}</div>
          <ul>
            {node.conditions.map((child, i) => (
              <li key={i}>
                <Node node={child} describe={describe} />
              </li>
            ))}
          </ul>
        </div>
      );
    case 'not':
      return (
        <div className="def-group def-not">
          <div className="def-head">{t('segments.describe.not')}</div>
          <ul>
            <li>
              <Node node={node.condition} describe={describe} />
            </li>
          </ul>
        </div>
      );
    default:
      return <span className="def-leaf">{describe.condition(node)}</span>;
  }
}

/** A segment's rules as readable sentences in the UI language, nested like the rule builder. */
export function DefinitionView({ definition, catalog }: { definition: SegmentDefinition; catalog: SegmentFieldCatalog | undefined }) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const describe = useMemo(() => createDescriber(t, fmt, catalog, i18n.language), [t, fmt, catalog, i18n.language]);
  return (
    <div className="definition-view" data-testid="segment-definition">
      <Node node={definition.root} describe={describe} />
    </div>
  );
}
