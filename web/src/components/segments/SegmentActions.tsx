import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import type { Segment } from '../../../../src/segments/segment.schema';
import { asApiError, type ApiError } from '../../api';
import { useWorkspace } from '../../session';
import { Icon } from '../Icon';
import { InlineError, Spinner } from '../States';

/** A file name for the export: the segment's name without characters file systems dislike. */
const fileName = (name: string) => `${name.replace(/[\\/:*?"<>|]+/g, ' ').trim() || 'segment'}.csv`;

/** Edit, export the members as CSV, delete (with a second click to confirm). */
export function SegmentActions({ segment }: { segment: Segment }) {
  const { t } = useTranslation();
  const { api } = useWorkspace();
  const navigate = useNavigate();
  const [busy, setBusy] = useState<'export' | 'delete' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<ApiError>();

  const exportCsv = async () => {
    setBusy('export');
    setError(undefined);
    try {
      // Fetched rather than linked so the workspace header and session go with it.
      const blob = await api.segmentMembersCsv(segment.id);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName(segment.name);
      document.body.append(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(null);
    }
  };

  const remove = async () => {
    setBusy('delete');
    setError(undefined);
    try {
      await api.deleteSegment(segment.id);
      navigate('/segments');
    } catch (e) {
      setError(asApiError(e));
      setBusy(null);
      setConfirming(false);
    }
  };

  return (
    <div className="segment-actions">
      <div className="page-actions">
        <Link className="btn" to={`/segments/${encodeURIComponent(segment.id)}/edit`} data-testid="segment-edit">
          {t('segments.detail.edit')}
        </Link>
        <button type="button" className="btn" onClick={() => void exportCsv()} disabled={busy !== null} data-testid="segment-export">
          {busy === 'export' ? <Spinner small /> : <Icon name="download" size={14} />} {t('segments.detail.export')}
        </button>
        {confirming ? (
          <>
            <button type="button" className="btn btn-danger" onClick={() => void remove()} disabled={busy !== null} data-testid="segment-delete-confirm">
              {busy === 'delete' ? <Spinner small /> : null} {t('segments.detail.confirmDelete')}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </>
        ) : (
          <button type="button" className="btn btn-ghost btn-danger-text" onClick={() => setConfirming(true)} data-testid="segment-delete">
            {t('segments.detail.delete')}
          </button>
        )}
      </div>
      {error ? <InlineError error={error} /> : null}
    </div>
  );
}
