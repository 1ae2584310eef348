import { useEffect, useState, type FormEvent } from 'react';
import { api, projectPath } from '../../api/client';
import { useAction } from '../../api/use-api';
import { ErrorBox } from '../../ui/error-box';
import type { ModelVersion } from './types';
import { aliasesOf } from './use-versions';

/** The registry's alias rule (src/registry/names.ts): never mistakable for a version number. */
const ALIAS = /^[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]$/;

/**
 * "Move an alias": puts an alias (new or existing) on a version with
 * :mergeVersionAliases; the registry takes it off the version that had it in
 * the same transaction.
 */
export function AliasForm({ project, model, versions, initialVersion, onMoved }: {
  project: string; model: string; versions: readonly ModelVersion[]; initialVersion: string | undefined; onMoved: (message: string) => void;
}) {
  const [alias, setAlias] = useState('');
  const [target, setTarget] = useState(initialVersion ?? '');
  const [invalid, setInvalid] = useState<string>();
  const { run, busy, error, clear } = useAction();
  useEffect(() => { if (initialVersion) setTarget(initialVersion); }, [initialVersion]);
  const existing = aliasesOf(versions);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const name = alias.trim();
    if (!ALIAS.test(name)) {
      setInvalid('An alias is 2 to 128 characters: a lower-case letter first, then letters, digits or hyphens, ending with a lower-case letter or digit (so it can never be read as a version number).');
      return;
    }
    setInvalid(undefined);
    const from = versions.find((v) => v.versionAliases.includes(name));
    if (from?.versionId === target) {
      setInvalid(`${name} is already on v${target}.`);
      return;
    }
    const done = await run(() => api('POST', `${projectPath(project, 'models', encodeURIComponent(model), 'versions', target)}:mergeVersionAliases`, { body: { versionAliases: [name] } }));
    if (done) {
      setAlias('');
      onMoved(from ? `Moved alias ${name} from v${from.versionId} to v${target}.` : `Put new alias ${name} on v${target}.`);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Move an alias" noValidate>
      <div className="form-row">
        <div className="field">
          <label htmlFor="alias-name">Alias</label>
          <input id="alias-name" name="alias" list="alias-names" autoComplete="off" spellCheck={false} value={alias} required
            onChange={(e) => setAlias(e.target.value)} aria-describedby="alias-help" aria-invalid={invalid ? true : undefined} placeholder="champion" />
          <datalist id="alias-names">{existing.map((a) => <option key={a} value={a} />)}</datalist>
        </div>
        <div className="field">
          <label htmlFor="alias-target">Target version</label>
          <select id="alias-target" name="version" value={target} onChange={(e) => setTarget(e.target.value)}>
            {[...versions].reverse().map((v) => <option key={v.versionId} value={v.versionId}>v{v.versionId}{v.versionAliases.length ? ` (${v.versionAliases.join(', ')})` : ''}</option>)}
          </select>
        </div>
        <button type="submit" disabled={busy || versions.length === 0}>{busy ? 'Moving…' : 'Move alias'}</button>
      </div>
      <p id="alias-help" className="hint">An existing alias moves from the version that has it; a new one is added. Deployed endpoints keep the version they resolved at deploy.</p>
      {invalid ? <p className="error-box" role="alert">{invalid}</p> : null}
      <ErrorBox error={error} onDismiss={clear} />
    </form>
  );
}
