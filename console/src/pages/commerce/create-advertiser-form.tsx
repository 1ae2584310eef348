import { useState, type FormEvent } from 'react';
import { api, projectPath } from '../../api/client';
import { useAction } from '../../api/use-api';
import { ErrorBox } from '../../ui/error-box';
import type { Advertiser } from './types';

/**
 * Creates an advertiser: an id, a display name and the catalogue brand whose
 * products it may promote. Only an ads manager may; anyone else sees the API's
 * 403, which names the permission and the role that grants it.
 */
export function CreateAdvertiserForm({ project, onCreated }: { project: string; onCreated: (a: Advertiser) => void }) {
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [brand, setBrand] = useState('');
  const [done, setDone] = useState('');
  const action = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone('');
    const created = await action.run(() => api<Advertiser>('POST', projectPath(project, 'advertisers'), {
      body: { name: name.trim(), brand: brand.trim(), ...(displayName.trim() ? { displayName: displayName.trim() } : {}) },
    }));
    if (!created) return;
    setDone(`Created advertiser ${created.advertiserId} for brand ${created.brand}.`);
    setName('');
    setDisplayName('');
    setBrand('');
    onCreated(created);
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Create an advertiser">
      <div className="field">
        <label htmlFor="adv-name">Id</label>
        <input id="adv-name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="velvetine" aria-describedby="adv-name-help" />
        <span id="adv-name-help" className="muted hint">Lower-case letters, digits, hyphens.</span>
      </div>
      <div className="field">
        <label htmlFor="adv-display">Display name (optional)</label>
        <input id="adv-display" maxLength={200} value={displayName} onChange={(e) => setDisplayName(e.target.value)} placeholder="Velvetine" />
      </div>
      <div className="field">
        <label htmlFor="adv-brand">Brand</label>
        <input id="adv-brand" required maxLength={256} value={brand} onChange={(e) => setBrand(e.target.value)} placeholder="Velvetine" aria-describedby="adv-brand-help" />
        <span id="adv-brand-help" className="muted hint">The catalogue brand whose products it may promote.</span>
      </div>
      <div className="field submit"><button type="submit" disabled={action.busy}>{action.busy ? 'Creating…' : 'Create advertiser'}</button></div>
      <div className="form-feedback">
        <ErrorBox error={action.error} onDismiss={action.clear} />
        <p role="status" aria-live="polite" className="muted">{done}</p>
      </div>
    </form>
  );
}
