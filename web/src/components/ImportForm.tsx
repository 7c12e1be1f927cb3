import { useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportJob, ImportKind, ImportMode } from '../../../src/imports/import.schema';
import { asApiError, type ApiError } from '../api';
import type { Endpoints } from '../endpoints';
import { useFormat } from '../format';
import { ProgressBar } from './Controls';
import { Icon, type IconName } from './Icon';
import { InlineError, Spinner } from './States';

export const KINDS: readonly ImportKind[] = ['profiles', 'orders', 'catalog'];
const MODES: readonly ImportMode[] = ['valid_rows', 'all_or_nothing'];
const KIND_ICON: Record<ImportKind, IconName> = { profiles: 'customers', orders: 'cart', catalog: 'catalog' };

/** The columns each import understands, as documented for users (the server is the authority). */
const COLUMNS: Record<ImportKind, string[]> = {
  profiles: ['user_id', 'email', 'phone', 'anonymous_id', 'first_name', 'last_name', 'name', '…'],
  orders: ['order_id', 'user_id | email', 'placed_at', 'currency', 'product_id', 'quantity', 'price'],
  catalog: ['id', 'name', 'name_zh', 'name_en', 'description', 'category', 'subcategory', 'price', 'currency', 'in_stock', 'language', 'url', 'image_url', 'brand'],
};

/** A header and one example row, so a user can start from a file that imports cleanly. */
const TEMPLATES: Record<ImportKind, string> = {
  profiles: 'user_id,email,phone,anonymous_id,first_name,last_name,name,plan,city\nu_1001,li.na@example.com,+8613800000000,,Na,Li,李娜,pro,Shanghai\n',
  orders: 'order_id,user_id,email,placed_at,currency,product_id,quantity,price\no_5001,u_1001,,2025-01-15T10:30:00Z,CNY,sku_42,2,199.00\n',
  catalog:
    'id,name,name_zh,name_en,description,category,subcategory,price,currency,in_stock,language,url,image_url,brand\n' +
    'sku_42,无线蓝牙耳机,无线蓝牙耳机,Wireless earbuds,降噪入耳式耳机,Electronics,Audio,199.00,CNY,true,zh,https://shop.example.com/p/sku_42,,Acme\n',
};

function downloadTemplate(kind: ImportKind): void {
  // A BOM makes Excel open the UTF-8 Chinese text correctly.
  const url = URL.createObjectURL(new Blob(['\ufeff', TEMPLATES[kind]], { type: 'text/csv;charset=utf-8' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: `nudge-${kind}-template.csv` });
  a.click();
  URL.revokeObjectURL(url);
}

/** Choose kind, mode and file, then upload with a progress bar; reports the created job. */
export function ImportForm({ api, initialKind, onStarted }: { api: Endpoints; initialKind: ImportKind; onStarted: (job: ImportJob) => void }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const [kind, setKind] = useState<ImportKind>(initialKind);
  const [mode, setMode] = useState<ImportMode>('valid_rows');
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const abort = useRef<AbortController | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const dropped = e.dataTransfer.files[0];
    if (dropped) setFile(dropped);
  };

  const start = async () => {
    if (!file) return;
    abort.current = new AbortController();
    setError(null);
    setProgress(0);
    try {
      const job = await api.startImport({ kind, mode, fileName: file.name }, file, setProgress, abort.current.signal);
      setFile(null);
      onStarted(job);
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'AbortError')) {
        setError(asApiError(e));
      }
    } finally {
      setProgress(null);
      abort.current = null;
    }
  };

  const uploading = progress !== null;
  return (
    <section className="card import-form" data-testid="import-form">
      <h3 className="card-title">{t('import.step1')}</h3>
      <div className="choice-grid" role="radiogroup">
        {KINDS.map((k) => (
          <button key={k} type="button" role="radio" aria-checked={k === kind} disabled={uploading}
            className={`choice${k === kind ? ' is-active' : ''}`} onClick={() => setKind(k)} data-testid={`import-kind-${k}`}>
            <Icon name={KIND_ICON[k]} size={20} />
            <strong>{t(`import.kinds.${k}.title`)}</strong>
            <span className="muted small">{t(`import.kinds.${k}.body`)}</span>
          </button>
        ))}
      </div>
      <div className="columns-box">
        <div className="columns-head">
          <span className="muted small">{t('import.columns')}</span>
          <button type="button" className="link-btn small" onClick={() => downloadTemplate(kind)}>
            <Icon name="download" size={14} /> {t('import.downloadTemplate')}
          </button>
        </div>
        <code className="columns" data-testid="import-columns">{COLUMNS[kind].join(', ')}</code>
        <p className="muted small">{t(`import.columnsNote.${kind}`)}</p>
      </div>

      <h3 className="card-title">{t('import.step2')}</h3>
      <div className="mode-list" role="radiogroup">
        {MODES.map((m) => (
          <label key={m} className={`mode${m === mode ? ' is-active' : ''}`}>
            <input type="radio" name="mode" value={m} checked={m === mode} disabled={uploading} onChange={() => setMode(m)} />
            <span>
              <strong>{t(`import.modes.${m}.title`)}</strong>
              <span className="muted small">{t(`import.modes.${m}.body`)}</span>
            </span>
          </label>
        ))}
      </div>

      <h3 className="card-title">{t('import.step3')}</h3>
      <div
        className={`dropzone${dragging ? ' is-dragging' : ''}${file ? ' has-file' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <input ref={input} type="file" accept=".csv,text/csv" hidden data-testid="import-file"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        {file ? (
          <div className="file-chosen">
            <Icon name="file" size={22} />
            <div>
              <strong>{file.name}</strong>
              <div className="muted small">{fmt.bytes(file.size)}</div>
            </div>
            {!uploading ? (
              <button type="button" className="link-btn small" onClick={() => input.current?.click()}>{t('import.file.change')}</button>
            ) : null}
          </div>
        ) : (
          <div className="drop-hint">
            <Icon name="import" size={22} />
            <span>
              {t('import.file.drop')}{' '}
              <button type="button" className="link-btn" onClick={() => input.current?.click()}>{t('import.file.browse')}</button>
            </span>
            <span className="muted small">{t('import.file.limitHint')}</span>
          </div>
        )}
      </div>

      {error ? <InlineError error={error} /> : null}
      {uploading ? (
        <div className="upload-progress" data-testid="upload-progress">
          <div className="row-between small">
            <span><Spinner small /> {t('import.uploading', { percent: Math.round(progress * 100) })}</span>
            <button type="button" className="link-btn small" onClick={() => abort.current?.abort()}>{t('common.cancel')}</button>
          </div>
          <ProgressBar value={progress} />
        </div>
      ) : (
        <button type="button" className="btn btn-primary" disabled={!file} onClick={() => void start()} data-testid="import-start">
          <Icon name="import" size={16} /> {t('import.start')}
        </button>
      )}
    </section>
  );
}
