'use client';

import { useRouter } from 'next/navigation';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { IMPORT_CHUNK_BYTES, MAX_IMPORT_BYTES } from '@/lib/contacts/limits';
import { Button } from '../../../_components/ui/button';
import { Field } from '../../../_components/ui/field';
import { Input } from '../../../_components/ui/input';
import { beginImport, uploadImportChunk } from './actions';

/**
 * Sends the chosen CSV file to the server in slices of IMPORT_CHUNK_BYTES, one server action
 * each, so that neither the browser's request nor the server ever holds the whole file; then
 * opens the import's mapping step.
 */
export function UploadForm() {
  const t = useTranslations('contacts.import');
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const upload = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setError(null);
    if (file.size > MAX_IMPORT_BYTES) return setError(t('tooLarge', { mb: MAX_IMPORT_BYTES / 1024 / 1024 }));
    setSent(0);
    const begun = await beginImport({ name: file.name, size: file.size });
    if (!begun.ok) {
      setSent(null);
      return setError(begun.message);
    }
    for (let seq = 0; seq * IMPORT_CHUNK_BYTES < file.size; seq++) {
      const data = new FormData();
      data.set('id', begun.id);
      data.set('seq', String(seq));
      data.set('chunk', file.slice(seq * IMPORT_CHUNK_BYTES, (seq + 1) * IMPORT_CHUNK_BYTES), 'chunk');
      const result = await uploadImportChunk(null, data);
      if (!result.ok) {
        setSent(null);
        return setError(result.message);
      }
      setSent(Math.min(file.size, (seq + 1) * IMPORT_CHUNK_BYTES));
    }
    router.push(`/contacts/import/${begun.id}`);
  };

  const percent = file && sent !== null ? Math.round((sent / file.size) * 100) : 0;
  return (
    <form onSubmit={upload} className="space-y-3">
      <Field id="import-file" label={t('file')} help={t('fileHelp', { mb: MAX_IMPORT_BYTES / 1024 / 1024 })} errors={error}>
        {(control) => (
          <Input {...control} type="file" accept=".csv,.txt,text/csv,text/plain" required disabled={sent !== null} onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        )}
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={!file || sent !== null}>
          {sent !== null ? t('uploading', { percent }) : t('upload')}
        </Button>
        {sent !== null ? (
          <progress max={100} value={percent} aria-label={t('uploadProgress')} className="h-2 w-48 accent-brand-600">
            {percent}%
          </progress>
        ) : null}
      </div>
    </form>
  );
}
