// A form for a new simulated user: name, optional username, language and Telegram id.

import { useState, type FormEvent, type ReactNode } from 'react';
import type { SandboxUser } from '../api/sandbox-config.ts';
import { Dialog } from './Dialog.tsx';

/** Props of {@link AddUserDialog}. */
export interface AddUserDialogProps {
  locales: string[];
  takenIds: number[];
  onAdd(user: SandboxUser): Promise<void>;
  onClose(): void;
}

/** The "New user" dialog. */
export function AddUserDialog({ locales, takenIds, onAdd, onClose }: AddUserDialogProps): ReactNode {
  const suggestedId = Math.max(1001, ...takenIds) + 1;
  const [firstName, setFirstName] = useState('');
  const [lastName, setLastName] = useState('');
  const [username, setUsername] = useState('');
  const [language, setLanguage] = useState(locales[0] ?? 'en');
  const [id, setId] = useState(String(suggestedId));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const numericId = Number(id);
    if (!Number.isSafeInteger(numericId) || numericId <= 0) return setError('The id must be a positive whole number.');
    if (takenIds.includes(numericId)) return setError(`User ${numericId} already exists.`);
    if (username && !/^[A-Za-z]\w{4,31}$/.test(username)) return setError('A username has 5–32 letters, digits or _, starting with a letter.');
    setSaving(true);
    try {
      await onAdd({
        id: numericId,
        first_name: firstName.trim(),
        language_code: language,
        ...(lastName.trim() ? { last_name: lastName.trim() } : {}),
        ...(username ? { username } : {}),
      });
      onClose();
    } catch (caught) {
      setError((caught as Error).message);
      setSaving(false);
    }
  };

  return (
    <Dialog title="New user" onClose={onClose}>
      <form className="form" onSubmit={(event) => void submit(event)}>
        <label>
          First name
          <input required maxLength={64} value={firstName} onChange={(event) => setFirstName(event.target.value)} autoFocus />
        </label>
        <label>
          <span>
            Last name <span className="optional">(optional)</span>
          </span>
          <input maxLength={64} value={lastName} onChange={(event) => setLastName(event.target.value)} />
        </label>
        <label>
          <span>
            Username <span className="optional">(optional)</span>
          </span>
          <input value={username} onChange={(event) => setUsername(event.target.value.replace(/^@/, ''))} placeholder="without @" />
        </label>
        <div className="form-row">
          <label>
            Language
            <select value={language} onChange={(event) => setLanguage(event.target.value)}>
              {[...new Set([...locales, 'en', 'ru', 'kk', 'uk', 'de'])].map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </select>
          </label>
          <label>
            Telegram id
            <input inputMode="numeric" value={id} onChange={(event) => setId(event.target.value.replace(/\D/g, ''))} />
          </label>
        </div>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="text-button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="text-button is-primary" disabled={saving || !firstName.trim()}>
            Add user
          </button>
        </div>
      </form>
    </Dialog>
  );
}
